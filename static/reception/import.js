// Guest import: a dry run first, then the same bytes for real.
//
// The bytes read for the check are the bytes sent on confirm, so what was checked is what
// gets written even if the file on disk changes in between. Confirm stays disabled until a
// check of *this* file came back clean.

import { api } from '../js/api.js';
import { clear, h, say, sayT } from '../js/dom.js';
import { has, lang, onLangChange, t } from '../js/i18n.js';
import { initShell } from '../js/shell.js';
import { COLUMNS, cellValue, decodeBytes, mapHeader, parseCsv } from './import-csv.js';

const URL_IMPORT = '/api/v1/guests/import';
const $ = (id) => document.getElementById(id);

const fileInput = $('import-file');
const previewBtn = $('import-preview');
const confirmBtn = $('import-confirm');

let bytes = null; // ArrayBuffer of the checked file
let preview = null; // body of the last check (200 or 422)
let result = null; // body of the real import
let busy = null; // 'checking' | 'running' | null
let sample = null; // the chosen file as the browser reads it (see readSample)
let sampleToken = 0; // the latest file chosen, so a slow read of an older one is dropped

const SAMPLE_ROWS = 5;
const CELL_CHARS = 60; // longer values are shortened in the preview, whole in the tooltip

function setBusy(kind) {
  busy = kind;
  $('import-progress').hidden = !kind;
  if (kind) sayT($('import-status'), kind === 'checking' ? 'import.checking' : 'import.running');
  else say($('import-status'), '');
  previewBtn.disabled = Boolean(kind);
  fileInput.disabled = Boolean(kind);
  updateConfirm();
}

function errorsOf(body) {
  return Array.isArray(body?.errors) ? body.errors : [];
}

function updateConfirm() {
  const clean = preview && preview.dry_run !== false && errorsOf(preview).length === 0 && !preview.rejected;
  confirmBtn.disabled = Boolean(busy) || !bytes || !clean || Boolean(result);
}

function showError(err) {
  if (err?.key) sayT($('import-error'), err.key);
  else say($('import-error'), err ? err.message : '');
}

function count(value) {
  return value === undefined || value === null ? t('common.none') : String(value);
}

/** The server names columns in English (`name`); show the label the user's file likely used. */
function columnLabel(column) {
  if (!column) return t('common.none');
  return has(`field.${column}`) ? `${t(`field.${column}`)} (${column})` : String(column);
}

function newNames(titleKey, names, strong) {
  if (!Array.isArray(names) || names.length === 0) return null;
  return h(
    'div',
    { class: `new-group${strong ? ' new-group-strong' : ''}` },
    h('h3', {}, t(titleKey), ' ', h('span', { class: 'pill' }, String(names.length))),
    h('ul', { class: 'new-names' }, names.map((n) => h('li', {}, h('mark', {}, String(n))))),
  );
}

function renderPreview() {
  const panel = $('import-preview-panel');
  panel.hidden = !preview || Boolean(result);
  if (!preview) return;

  $('import-rows').textContent = count(preview.rows);
  $('import-created').textContent = count(preview.created);
  $('import-updated').textContent = count(preview.updated);
  $('import-unchanged').textContent = count(preview.unchanged);

  // New names are where typos hide ("外事处" for "外事办" creates a second department),
  // so they are listed one by one and marked, departments first.
  const groups = [
    newNames('import.new_departments', preview.new_departments, true),
    newNames('import.new_delegations', preview.new_delegations, false),
    newNames('import.new_hubs', preview.new_hubs, false),
  ].filter(Boolean);
  const box = clear($('import-new'));
  box.classList.toggle('has-new', groups.length > 0);
  if (groups.length) box.append(h('p', { class: 'alert alert-warn' }, t('import.new_warning')), ...groups);
  else box.append(h('p', { class: 'muted' }, t('import.nothing_new')));

  const errors = errorsOf(preview);
  $('import-errors-panel').hidden = errors.length === 0;
  clear($('import-errors').querySelector('tbody')).append(
    ...errors.map((e) =>
      h(
        'tr',
        { dataset: { line: e.line ?? '' } },
        h('td', { class: 'c-line', dataset: { label: t('import.err_line') } }, count(e.line)),
        h('td', { class: 'c-column', dataset: { label: t('import.err_column') } }, columnLabel(e.column)),
        h('td', { class: 'c-message', dataset: { label: t('import.err_message') } }, e.message || ''),
      ),
    ),
  );
  if (!busy && !result && errors.length === 0) sayT($('import-status'), 'import.ready');
}

function renderResult() {
  $('import-done').hidden = !result;
  if (!result) return;
  $('import-result').textContent = t('import.result', {
    created: count(result.created),
    updated: count(result.updated),
    unchanged: count(result.unchanged),
  });
}

// ---------- the format: every column and its rule ----------

function renderColumns() {
  clear($('import-columns-table').querySelector('tbody')).append(
    ...COLUMNS.map((c) =>
      h(
        'tr',
        { dataset: { column: c.en } },
        h('td', { class: 'c-zh', dataset: { label: t('import.col_zh') } }, h('span', { class: 'cell', lang: 'zh-CN' }, c.zh)),
        h('td', { class: 'c-en', dataset: { label: t('import.col_en') } }, h('code', { class: 'cell', lang: 'en' }, c.en)),
        h(
          'td',
          { class: 'c-required', dataset: { label: t('import.col_required') } },
          h('span', { class: `cell${c.required ? ' is-required' : ''}` }, t(c.required ? 'import.required_yes' : 'import.required_no')),
        ),
        h('td', { class: 'c-rule', dataset: { label: t('import.col_rule') } }, h('span', { class: 'cell' }, t(`import.rule.${c.en}`))),
      ),
    ),
  );
}

// ---------- the chosen file, read in the browser ----------

/** Read the file as the server will: decode, split into records, map the header. */
async function readSample(file) {
  const token = ++sampleToken;
  if (!file) {
    sample = null;
    renderSample();
    return;
  }
  let buffer;
  try {
    buffer = await file.arrayBuffer();
  } catch {
    buffer = new ArrayBuffer(0);
  }
  if (token !== sampleToken) return;
  const decoded = decodeBytes(buffer);
  const next = { kind: decoded.kind, header: null, rows: [], total: 0, open: null };
  if (decoded.text) {
    const { records, open } = parseCsv(decoded.text);
    next.open = open;
    if (records.length) {
      next.header = { line: records[0].line, ...mapHeader(records[0].fields) };
      next.total = records.length - 1;
      next.rows = records.slice(1, 1 + SAMPLE_ROWS);
    }
  }
  sample = next;
  renderSample();
}

const listOf = (names) => names.join(t('import.sample_list_sep'));

function sampleAlerts(s) {
  const out = [];
  const alert = (kind, text) => out.push(h('p', { class: `alert alert-${kind}` }, text));
  if (s.kind === 'gbk') alert('warn', t('import.sample_gbk'));
  if (s.kind === 'unknown') alert('warn', t('import.sample_gbk_unread'));
  if (s.kind === 'binary') alert('error', t('import.sample_binary'));
  if (s.kind === 'empty') alert('error', t('import.sample_empty'));
  const hd = s.header;
  if (hd) {
    if (hd.unknown.length) alert('error', t('import.sample_unknown_note', { names: listOf(hd.unknown.map((n) => `“${n}”`)) }));
    if (hd.duplicates.length) alert('error', t('import.sample_duplicate_note', { names: listOf(hd.duplicates.map((c) => headerName(c))) }));
    if (hd.missing.length) alert('error', t('import.sample_missing_note', { names: listOf(hd.missing.map((c) => headerName(c))) }));
  }
  if (s.open) alert('error', t('import.sample_open_quote', { line: s.open }));
  return out;
}

/** A column named in the reader's language, with the other header beside it. */
const headerName = (c) => (lang() === 'en' ? `${c.en} (${c.zh})` : `${c.zh}（${c.en}）`);

/** The column a header cell was read as: in the reader's language, or the other when the file says that already. */
function mappedName(slot) {
  const [mine, other] = lang() === 'en' ? [slot.column.en, slot.column.zh] : [slot.column.zh, slot.column.en];
  return slot.text === mine ? other : mine;
}

function headCell(slot) {
  if (slot.column) {
    return h(
      'th',
      { scope: 'col', class: slot.duplicate ? 'is-bad' : '', dataset: { column: slot.column.en } },
      h('span', { class: 'sample-file-head' }, slot.text),
      h('span', { class: 'sample-maps' }, `✓ ${mappedName(slot)}`),
      slot.duplicate ? h('span', { class: 'sample-flag' }, t('import.sample_duplicate')) : null,
    );
  }
  if (slot.unknown) {
    return h(
      'th',
      { scope: 'col', class: 'is-unknown', dataset: { column: '' } },
      h('span', { class: 'sample-file-head' }, slot.text),
      h('span', { class: 'sample-flag' }, t('import.sample_unknown')),
    );
  }
  return h('th', { scope: 'col', class: 'is-ignored' }, h('span', { class: 'sample-maps' }, t('import.sample_ignored')));
}

function renderSample() {
  const panel = $('import-sample-panel');
  panel.hidden = !sample || Boolean(result);
  if (!sample) return;
  const hd = sample.header;
  const note = $('import-sample-note');
  if (hd && sample.total > 0) {
    note.hidden = false;
    note.textContent = sample.total > SAMPLE_ROWS
      ? t('import.sample_note', { n: sample.total, shown: SAMPLE_ROWS })
      : t('import.sample_note_all', { n: sample.total });
  } else if (hd) {
    note.hidden = false;
    note.textContent = t('import.sample_no_rows');
  } else {
    note.hidden = true;
  }
  clear($('import-sample-alerts')).append(...sampleAlerts(sample));

  const table = $('import-sample');
  $('import-sample-wrap').hidden = !hd;
  if (!hd) return;
  const width = hd.slots.length;
  clear(table.tHead).append(
    h('tr', {}, h('th', { scope: 'col', class: 'c-line' }, t('import.sample_line')), ...hd.slots.map(headCell)),
  );
  clear(table.tBodies[0]).append(
    ...sample.rows.map((r) => {
      const extra = r.fields.length > width;
      const cells = [];
      for (let i = 0; i < Math.max(width, r.fields.length); i += 1) {
        const slot = hd.slots[i];
        const value = cellValue(r.fields[i]);
        const long = value.length > CELL_CHARS;
        const emptyRequired = Boolean(slot && slot.column && slot.column.required && !value);
        const cls = [
          !slot || slot.unknown || (!slot.column && value) ? 'is-unknown' : '',
          emptyRequired ? 'is-missing' : '',
        ].filter(Boolean).join(' ');
        cells.push(
          h(
            'td',
            { class: cls, title: emptyRequired ? t('import.sample_required_empty') : long ? value : null },
            emptyRequired
              ? h('span', { class: 'sample-empty' }, t('import.sample_empty_cell'))
              : long
                ? `${value.slice(0, CELL_CHARS)}…`
                : value,
          ),
        );
      }
      return h(
        'tr',
        { class: extra ? 'is-bad' : '', dataset: { line: r.line }, title: extra ? t('import.sample_extra') : null },
        h('th', { scope: 'row', class: 'c-line' }, String(r.line)),
        ...cells,
      );
    }),
  );
}

function render() {
  renderColumns();
  renderSample();
  renderPreview();
  renderResult();
  updateConfirm();
}

/** Send the bytes; a 422 with row errors is an answer (the preview), not a failure. */
async function send(dryRun) {
  try {
    const body = await api(dryRun ? `${URL_IMPORT}?dry_run=true` : URL_IMPORT, {
      method: 'POST',
      body: bytes,
      headers: { 'Content-Type': 'text/csv' },
    });
    return { ok: true, body: body || {} };
  } catch (err) {
    if (err.status === 422) {
      const body = err.body && typeof err.body === 'object' ? { ...err.body } : {};
      // Row errors normally come in `errors`; accept them from the envelope's `details` too.
      if (!Array.isArray(body.errors) && Array.isArray(err.details)) body.errors = err.details;
      if (errorsOf(body).length) return { ok: false, body };
      // A 422 with no row errors (an unreadable file, no header) is a plain error.
      body.rejected = true;
      return { ok: false, body, error: err };
    }
    return { ok: false, error: err };
  }
}

function reset() {
  bytes = null;
  preview = null;
  result = null;
  showError(null);
  say($('import-status'), '');
  render();
}

async function check() {
  const file = fileInput.files[0];
  if (!file) {
    showError({ key: 'import.pick_first' });
    return;
  }
  reset();
  bytes = await file.arrayBuffer();
  setBusy('checking');
  const answer = await send(true);
  setBusy(null);
  if (answer.body && !answer.error) preview = answer.body;
  if (answer.error) showError({ message: answer.error.message });
  render();
}

async function confirmImport() {
  if (confirmBtn.disabled) return;
  showError(null);
  setBusy('running');
  const answer = await send(false);
  setBusy(null);
  if (answer.ok) {
    result = answer.body;
  } else if (answer.body && !answer.error) {
    // The data changed between check and import (someone else imported): show the new errors.
    preview = answer.body;
  } else {
    // Network or server trouble: the check still stands, so confirm can be tried again.
    showError({ message: answer.error.message });
  }
  render();
}

fileInput.addEventListener('change', () => {
  reset();
  readSample(fileInput.files[0]);
});
previewBtn.addEventListener('click', check);
confirmBtn.addEventListener('click', confirmImport);
onLangChange(render);

initShell();
render();
