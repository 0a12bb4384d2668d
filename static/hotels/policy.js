// The lodging policy table: for each guest category, which hotels, which room types in order
// of preference, whether rooms are shared and by what guests are grouped to share. Reception
// edits it in place and saves the whole list with one PUT; the committee reads it.
//
// The table is drawn from `rows` (the state) after every change that moves things, so what is
// on screen is always exactly what the PUT will send.

import { api } from '../js/api.js';
import { clear, h, say } from '../js/dom.js';
import { CATEGORIES, categoryLabel } from '../js/format.js';
import { t } from '../js/i18n.js';
import { ROOM_TYPES, SHARE_BY, label, roomTypeLabel } from './shared.js';

const $ = (id) => document.getElementById(id);

let rows = []; // [{category, hotels, room_types, shared, share_by}]
let hotels = []; // [{code, name}] for the hotel checkboxes
let editable = false;

/** Every category the event plans for gets a row, in the plan's order; unknown ones follow. */
function normalize(list) {
  const byCat = new Map((Array.isArray(list) ? list : []).map((p) => [p.category, p]));
  const cats = [...CATEGORIES, ...[...byCat.keys()].filter((c) => !CATEGORIES.includes(c))];
  return cats.map((category) => {
    const p = byCat.get(category) || {};
    return {
      category,
      hotels: Array.isArray(p.hotels) ? [...p.hotels] : [],
      room_types: Array.isArray(p.room_types) ? [...p.room_types] : [],
      shared: Boolean(p.shared),
      share_by: p.share_by || 'delegation',
    };
  });
}

function hotelChoices(row) {
  const known = hotels.map((x) => x.code);
  // A code the policy names but the hotel list does not (deleted hotel) stays visible.
  const codes = [...known, ...row.hotels.filter((c) => !known.includes(c))];
  if (!codes.length) return h('span', { class: 'muted' }, t('policy.no_hotels'));
  return h(
    'div',
    { class: 'policy-hotels' },
    codes.map((code) => {
      const hotel = hotels.find((x) => x.code === code);
      return h(
        'label',
        { class: 'chip-option', title: hotel ? hotel.name : code },
        h('input', {
          type: 'checkbox',
          checked: row.hotels.includes(code),
          disabled: !editable,
          dataset: { category: row.category, hotel: code },
          onchange: (e) => {
            row.hotels = e.target.checked ? [...row.hotels, code] : row.hotels.filter((c) => c !== code);
          },
        }),
        h('span', {}, code),
      );
    }),
  );
}

/** Room types: the chosen ones first, in preference order, with ↑ ↓ to reorder; then the rest. */
function roomTypeChoices(row) {
  const order = [...row.room_types, ...ROOM_TYPES.filter((rt) => !row.room_types.includes(rt))];
  return h(
    'ol',
    { class: 'policy-types' },
    order.map((rt) => {
      const chosen = row.room_types.includes(rt);
      const i = row.room_types.indexOf(rt);
      const move = (delta) => {
        const list = [...row.room_types];
        [list[i], list[i + delta]] = [list[i + delta], list[i]];
        row.room_types = list;
        render();
      };
      return h(
        'li',
        { class: chosen ? 'is-chosen' : 'is-off', dataset: { roomType: rt } },
        h(
          'label',
          { class: 'chip-option' },
          h('input', {
            type: 'checkbox',
            checked: chosen,
            disabled: !editable,
            dataset: { category: row.category, roomType: rt },
            onchange: (e) => {
              row.room_types = e.target.checked ? [...row.room_types, rt] : row.room_types.filter((x) => x !== rt);
              render();
            },
          }),
          h('span', {}, chosen ? `${i + 1}. ${roomTypeLabel(rt)}` : roomTypeLabel(rt)),
        ),
        editable && chosen
          ? [
              h('button', { type: 'button', class: 'btn btn-ghost btn-icon', disabled: i === 0, title: t('policy.up'), 'aria-label': t('policy.up'), onclick: () => move(-1) }, '↑'),
              h('button', { type: 'button', class: 'btn btn-ghost btn-icon', disabled: i === row.room_types.length - 1, title: t('policy.down'), 'aria-label': t('policy.down'), onclick: () => move(1) }, '↓'),
            ]
          : null,
      );
    }),
  );
}

function policyRow(row) {
  const shareBy = h(
    'select',
    {
      disabled: !editable || !row.shared,
      dataset: { category: row.category, field: 'share_by' },
      'aria-label': t('policy.col_share_by'),
      onchange: (e) => {
        row.share_by = e.target.value;
      },
    },
    SHARE_BY.map((s) => h('option', { value: s, selected: s === row.share_by }, label('share_by', s))),
  );
  const shared = h('input', {
    type: 'checkbox',
    checked: row.shared,
    disabled: !editable,
    dataset: { category: row.category, field: 'shared' },
    onchange: (e) => {
      row.shared = e.target.checked;
      shareBy.disabled = !editable || !row.shared;
    },
  });
  return h(
    'tr',
    { dataset: { category: row.category } },
    h('td', { class: 'c-cat', dataset: { label: t('policy.col_category') } }, h('span', { class: `badge cat cat-${row.category}` }, categoryLabel(row.category))),
    h('td', { dataset: { label: t('policy.col_hotels') } }, hotelChoices(row)),
    h('td', { dataset: { label: t('policy.col_room_types') } }, roomTypeChoices(row)),
    h('td', { dataset: { label: t('policy.col_shared') } }, h('label', { class: 'chip-option' }, shared, h('span', {}, t('policy.shared')))),
    h('td', { dataset: { label: t('policy.col_share_by') } }, shareBy),
  );
}

export function render() {
  const tbody = $('policy-table').querySelector('tbody');
  clear(tbody).append(...rows.map(policyRow));
}

/**
 * Every category is sent: the server requires each one once. No hotel ticked means "any hotel
 * serving the category" (the default policy names none), so only room types are required.
 */
function payload() {
  return rows
    .map((r) => ({ category: r.category, hotels: r.hotels, room_types: r.room_types, shared: r.shared, share_by: r.share_by }));
}

async function save() {
  const btn = $('policy-save');
  say($('policy-error'), '');
  say($('policy-ok'), '');
  const incomplete = rows.filter((r) => r.room_types.length === 0);
  if (incomplete.length) {
    say($('policy-error'), t('policy.incomplete', { list: incomplete.map((r) => categoryLabel(r.category)).join('、') }));
    return;
  }
  btn.disabled = true;
  try {
    rows = normalize(await api('/api/v1/lodging-policy', { method: 'PUT', json: payload() }));
    render();
    say($('policy-ok'), t('policy.saved'));
  } catch (err) {
    say($('policy-error'), err.message);
  } finally {
    btn.disabled = false;
  }
}

/** Load and draw the policy; `canEdit` shows the save button and enables the controls. */
export async function initPolicy({ canEdit, hotelList }) {
  editable = canEdit;
  hotels = hotelList;
  $('policy-save').addEventListener('click', save);
  try {
    rows = normalize(await api('/api/v1/lodging-policy'));
  } catch (err) {
    rows = normalize([]);
    say($('policy-error'), err.message);
  }
  render();
}

/** The hotel list changed (a hotel was added): redraw the hotel choices. */
export function setPolicyHotels(list) {
  hotels = list;
  render();
}
