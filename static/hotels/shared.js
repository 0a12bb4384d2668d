// What the hotel pages, the desk and the rooming print share: who may do what, how a room
// type, a stay and an amount of money look, night arithmetic, dialogs and a pager.
//
// Nights are half-open ranges (contract): `nights_from` is the first night slept,
// `nights_to` the check-out date. A stay 06-16 → 06-19 is three nights: 16th, 17th, 18th.

import { api } from '../js/api.js';
import { h } from '../js/dom.js';
import { eventTimeShort } from '../js/format.js';
import { has, t } from '../js/i18n.js';

export const ROOM_TYPES = ['single', 'twin', 'suite', 'accessible'];
export const SHARE_BY = ['delegation', 'department', 'organization'];

/** Which roles may do what (the hotels API contract); the pages hide what a role can't do, the server still checks. */
const ROLES = {
  readHotels: ['admin', 'reception', 'committee'],
  editHotels: ['admin', 'reception'],
  decideReleases: ['admin', 'reception'],
  requestRelease: ['admin', 'reception', 'hotel_desk'],
  editPolicy: ['admin', 'reception'],
  editPlan: ['admin', 'reception'],
  decidePlan: ['committee'],
  acknowledge: ['admin', 'reception', 'hotel_desk'], // and read the changes between revisions
  settlement: ['admin', 'reception', 'hotel_desk'],
  desk: ['admin', 'reception', 'hotel_desk'],
};

export function can(user, what) {
  return Boolean(user && ROLES[what] && ROLES[what].includes(user.role));
}

/** A label from the dictionary, or the raw code when there is none. */
export function label(prefix, code) {
  if (code === null || code === undefined || code === '') return t('common.none');
  return has(`${prefix}.${code}`) ? t(`${prefix}.${code}`) : String(code);
}

export const roomTypeLabel = (code) => label('room_type', code);

// ---------- dates and nights ----------

const DAY_MS = 86400000;

/** Days since the epoch for "YYYY-MM-DD" (UTC arithmetic: no daylight-saving surprises). */
function dayNumber(iso) {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(String(iso || ''));
  if (!m) return NaN;
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) / DAY_MS;
}

function isoOfDay(n) {
  return new Date(n * DAY_MS).toISOString().slice(0, 10);
}

/** Every night of [from, to): the dates slept. Empty when the range is empty or invalid. */
export function nightsOf(from, to) {
  const a = dayNumber(from);
  const b = dayNumber(to);
  if (Number.isNaN(a) || Number.isNaN(b) || b <= a || b - a > 366) return [];
  const out = [];
  for (let n = a; n < b; n += 1) out.push(isoOfDay(n));
  return out;
}

export function nightCount(from, to) {
  const a = dayNumber(from);
  const b = dayNumber(to);
  return Number.isNaN(a) || Number.isNaN(b) ? 0 : Math.max(0, b - a);
}

/** The nights of [from, to) outside the entitled [efrom, eto): the guest pays for these. */
export function selfPaidNights(from, to, efrom, eto) {
  const entitled = new Set(nightsOf(efrom, eto));
  return nightsOf(from, to).filter((n) => !entitled.has(n));
}

/** "06-16 → 06-19 · 3 晚" */
export function stayText(from, to) {
  if (!from && !to) return t('common.none');
  return `${eventTimeShort(from)} → ${eventTimeShort(to)} · ${t('stay.nights_n', { n: nightCount(from, to) })}`;
}

/** Today in the device's calendar, for date fields' first value (the server decides "today" itself). */
export function todayIso() {
  const d = new Date();
  const pad = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

// ---------- money ----------

/** "¥1,234.00": yuan with two decimals (the contract's `rate` is yuan). */
export function yuan(value) {
  const n = Number(value);
  if (value === null || value === undefined || value === '' || !Number.isFinite(n)) return t('common.none');
  return `¥${n.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}

// ---------- small pieces of UI ----------

export function halalBadge(on) {
  return on ? h('span', { class: 'badge halal' }, t('halal.badge')) : null;
}

/** A badge for a status code of `prefix` (plan_status, release_status, stay_status). */
export function statusBadge(prefix, status) {
  return h('span', { class: `badge hz-status hz-${prefix}-${status}`, dataset: { status: status || '' } }, label(prefix, status));
}

/** The amber "self-paid" flag with the nights it covers. */
export function selfPaidFlag(nights) {
  const list = Array.isArray(nights) ? nights : [];
  if (!list.length) return null;
  return h(
    'span',
    { class: 'badge self-paid', dataset: { selfPaid: list.join(',') }, title: list.join(', ') },
    t('stay.self_paid_n', { n: list.length, list: list.map(eventTimeShort).join('、') }),
  );
}

/** A table cell that becomes a "label: value" line on a phone (the `.table` card layout). */
export function cell(labelKey, cls, ...content) {
  const empty = content.every((c) => c === '' || c === null || c === undefined || (Array.isArray(c) && !c.length));
  return h(
    'td',
    { class: `${cls || ''}${empty ? ' is-empty' : ''}`.trim(), dataset: { label: t(labelKey) } },
    h('span', { class: 'cell' }, empty ? t('common.none') : content),
  );
}

// ---------- dialogs ----------

/** Close buttons (`data-close`) of every <dialog> on the page. */
export function wireDialogs() {
  for (const dialog of document.querySelectorAll('dialog')) {
    for (const btn of dialog.querySelectorAll('[data-close]')) btn.addEventListener('click', () => dialog.close('cancel'));
  }
}

/** Open a <dialog> and resolve with its returnValue when it closes. */
export function ask(dialog) {
  dialog.returnValue = '';
  return new Promise((resolve) => {
    dialog.addEventListener('close', () => resolve(dialog.returnValue), { once: true });
    dialog.showModal();
  });
}

// ---------- paging ----------

/**
 * Wire a pager (prev button, info text, next button) to `state` {page, perPage, total};
 * `go(page)` is called with the page wanted. Returns `render()` to call after each load.
 */
export function pager({ prev, next, info }, state, go) {
  prev.addEventListener('click', () => go(Math.max(1, state.page - 1)));
  next.addEventListener('click', () => go(state.page + 1));
  return function render() {
    const from = state.total ? (state.page - 1) * state.perPage + 1 : 0;
    const to = Math.min(state.total, state.page * state.perPage);
    info.textContent = state.total ? t('list.page_info', { from, to, total: state.total }) : t('list.page_info_empty');
    prev.disabled = state.page <= 1;
    next.disabled = to >= state.total;
    prev.closest('.pager').hidden = state.total <= state.perPage && state.page === 1;
  };
}

/** One page of an array (the lists the server sends whole: rooming list, desk tabs). */
export function pageOf(items, page, perPage) {
  return items.slice((page - 1) * perPage, page * perPage);
}

// ---------- data ----------

/** Every hotel, in the server's order; [] for a role that may not list them. */
export async function loadHotels() {
  const list = await api('/api/v1/hotels');
  return Array.isArray(list) ? list : [];
}

/** "锦江宾馆（JJ）" for menus. */
export function hotelOption(hotel) {
  return hotel.name && hotel.name !== hotel.code ? `${hotel.name}（${hotel.code}）` : hotel.code;
}

/** Read `?code=` (the hotel) from the address. */
export function codeParam() {
  return (new URLSearchParams(location.search).get('code') || '').trim();
}

/** The hotel pages' links, percent-encoded. */
export const links = {
  hotel: (code) => `/hotels/hotel.html?code=${encodeURIComponent(code)}`,
  rooming: (code) => `/print/rooming.html?code=${encodeURIComponent(code)}`,
  roomingCsv: (code) => `/api/v1/hotels/${encodeURIComponent(code)}/rooming-list.csv`,
  settlementCsv: (code) => `/api/v1/hotels/${encodeURIComponent(code)}/settlement.csv`,
  desk: (code) => `/desk/?code=${encodeURIComponent(code)}`,
};
