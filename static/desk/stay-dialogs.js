// The two dialogs a stay row opens at the desk:
//  - change dates (extend or shorten): the new nights are drawn as they are typed, the ones
//    outside the guest's entitled stay in amber — "Nights beyond the entitled stay are paid by
//    the guest" — so the clerk can tell the guest before saving;
//  - the folio: each night, its rate and who pays it (the event or the guest), with totals.

import { api } from '../js/api.js';
import { clear, h, say } from '../js/dom.js';
import { eventTimeShort } from '../js/format.js';
import { t } from '../js/i18n.js';
import { ask, label, nightCount, nightsOf, selfPaidNights, stayText, yuan } from '../hotels/shared.js';

const $ = (id) => document.getElementById(id);

let datesStay = null;

function who(stay) {
  return [stay.name, stay.room_no ? t('desk.room_n', { room: stay.room_no }) : ''].filter(Boolean).join(' · ');
}

/** The nights as chips, the self-paid ones amber, and a sentence saying what the guest pays. */
function renderPreview() {
  const stay = datesStay;
  const from = $('dates-from').value;
  const to = $('dates-to').value;
  const box = $('dates-preview');
  const nights = nightsOf(from, to);
  if (!nights.length) {
    clear(box).append(h('p', { class: 'field-error' }, t('blocks.bad_dates')));
    return;
  }
  const self = new Set(selfPaidNights(from, to, stay.entitled_from, stay.entitled_to));
  clear(box).append(
    h(
      'ul',
      { class: 'night-chips' },
      nights.map((n) =>
        h('li', { class: self.has(n) ? 'night-chip is-self' : 'night-chip', dataset: { night: n, paidBy: self.has(n) ? 'guest' : 'event' } }, eventTimeShort(n)),
      ),
    ),
    self.size
      ? h('p', { id: 'dates-self-paid', class: 'alert alert-warn self-paid-note' }, t('desk.dates_self_paid', { n: self.size, total: nights.length }))
      : h('p', { class: 'hint' }, t('desk.dates_all_event', { total: nights.length })),
  );
}

/** Extend or shorten `stay`; resolves with the new Stay, or null when cancelled. */
export async function openDates(stay) {
  datesStay = stay;
  $('dates-who').textContent = who(stay);
  $('dates-entitled').textContent = t('desk.entitled', { range: stayText(stay.entitled_from, stay.entitled_to) });
  $('dates-from').value = stay.nights_from || '';
  $('dates-to').value = stay.nights_to || '';
  say($('dates-error'), '');
  renderPreview();
  for (;;) {
    if ((await ask($('dates-dialog'))) !== 'ok') return null;
    const body = { nights_from: $('dates-from').value, nights_to: $('dates-to').value };
    if (nightCount(body.nights_from, body.nights_to) <= 0) {
      say($('dates-error'), t('blocks.bad_dates'));
      continue; // show the dialog again with the problem
    }
    try {
      return await api(`/api/v1/stays/${encodeURIComponent(stay.guest_id)}/dates`, { method: 'POST', json: body });
    } catch (err) {
      say($('dates-error'), err.message);
    }
  }
}

export async function openFolio(stay) {
  $('folio-who').textContent = who(stay);
  say($('folio-error'), '');
  const tbody = $('folio-table').querySelector('tbody');
  clear(tbody).append(h('tr', {}, h('td', { colspan: '4', class: 'muted' }, t('common.loading'))));
  clear($('folio-totals'));
  const opened = ask($('folio-dialog'));
  try {
    const folio = await api(`/api/v1/stays/${encodeURIComponent(stay.guest_id)}/folio`);
    const nights = Array.isArray(folio?.nights) ? folio.nights : [];
    clear(tbody).append(
      ...nights.map((n) =>
        h(
          'tr',
          { class: n.paid_by === 'guest' ? 'is-self' : '', dataset: { night: n.night, paidBy: n.paid_by } },
          h('td', {}, eventTimeShort(n.night)),
          h('td', {}, yuan(n.rate)),
          h('td', {}, yuan(n.share)), // this guest's part of the room's rate (half of a shared twin)
          h('td', {}, h('span', { class: `badge paid-by paid-by-${n.paid_by}` }, label('paid_by', n.paid_by))),
        ),
      ),
    );
    clear($('folio-totals')).append(
      h('dt', {}, t('folio.event_nights')),
      h('dd', { id: 'folio-event-nights' }, String(folio?.event_nights ?? 0)),
      h('dt', {}, t('folio.event_amount')),
      h('dd', { id: 'folio-event-amount' }, yuan(folio?.event_amount ?? 0)),
      h('dt', {}, t('folio.self_nights')),
      h('dd', { id: 'folio-self-nights', class: folio?.self_nights ? 'is-self' : '' }, String(folio?.self_nights ?? 0)),
      h('dt', {}, t('folio.self_amount')),
      h('dd', { id: 'folio-self-amount', class: folio?.self_nights ? 'is-self' : '' }, yuan(folio?.self_amount ?? 0)),
    );
  } catch (err) {
    clear(tbody);
    say($('folio-error'), err.message);
  }
  await opened;
}

/** Re-draw the open dates preview after a language switch. */
export function rerenderDialogs() {
  if (datesStay && $('dates-dialog').open) renderPreview();
}

export function wireStayDialogs() {
  for (const id of ['dates-from', 'dates-to']) $(id).addEventListener('input', () => datesStay && renderPreview());
}
