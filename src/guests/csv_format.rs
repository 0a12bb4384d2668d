//! The guest list CSV that departments send, and the export that goes back to them.
//!
//! Reading is three steps, all pure:
//! 1. [`decode`] turns the uploaded bytes into text: UTF-8 (with or without BOM) or GB18030/GBK
//!    (what Excel on a Chinese Windows saves), and refuses PDFs, Excel workbooks and other
//!    binaries with a message that says what to do instead.
//! 2. [`parse`] maps the header (English codes or Chinese names, any order, see [`Column`]) and
//!    checks every row, collecting **every** problem as a [`RowError`] with its line (line 1 is
//!    the header; a record spanning lines is reported at the line where it starts) and column.
//!    Only problems with the file as a whole are a [`FileError`].
//! 3. The caller decides: the import is all or nothing, so any `RowError` means nothing is written.
//!
//! [`write_csv`] writes the same 26 columns (UTF-8 with BOM and CRLF, as Excel wants), and
//! `parse(decode(write_csv(x)))` gives `x` back, so a department can export, edit and re-import.
//! ID numbers are written as the record holds them: masking is the caller's job, and a masked
//! number read back is kept as-is for the caller to match with `id_number::masked_matches`.
//!
//! Exports are opened in Excel, so a text cell starting with `=`, `+`, `-` or `@` (a formula to
//! Excel) is written with a leading `'`, and [`parse`] takes that `'` off again.

use std::collections::HashMap;
use std::fmt;

use chrono::{NaiveDate, NaiveDateTime, Timelike};
use csv::StringRecord;

use crate::guests::fields::{parse_bool_yes_no, Category, Gender, IdType, Language, TravelMode};
use crate::guests::id_number;
use crate::i18n::Lang;

/// Columns a file may have (the format has 30-odd; Excel adds a few empty ones). A wider header
/// or row is refused at once, so that a file's shape bounds the work it costs.
pub const MAX_COLUMNS: usize = 200;

/// Problems listed in a report; the rest are counted ("and N more").
pub const MAX_LISTED_ERRORS: usize = 100;

/// A message in both languages; the caller renders the one the user reads.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Msg {
    /// Chinese text.
    pub zh: String,
    /// English text.
    pub en: String,
}

impl Msg {
    /// A message from its Chinese and English texts.
    pub fn new(zh: impl Into<String>, en: impl Into<String>) -> Self {
        Msg {
            zh: zh.into(),
            en: en.into(),
        }
    }

    /// The text in `lang`.
    pub fn render(&self, lang: Lang) -> &str {
        match lang {
            Lang::Zh => &self.zh,
            Lang::En => &self.en,
        }
    }
}

/// One column of the guest list, in the order exports write them.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum Column {
    /// `ref` 编号 — the department's own reference for the guest (required).
    Ref,
    /// `name` 姓名 (required).
    Name,
    /// `name_latin` 英文名.
    NameLatin,
    /// `category` 类别.
    Category,
    /// `gender` 性别.
    Gender,
    /// `department` 邀请部门 — the inviting department (required).
    Department,
    /// `delegation` 代表团.
    Delegation,
    /// `organization` 工作单位.
    Organization,
    /// `id_type` 证件类型.
    IdType,
    /// `id_number` 证件号码.
    IdNumber,
    /// `phone` 手机.
    Phone,
    /// `email` 邮箱.
    Email,
    /// `language` 语言.
    Language,
    /// `halal` 清真.
    Halal,
    /// `accessible` 无障碍: needs an accessible room.
    Accessible,
    /// `diet` 特殊饮食.
    Diet,
    /// `arrival_mode` 抵达方式.
    ArrivalMode,
    /// `arrival_no` 抵达航班车次.
    ArrivalNo,
    /// `arrival_hub` 抵达机场车站.
    ArrivalHub,
    /// `arrival_time` 抵达时间.
    ArrivalTime,
    /// `departure_mode` 离开方式.
    DepartureMode,
    /// `departure_no` 离开航班车次.
    DepartureNo,
    /// `departure_hub` 离开机场车站.
    DepartureHub,
    /// `departure_time` 离开时间.
    DepartureTime,
    /// `stay_from` 入住日期.
    StayFrom,
    /// `stay_to` 离店日期.
    StayTo,
    /// `notes` 备注.
    Notes,
}

impl Column {
    /// Every column, in export order.
    pub const ALL: [Column; 27] = [
        Column::Ref,
        Column::Name,
        Column::NameLatin,
        Column::Category,
        Column::Gender,
        Column::Department,
        Column::Delegation,
        Column::Organization,
        Column::IdType,
        Column::IdNumber,
        Column::Phone,
        Column::Email,
        Column::Language,
        Column::Halal,
        Column::Accessible,
        Column::Diet,
        Column::ArrivalMode,
        Column::ArrivalNo,
        Column::ArrivalHub,
        Column::ArrivalTime,
        Column::DepartureMode,
        Column::DepartureNo,
        Column::DepartureHub,
        Column::DepartureTime,
        Column::StayFrom,
        Column::StayTo,
        Column::Notes,
    ];

    /// The columns a file must have.
    pub const REQUIRED: [Column; 3] = [Column::Ref, Column::Name, Column::Department];

    /// The English header (the snake code, e.g. `arrival_time`).
    pub fn en(self) -> &'static str {
        match self {
            Column::Ref => "ref",
            Column::Name => "name",
            Column::NameLatin => "name_latin",
            Column::Category => "category",
            Column::Gender => "gender",
            Column::Department => "department",
            Column::Delegation => "delegation",
            Column::Organization => "organization",
            Column::IdType => "id_type",
            Column::IdNumber => "id_number",
            Column::Phone => "phone",
            Column::Email => "email",
            Column::Language => "language",
            Column::Halal => "halal",
            Column::Accessible => "accessible",
            Column::Diet => "diet",
            Column::ArrivalMode => "arrival_mode",
            Column::ArrivalNo => "arrival_no",
            Column::ArrivalHub => "arrival_hub",
            Column::ArrivalTime => "arrival_time",
            Column::DepartureMode => "departure_mode",
            Column::DepartureNo => "departure_no",
            Column::DepartureHub => "departure_hub",
            Column::DepartureTime => "departure_time",
            Column::StayFrom => "stay_from",
            Column::StayTo => "stay_to",
            Column::Notes => "notes",
        }
    }

    /// The Chinese header (e.g. `抵达时间`).
    pub fn zh(self) -> &'static str {
        match self {
            Column::Ref => "编号",
            Column::Name => "姓名",
            Column::NameLatin => "英文名",
            Column::Category => "类别",
            Column::Gender => "性别",
            Column::Department => "邀请部门",
            Column::Delegation => "代表团",
            Column::Organization => "工作单位",
            Column::IdType => "证件类型",
            Column::IdNumber => "证件号码",
            Column::Phone => "手机",
            Column::Email => "邮箱",
            Column::Language => "语言",
            Column::Halal => "清真",
            Column::Accessible => "无障碍",
            Column::Diet => "特殊饮食",
            Column::ArrivalMode => "抵达方式",
            Column::ArrivalNo => "抵达航班车次",
            Column::ArrivalHub => "抵达机场车站",
            Column::ArrivalTime => "抵达时间",
            Column::DepartureMode => "离开方式",
            Column::DepartureNo => "离开航班车次",
            Column::DepartureHub => "离开机场车站",
            Column::DepartureTime => "离开时间",
            Column::StayFrom => "入住日期",
            Column::StayTo => "离店日期",
            Column::Notes => "备注",
        }
    }

    /// The header in `lang`.
    pub fn header(self, lang: Lang) -> &'static str {
        match lang {
            Lang::Zh => self.zh(),
            Lang::En => self.en(),
        }
    }

    /// Whether every row must fill this column.
    pub fn is_required(self) -> bool {
        Column::REQUIRED.contains(&self)
    }

    /// Reads a header cell in either language. Ignores a BOM, surrounding spaces and the `*`
    /// templates put on required columns (`*姓名`); English is case-insensitive and may use
    /// spaces or hyphens for underscores (`Arrival Time`).
    pub fn from_header(header: &str) -> Option<Column> {
        let cleaned = clean_header(header);
        let folded: String = cleaned
            .chars()
            .map(|c| match c {
                ' ' | '-' => '_',
                _ => c.to_ascii_lowercase(),
            })
            .collect();
        Column::ALL
            .into_iter()
            .find(|c| c.en() == folded || c.zh() == cleaned)
    }

    /// The position in [`Column::ALL`].
    fn index(self) -> usize {
        self as usize
    }
}

/// A header cell without BOM, surrounding spaces or required-column stars.
fn clean_header(header: &str) -> &str {
    header
        .trim_start_matches('\u{feff}')
        .trim()
        .trim_matches(['*', '＊'])
        .trim()
}

/// What a refused upload looks like instead of CSV text.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum BinaryKind {
    /// Starts with `%PDF`.
    Pdf,
    /// A zip archive (`PK\x03\x04`), which is what an `.xlsx` workbook is.
    Xlsx,
    /// An OLE compound file (`D0 CF 11 E0`): a legacy `.xls` workbook.
    Xls,
    /// Text with a UTF-16 byte order mark (Excel's "Unicode Text", tab separated).
    Utf16,
    /// NUL bytes near the start: some other binary file.
    Binary,
}

/// A problem with the file as a whole: nothing in it can be imported.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FileError {
    /// No bytes, or only whitespace and a BOM.
    Empty,
    /// Not a text file; says what it looks like.
    NotCsv(BinaryKind),
    /// Neither valid UTF-8 nor valid GB18030.
    UnknownEncoding,
    /// Header cells that are no known column, as written in the file.
    UnknownColumns(Vec<String>),
    /// Columns whose header appears more than once (in either language).
    DuplicateColumns(Vec<Column>),
    /// Required columns the header lacks.
    MissingColumns(Vec<Column>),
    /// More columns than [`MAX_COLUMNS`] (the count found).
    TooManyColumns(usize),
    /// The CSV reader gave up at this line.
    Malformed {
        /// The line where reading failed (0 when unknown).
        line: u64,
        /// The reader's own words (English).
        detail: String,
    },
}

impl FileError {
    /// The message in the caller's language.
    pub fn message(&self, lang: Lang) -> String {
        let zh = matches!(lang, Lang::Zh);
        let pick = |z: &str, e: &str| if zh { z.to_string() } else { e.to_string() };
        match self {
            FileError::Empty => pick("文件是空的", "the file is empty"),
            FileError::NotCsv(BinaryKind::Pdf) => pick(
                "这是PDF文件，不是CSV；请导出为CSV",
                "this looks like a PDF file, not CSV; export the list as CSV",
            ),
            FileError::NotCsv(BinaryKind::Xlsx) => pick(
                "这像是Excel工作簿（.xlsx）；请另存为CSV",
                "this looks like an Excel workbook (.xlsx); save it as CSV",
            ),
            FileError::NotCsv(BinaryKind::Xls) => pick(
                "这像是旧版Excel工作簿（.xls）；请另存为CSV",
                "this looks like an old Excel workbook (.xls); save it as CSV",
            ),
            FileError::NotCsv(BinaryKind::Utf16) => pick(
                "这是UTF-16文本（Excel的“Unicode文本”）；请另存为“CSV UTF-8”",
                "this is UTF-16 text (Excel's \"Unicode Text\"); save it as \"CSV UTF-8\"",
            ),
            FileError::NotCsv(BinaryKind::Binary) => pick(
                "这不是文本文件；请上传CSV",
                "this is a binary file, not CSV text",
            ),
            FileError::UnknownEncoding => pick(
                "无法识别文件编码（应为UTF-8或GB18030/GBK）",
                "the text encoding is neither UTF-8 nor GB18030/GBK",
            ),
            FileError::UnknownColumns(names) => {
                if zh {
                    let list: Vec<String> = names.iter().map(|n| format!("“{n}”")).collect();
                    format!("无法识别的列：{}", list.join("、"))
                } else {
                    let list: Vec<String> = names.iter().map(|n| format!("\"{n}\"")).collect();
                    format!("unknown columns: {}", list.join(", "))
                }
            }
            FileError::DuplicateColumns(cols) => {
                if zh {
                    format!("列重复：{}", join_headers(cols, Lang::Zh))
                } else {
                    format!("columns given twice: {}", join_headers(cols, Lang::En))
                }
            }
            FileError::MissingColumns(cols) => {
                if zh {
                    format!("缺少必填列：{}", join_headers(cols, Lang::Zh))
                } else {
                    format!("required columns missing: {}", join_headers(cols, Lang::En))
                }
            }
            FileError::TooManyColumns(n) => {
                if zh {
                    format!("表头有{n}列，最多{MAX_COLUMNS}列")
                } else {
                    format!("the header has {n} columns; at most {MAX_COLUMNS} are allowed")
                }
            }
            FileError::Malformed { line, detail } => {
                if zh {
                    format!("第{line}行无法读取：{detail}")
                } else {
                    format!("line {line} cannot be read: {detail}")
                }
            }
        }
    }
}

impl fmt::Display for FileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message(Lang::En))
    }
}

impl std::error::Error for FileError {}

/// Column headers in `lang`, joined as a list.
fn join_headers(cols: &[Column], lang: Lang) -> String {
    let names: Vec<&str> = cols.iter().map(|c| c.header(lang)).collect();
    names.join(if lang == Lang::Zh { "、" } else { ", " })
}

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// How far into the file NUL bytes mark it as binary.
const SNIFF_LEN: usize = 8 * 1024;

/// What the bytes look like when they are clearly not CSV text.
fn sniff_binary(bytes: &[u8]) -> Option<BinaryKind> {
    if bytes.starts_with(b"%PDF") {
        Some(BinaryKind::Pdf)
    } else if bytes.starts_with(b"PK\x03\x04") {
        Some(BinaryKind::Xlsx)
    } else if bytes.starts_with(b"\xD0\xCF\x11\xE0") {
        Some(BinaryKind::Xls)
    } else if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        Some(BinaryKind::Utf16)
    } else if bytes.iter().take(SNIFF_LEN).any(|b| *b == 0) {
        Some(BinaryKind::Binary)
    } else {
        None
    }
}

/// Turns an uploaded file into text: UTF-8 (BOM removed) when it is valid UTF-8, otherwise
/// GB18030 (a superset of GBK and GB2312). Refuses empty files, binaries (saying what they look
/// like) and bytes that are neither encoding.
///
/// # Errors
/// [`FileError::Empty`], [`FileError::NotCsv`] or [`FileError::UnknownEncoding`].
pub fn decode(bytes: &[u8]) -> Result<String, FileError> {
    let body = bytes.strip_prefix(UTF8_BOM).unwrap_or(bytes);
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(FileError::Empty);
    }
    if let Some(kind) = sniff_binary(bytes) {
        return Err(FileError::NotCsv(kind));
    }
    let text = match std::str::from_utf8(body) {
        Ok(text) => text.to_string(),
        Err(_) => encoding_rs::GB18030
            .decode_without_bom_handling_and_without_replacement(body)
            .ok_or(FileError::UnknownEncoding)?
            .into_owned(),
    };
    // A GB18030 file may carry its own BOM (84 31 95 33), which decodes to U+FEFF.
    Ok(match text.strip_prefix('\u{feff}') {
        Some(rest) => rest.to_string(),
        None => text,
    })
}

/// A guest's arrival or departure, as the department wrote it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Travel {
    /// Flight, train or car.
    pub mode: Option<TravelMode>,
    /// Flight or train number (`3U8888`, `G8702`).
    pub number: Option<String>,
    /// Airport or station, as a hub code or name (`CTU`, `成都东站`).
    pub hub: Option<String>,
    /// Local event time; the caller converts it to UTC.
    pub time: Option<NaiveDateTime>,
}

/// One guest as read from (or written to) the CSV: text trimmed, empty cells `None`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GuestRecord {
    /// The department's reference, unique per department.
    pub ref_code: String,
    /// Name as printed on the badge.
    pub name: String,
    /// Name in Latin letters.
    pub name_latin: Option<String>,
    /// Guest category.
    pub category: Option<Category>,
    /// Gender.
    pub gender: Option<Gender>,
    /// Inviting department, by name.
    pub department: String,
    /// Delegation, by name.
    pub delegation: Option<String>,
    /// Employer.
    pub organization: Option<String>,
    /// ID document type; `ResidentId` is inferred when empty and the number has that shape.
    pub id_type: Option<IdType>,
    /// Normalized ID number, or a masked one (contains `*`) that the caller must not store.
    pub id_number: Option<String>,
    /// Phone number as written.
    pub phone: Option<String>,
    /// Email address.
    pub email: Option<String>,
    /// Language of notices; Chinese when empty.
    pub language: Language,
    /// Needs halal meals; `false` when empty.
    pub halal: bool,
    /// Needs an accessible room; `false` when empty.
    pub accessible: bool,
    /// Other dietary needs, free text.
    pub diet: Option<String>,
    /// How and when the guest arrives.
    pub arrival: Travel,
    /// How and when the guest leaves.
    pub departure: Travel,
    /// First night of lodging; `None` together with `stay_to` means no lodging.
    pub stay_from: Option<NaiveDate>,
    /// Check-out date, after `stay_from`.
    pub stay_to: Option<NaiveDate>,
    /// Free text.
    pub notes: Option<String>,
}

/// A row that passed every check.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParsedRow {
    /// The line where the row starts (line 1 is the header).
    pub line: u64,
    /// The guest it describes.
    pub record: GuestRecord,
}

/// One problem in one row, one field at a time.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RowError {
    /// The line where the row starts (line 1 is the header).
    pub line: u64,
    /// The column at fault, when it is one column.
    pub column: Option<Column>,
    /// What is wrong, in both languages.
    pub message: Msg,
}

/// The outcome of reading a file whose header is sound.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParsedFile {
    /// The columns the file has, in its order.
    pub columns: Vec<Column>,
    /// Rows without any error, in file order.
    pub rows: Vec<ParsedRow>,
    /// The first [`MAX_LISTED_ERRORS`] problems, in file order; a row with errors is not in
    /// `rows`.
    pub errors: Vec<RowError>,
    /// Problems found past those listed.
    pub omitted_errors: usize,
    /// Data rows with at least one problem.
    pub bad_rows: usize,
}

/// Reads the guest list. Line 1 is the header (English or Chinese names, any order; columns not
/// in the file take their defaults). Every row is checked and every bad field reported; wholly
/// empty rows are skipped. `today` bounds birth dates in resident ID numbers.
///
/// # Errors
/// A [`FileError`] only when the file as a whole is unusable: no header, or a header with
/// unknown, repeated or missing required columns. Bad rows are in [`ParsedFile::errors`].
pub fn parse(text: &str, today: NaiveDate) -> Result<ParsedFile, FileError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.trim().is_empty() {
        return Err(FileError::Empty);
    }
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut lines = LineCounter::new(text.as_bytes());
    let mut record = StringRecord::new();

    // The header is the first row with anything in it.
    loop {
        if !read_next(&mut reader, &mut record, &mut lines)? {
            return Err(FileError::Empty);
        }
        if !is_blank(&record) {
            break;
        }
    }
    let header = Header::read(&record)?;

    let mut rows = Vec::new();
    let mut errors = Vec::new();
    let (mut omitted_errors, mut bad_rows) = (0usize, 0usize);
    let mut first_line_of: HashMap<(String, String), u64> = HashMap::new();
    while read_next(&mut reader, &mut record, &mut lines)? {
        if is_blank(&record) {
            continue;
        }
        let line = lines.line_of(&record);
        let mut row = Row {
            record: &record,
            header: &header,
            line,
            errors: Vec::new(),
        };
        if let Some(guest) = row.read(today) {
            // A row with other errors still claims its ref, so the duplicate is reported too.
            let key = (guest.department.clone(), guest.ref_code.clone());
            let keyed = !key.0.is_empty() && !key.1.is_empty();
            if let Some(first) = first_line_of.get(&key).filter(|_| keyed) {
                row.fail(
                    Column::Ref,
                    Msg::new(
                        format!(
                            "编号“{}”在同一邀请部门中与第{first}行重复",
                            shown(&guest.ref_code)
                        ),
                        format!(
                            "ref \"{}\" repeats line {first} for the same department",
                            shown(&guest.ref_code)
                        ),
                    ),
                );
            } else if keyed {
                first_line_of.insert(key, line);
            }
            if row.errors.is_empty() {
                rows.push(ParsedRow {
                    line,
                    record: guest,
                });
            }
        }
        let mut row_errors = row.errors;
        if !row_errors.is_empty() {
            bad_rows += 1;
        }
        // Field errors in column order, row-wide ones (no column) first.
        row_errors.sort_by_key(|e| e.column.map(|c| c.index() + 1).unwrap_or(0));
        let room = MAX_LISTED_ERRORS.saturating_sub(errors.len());
        omitted_errors += row_errors.len().saturating_sub(room);
        errors.extend(row_errors.into_iter().take(room));
    }
    Ok(ParsedFile {
        columns: header.columns,
        rows,
        errors,
        omitted_errors,
        bad_rows,
    })
}

/// Reads the next record; `false` at the end of the text.
fn read_next(
    reader: &mut csv::Reader<&[u8]>,
    record: &mut StringRecord,
    lines: &mut LineCounter<'_>,
) -> Result<bool, FileError> {
    reader
        .read_record(record)
        .map_err(|e| FileError::Malformed {
            line: e
                .position()
                .map(|p| lines.line_at_record_start(p.byte()))
                .unwrap_or(0),
            detail: e.to_string(),
        })
}

/// Whether every field of the record is empty or whitespace.
fn is_blank(record: &StringRecord) -> bool {
    record.iter().all(|f| f.trim().is_empty())
}

/// Turns byte offsets into line numbers.
///
/// The csv crate's own `Position::line()` is taken before it skips the line break that ends the
/// previous record and any blank lines, so it points one line early on CRLF files. Here the
/// record's start is the first byte at or after its position that is not a line break, and the
/// line is counted from the text (`\r\n`, `\n` and a lone `\r` each end one line). Offsets only
/// move forward, so the whole file is counted once.
struct LineCounter<'a> {
    bytes: &'a [u8],
    offset: usize,
    line: u64,
}

impl<'a> LineCounter<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        LineCounter {
            bytes,
            offset: 0,
            line: 1,
        }
    }

    /// The line where the record starts.
    fn line_of(&mut self, record: &StringRecord) -> u64 {
        record
            .position()
            .map(|p| self.line_at_record_start(p.byte()))
            .unwrap_or(0)
    }

    /// The line of the first byte at or after `byte` that is not a line break.
    fn line_at_record_start(&mut self, byte: u64) -> u64 {
        let len = self.bytes.len();
        let mut start = usize::try_from(byte).unwrap_or(len).min(len);
        while matches!(self.bytes.get(start), Some(b'\r' | b'\n')) {
            start += 1;
        }
        while self.offset < start {
            let ends_line = match self.bytes.get(self.offset) {
                Some(b'\n') => true,
                Some(b'\r') => self.bytes.get(self.offset + 1) != Some(&b'\n'),
                _ => false,
            };
            if ends_line {
                self.line += 1;
            }
            self.offset += 1;
        }
        self.line
    }
}

/// The header row mapped to columns.
struct Header {
    /// The file's columns, in its order.
    columns: Vec<Column>,
    /// For each field position, its column; `None` for a header cell left empty.
    slots: Vec<Option<Column>>,
    /// For each column (by [`Column::index`]), its field position.
    position: [Option<usize>; Column::ALL.len()],
}

impl Header {
    fn read(record: &StringRecord) -> Result<Header, FileError> {
        if record.len() > MAX_COLUMNS {
            return Err(FileError::TooManyColumns(record.len()));
        }
        let mut columns = Vec::new();
        let mut slots = Vec::new();
        let mut position = [None; Column::ALL.len()];
        let mut unknown = Vec::new();
        let mut duplicate = Vec::new();
        for (i, cell) in record.iter().enumerate() {
            let cleaned = clean_header(cell);
            if cleaned.is_empty() {
                // Excel often leaves trailing header cells empty; values under them are refused.
                slots.push(None);
                continue;
            }
            match Column::from_header(cell) {
                None => {
                    unknown.push(cleaned.to_string());
                    slots.push(None);
                }
                Some(col) => {
                    if position[col.index()].is_some() {
                        if !duplicate.contains(&col) {
                            duplicate.push(col);
                        }
                    } else {
                        position[col.index()] = Some(i);
                        columns.push(col);
                    }
                    slots.push(Some(col));
                }
            }
        }
        if !unknown.is_empty() {
            return Err(FileError::UnknownColumns(unknown));
        }
        if !duplicate.is_empty() {
            return Err(FileError::DuplicateColumns(duplicate));
        }
        let missing: Vec<Column> = Column::REQUIRED
            .into_iter()
            .filter(|c| position[c.index()].is_none())
            .collect();
        if !missing.is_empty() {
            return Err(FileError::MissingColumns(missing));
        }
        Ok(Header {
            columns,
            slots,
            position,
        })
    }
}

/// A value as shown inside a message: at most 40 characters.
fn shown(value: &str) -> String {
    const MAX: usize = 40;
    if value.chars().count() <= MAX {
        value.to_string()
    } else {
        let head: String = value.chars().take(MAX).collect();
        format!("{head}…")
    }
}

/// One data row being checked.
struct Row<'a> {
    record: &'a StringRecord,
    header: &'a Header,
    line: u64,
    errors: Vec<RowError>,
}

impl Row<'_> {
    fn fail(&mut self, column: Column, message: Msg) {
        self.errors.push(RowError {
            line: self.line,
            column: Some(column),
            message,
        });
    }

    fn fail_row(&mut self, message: Msg) {
        self.errors.push(RowError {
            line: self.line,
            column: None,
            message,
        });
    }

    /// Every cell passes the API's text rule (`crate::http`): no control characters but tab
    /// and line breaks, and a length limit (notes are longer). `false` when one does not; the
    /// row's other checks would only repeat the problem.
    fn cells_are_text(&mut self) -> bool {
        let mut ok = true;
        for (i, cell) in self.record.iter().enumerate() {
            let column = self.header.slots.get(i).copied().flatten();
            let rule = crate::http::TextRule {
                multiline: true,
                ..crate::http::rule_for(column.map_or("", Column::en))
            };
            let (zh, en) = match crate::http::check_text(cell, rule) {
                Ok(()) => continue,
                Err(crate::http::TextProblem::Control) => (
                    "含有不允许的控制字符".to_string(),
                    "contains a control character, which is not allowed".to_string(),
                ),
                Err(crate::http::TextProblem::TooLong(max)) => (
                    format!("最多{max}个字符"),
                    format!("is at most {max} characters"),
                ),
            };
            ok = false;
            match column {
                Some(col) => self.fail(
                    col,
                    Msg::new(format!("{}{zh}", col.zh()), format!("{} {en}", col.en())),
                ),
                None => self.fail_row(Msg::new(
                    format!("第{}列{zh}", i + 1),
                    format!("column {} {en}", i + 1),
                )),
            }
        }
        ok
    }

    /// The trimmed cell, `None` when empty or the column is absent; an export's formula guard
    /// (a leading `'`) is taken off.
    fn text(&self, column: Column) -> Option<String> {
        let i = self.header.position[column.index()]?;
        let value = self.record.get(i)?.trim();
        if value.is_empty() {
            None
        } else {
            Some(unguard(value).to_string())
        }
    }

    fn required(&mut self, column: Column) -> String {
        match self.text(column) {
            Some(v) => v,
            None => {
                self.fail(
                    column,
                    Msg::new(
                        format!("{}不能为空", column.zh()),
                        format!("{} is required", column.en()),
                    ),
                );
                String::new()
            }
        }
    }

    /// A coded value; `accepted` lists (code, Chinese label) for the error message.
    fn coded<T>(
        &mut self,
        column: Column,
        parse: fn(&str) -> Option<T>,
        accepted: &[(&str, &str)],
    ) -> Option<T> {
        let value = self.text(column)?;
        let parsed = parse(&value);
        if parsed.is_none() {
            let zh_list: Vec<String> = accepted
                .iter()
                .map(|(c, z)| format!("{c}（{z}）"))
                .collect();
            let en_list: Vec<&str> = accepted.iter().map(|(c, _)| *c).collect();
            self.fail(
                column,
                Msg::new(
                    format!(
                        "{}“{}”无法识别，可填：{}",
                        column.zh(),
                        shown(&value),
                        zh_list.join("、")
                    ),
                    format!(
                        "{} \"{}\" is not one of: {}",
                        column.en(),
                        shown(&value),
                        en_list.join(", ")
                    ),
                ),
            );
        }
        parsed
    }

    fn date(&mut self, column: Column) -> Option<NaiveDate> {
        let value = self.text(column)?;
        let parsed = parse_date(&value);
        if parsed.is_none() {
            self.fail(
                column,
                Msg::new(
                    format!(
                        "{}“{}”格式不对，应为 YYYY-MM-DD",
                        column.zh(),
                        shown(&value)
                    ),
                    format!(
                        "{} \"{}\" is not a date; use YYYY-MM-DD",
                        column.en(),
                        shown(&value)
                    ),
                ),
            );
        }
        parsed
    }

    fn time(&mut self, column: Column) -> Option<NaiveDateTime> {
        let value = self.text(column)?;
        let parsed = parse_time(&value);
        if parsed.is_none() {
            self.fail(
                column,
                Msg::new(
                    format!(
                        "{}“{}”格式不对，应为 YYYY-MM-DD HH:MM",
                        column.zh(),
                        shown(&value)
                    ),
                    format!(
                        "{} \"{}\" is not a time; use YYYY-MM-DD HH:MM",
                        column.en(),
                        shown(&value)
                    ),
                ),
            );
        }
        parsed
    }

    fn travel(&mut self, mode: Column, number: Column, hub: Column, time: Column) -> Travel {
        let modes = TravelMode::ALL.map(|m| (m.as_str(), m.label_zh()));
        Travel {
            mode: self.coded(mode, TravelMode::parse, &modes),
            number: self.text(number),
            hub: self.text(hub),
            time: self.time(time),
        }
    }

    /// Checks the ID number against its type; returns the number to keep and the type, which
    /// becomes `ResidentId` when empty and the number has that shape.
    fn id(
        &mut self,
        id_type: Option<IdType>,
        today: NaiveDate,
    ) -> (Option<IdType>, Option<String>) {
        let Some(raw) = self.text(Column::IdNumber) else {
            return (id_type, None);
        };
        let number = id_number::normalize(&raw);
        let len = number.chars().count();
        if id_number::is_masked(&number) {
            let plausible = match id_type {
                Some(IdType::ResidentId) => len == id_number::RESIDENT_ID_LEN,
                _ => (5..=20).contains(&len),
            };
            if !plausible {
                self.fail(
                    Column::IdNumber,
                    Msg::new(
                        "打码的证件号码长度不对",
                        "masked ID number has an implausible length",
                    ),
                );
            }
            return (id_type, Some(number));
        }
        let id_type = id_type
            .or_else(|| id_number::looks_like_resident_id(&number).then_some(IdType::ResidentId));
        match id_type {
            Some(IdType::ResidentId) => {
                if let Err(e) = id_number::validate_resident_id(&number, today) {
                    self.fail(
                        Column::IdNumber,
                        Msg::new(e.message(Lang::Zh), e.message(Lang::En)),
                    );
                }
            }
            Some(IdType::Passport) => {
                if !(5..=20).contains(&len) || !number.chars().all(|c| c.is_ascii_alphanumeric()) {
                    self.fail(
                        Column::IdNumber,
                        Msg::new(
                            "护照号码应为5–20位字母或数字",
                            "a passport number is 5–20 letters or digits",
                        ),
                    );
                }
            }
            Some(IdType::Other) | None => {
                if len > 50 {
                    self.fail(
                        Column::IdNumber,
                        Msg::new(
                            "证件号码过长（最多50个字符）",
                            "ID number is too long (50 characters at most)",
                        ),
                    );
                }
            }
        }
        (id_type, Some(number))
    }

    /// Checks the whole row; `None` only when the row cannot be read column by column at all.
    /// Field errors are left in `self.errors`.
    fn read(&mut self, today: NaiveDate) -> Option<GuestRecord> {
        let fields = self.record.len();
        let width = self.header.slots.len();
        if fields > width {
            // Most often an unquoted comma: the fields are shifted, so checking them would only
            // add misleading errors.
            self.fail_row(Msg::new(
                format!("本行有{fields}个字段，表头只有{width}列（含逗号的内容要加引号）"),
                format!("this row has {fields} fields but the header has {width} columns (quote values that contain commas)"),
            ));
            return None;
        }
        let stray: Vec<usize> = self
            .header
            .slots
            .iter()
            .enumerate()
            .filter(|(i, slot)| {
                slot.is_none() && self.record.get(*i).is_some_and(|v| !v.trim().is_empty())
            })
            .map(|(i, _)| i + 1)
            .collect();
        for n in stray {
            self.fail_row(Msg::new(
                format!("第{n}列没有表头，但本行在该列有内容"),
                format!("column {n} has no header but this row has a value in it"),
            ));
        }
        if !self.cells_are_text() {
            return None;
        }

        let ref_code = self.required(Column::Ref);
        let name = self.required(Column::Name);
        let name_latin = self.text(Column::NameLatin);
        let categories = Category::ALL.map(|c| (c.as_str(), c.label_zh()));
        let category = self.coded(Column::Category, Category::parse, &categories);
        let genders = Gender::ALL.map(|g| (g.as_str(), g.label_zh()));
        let gender = self.coded(Column::Gender, Gender::parse, &genders);
        let department = self.required(Column::Department);
        let delegation = self.text(Column::Delegation);
        let organization = self.text(Column::Organization);
        let id_types = IdType::ALL.map(|t| (t.as_str(), t.label_zh()));
        let id_type = self.coded(Column::IdType, IdType::parse, &id_types);
        let (id_type, id_number) = self.id(id_type, today);

        let phone = self.text(Column::Phone);
        if let Some(p) = &phone {
            if !valid_phone(p) {
                self.fail(
                    Column::Phone,
                    Msg::new(
                        format!("手机“{}”格式不对（5–20位数字，可含空格、+、-、括号）", shown(p)),
                        format!(
                            "phone \"{}\" is not a number (5–20 digits; spaces, +, - and brackets allowed)",
                            shown(p)
                        ),
                    ),
                );
            }
        }
        let email = self.text(Column::Email);
        if let Some(e) = &email {
            if !valid_email(e) {
                self.fail(
                    Column::Email,
                    Msg::new(
                        format!("邮箱“{}”格式不对", shown(e)),
                        format!("email \"{}\" is not an address", shown(e)),
                    ),
                );
            }
        }
        let languages = Language::ALL.map(|l| (l.as_str(), l.label_zh()));
        let language = self
            .coded(Column::Language, Language::parse, &languages)
            .unwrap_or_default();
        let halal = self
            .coded(
                Column::Halal,
                parse_bool_yes_no,
                &[("yes", "是"), ("no", "否")],
            )
            .unwrap_or(false);
        let accessible = self
            .coded(
                Column::Accessible,
                parse_bool_yes_no,
                &[("yes", "是"), ("no", "否")],
            )
            .unwrap_or(false);
        let diet = self.text(Column::Diet);
        let arrival = self.travel(
            Column::ArrivalMode,
            Column::ArrivalNo,
            Column::ArrivalHub,
            Column::ArrivalTime,
        );
        let departure = self.travel(
            Column::DepartureMode,
            Column::DepartureNo,
            Column::DepartureHub,
            Column::DepartureTime,
        );
        if let (Some(a), Some(d)) = (arrival.time, departure.time) {
            if d < a {
                self.fail(
                    Column::DepartureTime,
                    Msg::new(
                        "离开时间不能早于到达时间",
                        "departure_time is before arrival_time",
                    ),
                );
            }
        }
        let (stay_from, stay_to) = self.stay();
        let notes = self.text(Column::Notes);

        Some(GuestRecord {
            ref_code,
            name,
            name_latin,
            category,
            gender,
            department,
            delegation,
            organization,
            id_type,
            id_number,
            phone,
            email,
            language,
            halal,
            accessible,
            diet,
            arrival,
            departure,
            stay_from,
            stay_to,
            notes,
        })
    }

    /// The lodging dates: both or neither, check-out after check-in.
    fn stay(&mut self) -> (Option<NaiveDate>, Option<NaiveDate>) {
        let from_given = self.text(Column::StayFrom).is_some();
        let to_given = self.text(Column::StayTo).is_some();
        let from = self.date(Column::StayFrom);
        let to = self.date(Column::StayTo);
        let missing = match (from_given, to_given) {
            (true, false) => Some(Column::StayTo),
            (false, true) => Some(Column::StayFrom),
            _ => None,
        };
        if let Some(col) = missing {
            self.fail(
                col,
                Msg::new(
                    format!("{}未填：入住和离店日期要么都填，要么都不填", col.zh()),
                    format!("{} is empty; give both stay dates or neither", col.en()),
                ),
            );
        }
        if let (Some(f), Some(t)) = (from, to) {
            if t <= f {
                self.fail(
                    Column::StayTo,
                    Msg::new("离店日期须晚于入住日期", "stay_to must be after stay_from"),
                );
            }
        }
        (from, to)
    }
}

/// Reads `YYYY-MM-DD` or `YYYY/M/D`.
fn parse_date(value: &str) -> Option<NaiveDate> {
    ["%Y-%m-%d", "%Y/%m/%d"]
        .into_iter()
        .find_map(|f| NaiveDate::parse_from_str(value, f).ok())
}

/// Reads `YYYY-MM-DD HH:MM[:SS]`, `YYYY/M/D H:MM[:SS]` (Excel) or `YYYY-MM-DDTHH:MM[:SS]`.
fn parse_time(value: &str) -> Option<NaiveDateTime> {
    [
        "%Y-%m-%d %H:%M",
        "%Y-%m-%d %H:%M:%S",
        "%Y/%m/%d %H:%M",
        "%Y/%m/%d %H:%M:%S",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%dT%H:%M:%S",
    ]
    .into_iter()
    .find_map(|f| NaiveDateTime::parse_from_str(value, f).ok())
}

/// Digits with spaces, `+`, `-` and brackets; 5 to 20 digits.
fn valid_phone(value: &str) -> bool {
    let allowed = value
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '+' | '-' | '(' | ')'));
    let digits = value.chars().filter(char::is_ascii_digit).count();
    allowed && (5..=20).contains(&digits)
}

/// One `@`, something before it, and a dotted domain after it; no spaces.
fn valid_email(value: &str) -> bool {
    let Some((local, domain)) = value.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && !domain.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains("..")
        && !value.chars().any(char::is_whitespace)
}

/// Whether Excel could take the value for a formula: it starts with `=`, `+`, `-` or `@`,
/// possibly behind `'`s (so that guarding stays reversible).
fn needs_guard(value: &str) -> bool {
    value
        .trim_start_matches('\'')
        .starts_with(['=', '+', '-', '@'])
}

/// The value with a leading `'` when Excel could take it for a formula.
pub fn guard(value: &str) -> String {
    if needs_guard(value) {
        format!("'{value}")
    } else {
        value.to_string()
    }
}

/// Undoes [`guard`]: drops one leading `'` in front of what would need guarding.
fn unguard(value: &str) -> &str {
    match value.strip_prefix('\'') {
        Some(rest) if needs_guard(rest) => rest,
        _ => value,
    }
}

/// The cell of `column` for `record`, unquoted.
fn cell(record: &GuestRecord, column: Column, lang: Lang) -> String {
    fn text(v: &Option<String>) -> String {
        v.as_deref().map(guard).unwrap_or_default()
    }
    fn time(t: Option<NaiveDateTime>) -> String {
        t.map(|t| {
            let format = if t.second() == 0 && t.nanosecond() == 0 {
                "%Y-%m-%d %H:%M"
            } else {
                "%Y-%m-%d %H:%M:%S"
            };
            t.format(format).to_string()
        })
        .unwrap_or_default()
    }
    fn date(d: Option<NaiveDate>) -> String {
        d.map(|d| d.format("%Y-%m-%d").to_string())
            .unwrap_or_default()
    }
    fn code(s: Option<&'static str>) -> String {
        s.unwrap_or_default().to_string()
    }
    let r = record;
    match column {
        Column::Ref => guard(&r.ref_code),
        Column::Name => guard(&r.name),
        Column::NameLatin => text(&r.name_latin),
        Column::Category => code(r.category.map(Category::as_str)),
        Column::Gender => code(r.gender.map(Gender::as_str)),
        Column::Department => guard(&r.department),
        Column::Delegation => text(&r.delegation),
        Column::Organization => text(&r.organization),
        Column::IdType => code(r.id_type.map(IdType::as_str)),
        Column::IdNumber => text(&r.id_number),
        // A valid phone has no letters, so Excel cannot run it; `+86 …` stays readable.
        Column::Phone => r.phone.clone().unwrap_or_default(),
        Column::Email => text(&r.email),
        Column::Language => r.language.as_str().to_string(),
        Column::Halal => yes_no(lang, r.halal),
        Column::Accessible => yes_no(lang, r.accessible),
        Column::Diet => text(&r.diet),
        Column::ArrivalMode => code(r.arrival.mode.map(TravelMode::as_str)),
        Column::ArrivalNo => text(&r.arrival.number),
        Column::ArrivalHub => text(&r.arrival.hub),
        Column::ArrivalTime => time(r.arrival.time),
        Column::DepartureMode => code(r.departure.mode.map(TravelMode::as_str)),
        Column::DepartureNo => text(&r.departure.number),
        Column::DepartureHub => text(&r.departure.hub),
        Column::DepartureTime => time(r.departure.time),
        Column::StayFrom => date(r.stay_from),
        Column::StayTo => date(r.stay_to),
        Column::Notes => text(&r.notes),
    }
}

/// Appends one CSV line (CRLF), quoting fields that hold a comma, quote or line break.
/// A flag as the export writes it: `yes`/`no` in English, 是/否 in Chinese.
fn yes_no(lang: Lang, flag: bool) -> String {
    match (lang, flag) {
        (Lang::En, true) => "yes",
        (Lang::En, false) => "no",
        (Lang::Zh, true) => "是",
        (Lang::Zh, false) => "否",
    }
    .to_string()
}

fn push_line<I: IntoIterator<Item = S>, S: AsRef<str>>(out: &mut String, fields: I) {
    for (i, field) in fields.into_iter().enumerate() {
        let field = field.as_ref();
        if i > 0 {
            out.push(',');
        }
        if field.contains([',', '"', '\r', '\n']) {
            out.push('"');
            out.push_str(&field.replace('"', "\"\""));
            out.push('"');
        } else {
            out.push_str(field);
        }
    }
    out.push_str("\r\n");
}

/// The 27 cells of a record as [`write_csv`] writes them in English (codes, `yes`/`no`, formula
/// guard included), so a caller can change some and send them through [`parse`] again: the API's
/// create and update go through the same rules as an import this way.
pub fn record_columns(record: &GuestRecord) -> Vec<(Column, String)> {
    Column::ALL
        .into_iter()
        .map(|c| (c, cell(record, c, Lang::En)))
        .collect()
}

/// Writes the guest list as Excel likes it: UTF-8 with BOM, CRLF, all 27 columns with headers in
/// `lang`. Values are English codes (`journalist`, `flight`), except the flags `halal` and `accessible`, which are `yes`/`no`
/// in English and `是`/`否` in Chinese; times are `YYYY-MM-DD HH:MM` (`:SS` only when not zero).
/// ID numbers are written as given: mask them before calling for readers who may not see them.
pub fn write_csv(records: &[GuestRecord], lang: Lang) -> Vec<u8> {
    let mut out = String::from("\u{feff}");
    push_line(&mut out, Column::ALL.map(|c| c.header(lang)));
    for record in records {
        push_line(&mut out, Column::ALL.map(|c| cell(record, c, lang)));
    }
    out.into_bytes()
}

#[cfg(test)]
// `allow`, not `expect`: stays quiet whether or not clippy.toml sets `allow-unwrap-in-tests`.
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 6, 1).unwrap()
    }

    fn at(y: i32, m: u32, d: u32, h: u32, min: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(y, m, d)
            .unwrap()
            .and_hms_opt(h, min, 0)
            .unwrap()
    }

    fn resident_id(first17: &str) -> String {
        format!("{first17}{}", id_number::check_digit(first17).unwrap())
    }

    fn parse_ok(text: &str) -> ParsedFile {
        let parsed = parse(text, today()).unwrap();
        assert!(
            parsed.errors.is_empty(),
            "unexpected errors: {:?}",
            parsed.errors
        );
        parsed
    }

    /// The (line, column) of every error.
    fn where_errors(parsed: &ParsedFile) -> Vec<(u64, Option<Column>)> {
        parsed.errors.iter().map(|e| (e.line, e.column)).collect()
    }

    fn full_record() -> GuestRecord {
        GuestRecord {
            ref_code: "FA-0007".to_string(),
            name: "张伟".to_string(),
            name_latin: Some("ZHANG Wei".to_string()),
            category: Some(Category::Journalist),
            gender: Some(Gender::M),
            department: "外事办".to_string(),
            delegation: Some("四川代表团".to_string()),
            organization: Some("新华社, 四川分社".to_string()),
            id_type: Some(IdType::ResidentId),
            id_number: Some(resident_id("51010419900101123")),
            phone: Some("+86 138-0000-0000".to_string()),
            email: Some("zw@example.com".to_string()),
            language: Language::Zh,
            halal: true,
            accessible: false,
            diet: Some("不吃辣".to_string()),
            arrival: Travel {
                mode: Some(TravelMode::Flight),
                number: Some("3U8888".to_string()),
                hub: Some("CTU".to_string()),
                time: Some(at(2026, 6, 16, 14, 35)),
            },
            departure: Travel {
                mode: Some(TravelMode::Train),
                number: Some("G8702".to_string()),
                hub: Some("成都东站".to_string()),
                time: Some(
                    NaiveDate::from_ymd_opt(2026, 6, 22)
                        .unwrap()
                        .and_hms_opt(9, 10, 30)
                        .unwrap(),
                ),
            },
            stay_from: Some(NaiveDate::from_ymd_opt(2026, 6, 16).unwrap()),
            stay_to: Some(NaiveDate::from_ymd_opt(2026, 6, 22).unwrap()),
            notes: Some("第一行\n第二行, 有\"引号\"".to_string()),
        }
    }

    fn minimal_record(ref_code: &str) -> GuestRecord {
        GuestRecord {
            ref_code: ref_code.to_string(),
            name: "John Smith".to_string(),
            name_latin: None,
            category: None,
            gender: None,
            department: "Press Office".to_string(),
            delegation: None,
            organization: None,
            id_type: None,
            id_number: None,
            phone: None,
            email: None,
            language: Language::default(),
            halal: false,
            accessible: false,
            diet: None,
            arrival: Travel::default(),
            departure: Travel::default(),
            stay_from: None,
            stay_to: None,
            notes: None,
        }
    }

    #[test]
    fn every_column_is_found_by_its_english_and_chinese_header() {
        for c in Column::ALL {
            assert_eq!(Column::from_header(c.en()), Some(c), "en {c:?}");
            assert_eq!(Column::from_header(c.zh()), Some(c), "zh {c:?}");
            assert_eq!(Column::ALL[c.index()], c, "index {c:?}");
        }
        assert_eq!(Column::from_header("\u{feff}Ref "), Some(Column::Ref));
        assert_eq!(
            Column::from_header("Arrival Time"),
            Some(Column::ArrivalTime)
        );
        assert_eq!(Column::from_header("*姓名"), Some(Column::Name));
        assert_eq!(Column::from_header("nme"), None);
    }

    #[test]
    fn utf8_with_and_without_bom_decodes_as_is() {
        let text = "编号,姓名\r\n1,张伟\r\n";
        assert_eq!(decode(text.as_bytes()).unwrap(), text);
        let mut with_bom = UTF8_BOM.to_vec();
        with_bom.extend_from_slice(text.as_bytes());
        assert_eq!(decode(&with_bom).unwrap(), text);
    }

    #[test]
    fn gb18030_bytes_from_excel_decode_to_the_same_text() {
        let text = "编号,姓名,邀请部门,类别\r\nA1,张伟,外事办,记者\r\n";
        let (bytes, _, had_errors) = encoding_rs::GB18030.encode(text);
        assert!(!had_errors);
        assert!(
            std::str::from_utf8(&bytes).is_err(),
            "test needs non-UTF-8 bytes"
        );
        let decoded = decode(&bytes).unwrap();
        assert_eq!(decoded, text);
        let parsed = parse_ok(&decoded);
        assert_eq!(parsed.rows[0].record.name, "张伟");
        assert_eq!(parsed.rows[0].record.category, Some(Category::Journalist));
    }

    #[test]
    fn bytes_that_are_neither_utf8_nor_gb18030_are_refused() {
        assert_eq!(
            decode(b"ref,name\n\x80\xff\n"),
            Err(FileError::UnknownEncoding)
        );
    }

    #[test]
    fn empty_and_bom_only_files_are_refused() {
        assert_eq!(decode(b""), Err(FileError::Empty));
        assert_eq!(decode(b"\xEF\xBB\xBF \r\n"), Err(FileError::Empty));
        assert_eq!(parse("\u{feff}\r\n", today()), Err(FileError::Empty));
    }

    #[test]
    fn pdf_excel_and_binary_files_are_refused_saying_what_they_look_like() {
        let cases: [(&[u8], BinaryKind); 5] = [
            (b"%PDF-1.7\n...", BinaryKind::Pdf),
            (b"PK\x03\x04\x14\x00\x06\x00", BinaryKind::Xlsx),
            (b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", BinaryKind::Xls),
            (b"\xFF\xFEr\x00e\x00f\x00", BinaryKind::Utf16),
            (b"ref,name\n\x00\x01\x02", BinaryKind::Binary),
        ];
        for (bytes, kind) in cases {
            assert_eq!(decode(bytes), Err(FileError::NotCsv(kind)), "{kind:?}");
        }
        let excel = FileError::NotCsv(BinaryKind::Xlsx);
        assert!(excel.message(Lang::En).contains("Excel workbook"));
        assert!(excel.message(Lang::En).contains("save it as CSV"));
        assert!(excel.message(Lang::Zh).contains("另存为CSV"));
    }

    #[test]
    fn a_header_without_rows_gives_no_rows_and_no_errors() {
        let parsed = parse_ok("ref,name,department\r\n");
        assert!(parsed.rows.is_empty());
        assert_eq!(
            parsed.columns,
            vec![Column::Ref, Column::Name, Column::Department]
        );
    }

    #[test]
    fn chinese_and_english_headers_mix_in_any_order() {
        let text = "备注,department,姓名,Gender,编号,清真,arrival_time\n\
                    贵宾室,外事办,张伟,男,A1,是,2026/6/16 9:05\n";
        let parsed = parse_ok(text);
        let r = &parsed.rows[0].record;
        assert_eq!(r.ref_code, "A1");
        assert_eq!(r.name, "张伟");
        assert_eq!(r.department, "外事办");
        assert_eq!(r.gender, Some(Gender::M));
        assert!(r.halal);
        assert_eq!(r.notes.as_deref(), Some("贵宾室"));
        assert_eq!(r.arrival.time, Some(at(2026, 6, 16, 9, 5)));
        assert_eq!(r.language, Language::Zh, "absent column takes its default");
        assert_eq!(r.category, None);
        assert_eq!(parsed.rows[0].line, 2);
    }

    #[test]
    fn unknown_columns_are_all_named() {
        let err = parse("ref,nme,department,座位\n1,a,b,c\n", today()).unwrap_err();
        assert_eq!(
            err,
            FileError::UnknownColumns(vec!["nme".to_string(), "座位".to_string()])
        );
        assert_eq!(err.message(Lang::En), "unknown columns: \"nme\", \"座位\"");
        assert_eq!(err.message(Lang::Zh), "无法识别的列：“nme”、“座位”");
    }

    #[test]
    fn duplicate_and_missing_columns_are_refused() {
        assert_eq!(
            parse("ref,编号,name,department\n", today()),
            Err(FileError::DuplicateColumns(vec![Column::Ref]))
        );
        let missing = parse("ref,notes\n", today()).unwrap_err();
        assert_eq!(
            missing,
            FileError::MissingColumns(vec![Column::Name, Column::Department])
        );
        assert_eq!(missing.message(Lang::Zh), "缺少必填列：姓名、邀请部门");
    }

    #[test]
    fn crlf_and_quoted_commas_and_newlines_keep_the_right_line_numbers() {
        let text = "ref,name,department,notes\r\n\
                    1,\"Smith, John\",Press,\"two\r\nlines\"\r\n\
                    \r\n\
                    2,Li,Press,\r\n\
                    3,,Press,x\r\n";
        let parsed = parse(text, today()).unwrap();
        let lines: Vec<u64> = parsed.rows.iter().map(|r| r.line).collect();
        assert_eq!(lines, vec![2, 5]);
        assert_eq!(parsed.rows[0].record.name, "Smith, John");
        assert_eq!(parsed.rows[0].record.notes.as_deref(), Some("two\r\nlines"));
        assert_eq!(where_errors(&parsed), vec![(6, Some(Column::Name))]);
    }

    #[test]
    fn lf_files_count_lines_the_same_way() {
        let text = "ref,name,department\n\n1,A,P\n,,\n2,,P\n";
        let parsed = parse(text, today()).unwrap();
        assert_eq!(parsed.rows[0].line, 3);
        assert_eq!(where_errors(&parsed), vec![(5, Some(Column::Name))]);
    }

    #[test]
    fn every_bad_field_of_every_bad_row_is_reported_with_line_and_column() {
        let bad_check = {
            let good = resident_id("51010419900101123");
            let wrong = if good.ends_with('0') { '1' } else { '0' };
            format!("{}{wrong}", &good[..17])
        };
        let text = format!(
            "ref,name,department,category,gender,id_type,id_number,phone,email,language,halal,\
             arrival_mode,arrival_time,departure_time,stay_from,stay_to\n\
             1,,Press,guest,x,,{bad_check},12ab,a@b,fr,maybe,boat,tomorrow,2026-13-01 10:00,2026-06-16,\n\
             2,Li,Press,vip,F,passport,E1,123,a@b.cn,en,no,,,,2026-06-20,2026-06-18\n\
             3,Wang,Press,记者,女,护照,E12345678,+86 138 0000 0000,w@x.org,中文,是,高铁,2026-06-16 08:00,,2026/6/16,2026/6/20\n"
        );
        let parsed = parse(&text, today()).unwrap();
        use Column as C;
        assert_eq!(
            where_errors(&parsed),
            vec![
                (2, Some(C::Name)),
                (2, Some(C::Category)),
                (2, Some(C::Gender)),
                (2, Some(C::IdNumber)),
                (2, Some(C::Phone)),
                (2, Some(C::Email)),
                (2, Some(C::Language)),
                (2, Some(C::Halal)),
                (2, Some(C::ArrivalMode)),
                (2, Some(C::ArrivalTime)),
                (2, Some(C::DepartureTime)),
                (2, Some(C::StayTo)),
                (3, Some(C::IdNumber)),
                (3, Some(C::Phone)),
                (3, Some(C::StayTo)),
            ]
        );
        let messages: Vec<&str> = parsed
            .errors
            .iter()
            .map(|e| e.message.render(Lang::En))
            .collect();
        assert!(
            messages.contains(&"ID number check digit is wrong"),
            "{messages:?}"
        );
        assert!(
            messages.contains(&"stay_to must be after stay_from"),
            "{messages:?}"
        );
        let category = &parsed.errors[1].message;
        assert_eq!(
            category.en,
            "category \"guest\" is not one of: vip, entourage, journalist, staff, delegate"
        );
        assert!(category.zh.starts_with("类别“guest”无法识别"));
        assert_eq!(parsed.errors[3].message.zh, "证件号码校验位错误");

        assert_eq!(parsed.rows.len(), 1);
        let r = &parsed.rows[0].record;
        assert_eq!(parsed.rows[0].line, 4);
        assert_eq!(r.id_type, Some(IdType::Passport));
        assert_eq!(r.language, Language::Zh);
        assert_eq!(r.arrival.mode, Some(TravelMode::Train));
        assert_eq!(r.stay_from, NaiveDate::from_ymd_opt(2026, 6, 16));
    }

    #[test]
    fn resident_ids_are_inferred_checked_and_masked_ones_kept() {
        let good = resident_id("11010519491231002");
        let future = resident_id("51010420300101123");
        let feb30 = resident_id("51010419900230123");
        let text = format!(
            "ref,name,department,id_type,id_number\n\
             1,A,P,,{}\n\
             2,B,P,,{future}\n\
             3,C,P,身份证,{feb30}\n\
             4,D,P,resident_id,5101**********123X\n\
             5,E,P,resident_id,5101****123X\n\
             6,F,P,other,ABC-123\n",
            good.to_lowercase()
        );
        let parsed = parse(&text, today()).unwrap();
        assert_eq!(
            where_errors(&parsed),
            vec![
                (3, Some(Column::IdNumber)),
                (4, Some(Column::IdNumber)),
                (6, Some(Column::IdNumber)),
            ]
        );
        assert_eq!(
            parsed.errors[0].message.en,
            "ID number birth date is in the future"
        );
        let first = &parsed.rows[0].record;
        assert_eq!(first.id_type, Some(IdType::ResidentId), "inferred");
        assert_eq!(
            first.id_number.as_deref(),
            Some(good.as_str()),
            "upper-cased"
        );
        assert_eq!(
            parsed.rows[1].record.id_number.as_deref(),
            Some("5101**********123X")
        );
        assert_eq!(parsed.rows[2].record.id_number.as_deref(), Some("ABC-123"));
    }

    #[test]
    fn a_duplicate_ref_in_the_same_department_names_the_earlier_line() {
        let text = "ref,name,department\nA1,Li,Press\nA1,Wang,Protocol\nA1,Zhao,Press\n";
        let parsed = parse(text, today()).unwrap();
        assert_eq!(where_errors(&parsed), vec![(4, Some(Column::Ref))]);
        assert_eq!(
            parsed.errors[0].message.en,
            "ref \"A1\" repeats line 2 for the same department"
        );
        assert!(parsed.errors[0].message.zh.contains("第2行"));
        assert_eq!(parsed.rows.len(), 2);
    }

    #[test]
    fn a_row_with_too_many_fields_is_one_error_for_its_line() {
        let text = "ref,name,department\n1,Smith, John,Press\n2,Li,Press\n";
        let parsed = parse(text, today()).unwrap();
        assert_eq!(where_errors(&parsed), vec![(2, None)]);
        assert_eq!(parsed.rows.len(), 1);
    }

    #[test]
    fn empty_header_cells_are_ignored_unless_a_row_fills_them() {
        let text = "ref,name,department,,\n1,Li,Press,,\n2,Wang,Press,,oops\n";
        let parsed = parse(text, today()).unwrap();
        assert_eq!(where_errors(&parsed), vec![(3, None)]);
        assert!(parsed.errors[0].message.en.contains("column 5"));
    }

    #[test]
    fn only_one_stay_date_is_an_error_on_the_missing_one() {
        let text = "ref,name,department,stay_from,stay_to\n1,A,P,2026-06-16,\n2,B,P,,2026-06-20\n3,C,P,2026-06-16,2026-06-16\n";
        let parsed = parse(text, today()).unwrap();
        assert_eq!(
            where_errors(&parsed),
            vec![
                (2, Some(Column::StayTo)),
                (3, Some(Column::StayFrom)),
                (4, Some(Column::StayTo)),
            ]
        );
    }

    #[test]
    fn every_time_format_departments_use_is_read() {
        let want = at(2026, 6, 16, 9, 5);
        for value in [
            "2026-06-16 09:05",
            "2026-06-16 09:05:00",
            "2026/6/16 9:05",
            "2026/6/16 9:05:00",
            "2026-06-16T09:05",
        ] {
            assert_eq!(parse_time(value), Some(want), "value {value:?}");
        }
        assert_eq!(parse_time("16/06/2026 09:05"), None);
        assert_eq!(
            parse_date("2026/6/16"),
            NaiveDate::from_ymd_opt(2026, 6, 16)
        );
        assert_eq!(parse_date("2026-02-30"), None);
    }

    #[test]
    fn formula_like_text_is_guarded_on_export_and_unguarded_on_import() {
        for value in ["=1+1", "+x", "@SUM(A1)", "'=x", "''-1"] {
            assert_eq!(unguard(&guard(value)), value, "value {value:?}");
            assert!(guard(value).starts_with('\''), "value {value:?}");
        }
        for value in ["plain", "'quoted'", "x=1"] {
            assert_eq!(guard(value), value, "value {value:?}");
            assert_eq!(unguard(value), value, "value {value:?}");
        }
    }

    #[test]
    fn export_has_bom_crlf_and_headers_in_the_language() {
        let bytes = write_csv(&[minimal_record("1")], Lang::Zh);
        assert!(bytes.starts_with(UTF8_BOM));
        let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
        assert!(text.starts_with("编号,姓名,英文名,类别,性别,邀请部门,"));
        // language, halal, accessible, then the 12 empty columns from diet to notes.
        let tail = format!(",zh,否,否{}\r\n", ",".repeat(12));
        assert!(text.ends_with(&tail), "{text:?}");
        assert_eq!(text.matches("\r\n").count(), 2);
        let en = String::from_utf8(write_csv(&[], Lang::En)).unwrap();
        assert_eq!(
            en.trim_start_matches('\u{feff}').trim_end(),
            Column::ALL.map(Column::en).join(",")
        );
    }

    #[test]
    fn record_columns_read_back_through_parse_give_the_record() {
        let record = full_record();
        let columns = record_columns(&record);
        assert_eq!(columns.len(), 27);
        let mut text = String::new();
        push_line(&mut text, columns.iter().map(|(c, _)| c.en()));
        push_line(&mut text, columns.iter().map(|(_, v)| v.as_str()));
        let parsed = parse_ok(&text);
        assert_eq!(parsed.rows[0].record, record);
    }

    #[test]
    fn export_then_import_gives_the_same_records_in_both_languages() {
        let mut masked = minimal_record("M-1");
        masked.id_type = Some(IdType::ResidentId);
        masked.id_number = Some(id_number::mask(&resident_id("51010419900101123")));
        masked.language = Language::En;
        masked.category = Some(Category::Vip);
        let mut formula = minimal_record("=2");
        formula.notes = Some("-5 degrees, @night".to_string());
        formula.id_type = Some(IdType::Passport);
        formula.id_number = Some("E12345678".to_string());
        let records = vec![full_record(), minimal_record("3"), masked, formula];
        for lang in [Lang::Zh, Lang::En] {
            let text = decode(&write_csv(&records, lang)).unwrap();
            let parsed = parse_ok(&text);
            let back: Vec<GuestRecord> = parsed.rows.into_iter().map(|r| r.record).collect();
            assert_eq!(back, records, "lang {lang:?}");
            assert_eq!(parsed.columns, Column::ALL.to_vec(), "lang {lang:?}");
        }
    }
}
