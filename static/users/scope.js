// What an account's scope means, role by role. The roles that need one are Role::needs_scope
// (src/auth/model.rs); what the server accepts and stores is check_scope (src/auth/service.rs):
// a greeter's hub is given by code and stored by id, a department by name or id and stored by
// id, an inspector by roster id; a hotel desk, a canteen and a checkpoint keep the codes as
// given (a checkpoint may hold several, comma-separated). The registries turn a stored scope
// back into words and offer the codes to type.

import { listAll } from '../js/api.js';
import { clear, h } from '../js/dom.js';
import { t } from '../js/i18n.js';

/** Every role, in the order of DESIGN.md (Role::ALL). */
export const ROLES = [
  'admin', 'reception', 'department', 'security', 'transport', 'office', 'committee',
  'greeter', 'hotel_desk', 'canteen', 'checkpoint', 'inspector', 'health',
];

const named = (code, name) => (name && name !== code ? `${code} ${name}` : code);

// Per scoped role: the registry, what to type (`value`), what the server stores (`stored`), words.
const SOURCES = {
  department: { path: '/api/v1/departments', value: (d) => d.name, stored: (d) => String(d.id), text: (d) => d.name },
  greeter: { path: '/api/v1/hubs', value: (x) => x.code, stored: (x) => String(x.id), text: (x) => named(x.code, x.name) },
  hotel_desk: { path: '/api/v1/hotels', value: (x) => x.code, stored: (x) => x.code, text: (x) => named(x.code, x.name) },
  canteen: { path: '/api/v1/dining-points', value: (x) => x.code, stored: (x) => x.code, text: (x) => named(x.code, x.name) },
  // Gates only: the desks' and canteens' own points belong to those roles.
  checkpoint: {
    path: '/api/v1/scan-points',
    keep: (x) => String(x.kind || '').endsWith('_gate'),
    value: (x) => x.code, stored: (x) => x.code, text: (x) => named(x.code, x.name),
  },
  inspector: { path: '/api/v1/inspectors', value: (x) => String(x.id), stored: (x) => String(x.id), text: (x) => x.name },
};

/** role → [{value, stored, text}], or null where the registry could not be read. */
const choices = {};

/** Whether the role only makes sense with a scope (Role::needs_scope). */
export const needsScope = (role) => role in SOURCES;

/** Read the registries once; one that fails leaves its scopes shown as stored. */
export async function loadScopes() {
  await Promise.all(
    Object.entries(SOURCES).map(async ([role, src]) => {
      try {
        const list = (await listAll(src.path)).filter(src.keep || (() => true));
        choices[role] = list.map((x) => ({ value: src.value(x), stored: src.stored(x), text: src.text(x) }));
      } catch {
        choices[role] = null;
      }
    }),
  );
}

const parts = (role, scope) => (role === 'checkpoint' ? String(scope).split(',').map((s) => s.trim()).filter(Boolean) : [String(scope)]);
const find = (role, part) => (choices[role] || []).find((c) => c.stored === part || c.value === part);

/** A stored scope in words ("CTU 双流机场"), or as stored when the registry does not know it. */
export function scopeText(role, scope) {
  if (scope === null || scope === undefined || scope === '') return t('common.none');
  return parts(role, scope).map((p) => find(role, p)?.text || p).join(', ');
}

/** A stored scope as one would type it (a greeter's hub id back to its code). */
export function scopeInput(role, scope) {
  if (!scope || !needsScope(role)) return '';
  return parts(role, scope).map((p) => find(role, p)?.value || p).join(', ');
}

/** Whether every part of a typed scope is in the registry (true when the registry is unknown). */
export function scopeKnown(role, typed) {
  if (!choices[role] || choices[role].length === 0) return true;
  return parts(role, typed).every((p) => find(role, p));
}

/**
 * Show the scope field of a form (`prefix`-scope…) for `role`: its label and hint say what
 * the scope is for this role, and its list offers the registry's codes. Hidden for a role
 * without a scope; what was typed stays, so switching roles back loses nothing.
 */
export function showScopeField(prefix, role) {
  const scoped = needsScope(role);
  const field = document.getElementById(`${prefix}-scope-field`);
  field.hidden = !scoped;
  document.getElementById(`${prefix}-scope`).required = scoped;
  if (!scoped) return;
  const label = document.getElementById(`${prefix}-scope-label`);
  label.dataset.i18n = `users.scope.${role}`;
  label.textContent = t(label.dataset.i18n);
  const hint = document.getElementById(`${prefix}-scope-hint`);
  hint.dataset.i18n = `users.scope_hint.${role}`;
  hint.textContent = t(hint.dataset.i18n);
  clear(document.getElementById(`${prefix}-scope-choices`)).append(
    ...(choices[role] || []).map((c) => h('option', { value: c.value, label: c.text !== c.value ? c.text : null })),
  );
}

/** Fill a <select> with the roles, labelled through data-i18n so a language switch relabels them. */
export function fillRoles(select, first) {
  select.append(
    ...(first ? [h('option', { value: '', dataset: { i18n: first } }, t(first))] : []),
    ...ROLES.map((r) => h('option', { value: r, dataset: { i18n: `role.${r}` } }, t(`role.${r}`))),
  );
}
