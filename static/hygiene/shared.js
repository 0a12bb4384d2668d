// What the health page and the inspector's phone share: who may do what, the checklist,
// incident kinds, labels and the small date/time helpers of the hygiene screens.

import { h } from '../js/dom.js';
import { has, t } from '../js/i18n.js';

/** The checklist in the order an inspector walks the kitchen (src/hygiene/service.rs CHECKLIST). */
export const CHECKLIST = [
  'supplier_certificates',
  'raw_food',
  'storage_temperature',
  'cooking',
  'tableware_disinfection',
  'sample_retention_48h',
  'staff_health_certificates',
  'halal_separation',
];
/** Asked only where the point serves halal. */
export const HALAL_ITEM = 'halal_separation';
export const INCIDENT_KINDS = ['suspected_poisoning', 'failed_check', 'other'];

/** Which roles may do what (contract); pages hide what a role can't do, the server still checks. */
const ROLES = {
  read: ['admin', 'health', 'reception'], // coverage, roster, inspections, incidents
  manage: ['admin', 'health'], // inspectors, settings, generate, hand edits, follow-up
};

export function can(user, what) {
  return Boolean(user && ROLES[what] && ROLES[what].includes(user.role));
}

/** A label from the dictionary, or the raw code when there is none. */
export function label(prefix, code) {
  if (code === null || code === undefined || code === '') return t('common.none');
  return has(`${prefix}.${code}`) ? t(`${prefix}.${code}`) : String(code);
}

export const itemLabel = (code) => label('hy.item', code);
export const kindLabel = (code) => label('hy.kind', code);

/** The items a point asks for: halal separation only where halal is served. */
export function itemsFor(point) {
  return CHECKLIST.filter((item) => item !== HALAL_ITEM || (point && point.halal));
}

/** "2026-06-16T08:00" (datetime-local) from an RFC 3339 time, as written (event wall clock). */
export function localInput(value) {
  const m = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2})/.exec(String(value || ''));
  return m ? `${m[1]}T${m[2]}` : '';
}

/** A datetime-local value as the API's event-time form "YYYY-MM-DD HH:MM" ('' stays ''). */
export function eventInput(local) {
  return local ? String(local).replace('T', ' ').slice(0, 16) : '';
}

/** "锦江宾馆餐厅（JJ-1）" for menus. */
export function pointText(code, name) {
  return name && name !== code ? `${name}（${code}）` : code || t('common.none');
}

export function kindBadge(kind) {
  return h('span', { class: `badge hy-kind hy-kind-${kind || 'other'}` }, kindLabel(kind));
}
