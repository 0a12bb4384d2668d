//! Importing the guest lists the departments send, and exporting them back.
//!
//! An import is all or nothing: every bad row is reported with its line, and if there is
//! one, nothing is written. Rows are keyed by (department, ref): re-importing updates,
//! never duplicates; a row equal to what is stored is "unchanged". A masked ID number (as
//! exports show them) keeps the stored number, so importing an export changes nothing.

use std::collections::HashMap;

use chrono::NaiveDate;
use chrono_tz::Tz;
use serde::Serialize;
use serde_json::json;
use utoipa::ToSchema;

use crate::audit::{self, Actor};
use crate::db::{write_tx, DbConn, PooledConn, Tx};
use crate::error::AppError;
use crate::guests::csv_format::{self, Column, GuestRecord, Msg, RowError};
use crate::guests::id_number;
use crate::guests::model::{Guest, NewGuest};
use crate::guests::service::{to_record, Lookups, Resolver};
use crate::guests::store::{self, GuestFilter};
use crate::i18n::Lang;
use crate::time::now_utc;

/// One bad field or row.
#[derive(Serialize, ToSchema, Debug, Clone)]
pub struct ImportError {
    /// File line where the row starts (1 is the header).
    pub line: u64,
    /// Column, by its English name, when the problem is one field.
    pub column: Option<String>,
    /// What is wrong, in the caller's language.
    pub message: String,
}

/// What an import did (or, for a dry run, would do).
#[derive(Serialize, ToSchema, Debug, Default)]
pub struct ImportReport {
    /// Nothing was written.
    pub dry_run: bool,
    /// Data rows read.
    pub rows: usize,
    /// New guests.
    pub created: usize,
    /// Guests whose fields changed.
    pub updated: usize,
    /// Rows equal to what is stored.
    pub unchanged: usize,
    /// Departments the import creates.
    pub new_departments: Vec<String>,
    /// Delegations the import creates.
    pub new_delegations: Vec<String>,
    /// Hubs the import creates.
    pub new_hubs: Vec<String>,
    /// The first bad rows' problems (at most 100, then one line saying how many more);
    /// when not empty, nothing was written.
    pub errors: Vec<ImportError>,
    /// Problems found but not listed in `errors`.
    pub errors_omitted: usize,
}

/// Who is importing, and where they may import to.
pub struct ImportContext<'a> {
    /// For the audit log.
    pub actor: &'a Actor,
    /// A department user imports only into their own department.
    pub scope_department: Option<i64>,
    /// The event's time zone.
    pub tz: Tz,
    /// Language of the messages.
    pub lang: Lang,
    /// Today in the event's time zone (birth dates in the future are refused).
    pub today: NaiveDate,
}

fn error(line: u64, column: Option<Column>, msg: Msg, lang: Lang) -> ImportError {
    ImportError {
        line,
        column: column.map(|c| c.en().to_string()),
        message: msg.render(lang).to_string(),
    }
}

fn msg(zh: impl Into<String>, en: impl Into<String>) -> Msg {
    Msg {
        zh: zh.into(),
        en: en.into(),
    }
}

/// A guest file read and checked row by row: pure work, done before any transaction opens.
pub struct ReadFile {
    rows: Vec<csv_format::ParsedRow>,
    errors: Vec<ImportError>,
    omitted_errors: usize,
    row_count: usize,
}

/// Decodes and parses a guest file; field-level problems are kept for the report.
pub fn read_file(bytes: &[u8], today: NaiveDate, lang: Lang) -> Result<ReadFile, AppError> {
    let bad_file = |message: String| AppError::Unprocessable {
        code: "bad_file",
        message,
        details: json!([]),
    };
    let text = csv_format::decode(bytes).map_err(|e| bad_file(e.message(lang)))?;
    let parsed = csv_format::parse(&text, today).map_err(|e| bad_file(e.message(lang)))?;
    Ok(ReadFile {
        row_count: parsed.rows.len() + parsed.bad_rows,
        omitted_errors: parsed.omitted_errors,
        errors: parsed
            .errors
            .iter()
            .map(|e: &RowError| error(e.line, e.column, e.message.clone(), lang))
            .collect(),
        rows: parsed.rows,
    })
}

/// Checks a read file against what is stored and, unless `dry_run`, writes it. Any bad row
/// fails the whole import with the report (`AppError::Rejected`), so the caller's transaction
/// writes nothing. `progress(done, total)` is called as rows are checked.
pub fn import_guests(
    tx: &mut Tx,
    ctx: &ImportContext,
    file: ReadFile,
    dry_run: bool,
    progress: &dyn Fn(usize, usize),
) -> Result<ImportReport, AppError> {
    let mut report = ImportReport {
        dry_run,
        rows: file.row_count,
        errors: file.errors,
        errors_omitted: file.omitted_errors,
        ..Default::default()
    };
    plan(tx, ctx, &file.rows, &mut report, !dry_run, progress)?;
    if !report.errors.is_empty() {
        let n = report.errors.len() + report.errors_omitted;
        list_at_most(&mut report, csv_format::MAX_LISTED_ERRORS, ctx.lang);
        return Err(AppError::Rejected {
            code: "import_rejected",
            message: ctx
                .lang
                .pick(
                    &format!("{n} 处错误，未写入任何数据"),
                    &format!("{n} errors; nothing was written"),
                )
                .to_string(),
            report: Box::new(
                serde_json::to_value(&report).map_err(|e| AppError::Internal(e.to_string()))?,
            ),
        });
    }
    if !dry_run {
        audit::record(
            tx,
            ctx.actor,
            "import",
            "guest",
            "*",
            json!({"rows": report.rows, "created": report.created, "updated": report.updated,
                   "new_departments": report.new_departments}),
        )?;
    }
    Ok(report)
}

/// A whole import as one job (the command line, the demo, benchmarks): read the file, then
/// check and write it in one transaction.
pub fn run(
    conn: &mut PooledConn,
    ctx: &ImportContext,
    bytes: &[u8],
    dry_run: bool,
    progress: &dyn Fn(usize, usize),
) -> Result<ImportReport, AppError> {
    let file = read_file(bytes, ctx.today, ctx.lang)?;
    write_tx(conn, now_utc(), |tx| {
        import_guests(tx, ctx, file, dry_run, progress)
    })
}

/// Keeps the first `max` problems and ends the list with one line saying how many more there
/// are, so that a report's size is bounded whatever the file holds.
fn list_at_most(report: &mut ImportReport, max: usize, lang: Lang) {
    if report.errors.len() > max {
        report.errors_omitted += report.errors.len() - max;
        report.errors.truncate(max);
    }
    if report.errors_omitted > 0 {
        let n = report.errors_omitted;
        report.errors.push(ImportError {
            line: 0,
            column: None,
            message: lang
                .pick(
                    &format!("……另有 {n} 处错误未列出"),
                    &format!("… and {n} more errors"),
                )
                .to_string(),
        });
    }
}

/// Classifies each row against what is stored; with `apply`, writes it (inside the caller's
/// transaction). Row-level problems found here go into `report.errors`.
fn plan(
    tx: &mut Tx,
    ctx: &ImportContext,
    rows: &[csv_format::ParsedRow],
    report: &mut ImportReport,
    apply: bool,
    progress: &dyn Fn(usize, usize),
) -> Result<(), AppError> {
    let lang = ctx.lang;
    let lk = Lookups::load(tx)?;
    let mut resolver = Resolver::new(&lk);
    if let Some(own) = ctx.scope_department {
        let own_name = lk.departments.get(&own).cloned().unwrap_or_default();
        for row in rows.iter().filter(|r| r.record.department != own_name) {
            report.errors.push(error(
                row.line,
                Some(Column::Department),
                msg(
                    format!(
                        "只能导入本部门（{own_name}）的来宾，不能导入“{}”",
                        row.record.department
                    ),
                    format!(
                        "you may import only your department's guests ({own_name}), not \"{}\"",
                        row.record.department
                    ),
                ),
                lang,
            ));
        }
    }
    let records: Vec<&GuestRecord> = rows.iter().map(|r| &r.record).collect();
    let missing = resolver.missing(&records);
    // A department does not add delegations or hubs by typing a new name: each row naming
    // one is an error that says which, for reception to add (or the row to correct).
    if ctx.scope_department.is_some() {
        for row in rows {
            let r = &row.record;
            let unknown = [
                (
                    Column::Delegation,
                    r.delegation.as_ref(),
                    &missing.1,
                    "代表团",
                    "delegation",
                ),
                (
                    Column::ArrivalHub,
                    r.arrival.hub.as_ref(),
                    &missing.2,
                    "机场/车站",
                    "hub",
                ),
                (
                    Column::DepartureHub,
                    r.departure.hub.as_ref(),
                    &missing.2,
                    "机场/车站",
                    "hub",
                ),
            ];
            for (column, name, names, zh, en) in unknown {
                if let Some(name) = name.filter(|n| names.contains(n)) {
                    report.errors.push(error(
                        row.line,
                        Some(column),
                        msg(
                            format!("未知{zh}“{name}”：请联系接待部添加，或改正名称"),
                            format!("unknown {en} \"{name}\": ask reception to add it, or correct the name"),
                        ),
                        lang,
                    ));
                }
            }
        }
    }
    report.new_departments = missing.0.clone();
    report.new_delegations = missing.1.clone();
    report.new_hubs = missing.2.clone();

    let known_departments: Vec<i64> = {
        let mut ids: Vec<i64> = records
            .iter()
            .filter_map(|r| resolver.department(&r.department))
            .collect();
        ids.sort_unstable();
        ids.dedup();
        ids
    };
    let existing: HashMap<(i64, String), Guest> =
        store::list_guests_of_departments(tx, &known_departments)?
            .into_iter()
            .map(|g| ((g.department_id, g.ref_code.clone()), g))
            .collect();

    let now = tx.now();
    if apply && report.errors.is_empty() {
        resolver.create_missing(tx, &missing, now)?;
    }
    let total = rows.len();
    let mut new_rows = Vec::new();
    for (done, row) in rows.iter().enumerate() {
        let r = &row.record;
        let stored = resolver
            .department(&r.department)
            .and_then(|d| existing.get(&(d, r.ref_code.clone())));
        if let Some(masked) = r.id_number.as_deref().filter(|n| id_number::is_masked(n)) {
            let fits = stored
                .and_then(|g| g.id_number.as_deref())
                .is_some_and(|full| id_number::masked_matches(masked, full));
            if !fits {
                report.errors.push(error(
                    row.line,
                    Some(Column::IdNumber),
                    msg("证件号码被遮盖（含 *），且与已存的号码不符：请填写完整号码",
                        "the ID number is masked (has *) and does not match the stored one: give the full number"),
                    lang,
                ));
                continue;
            }
        }
        match stored {
            Some(g) => {
                let fields = resolver.fields(r, Some(g), ctx.tz)?;
                if fields == g.fields() {
                    report.unchanged += 1;
                } else {
                    report.updated += 1;
                    if apply && report.errors.is_empty() {
                        store::update_guest(tx, g.id, &fields, now)?;
                    }
                }
            }
            None => {
                report.created += 1;
                if apply && report.errors.is_empty() {
                    let fields = resolver.fields(r, None, ctx.tz)?;
                    new_rows.push(NewGuest {
                        fields,
                        created_at: now,
                        updated_at: now,
                    });
                }
            }
        }
        if done % 1000 == 999 || done + 1 == total {
            progress(done + 1, total);
        }
    }
    if apply && report.errors.is_empty() {
        store::insert_guests(tx, &new_rows)?;
    }
    report.errors.sort_by_key(|e| e.line);
    Ok(())
}

/// The guests matching `filter` as a CSV file (UTF-8 with BOM), ID numbers masked unless
/// `reveal_id`.
pub fn export_guests(
    conn: &mut DbConn,
    filter: &GuestFilter,
    reveal_id: bool,
    tz: Tz,
    lang: Lang,
) -> Result<Vec<u8>, AppError> {
    let guests = store::list_all_guests(conn, filter)?;
    let lk = Lookups::load(conn)?;
    let records: Vec<GuestRecord> = guests
        .iter()
        .map(|g| to_record(g, &lk, reveal_id, tz))
        .collect();
    Ok(csv_format::write_csv(&records, lang))
}
