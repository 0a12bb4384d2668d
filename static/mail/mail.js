// 邮件 Email, reception's page for the outbox: how mail leaves and what is waiting (every 5 s),
// sending one kind to a filtered set with its progress (send.js), previewing and sending to
// one guest with their history (guest.js), the failures with Resend, and the lists that go to
// kitchens and inspectors.
//
// The counts drive the rest: when they move, the batches, failures and history are refetched,
// so a message that fails while the page is open shows up without a reload.

import { api } from '../js/api.js';
import { h, say } from '../js/dom.js';
import { codeLabel } from '../js/format.js';
import { onLangChange, t } from '../js/i18n.js';
import { initShell } from '../js/shell.js';
import { initGuest, loadHistory, rerenderGuest } from './guest.js';
import { initSend, loadBatches, rerenderSend } from './send.js';
import { $, messagesOf, renderMessages, wireRetry } from './shared.js';

/** The roles this page is for (the NAV entry in shell.js); the server still checks each call. */
const ROLES = ['admin', 'reception'];
const STATUS_EVERY_MS = 5000;

let status = null;
let countsSig = '';
let failed = null;
let failedSig = '';
let listsResult = null; // { key, answer } of the last list sent

// ---------- status ----------

function renderStatus() {
  if (!status) return;
  const c = status.counts || {};
  const n = (key) => Number(c[key] || 0);
  // The server or folder is shown to the administrator only (the answer leaves it empty).
  const transport = codeLabel('mail.transport', status.transport);
  const parts = [status.target ? t('mail.transport_line', { transport, target: status.target }) : t('mail.transport_only', { transport })];
  if (status.per_second != null) parts.push(t('mail.rate', { n: status.per_second }));
  parts.push(t('mail.count.queued', { n: n('queued') }));
  if (n('sending')) parts.push(t('mail.count.sending', { n: n('sending') }));
  parts.push(t('mail.count.sent', { n: n('sent') }));
  const failedText = h('span', { class: n('failed') ? 'missing' : '' }, t('mail.count.failed', { n: n('failed') }));
  $('mail-status').replaceChildren(`${parts.join(' · ')} · `, failedText,
    n('cancelled') ? ` · ${t('mail.count.cancelled', { n: n('cancelled') })}` : '');
}

/** Fetch the status; true when the counts moved since the last look. */
async function loadStatus() {
  try {
    status = await api('/api/v1/mail/status');
    say($('status-error'), '');
  } catch (err) {
    say($('status-error'), err.message);
    return false;
  }
  renderStatus();
  const sig = JSON.stringify(status.counts || {});
  const moved = countsSig !== '' && sig !== countsSig;
  countsSig = sig;
  return moved;
}

// ---------- failures ----------

function renderFailed() {
  const list = failed || [];
  renderMessages($('failed-table').tBodies[0], list, { withGuest: true });
  $('failed-count').textContent = failed ? String(list.length) : '…';
  $('failed-empty').hidden = !failed || list.length > 0;
}

async function loadFailed() {
  try {
    const answer = await api('/api/v1/mail/messages?status=failed&limit=100');
    say($('failed-error'), '');
    // Unchanged answers leave the rows (and a Resend under the pointer) alone.
    const sig = JSON.stringify(answer);
    if (sig === failedSig) return;
    failedSig = sig;
    failed = messagesOf(answer);
  } catch (err) {
    say($('failed-error'), err.message);
  }
  renderFailed();
}

// ---------- lists for kitchens and inspectors ----------

function renderLists() {
  if (!listsResult) return say($('lists-result'), '');
  const a = listsResult.answer || {};
  say($('lists-result'), t(listsResult.key, { queued: a.queued ?? 0, no_email: a.no_email ?? 0 }));
}

async function sendList(btn, path, key) {
  btn.disabled = true;
  say($('lists-error'), '');
  try {
    const answer = await api(path, { method: 'POST', json: {} });
    listsResult = { key, answer };
    renderLists();
    changed();
  } catch (err) {
    say($('lists-error'), err.message);
  } finally {
    btn.disabled = false;
  }
}

// ---------- start ----------

/** Something was queued or retried here: everything that counts messages looks again. */
function changed() {
  loadStatus();
  loadBatches();
  loadFailed();
  loadHistory();
}

async function tick() {
  if (document.hidden) return; // a tab in the background asks nothing; it catches up on return
  if (await loadStatus()) {
    loadBatches();
    loadFailed();
    loadHistory();
  }
}

async function init() {
  const user = await initShell();
  if (!user || !ROLES.includes(user.role)) {
    say($('page-error'), t('mail.not_allowed'));
    for (const s of document.querySelectorAll('main > section')) s.hidden = true;
    return;
  }
  const ctx = { user, changed };
  initSend(ctx);
  initGuest(ctx);
  wireRetry($('failed-table'), $('failed-error'), changed);
  $('send-kitchen').addEventListener('click', (e) => sendList(e.currentTarget, '/api/v1/mail/kitchen-sheets', 'mail.kitchen_done'));
  $('send-rosters').addEventListener('click', (e) => sendList(e.currentTarget, '/api/v1/mail/rosters', 'mail.rosters_done'));

  loadStatus();
  loadFailed();
  setInterval(tick, STATUS_EVERY_MS);
  document.addEventListener('visibilitychange', tick);

  onLangChange(() => {
    renderStatus();
    renderFailed();
    renderLists();
    rerenderSend();
    rerenderGuest();
  });
}

init();
