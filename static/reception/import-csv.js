// The guest list CSV as the browser reads it for the import page's preview: the columns and
// their rules, decoding, a CSV reader and the header mapping.
//
// This mirrors src/guests/csv_format.rs (the server's reader, which decides): the same 27
// columns in export order, the same header matching (Chinese or English, a BOM, spaces and the
// templates' `*` ignored, English in any case with spaces or hyphens for underscores) and the
// same reading (quoted fields, "" for a quote, CRLF, LF or CR, blank rows skipped). The preview
// only shows what the file holds; every rule is checked by the server's dry run.

/**
 * Every column in export order: the English header (its code), the Chinese header, whether
 * every row must fill it. Its rule reads from the i18n key `import.rule.<en>`.
 */
export const COLUMNS = [
  { en: 'ref', zh: '编号', required: true },
  { en: 'name', zh: '姓名', required: true },
  { en: 'name_latin', zh: '英文名' },
  { en: 'category', zh: '类别' },
  { en: 'gender', zh: '性别' },
  { en: 'department', zh: '邀请部门', required: true },
  { en: 'delegation', zh: '代表团' },
  { en: 'organization', zh: '工作单位' },
  { en: 'id_type', zh: '证件类型' },
  { en: 'id_number', zh: '证件号码' },
  { en: 'phone', zh: '手机' },
  { en: 'email', zh: '邮箱' },
  { en: 'language', zh: '语言' },
  { en: 'halal', zh: '清真' },
  { en: 'accessible', zh: '无障碍' },
  { en: 'diet', zh: '特殊饮食' },
  { en: 'arrival_mode', zh: '抵达方式' },
  { en: 'arrival_no', zh: '抵达航班车次' },
  { en: 'arrival_hub', zh: '抵达机场车站' },
  { en: 'arrival_time', zh: '抵达时间' },
  { en: 'departure_mode', zh: '离开方式' },
  { en: 'departure_no', zh: '离开航班车次' },
  { en: 'departure_hub', zh: '离开机场车站' },
  { en: 'departure_time', zh: '离开时间' },
  { en: 'stay_from', zh: '入住日期' },
  { en: 'stay_to', zh: '离店日期' },
  { en: 'notes', zh: '备注' },
];

/** A header cell without BOM, surrounding spaces or required-column stars (`*姓名`). */
export function cleanHeader(cell) {
  return String(cell ?? '')
    .replace(/^\uFEFF+/, '')
    .trim()
    .replace(/^[*＊]+|[*＊]+$/g, '')
    .trim();
}

/** The column a header cell names, or null (as `Column::from_header`). */
export function columnOf(cell) {
  const cleaned = cleanHeader(cell);
  if (!cleaned) return null;
  const folded = cleaned.replace(/[ -]/g, '_').replace(/[A-Z]/g, (c) => c.toLowerCase());
  return COLUMNS.find((c) => c.en === folded || c.zh === cleaned) || null;
}

/**
 * What the bytes are: `{ kind: 'utf8' | 'gbk' | 'unknown' | 'binary' | 'empty', text }`.
 * UTF-8 (a BOM is dropped) when valid; otherwise the server reads GB18030 (GBK's superset),
 * which the browser decodes too where it can. Binary files (a workbook, a PDF) are not text.
 */
export function decodeBytes(buffer) {
  const bytes = new Uint8Array(buffer);
  const starts = (...sig) => sig.every((b, i) => bytes[i] === b);
  const body = starts(0xef, 0xbb, 0xbf) ? bytes.subarray(3) : bytes;
  if (body.every((b) => b === 0x20 || (b >= 0x09 && b <= 0x0d))) return { kind: 'empty', text: '' };
  const head = bytes.subarray(0, 8192);
  if (
    starts(0x25, 0x50, 0x44, 0x46) || // %PDF
    starts(0x50, 0x4b, 0x03, 0x04) || // PK: an .xlsx workbook
    starts(0xd0, 0xcf, 0x11, 0xe0) || // an old .xls workbook
    starts(0xff, 0xfe) ||
    starts(0xfe, 0xff) || // UTF-16
    head.includes(0)
  ) {
    return { kind: 'binary', text: '' };
  }
  try {
    return { kind: 'utf8', text: new TextDecoder('utf-8', { fatal: true }).decode(body) };
  } catch {
    // Not UTF-8: most likely GBK from Excel on a Chinese Windows.
  }
  try {
    const text = new TextDecoder('gb18030', { fatal: true }).decode(bytes).replace(/^\uFEFF/, '');
    return { kind: 'gbk', text };
  } catch {
    return { kind: 'unknown', text: '' };
  }
}

/**
 * Reads CSV text into records `{ line, fields }`, `line` being where the record starts (line 1
 * is the file's first). A field that opens with `"` is quoted: commas and line breaks in it are
 * text, `""` is a quote. `\r\n`, `\n` and a lone `\r` each end a line. Wholly blank records are
 * left out, as the server skips them. `open` is the line of a quote never closed, or null.
 */
export function parseCsv(text) {
  const src = String(text || '').replace(/^\uFEFF/, '');
  const records = [];
  let fields = [];
  let field = '';
  let quoted = false; // inside a quoted field
  let fieldStart = true; // nothing read yet for this field
  let line = 1;
  let recordLine = 1;
  let quoteLine = 0;
  let touched = false; // the record has any character at all

  const endField = () => {
    fields.push(field);
    field = '';
    fieldStart = true;
  };
  const endRecord = () => {
    endField();
    if (fields.some((f) => f.trim() !== '')) records.push({ line: recordLine, fields });
    fields = [];
    touched = false;
  };

  for (let i = 0; i < src.length; i += 1) {
    const c = src[i];
    if (!touched) {
      recordLine = line;
      if (c === '\r' || c === '\n') {
        // An empty line between records.
        if (!(c === '\r' && src[i + 1] === '\n')) line += 1;
        continue;
      }
      touched = true;
    }
    if (quoted) {
      if (c === '"') {
        if (src[i + 1] === '"') {
          field += '"';
          i += 1;
        } else quoted = false;
      } else {
        if (c === '\n' || (c === '\r' && src[i + 1] !== '\n')) line += 1;
        field += c;
      }
      continue;
    }
    if (c === '"' && fieldStart) {
      quoted = true;
      fieldStart = false;
      quoteLine = line;
    } else if (c === ',') {
      endField();
    } else if (c === '\r' || c === '\n') {
      if (c === '\r' && src[i + 1] === '\n') i += 1;
      line += 1;
      endRecord();
    } else {
      field += c;
      fieldStart = false;
    }
  }
  if (touched) endRecord();
  return { records, open: quoted ? quoteLine : null };
}

/**
 * The header mapped to columns: for each cell `{ text, column, unknown, duplicate }`, plus the
 * unknown header texts, the columns given twice and the required columns missing.
 */
export function mapHeader(cells) {
  const seen = new Set();
  const slots = cells.map((cell) => {
    const text = cleanHeader(cell);
    const column = columnOf(cell);
    const duplicate = Boolean(column && seen.has(column.en));
    if (column) seen.add(column.en);
    return { text, column, unknown: Boolean(text && !column), duplicate };
  });
  const duplicates = [];
  for (const s of slots) if (s.duplicate && !duplicates.includes(s.column)) duplicates.push(s.column);
  return {
    slots,
    unknown: slots.filter((s) => s.unknown).map((s) => s.text),
    duplicates,
    missing: COLUMNS.filter((c) => c.required && !seen.has(c.en)),
  };
}

/** A cell's value as the server reads it: trimmed, an export's formula guard (`'=…`) taken off. */
export function cellValue(raw) {
  const v = String(raw ?? '').trim();
  return /^'+[=+\-@]/.test(v) ? v.slice(1) : v;
}
