// Display formats shared by the pages.

import { has, t } from './i18n.js';

/** Guest categories in the order the event plan lists them. */
export const CATEGORIES = ['vip', 'entourage', 'journalist', 'staff', 'delegate'];

/** The label for a category code; an unknown code is shown as it is. */
export function categoryLabel(code) {
  return code && has(`cat.${code}`) ? t(`cat.${code}`) : code || t('common.none');
}

/** The label for a coded value (`gender.M`, `mode.flight` …), or the raw value. */
export function codeLabel(prefix, value) {
  if (value === null || value === undefined || value === '') return t('common.none');
  return has(`${prefix}.${value}`) ? t(`${prefix}.${value}`) : String(value);
}

// Times come as RFC 3339 with the event's offset ("2026-06-16T14:35:00+08:00"). We show the
// wall-clock part as written, without converting to the device's zone: a greeter's phone set
// to another zone must still show the time on the airport's board.
const TIME_RE = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2}))?/;

/** "2026-06-16 14:35" (or "2026-06-16" for a date); anything unparseable as it is. */
export function eventTime(value) {
  if (!value) return t('common.none');
  const m = TIME_RE.exec(value);
  if (!m) return String(value);
  const [, y, mo, d, hh, mm] = m;
  return hh ? `${y}-${mo}-${d} ${hh}:${mm}` : `${y}-${mo}-${d}`;
}

/** "06-16 14:35": the short form for table cells during one event. */
export function eventTimeShort(value) {
  if (!value) return '';
  const m = TIME_RE.exec(value);
  if (!m) return String(value);
  const [, , mo, d, hh, mm] = m;
  return hh ? `${mo}-${d} ${hh}:${mm}` : `${mo}-${d}`;
}

/** Plain text for an optional value. */
export function orNone(value) {
  return value === null || value === undefined || value === '' ? t('common.none') : String(value);
}

// The event's clock for instants the browser holds (now, a UTC stamp): shown at the event's
// offset, never the device's zone — a phone set to another zone must still read the venue's
// time. The offset is learnt from any server time that carries it ("…+08:00") and kept on the
// device; until then it is the server's default zone, Asia/Shanghai (+08:00, no summer time).
const OFFSET_KEY = 'yingbin.event_offset';
const DEFAULT_OFFSET = '+08:00';
const OFFSET_RE = /([+-])(\d{2}):(\d{2})$/;

/** The event's UTC offset, "+08:00". */
export function eventOffset() {
  try {
    const kept = localStorage.getItem(OFFSET_KEY);
    if (kept && OFFSET_RE.test(kept)) return kept;
  } catch {
    // No storage: the default.
  }
  return DEFAULT_OFFSET;
}

/** Learn the offset from a server time in the event's offset; true when it changed. */
export function learnEventOffset(stamp) {
  const m = OFFSET_RE.exec(String(stamp || ''));
  if (!m || m[0] === eventOffset()) return false;
  try {
    localStorage.setItem(OFFSET_KEY, m[0]);
  } catch {
    return false;
  }
  return true;
}

/**
 * An instant (a Date, epoch ms, or a stamp; a stamp without offset or Z is UTC, as the mail
 * API writes them) as the event's wall clock: "2026-06-16T14:35:09" (no offset), or null.
 */
export function eventWallClock(instant = new Date()) {
  let ms;
  if (instant instanceof Date) ms = instant.getTime();
  else if (typeof instant === 'number') ms = instant;
  else {
    const s = String(instant || '').trim().replace(' ', 'T');
    ms = Date.parse(/(Z|[+-]\d{2}:?\d{2})$/i.test(s) ? s : `${s}Z`);
  }
  if (!Number.isFinite(ms)) return null;
  const m = OFFSET_RE.exec(eventOffset());
  const minutes = (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3]));
  return new Date(ms + minutes * 60000).toISOString().slice(0, 19);
}

/** An instant on the event's clock, "2026-06-16 14:35" (see `eventWallClock`). */
export function eventClockTime(instant = new Date()) {
  const wall = eventWallClock(instant);
  return wall ? eventTime(wall) : t('common.none');
}

/** An instant on the event's clock, short: "06-16 14:35". */
export function eventClockShort(instant = new Date()) {
  const wall = eventWallClock(instant);
  return wall ? eventTimeShort(wall) : '';
}

/** An instant on the event's clock, time of day only: "14:35:09". */
export function eventClockOfDay(instant = new Date()) {
  const wall = eventWallClock(instant);
  return wall ? wall.slice(11, 19) : '';
}
