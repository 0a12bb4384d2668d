// 群发: one kind of email to every guest a filter picks. "Count" is the server's dry run (same
// body, nothing queued), so the number in the confirm question is the one the server will use.
// A real send answers with a batch, watched every second until nothing in it is waiting.

import { api, listAll } from '../js/api.js';
import { clear, h, say } from '../js/dom.js';
import { CATEGORIES } from '../js/format.js';
import { t } from '../js/i18n.js';
import { $, cell, kindLabel, mailTime } from './shared.js';

let ctx = null;
let result = null; // { dry, answer } of the last count or send, re-rendered on a language switch
let counted = null; // { key, queued }: the last count, for the confirm question of the same body
let batch = null; // the batch being watched
let watching = null; // its id; an answer for another id is dropped
let pollTimer = null;
let batches = [];
let batchesSig = '';

const pending = (b) => Number(b.queued || 0) + Number(b.sending || 0);

/** The request body from the form; without dry_run, which count() adds. */
function body() {
  const filter = {};
  const category = $('send-category').value;
  const delegation = $('send-delegation').value;
  const language = $('send-language').value;
  if (category) filter.category = category;
  if (delegation) filter.delegation_id = Number(delegation);
  if (language) filter.language = language;
  return { kind: $('send-kind').value, filter, unsent_only: $('send-unsent').checked };
}

function renderResult() {
  if (!result) return say($('send-result'), '');
  const a = result.answer || {};
  const vars = { queued: a.queued ?? 0, no_email: a.no_email ?? 0, batch: a.batch_id };
  const key = result.dry ? 'mail.counted' : a.batch_id != null ? 'mail.queued' : 'mail.queued_none';
  say($('send-result'), t(key, vars));
}

function busy(on) {
  $('send-count').disabled = on;
  $('send-go').disabled = on;
}

async function count() {
  const json = { ...body(), dry_run: true };
  busy(true);
  say($('send-error'), '');
  try {
    const answer = await api('/api/v1/mail/send', { method: 'POST', json });
    counted = { key: JSON.stringify(body()), queued: answer?.queued ?? 0 };
    result = { dry: true, answer };
  } catch (err) {
    result = null;
    say($('send-error'), err.message);
  } finally {
    busy(false);
  }
  renderResult();
}

async function send(e) {
  e.preventDefault();
  const json = body();
  const kind = t(`mail.notice.${json.kind}`);
  const known = counted && counted.key === JSON.stringify(json) ? counted.queued : null;
  if (!confirm(known != null ? t('mail.send_confirm_n', { n: known, kind }) : t('mail.send_confirm', { kind }))) return;
  busy(true);
  say($('send-error'), '');
  try {
    const answer = await api('/api/v1/mail/send', { method: 'POST', json });
    result = { dry: false, answer };
    counted = null; // "not yet sent" has just changed for these guests
    if (answer && answer.batch_id != null) watch(answer.batch_id, Number(answer.queued) || 0);
    ctx.changed();
  } catch (err) {
    say($('send-error'), err.message);
  } finally {
    busy(false);
  }
  renderResult();
}

// ---------- the batch being sent ----------

function renderBatch() {
  if (!batch) return;
  const total = Number(batch.total) || 0;
  const done = Number(batch.sent || 0) + Number(batch.failed || 0) + Number(batch.cancelled || 0);
  const bar = $('batch-progress');
  bar.max = Math.max(total, 1);
  bar.value = Math.min(done, bar.max);
  const vars = { id: batch.id, total, sent: batch.sent ?? 0, failed: batch.failed ?? 0, pending: pending(batch) };
  const text = t(pending(batch) ? 'mail.progress' : 'mail.progress_done', vars);
  // Rewritten only when it changes: the line is live, and a reader should not hear it every second.
  if ($('batch-text').textContent !== text) $('batch-text').textContent = text;
}

function watch(id, queued) {
  clearTimeout(pollTimer);
  watching = id;
  // Until the first answer, the send's own figures stand in.
  batch = { id, total: queued, queued, sending: 0, sent: 0, failed: 0, cancelled: 0 };
  $('batch-box').hidden = false;
  renderBatch();
  poll();
}

async function poll() {
  const id = watching;
  try {
    const b = await api(`/api/v1/mail/batches/${encodeURIComponent(id)}`);
    if (id !== watching) return;
    batch = b;
    renderBatch();
    if (pending(b) > 0) pollTimer = setTimeout(poll, 1000);
    else ctx.changed(); // finished: the counts and tables catch up now, not at the next tick
  } catch (err) {
    if (id !== watching) return;
    say($('send-error'), err.message);
    // No network or a restarting server is waited out; a 4xx will not get better.
    if (err.status === 0 || err.status >= 500) pollTimer = setTimeout(poll, 3000);
  }
}

// ---------- recent batches ----------

function renderBatches() {
  clear($('batch-table').tBodies[0]).append(
    ...batches.map((b) =>
      h(
        'tr',
        { dataset: { batchId: b.id } },
        cell('mail.col_batch', h('span', { class: 'mono' }, `#${b.id}`)),
        cell('mail.col_time', mailTime(b.created_at)),
        cell('mail.col_kind', kindLabel(b.kind)),
        cell('mail.col_total', String(b.total ?? 0)),
        cell('mail.col_sent', String(b.sent ?? 0)),
        cell('mail.col_failed', h('span', { class: b.failed ? 'missing' : '' }, String(b.failed ?? 0))),
        cell('mail.col_pending', String(pending(b))),
        cell('mail.col_by', b.created_by || t('common.none')),
      ),
    ),
  );
  $('batches-empty').hidden = batches.length > 0;
}

export async function loadBatches() {
  try {
    const answer = await api('/api/v1/mail/batches');
    const list = Array.isArray(answer?.batches) ? answer.batches : [];
    say($('batches-error'), '');
    // Unchanged answers leave the rows alone (this runs on every change of the counts).
    const sig = JSON.stringify(list);
    if (sig === batchesSig) return;
    batchesSig = sig;
    batches = list;
  } catch (err) {
    say($('batches-error'), err.message);
  }
  renderBatches();
}

// ---------- start ----------

async function fillDelegations() {
  const select = $('send-delegation');
  try {
    const items = await listAll('/api/v1/delegations');
    const label = (d) => (d.guest_count != null ? `${d.name} (${d.guest_count})` : d.name);
    select.append(...items.map((d) => h('option', { value: d.id }, label(d))));
  } catch (err) {
    // A registry this role may not read: no filter rather than a dead menu.
    if (err.status === 403) select.closest('.field').hidden = true;
    else say($('send-error'), err.message);
  }
}

export function initSend(c) {
  ctx = c;
  // data-i18n on each option: the language switch relabels them with the static text.
  $('send-category').append(...CATEGORIES.map((code) => h('option', { value: code, dataset: { i18n: `cat.${code}` } }, t(`cat.${code}`))));
  $('batch-progress').style.width = '100%'; // through the CSSOM, as list.js does (strict CSP)
  fillDelegations();
  $('send-count').addEventListener('click', count);
  $('send-form').addEventListener('submit', send);
  // A count is about the filters it was made with; changing one makes it stale.
  $('send-form').addEventListener('change', () => {
    if (result && result.dry) {
      result = null;
      renderResult();
    }
  });
  loadBatches();
}

export function rerenderSend() {
  renderResult();
  renderBatch();
  renderBatches();
}
