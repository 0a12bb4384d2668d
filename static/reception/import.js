// Guest import: a dry run first, then the same bytes for real.
//
// The bytes read for the check are the bytes sent on confirm, so what was checked is what
// gets written even if the file on disk changes in between. Confirm stays disabled until a
// check of *this* file came back clean.

import { api } from '../js/api.js';
import { clear, h, say, sayT } from '../js/dom.js';
import { has, onLangChange, t } from '../js/i18n.js';
import { initShell } from '../js/shell.js';

const URL_IMPORT = '/api/v1/guests/import';
const $ = (id) => document.getElementById(id);

const fileInput = $('import-file');
const previewBtn = $('import-preview');
const confirmBtn = $('import-confirm');

let bytes = null; // ArrayBuffer of the checked file
let preview = null; // body of the last check (200 or 422)
let result = null; // body of the real import
let busy = null; // 'checking' | 'running' | null

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

function render() {
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

fileInput.addEventListener('change', reset);
previewBtn.addEventListener('click', check);
confirmBtn.addEventListener('click', confirmImport);
onLangChange(render);

initShell();
render();
