// The occupancy heat map: one row per hotel, one column per night, each cell coloured by how
// much of what the hotel holds for us is allocated, with a thin bar for the rooms checked in
// and their number ("✓ 12") under the allocated/held count, readable without hovering.
//
// Plain DOM on a CSS grid (no chart library: the event network may be offline, and a grid
// of cells is readable, focusable and testable). Every cell carries data-hotel, data-night,
// data-held, data-allocated, data-checked-in and data-level, and says "held / allocated /
// checked in" in its title, so hovering or a screen reader gives the numbers.

import { clear, h } from '../js/dom.js';
import { eventTimeShort } from '../js/format.js';
import { t } from '../js/i18n.js';
import { links } from './shared.js';

/** Colour levels, lightest to fullest, then over the held count. */
const LEVELS = ['none', 'l0', 'l1', 'l2', 'l3', 'full', 'over'];

/** Which colour a cell gets: how much of the held rooms the plan uses that night. */
function level(held, allocated) {
  if (held <= 0) return allocated > 0 ? 'over' : 'none';
  if (allocated <= 0) return 'l0';
  const ratio = allocated / held;
  if (ratio > 1) return 'over';
  if (ratio === 1) return 'full';
  if (ratio >= 0.8) return 'l3';
  if (ratio > 0.5) return 'l2';
  return 'l1';
}

const num = (list, i) => {
  const n = Array.isArray(list) ? Number(list[i]) : 0;
  return Number.isFinite(n) ? n : 0;
};

function cellTitle(name, night, held, allocated, checkedIn) {
  return t('occ.cell_title', { hotel: name, night, held, allocated, checked_in: checkedIn });
}

function nightCell(hotel, night, i) {
  const held = num(hotel.held, i);
  const allocated = num(hotel.allocated, i);
  const checkedIn = num(hotel.checked_in, i);
  const lvl = level(held, allocated);
  const title = cellTitle(hotel.name || hotel.code, night, held, allocated, checkedIn);
  const bar = h('span', { class: 'occ-in', 'aria-hidden': 'true' });
  // Width through the CSSOM (no style attribute): a strict CSP still allows it.
  bar.style.width = `${held > 0 ? Math.min(100, Math.round((checkedIn / held) * 100)) : checkedIn > 0 ? 100 : 0}%`;
  return h(
    'span',
    {
      class: `occ-cell occ-${lvl}`,
      role: 'cell',
      title,
      'aria-label': title,
      dataset: { hotel: hotel.code, night, held, allocated, checkedIn, level: lvl },
    },
    h('span', { class: 'occ-nums' }, held || allocated ? `${allocated}/${held}` : ''),
    checkedIn > 0 ? h('span', { class: 'occ-ci' }, `✓ ${checkedIn}`) : null,
    bar,
  );
}

function headerRow(nights) {
  return h(
    'div',
    { class: 'occ-row occ-header', role: 'row' },
    h('span', { class: 'occ-hotel', role: 'columnheader' }, t('occ.hotel_night')),
    nights.map((night) => h('span', { class: 'occ-night', role: 'columnheader', dataset: { night } }, eventTimeShort(night))),
  );
}

function hotelRow(hotel, nights) {
  return h(
    'div',
    { class: 'occ-row', role: 'row', dataset: { hotel: hotel.code } },
    h('span', { class: 'occ-hotel', role: 'rowheader' }, h('a', { href: links.hotel(hotel.code), title: hotel.code }, hotel.name || hotel.code)),
    nights.map((night, i) => nightCell(hotel, night, i)),
  );
}

/** All hotels added up: the event's night-by-night picture in one line. */
function totalRow(hotels, nights) {
  const sum = (key) => nights.map((_, i) => hotels.reduce((acc, hotel) => acc + num(hotel[key], i), 0));
  const total = { code: '', name: t('occ.total'), held: sum('held'), allocated: sum('allocated'), checked_in: sum('checked_in') };
  const row = h(
    'div',
    { class: 'occ-row occ-total', role: 'row', dataset: { total: '1' } },
    h('span', { class: 'occ-hotel', role: 'rowheader' }, total.name),
    nights.map((night, i) => nightCell(total, night, i)),
  );
  for (const c of row.querySelectorAll('.occ-cell')) delete c.dataset.hotel;
  return row;
}

/** Draw `data` ({nights, hotels}) into `grid`; returns false when there is nothing to draw. */
export function renderOccupancy(grid, data) {
  const nights = Array.isArray(data?.nights) ? data.nights : [];
  const hotels = Array.isArray(data?.hotels) ? data.hotels : [];
  clear(grid);
  if (!nights.length || !hotels.length) return false;
  // One template for every row: each row is its own grid, so the columns line up.
  grid.style.setProperty('--occ-nights', String(nights.length));
  grid.append(headerRow(nights), ...hotels.map((hotel) => hotelRow(hotel, nights)));
  if (hotels.length > 1) grid.append(totalRow(hotels, nights));
  return true;
}

/** The legend: one swatch per colour level, and the checked-in bar. */
export function renderLegend(el) {
  clear(el).append(
    ...LEVELS.map((lvl) =>
      h('span', { class: 'legend-item' }, h('span', { class: `legend-swatch occ-${lvl}`, 'aria-hidden': 'true' }), t(`occ.level_${lvl}`)),
    ),
    h('span', { class: 'legend-item' }, h('span', { class: 'legend-swatch occ-in-swatch', 'aria-hidden': 'true' }), `✓ ${t('occ.checked_in')}`),
  );
}
