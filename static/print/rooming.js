// The printable rooming list of one hotel: /print/rooming.html?code=X — A4 landscape, one
// table whose header repeats on every page, guests sharing a room printed next to each other.
//
// The sheet goes to the hotel's front office, so everything on it is bilingual whatever the
// screen language (the toolbar follows the screen). Nights beyond the entitled stay are
// marked: the guest pays for those.

import { api } from '../js/api.js';
import { clear, h, say } from '../js/dom.js';
import { eventClockTime, eventTimeShort } from '../js/format.js';
import { t } from '../js/i18n.js';
import { initShell } from '../js/shell.js';
import { codeParam, links, loadHotels } from '../hotels/shared.js';
import { showLoading } from './print.js';

const $ = (id) => document.getElementById(id);

const CATEGORY = {
  vip: '贵宾 VIP',
  entourage: '随行人员 Entourage',
  journalist: '记者 Media',
  staff: '工作人员 Staff',
  delegate: '代表团成员 Delegate',
};
const ROOM_TYPE = {
  single: '单人间 Single',
  twin: '双床间 Twin',
  suite: '套房 Suite',
  accessible: '无障碍房 Accessible',
};

/** A4 landscape with a margin: a long table flows over pages (print.js's setPage has none). */
function setPaper() {
  const style = document.createElement('style');
  style.textContent = '@page { size: A4 landscape; margin: 10mm 8mm; }';
  document.head.append(style);
}

/** True when `a` and `b` share a room (the list names each guest's roommates). */
function sameRoom(a, b) {
  const names = (r) => String(r.roommate || '').split(/[、,;；，]\s*/).filter(Boolean);
  return Boolean(a && b && a.room_type === b.room_type && (names(a).includes(b.name) || names(b).includes(a.name)));
}

function nightsCell(r) {
  const nights = Number(r.nights) || 0;
  const entitled = Number(r.entitled_nights) || 0;
  return h(
    'td',
    { class: 'c-nights' },
    `${eventTimeShort(r.nights_from)} → ${eventTimeShort(r.nights_to)}`,
    h('span', { class: 'rp-n' }, ` (${nights})`),
    nights > entitled ? h('span', { class: 'rp-self' }, `自付 ${nights - entitled} 晚 self-paid`) : null,
  );
}

function row(r, i, shade) {
  return h(
    'tr',
    { class: shade ? 'rp-shade' : '', dataset: { guestId: r.guest_id } },
    h('td', { class: 'c-no' }, String(i + 1)),
    h('td', { class: 'c-name' }, h('strong', {}, r.name || ''), r.name_latin ? h('span', { class: 'rp-latin' }, r.name_latin) : null),
    h('td', {}, CATEGORY[r.category] || r.category || ''),
    h('td', {}, r.delegation || ''),
    h('td', {}, ROOM_TYPE[r.room_type] || r.room_type || ''),
    h('td', { class: 'c-room-no' }, r.room_no || ''),
    h('td', {}, r.roommate || ''),
    h('td', {}, [eventTimeShort(r.arrival_at), r.arrival_no].filter(Boolean).join(' ')),
    nightsCell(r),
    h('td', { class: 'c-num' }, String(r.entitled_nights ?? '')),
    h('td', { class: 'c-halal' }, r.halal ? '✓ 清真 Halal' : ''),
    h('td', {}, r.diet || ''),
  );
}

function render(list, hotelName) {
  // The server orders by room type, room and name, so roommates are already side by side;
  // every other room is shaded so who shares with whom reads at a glance.
  const rows = Array.isArray(list?.rows) ? list.rows : [];
  let group = -1;
  const trs = rows.map((r, i) => {
    if (!sameRoom(rows[i - 1], r)) group += 1;
    return row(r, i, group % 2 === 1);
  });
  clear($('rooming-print-table').querySelector('tbody')).append(...trs);
  $('rooming-hotel').textContent = hotelName;
  $('rooming-revision').textContent = list?.revision != null ? String(list.revision) : '—';
  $('rooming-count').textContent = String(rows.length);
  // Printed on the event's clock, whatever zone the printing computer is set to.
  $('rooming-printed').textContent = eventClockTime();
  $('print-count').textContent = t('rooming.print_count', { n: rows.length });
  $('rooming').hidden = false;
  document.title = `${hotelName} · ${t('rooming.print_title')}`;
}

async function main() {
  setPaper();
  const code = codeParam();
  const user = await initShell();
  const hotelCode = code || (user && user.role === 'hotel_desk' ? user.scope || '' : '');
  if (hotelCode) $('print-back').href = links.hotel(hotelCode);
  if (!hotelCode) {
    say($('print-error'), t('hotel.no_code'));
    showLoading(false);
    $('print-button').disabled = true;
    return;
  }
  try {
    const [list, hotels] = await Promise.all([
      api(`/api/v1/hotels/${encodeURIComponent(hotelCode)}/rooming-list`),
      loadHotels().catch(() => []), // the name, should the list not carry it
    ]);
    const hotel = hotels.find((x) => x.code === hotelCode);
    const name = `${list?.hotel_name || hotel?.name || hotelCode}（${list?.hotel || hotelCode}）`;
    render(list, name);
    showLoading(false);
    $('print-button').onclick = () => window.print();
  } catch (err) {
    say($('print-error'), err.message);
    showLoading(false);
    $('print-button').disabled = true;
  }
}

main();
