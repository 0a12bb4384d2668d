// What the mail page's parts share: labels for kinds and statuses, the API's UTC times on the
// event's clock, and the table of messages (a guest's history, the failures) with its Resend.

import { api } from '../js/api.js';
import { clear, h, say } from '../js/dom.js';
import { codeLabel, eventClockShort, eventTimeShort } from '../js/format.js';
import { t } from '../js/i18n.js';

export const $ = (id) => document.getElementById(id);

export const kindLabel = (kind) => codeLabel('mail.kind', kind);

// No stylesheet of our own: the statuses borrow the pass badges' colours — waiting amber,
// sending blue, sent green, failed red, cancelled the plain grey badge.
const STATUS_CLASS = { queued: 'st-requested', sending: 'st-issued', sent: 'st-collected', failed: 'st-revoked' };

export function statusBadge(status) {
  return h('span', { class: `badge status-badge ${STATUS_CLASS[status] || ''}`, dataset: { status: status || '' } }, codeLabel('mail.status', status));
}

// The mail API answers in naive UTC ("2026-06-18T08:00:00"), unlike the rest of the API (event
// offset). Read it as UTC and show it on the event's clock (format.js), not the device's zone,
// in the short form. A time that does carry an offset is shown as written, as elsewhere.
export function mailTime(value) {
  if (!value) return '';
  const s = String(value);
  if (/[+-]\d{2}:\d{2}$/.test(s)) return eventTimeShort(s);
  return eventClockShort(s) || s;
}

/** A table cell that becomes a labelled line on a phone (the .table card layout). */
export function cell(key, ...content) {
  return h('td', { dataset: { label: t(key) } }, h('span', { class: 'cell' }, ...content));
}

function errorCell(m) {
  // A message waiting for another try says when; the error alone would read as final.
  const next = m.status === 'queued' && Number(m.attempts) > 0 && m.next_attempt_at
    ? h('span', { class: 'muted' }, ` ${t('mail.next_attempt', { at: mailTime(m.next_attempt_at) })}`)
    : null;
  return cell('mail.col_error', m.last_error ? h('span', { class: 'mono' }, m.last_error) : '', next);
}

/** Fill `tbody` with messages; `withGuest` adds the guest's name (the failures are everyone's). */
export function renderMessages(tbody, list, { withGuest = false } = {}) {
  clear(tbody).append(
    ...list.map((m) =>
      h(
        'tr',
        { dataset: { messageId: m.id, status: m.status || '' } },
        cell('mail.col_time', mailTime(m.created_at),
          m.sent_at ? h('span', { class: 'sub' }, t('mail.sent_at', { at: mailTime(m.sent_at) })) : null),
        cell('mail.col_kind', kindLabel(m.kind)),
        cell('mail.col_to', withGuest && m.guest_name ? [h('strong', {}, m.guest_name), ' '] : null, m.to || t('common.none')),
        cell('mail.subject', m.subject || t('common.none')),
        cell('mail.col_status', statusBadge(m.status)),
        cell('mail.col_attempts', String(m.attempts ?? 0)),
        errorCell(m),
        cell('mail.col_actions', m.status === 'failed'
          ? h('button', { type: 'button', class: 'btn', dataset: { act: 'retry' } }, t('mail.retry'))
          : ''),
      ),
    ),
  );
}

/** Resend buttons in `table`: queue the message again, then `done()` reloads what shows it. */
export function wireRetry(table, errorEl, done) {
  table.tBodies[0].addEventListener('click', async (e) => {
    const btn = e.target.closest('button[data-act="retry"]');
    if (!btn) return;
    btn.disabled = true;
    say(errorEl, '');
    try {
      await api(`/api/v1/mail/messages/${encodeURIComponent(btn.closest('tr').dataset.messageId)}/retry`, { method: 'POST' });
    } catch (err) {
      say(errorEl, err.message);
      btn.disabled = false;
    }
    done();
  });
}

/** The messages of an answer `{messages: [..]}` (a bare array is accepted too). */
export function messagesOf(answer) {
  if (Array.isArray(answer)) return answer;
  return Array.isArray(answer?.messages) ? answer.messages : [];
}
