// What the greeter board and the pickups page share: who may do what, the labels and badges
// of the pickups contract's statuses, wall-clock times, hubs, phone links.
//
// Hubs are named two ways in the contract: queries take the numeric id (`?hub=ID`), while
// rows (Trip.hub, Run.hub, the summary) and bodies (trips/update, runs/plan) carry the code
// ("CTU"), the same name the CSV feed and the guest registry use. findHub() accepts either.

import { listAll } from '../js/api.js';
import { h } from '../js/dom.js';
import { has, t } from '../js/i18n.js';

/** Which roles may do what (contract); the pages hide what a role can't do, the server still checks. */
const ROLES = {
  board: ['admin', 'reception', 'transport', 'greeter'],
  view: ['admin', 'reception', 'transport', 'office'],
  edit: ['admin', 'reception', 'transport'], // plan runs, change runs, vehicles
  hubs: ['admin', 'reception'], // rename a hub, set its meeting point (Chinese and English)
};

export function can(user, what) {
  return Boolean(user && ROLES[what] && ROLES[what].includes(user.role));
}

/** A label from the dictionary, or the raw code when there is none. */
export function label(prefix, code) {
  if (code === null || code === undefined || code === '') return t('common.none');
  return has(`${prefix}.${code}`) ? t(`${prefix}.${code}`) : String(code);
}

/** A status badge: `prefix` is trip_status, pickup_status or run_status (colours in app.css). */
export function statusBadge(prefix, code) {
  return h('span', { class: `badge pk-status pk-${prefix}-${code || 'none'}`, dataset: { status: code || '' } }, label(prefix, code));
}

// ---------- times ----------

// Times come as RFC 3339 in the event's offset. Like format.js, we show the wall-clock part
// as written: a phone set to another zone must still show the airport's time.
const TIME_RE = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}))?/;

/** "14:35" from an RFC 3339 time; '' when there is none. */
export function clock(value) {
  const m = TIME_RE.exec(String(value || ''));
  return m ? `${m[2]}:${m[3]}` : '';
}

/** "2026-06-16" from an RFC 3339 time or a date. */
export function dayOf(value) {
  const m = /^(\d{4}-\d{2}-\d{2})/.exec(String(value || ''));
  return m ? m[1] : '';
}

/** "06-16 14:35" when the time is not on `day`, else "14:35". */
export function clockOn(value, day) {
  const d = dayOf(value);
  return d && day && d !== day ? `${d.slice(5)} ${clock(value)}` : clock(value);
}

/** Minutes since the epoch of the wall-clock part (for sorting and comparing only). */
export function wallMinutes(value) {
  const m = TIME_RE.exec(String(value || ''));
  if (!m) return Number.POSITIVE_INFINITY;
  const [y, mo, d] = m[1].split('-').map(Number);
  return Date.UTC(y, mo - 1, d, Number(m[2]), Number(m[3])) / 60000;
}

// The event's UTC offset, learnt from the first time the server sends; used to send the
// times a form asks for (datetime-local has no zone). Asia/Shanghai until then (DESIGN.md).
let eventOffset = '+08:00';

export function learnOffset(value) {
  const m = /(Z|[+-]\d{2}:\d{2})$/.exec(String(value || ''));
  if (m) eventOffset = m[1] === 'Z' ? '+00:00' : m[1];
}

/** "2026-06-16T08:00" (a datetime-local value) → RFC 3339 in the event's offset; '' stays ''. */
export function withOffset(local) {
  if (!local) return '';
  return `${local.length === 16 ? `${local}:00` : local}${eventOffset}`;
}

/**
 * The event's wall clock now: a Date whose UTC fields read the event's local time. The
 * device's clock gives the instant (phones keep it right); the event's offset, not the
 * device's zone, gives the day — a laptop left on UTC must still open on the event's today.
 */
function eventWall() {
  const m = /^([+-])(\d{2}):(\d{2})$/.exec(eventOffset);
  const minutes = m ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) : 0;
  return new Date(Date.now() + minutes * 60000);
}

/** The event's today (plus `plusDays`) as YYYY-MM-DD: the first value of date fields. */
export function eventToday(plusDays = 0) {
  const d = eventWall();
  d.setUTCDate(d.getUTCDate() + plusDays);
  return d.toISOString().slice(0, 10);
}

/** Hours since the event's midnight, now (14.5 at 14:30). */
export function eventHour() {
  const d = eventWall();
  return d.getUTCHours() + d.getUTCMinutes() / 60;
}

/**
 * "14:35:02" on the event's clock for an instant of this device (ms since the epoch): when
 * this page last heard the server. The device gives the instant; the event's offset, not the
 * device's zone, gives the hour — a greeter's phone left on another zone reads the airport's time.
 */
export function eventClockAt(ms) {
  const m = /^([+-])(\d{2}):(\d{2})$/.exec(eventOffset);
  const minutes = m ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) : 0;
  const d = new Date(ms + minutes * 60000);
  const pad = (n) => String(n).padStart(2, '0');
  return `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

// ---------- hubs ----------

export async function loadHubs() {
  return listAll('/api/v1/hubs');
}

/** The hub named by id or code (both compared as text: a user's scope is text). */
export function findHub(hubs, key) {
  if (key === null || key === undefined || key === '') return null;
  const k = String(key);
  return hubs.find((x) => String(x.id) === k) || hubs.find((x) => String(x.code) === k) || null;
}

/** "CTU 双流机场" for menus and headings. */
export function hubLabel(hub) {
  if (!hub) return '';
  return hub.name && hub.name !== hub.code ? `${hub.code} ${hub.name}` : String(hub.code || hub.id);
}

// ---------- small pieces ----------

/** A tap-to-call link; the number shown as given, dialled without spaces or dashes. */
export function telLink(phone, attrs = {}, ...content) {
  if (!phone) return null;
  const dial = String(phone).replace(/[^\d+*#]/g, '');
  return h('a', { ...attrs, href: `tel:${dial}` }, content.length ? content : String(phone));
}

/** A small handset drawn inline: emoji fonts are missing on some phones and every kiosk. */
export function phoneIcon() {
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  for (const [k, v] of Object.entries({ viewBox: '0 0 24 24', width: 18, height: 18, class: 'pk-phone-icon', 'aria-hidden': 'true', focusable: 'false' })) svg.setAttribute(k, String(v));
  const path = document.createElementNS(ns, 'path');
  path.setAttribute('d', 'M5 3h4l2 5-2.5 1.5a11 11 0 0 0 6 6L16 13l5 2v4a2 2 0 0 1-2 2A16 16 0 0 1 3 5a2 2 0 0 1 2-2z');
  svg.append(path);
  return svg;
}

/** A Chinese plate badge: new-energy plates (8 characters) are green. */
export function plateBadge(plate) {
  if (!plate) return null;
  return h('span', { class: `plate${String(plate).replace(/\s/g, '').length === 8 ? ' plate-green' : ''}` }, plate);
}

export function stored(key) {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}

export function store(key, value) {
  try {
    localStorage.setItem(key, value);
  } catch {
    // Not remembered across reloads.
  }
}

/**
 * A button that asks twice: the first tap arms it (its label says "tap again to …" for a few
 * seconds), the second runs `fn`. No native confirm(): it blocks the page and looks alien on a phone.
 */
export function armed(button, confirmKey, fn, ms = 4000) {
  if (button.dataset.armed === '1') {
    clearTimeout(Number(button.dataset.armTimer));
    disarm(button);
    fn();
    return;
  }
  button.dataset.armed = '1';
  button.dataset.label = button.textContent;
  button.textContent = t(confirmKey);
  button.classList.add('is-armed');
  button.dataset.armTimer = String(setTimeout(() => disarm(button), ms));
}

function disarm(button) {
  if (button.dataset.armed !== '1') return;
  button.dataset.armed = '';
  button.textContent = button.dataset.label || button.textContent;
  button.classList.remove('is-armed');
}
