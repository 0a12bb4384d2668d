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
