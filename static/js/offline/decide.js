// The offline decision: docs/pass-format.md §6 with the canteen and desk rules, in the order of
// the offline contract (the service follows the same order, and both are checked against
// docs/vectors/offline-decisions.json). First rule that applies wins:
//   malformed → unknown_key → bad_signature → revoked → superseded → not_yet_valid / expired →
//   wrong_kind → zone_denied → the point's own rule (already_used, outside_window,
//   not_entitled, no_booking) → accept.
//
// Pure: plain values in, a verdict out. No IndexedDB, no clock (`now_unix` is passed in), no
// crypto (the caller verified the signature and passes `signatureOk`). The device-local
// first-use table comes in as `firstUse` (a Set or array of keys); an accepted single-use
// scan names the key to add in `first_use_key`.

/** Which token kinds (§2 byte values) each point kind takes. */
const KINDS_AT = {
  person_gate: [1],
  hotel_desk: [1],
  vehicle_gate: [2],
  session_gate: [3],
  canteen: [1, 4],
};

/** The service bits of a canteen mask digit. */
export const SERVICE_BITS = { breakfast: 1, lunch: 2, dinner: 4, night_snack: 8 };

const DAY = 86400;

// Indexes built once per kit object (a canteen kit holds 20,000 eaters): memoised, so the
// function stays pure for the caller.
const indexes = new WeakMap();

function indexOf(kit) {
  let ix = indexes.get(kit);
  if (ix) return ix;
  ix = { keys: new Map(), revocations: new Map(), eaters: new Map(), mealsUsed: new Set(), sessionUsed: new Set(), bookings: new Map() };
  for (const k of kit.keys || []) ix.keys.set(Number(k.key_id), k.public_key);
  const revs = kit.revocations instanceof Map ? kit.revocations.values() : kit.revocations || [];
  for (const r of revs) ix.revocations.set(Number(r.pass_id), r); // a later entry replaces an earlier one
  for (const id of (kit.session && kit.session.used) || []) ix.sessionUsed.add(Number(id));
  if (kit.canteen) {
    for (const e of kit.canteen.eaters || []) ix.eaters.set(Number(e[0]), e);
    for (const u of kit.canteen.used || []) ix.mealsUsed.add(mealKey(u[0], u[1], u[2]));
  }
  if (kit.desk) {
    for (const b of kit.desk.bookings || []) {
      const list = ix.bookings.get(Number(b[0])) || [];
      list.push(b);
      ix.bookings.set(Number(b[0]), list);
    }
  }
  indexes.set(kit, ix);
  return ix;
}

/** The public key (hex) for `keyId` in the kit, or undefined. */
export function kitKey(kit, keyId) {
  return indexOf(kit).keys.get(Number(keyId));
}

/** First-use key of a session admission. */
export const sessionKey = (passId, sessionId) => `session:${passId}:${sessionId}`;
/** First-use key of a meal. */
export const mealKey = (passId, day, service) => `meal:${passId}:${day}:${service}`;

/** "YYYY-MM-DD" of a day number (days since 1970-01-01). */
export function isoDay(dayNumber) {
  return new Date(dayNumber * DAY * 1000).toISOString().slice(0, 10);
}

/** Day number of "YYYY-MM-DD", or NaN. */
export function dayNumber(iso) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso || '');
  return m ? Date.UTC(+m[1], +m[2] - 1, +m[3]) / (DAY * 1000) : NaN;
}

/** The event-local day number and minute of the day at `nowUnix`. */
export function localTime(nowUnix, tzOffsetMinutes) {
  const local = Math.floor(nowUnix / 60) + Number(tzOffsetMinutes || 0); // local minutes since epoch
  const day = Math.floor(local / 1440);
  return { day, minute: local - day * 1440 };
}

/**
 * The meal service running at `nowUnix`, and the day it belongs to: a window whose end is
 * before its start runs past midnight and belongs to the day it started on; `end` may be 1440.
 */
export function runningService(windows, nowUnix, tzOffsetMinutes) {
  const { day, minute } = localTime(nowUnix, tzOffsetMinutes);
  for (const w of windows || []) {
    const start = Number(w.start);
    const end = Number(w.end);
    if (start <= end) {
      if (minute >= start && minute < end) return { service: w.service, day: isoDay(day) };
    } else if (minute >= start) {
      return { service: w.service, day: isoDay(day) };
    } else if (minute < end) {
      return { service: w.service, day: isoDay(day - 1) };
    }
  }
  return null;
}

function has(set, key) {
  if (!set) return false;
  return typeof set.has === 'function' ? set.has(key) : Array.isArray(set) && set.includes(key);
}

/**
 * Decide one scan offline.
 * @param {object} o
 * @param {object} o.token   decodeToken()'s answer: {ok:false} (malformed) or {ok:true, record}
 * @param {boolean} o.signatureOk  the §3 check passed (ignored until the key is known)
 * @param {object} o.kit     the kit body: point, keys, revocations, session|canteen|desk, tz_offset_minutes
 * @param {number} o.now_unix
 * @param {Set<string>|string[]} [o.firstUse]  the device's first-use keys
 * @returns {{verdict: 'accept'|'reject', reason: string|null, pass_id?, kind?, service?, day?,
 *   halal?, diet?, name?, room_no?, hotel_name?, booking?, first_use_key?}}
 */
export function decide({ token, signatureOk, kit, now_unix: now, firstUse }) {
  const reject = (reason, extra = {}) => ({ verdict: 'reject', reason, ...extra });
  if (!token || !token.ok) return reject('malformed');
  const r = token.record;
  const base = { pass_id: r.pass_id, kind: r.kind_name, serial: r.serial };
  const ix = indexOf(kit);
  if (!ix.keys.has(r.key_id)) return reject('unknown_key', base);
  if (signatureOk !== true) return reject('bad_signature', base);

  const rev = ix.revocations.get(r.pass_id);
  if (rev && rev.revoked) return reject('revoked', base);
  if (rev && r.serial < Number(rev.min_serial)) return reject('superseded', base);
  if (now < r.valid_from) return reject('not_yet_valid', base);
  if (now >= r.valid_until) return reject('expired', base);

  const point = kit.point || {};
  const kinds = KINDS_AT[point.kind];
  if (!kinds || !kinds.includes(r.kind)) return reject('wrong_kind', base);

  if (point.kind === 'person_gate' || point.kind === 'vehicle_gate') {
    const bit = point.zone_bit;
    if (bit !== null && bit !== undefined && ((r.access >> BigInt(bit)) & 1n) === 0n) return reject('zone_denied', base);
    return { verdict: 'accept', reason: null, ...base };
  }

  if (point.kind === 'session_gate') {
    const sessionId = point.session_id ?? (kit.session && kit.session.id);
    if (sessionId === null || sessionId === undefined || r.access !== BigInt(sessionId)) return reject('zone_denied', base);
    const key = sessionKey(r.pass_id, sessionId);
    const reentry = Boolean(kit.session && kit.session.allow_reentry);
    if (!reentry && (ix.sessionUsed.has(r.pass_id) || has(firstUse, key))) return reject('already_used', base);
    return { verdict: 'accept', reason: null, ...base, first_use_key: reentry ? null : key };
  }

  if (point.kind === 'canteen') {
    const c = kit.canteen || {};
    const running = runningService(c.windows, now, kit.tz_offset_minutes);
    if (!running) return reject('outside_window', base);
    const meal = { ...base, service: running.service, day: running.day };
    const eater = ix.eaters.get(r.pass_id);
    if (!eater) return reject('not_entitled', meal);
    const [, mask, halal, diet, name] = eater;
    Object.assign(meal, { halal: Boolean(halal), diet: diet || null, name: name || null });
    const index = dayNumber(running.day) - dayNumber(c.first_day);
    const digit = index >= 0 && index < Number(c.days ?? Infinity) ? parseInt(String(mask || '')[index] ?? '', 16) : NaN;
    if (Number.isNaN(digit) || (digit & (SERVICE_BITS[running.service] || 0)) === 0) return reject('not_entitled', meal);
    const key = mealKey(r.pass_id, running.day, running.service);
    if (ix.mealsUsed.has(key) || has(firstUse, key)) return reject('already_used', meal);
    return { verdict: 'accept', reason: null, ...meal, first_use_key: key };
  }

  // hotel_desk: a booking whose nights run through today (the departure day counts).
  const d = kit.desk || {};
  const today = isoDay(localTime(now, kit.tz_offset_minutes).day);
  const booking = (ix.bookings.get(r.pass_id) || []).find((b) => b[3] <= today && today <= b[4]);
  if (!booking) return reject('no_booking', base);
  return {
    verdict: 'accept',
    reason: null,
    ...base,
    name: booking[1] || null,
    room_no: booking[2] || null,
    nights_from: booking[3],
    nights_to: booking[4],
    hotel: d.hotel || null,
    hotel_name: d.hotel_name || null,
  };
}
