// What the meals page, the canteen screen and the meal print pages share: who may do what,
// the four services, dining points, windows, allergens, dates and links.
//
// Windows are event-local "HH:MM"; "24:00" is a valid end, and a window that ends at or
// after midnight belongs to the day it starts (the night snack 22:00–24:00).

import { api } from '../js/api.js';
import { h } from '../js/dom.js';
import { eventWallClock } from '../js/format.js';
import { has, t } from '../js/i18n.js';

export const SERVICES = ['breakfast', 'lunch', 'dinner', 'night_snack'];
/** How a category's meals are placed (GET /meal-policy `mode`). */
export const MODES = ['hotel', 'any', 'none'];
/** Allergens offered as ticks in the menu editor; anything else is typed and stored as is. */
export const ALLERGENS = ['peanut', 'tree_nut', 'milk', 'egg', 'fish', 'shellfish', 'gluten', 'soy', 'sesame'];

/** Both languages at once, for paper the kitchen and the guests both read. */
export const SERVICE_BI = {
  breakfast: ['早餐', 'Breakfast'],
  lunch: ['午餐', 'Lunch'],
  dinner: ['晚餐', 'Dinner'],
  night_snack: ['夜宵', 'Night snack'],
};
export const ALLERGEN_BI = {
  peanut: ['花生', 'Peanuts'],
  tree_nut: ['坚果', 'Tree nuts'],
  milk: ['乳制品', 'Milk'],
  egg: ['蛋', 'Egg'],
  fish: ['鱼', 'Fish'],
  shellfish: ['虾蟹贝', 'Shellfish'],
  gluten: ['麸质', 'Gluten'],
  soy: ['大豆', 'Soy'],
  sesame: ['芝麻', 'Sesame'],
};

/** Which roles may do what (contract); pages hide what a role can't do, the server still checks. */
const ROLES = {
  read: ['admin', 'reception', 'committee'], // the meals page: points, forecast, menu, kitchen sheets
  edit: ['admin', 'reception'], // windows, points, policy, menu, coupons
  canteen: ['admin', 'reception', 'canteen'],
};

export function can(user, what) {
  return Boolean(user && ROLES[what] && ROLES[what].includes(user.role));
}

/** A label from the dictionary, or the raw code when there is none. */
export function label(prefix, code) {
  if (code === null || code === undefined || code === '') return t('common.none');
  return has(`${prefix}.${code}`) ? t(`${prefix}.${code}`) : String(code);
}

export const serviceLabel = (code) => label('service', code);
export const allergenLabel = (code) => label('allergen', code);

/** "07:00–09:00"; a window past midnight says so ("22:00–次日 01:00"). */
export function windowText(w) {
  if (!w || !w.start || !w.end) return t('common.none');
  const overnight = w.end !== '24:00' && w.end <= w.start;
  return `${w.start}–${overnight ? t('meals.next_day', { time: w.end }) : w.end}`;
}

/** A point's windows keyed by service. */
export function windowsBy(list) {
  const map = new Map();
  for (const w of Array.isArray(list) ? list : []) if (w && w.service) map.set(w.service, w);
  return map;
}

/** "HH:MM" from 00:00 to 24:00. */
export function isTime(text) {
  return /^([01]\d|2[0-3]):[0-5]\d$|^24:00$/.test(String(text || ''));
}

// ---------- dates ----------

/** Today on the event's calendar, not the device's (the server decides "now" for scans and counts). */
export function todayIso() {
  return eventWallClock().slice(0, 10);
}

/** `iso` moved by `n` days (UTC arithmetic: no daylight-saving surprises). */
export function addDays(iso, n) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(String(iso || ''));
  if (!m) return '';
  return new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]) + n)).toISOString().slice(0, 10);
}

/** Every day from `from` to `to`, both included (at most 62). */
export function daysBetween(from, to) {
  const out = [];
  for (let d = from; d && d <= to && out.length < 62; d = addDays(d, 1)) out.push(d);
  return out;
}

// ---------- dining points ----------

/** Every dining point the user may read, in the server's order. */
export async function loadPoints() {
  const list = await api('/api/v1/dining-points');
  return Array.isArray(list) ? list : [];
}

/** "锦江宾馆餐厅（JJ-1）" for menus. */
export function pointOption(p) {
  return p.name && p.name !== p.code ? `${p.name}（${p.code}）` : p.code;
}

export function halalMark(on) {
  return on ? h('span', { class: 'badge halal' }, t('halal.badge')) : null;
}

/** The meal pages' links, percent-encoded. */
export const links = {
  kitchen: (code, day) => `/print/kitchen.html?code=${encodeURIComponent(code)}&day=${encodeURIComponent(day)}`,
  kitchenCsv: (code, day) => `/api/v1/dining-points/${encodeURIComponent(code)}/kitchen-sheet.csv?day=${encodeURIComponent(day)}`,
  menuCards: (day, service, point) =>
    `/print/menu-cards.html?${new URLSearchParams({ day, service, ...(point ? { point } : {}) })}`,
  coupons: (ids, { point, day, service } = {}) =>
    `/print/coupons.html?${new URLSearchParams({ ids: ids.join(','), ...(point ? { point } : {}), ...(day ? { day } : {}), ...(service ? { service } : {}) })}`,
};
