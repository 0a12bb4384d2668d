// Room blocks: the rooms a hotel holds for the event, by room type and nights, at a rate.
// The "new block" form (#block-form, on the hotel list and on a hotel's page) and the blocks
// table of one hotel.

import { api } from '../js/api.js';
import { clear, h, say } from '../js/dom.js';
import { eventTimeShort } from '../js/format.js';
import { t } from '../js/i18n.js';
import { ROOM_TYPES, cell, nightCount, nightsOf, roomTypeLabel, stayText, yuan } from './shared.js';

const $ = (id) => document.getElementById(id);

export function fillRoomTypes(select, keep = select.value) {
  clear(select).append(...ROOM_TYPES.map((rt) => h('option', { value: rt }, roomTypeLabel(rt))));
  if (keep) select.value = keep;
}

/** "3 晚 × 20 间 = 60 间夜" under the dates, so a wrong date is seen before saving. */
function showNights() {
  const from = $('block-from').value;
  const to = $('block-to').value;
  const rooms = parseInt($('block-rooms').value, 10) || 0;
  const n = nightCount(from, to);
  const el = $('block-nights');
  if (!from || !to) {
    el.hidden = true;
    return;
  }
  el.textContent = n > 0 ? t('blocks.nights_hint', { n, rooms, total: n * rooms }) : t('blocks.bad_dates');
  el.classList.toggle('field-error', n <= 0);
  el.hidden = false;
}

function readForm() {
  const body = {
    room_type: $('block-room-type').value,
    nights_from: $('block-from').value,
    nights_to: $('block-to').value,
    rooms: parseInt($('block-rooms').value, 10),
    rate: Math.round(parseFloat($('block-rate').value) * 100) / 100,
  };
  if (!body.nights_from || !body.nights_to || nightCount(body.nights_from, body.nights_to) <= 0) return [null, 'blocks.bad_dates'];
  if (!Number.isInteger(body.rooms) || body.rooms < 1) return [null, 'blocks.bad_rooms'];
  if (!Number.isFinite(body.rate) || body.rate < 0) return [null, 'blocks.bad_rate'];
  return [body, null];
}

/**
 * Wire #block-form. `hotelCode()` names the hotel (the form's select or the page's hotel);
 * `onCreated(code, block)` runs after a block is saved.
 */
export function wireBlockForm({ hotelCode, onCreated }) {
  fillRoomTypes($('block-room-type'));
  for (const id of ['block-from', 'block-to', 'block-rooms']) $(id).addEventListener('input', showNights);
  $('block-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    say($('block-error'), '');
    say($('block-ok'), '');
    const code = hotelCode();
    const [body, problem] = readForm();
    if (!code) return say($('block-error'), t('blocks.pick_hotel'));
    if (problem) return say($('block-error'), t(problem));
    const btn = $('block-submit');
    btn.disabled = true;
    try {
      const block = await api(`/api/v1/hotels/${encodeURIComponent(code)}/blocks`, { method: 'POST', json: body });
      say($('block-ok'), t('blocks.created', { rooms: body.rooms, type: roomTypeLabel(body.room_type), from: eventTimeShort(body.nights_from), to: eventTimeShort(body.nights_to) }));
      $('block-rooms').value = '';
      showNights();
      if (onCreated) await onCreated(code, block);
    } catch (err) {
      say($('block-error'), err.message);
    } finally {
      btn.disabled = false;
    }
  });
}

/** One hotel's blocks as table rows; `onDelete(block)` adds a delete button. */
export function blockRows(blocks, { onDelete } = {}) {
  return blocks.map((b) =>
    h(
      'tr',
      { dataset: { blockId: b.id, roomType: b.room_type } },
      cell('blocks.room_type', 'c-type', roomTypeLabel(b.room_type)),
      cell('blocks.nights', 'c-nights', stayText(b.nights_from, b.nights_to)),
      cell('blocks.rooms', 'c-num', String(b.rooms ?? '')),
      cell('blocks.rate', 'c-num', yuan(b.rate)),
      onDelete
        ? cell('blocks.actions', 'c-actions', h('button', { type: 'button', class: 'btn btn-ghost block-delete', onclick: () => onDelete(b) }, t('blocks.delete')))
        : null,
    ),
  );
}

/**
 * "双床 20 · 单人 8": per room type, the most rooms held on any one night (two blocks of the
 * same type for different nights do not add up).
 */
export function blocksSummary(blocks) {
  const perNight = new Map(); // room type → Map(night → rooms)
  for (const b of blocks) {
    if (!perNight.has(b.room_type)) perNight.set(b.room_type, new Map());
    const nights = perNight.get(b.room_type);
    for (const n of nightsOf(b.nights_from, b.nights_to)) nights.set(n, (nights.get(n) || 0) + (Number(b.rooms) || 0));
  }
  return [...perNight]
    .map(([rt, nights]) => `${roomTypeLabel(rt)} ${Math.max(0, ...nights.values())}`)
    .join(' · ');
}
