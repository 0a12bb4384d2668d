// 账号 Accounts, the admin's page for who may sign in: every account with its role, scope, name
// and phone (filtered by role and a search); a form to create one; and per account, edit (name,
// phone, role and scope), reset the password, disable or enable. Before the event the admin
// creates the greeters of each hub, the desk clerks of each hotel, the canteen staff of each
// dining point…; a greeter's name and phone are printed in guests' itinerary emails.
//
// A server error goes next to the field it names, and the form keeps what was typed.

import { api } from '../js/api.js';
import { clear, h, say, sayT } from '../js/dom.js';
import { codeLabel, orNone } from '../js/format.js';
import { onLangChange, t } from '../js/i18n.js';
import { initShell } from '../js/shell.js';
import { ROLES, fillRoles, loadScopes, needsScope, scopeInput, scopeKnown, scopeText, showScopeField } from './scope.js';

const $ = (id) => document.getElementById(id);

/** The roles this page is for (the NAV entry in shell.js); the server still checks each call. */
const PAGE_ROLES = ['admin'];
/** The fields a server error may name (`details[].field`), as `<prefix>-<field>-error`. */
const FIELDS = ['username', 'role', 'scope', 'display_name', 'phone', 'password'];

let me = null;
let users = null;
let editing = null; // the account in the edit dialog, and its scope as the dialog showed it
let shownScope = '';
let resetting = null; // the account in the password dialog
/** The page's own messages on screen (element → the function that words them), re-said on a language switch. */
const own = new Map();

// ---------- the list ----------

function cell(key, ...content) {
  return h('td', { dataset: { label: t(key) } }, h('span', { class: 'cell' }, ...content));
}

function actionButton(act, key) {
  return h('button', { type: 'button', class: 'btn', dataset: { act } }, t(key));
}

function userRow(u) {
  const self = me && me.id === u.id;
  return h(
    'tr',
    { dataset: { userId: u.id, username: u.username, disabled: String(Boolean(u.disabled)) } },
    cell('users.username', h('strong', { class: 'mono' }, u.username), self ? h('span', { class: 'sub' }, t('users.you')) : null),
    cell('users.display_name', orNone(u.display_name)),
    cell('users.role', codeLabel('role', u.role)),
    cell('users.col_scope', scopeText(u.role, u.scope)),
    cell('users.phone', u.phone ? h('a', { href: `tel:${u.phone}` }, u.phone) : t('common.none')),
    cell('users.col_status', u.disabled
      ? h('span', { class: 'badge status-badge st-revoked' }, t('users.disabled'))
      : h('span', { class: 'badge status-badge st-collected' }, t('users.active'))),
    cell(
      'users.col_actions',
      h(
        'span',
        { class: 'row-actions' },
        actionButton('edit', 'users.edit'),
        actionButton('password', 'users.reset_password'),
        // An admin can't disable themself (the server says so too): no button to tempt them.
        self ? null : actionButton(u.disabled ? 'enable' : 'disable', u.disabled ? 'users.enable' : 'users.disable'),
      ),
    ),
  );
}

function matches(u, role, q) {
  if (role && u.role !== role) return false;
  if (!q) return true;
  const words = [u.username, u.display_name, u.phone, u.scope, scopeText(u.role, u.scope), codeLabel('role', u.role)];
  return words.join(' ').toLowerCase().includes(q);
}

function render() {
  if (!users) return;
  const role = $('filter-role').value;
  const q = $('search').value.trim().toLowerCase();
  const shown = users.filter((u) => matches(u, role, q));
  clear($('user-table').tBodies[0]).append(...shown.map(userRow));
  $('user-count').textContent = role || q ? `${shown.length} / ${users.length}` : String(users.length);
  $('users-empty').hidden = shown.length > 0;
}

const roleOrder = (r) => (ROLES.includes(r) ? ROLES.indexOf(r) : ROLES.length);

async function loadUsers() {
  try {
    const list = await api('/api/v1/users');
    // By role (in DESIGN.md's order), then name: the greeters of a hub end up together.
    users = (Array.isArray(list) ? list : []).sort(
      (a, b) => roleOrder(a.role) - roleOrder(b.role) || String(a.username).localeCompare(String(b.username)),
    );
    show($('users-error'), '');
  } catch (err) {
    show($('users-error'), err.message);
  }
  render();
}

// ---------- messages, and errors next to their fields ----------

/** Show a server text (already in the user's language) or, as a function, one of the page's own. */
function show(el, message) {
  if (typeof message === 'function') own.set(el, message);
  else own.delete(el);
  say(el, typeof message === 'function' ? message() : message);
}

function fieldError(prefix, field, message) {
  const input = $(`${prefix}-${field.replace('_', '-')}`);
  show($(`${prefix}-${field.replace('_', '-')}-error`), message);
  if (input) input.setAttribute('aria-invalid', message ? 'true' : 'false');
}

function clearErrors(prefix) {
  for (const f of FIELDS) if ($(`${prefix}-${f.replace('_', '-')}-error`)) fieldError(prefix, f, '');
  show($(`${prefix}-error`), '');
}

/**
 * Show a server error: under each field its `details` name, else under the form. The server's
 * texts for a taken name, a scope and one's own admin rights are English; ours say it in the
 * page's language. `typed` is what was sent.
 */
function showError(prefix, err, typed) {
  const named = (Array.isArray(err.details) ? err.details : []).map((d) => d && d.field).filter(Boolean);
  if (err.code === 'username_taken') named.push('username');
  let placed = null;
  for (const field of new Set(named)) {
    if (!$(`${prefix}-${field.replace('_', '-')}-error`)) continue;
    let message = err.message;
    if (err.code === 'username_taken') message = () => t('users.taken', { username: typed.username });
    else if (field === 'scope') message = () => scopeProblem(typed.role, typed.scope || '');
    fieldError(prefix, field, message);
    placed = placed || field;
  }
  if (placed) $(`${prefix}-${placed.replace('_', '-')}`)?.focus();
  else show($(`${prefix}-error`), err.code === 'last_admin' ? () => t('users.self_admin') : err.message);
}

function scopeProblem(role, scope) {
  const what = t(`users.scope.${role}`);
  return scope ? t('users.scope_unknown', { what, scope }) : t('users.scope_required', { what });
}

/** The scope typed for `role`, or an error under the field; undefined when the role takes none. */
function checkScope(prefix, role) {
  if (!needsScope(role)) return { scope: undefined };
  const scope = $(`${prefix}-scope`).value.trim();
  if (!scope || !scopeKnown(role, scope)) {
    fieldError(prefix, 'scope', () => scopeProblem(role, scope));
    $(`${prefix}-scope`).focus();
    return null;
  }
  return { scope };
}

// ---------- a new account ----------

async function createUser(e) {
  e.preventDefault();
  clearErrors('new');
  show($('new-ok'), '');
  const body = {
    username: $('new-username').value.trim(),
    role: $('new-role').value,
    password: $('new-password').value,
  };
  if (!body.username) return fieldError('new', 'username', () => t('users.username_required'));
  if (!body.role) return fieldError('new', 'role', () => t('users.role_required'));
  const checked = checkScope('new', body.role);
  if (!checked) return;
  if (checked.scope) body.scope = checked.scope;
  if (!body.password) return fieldError('new', 'password', () => t('users.password_required'));
  const name = $('new-display-name').value.trim();
  const phone = $('new-phone').value.trim();
  if (name) body.display_name = name;
  if (phone) body.phone = phone;

  $('new-submit').disabled = true;
  try {
    const created = await api('/api/v1/users', { method: 'POST', json: body });
    const who = created?.display_name || created?.username || body.username;
    show($('new-ok'), () => t('users.created', { name: who }));
    // The role stays chosen: the next greeter of the same hub is one name and phone away.
    for (const id of ['new-username', 'new-display-name', 'new-phone', 'new-password']) $(id).value = '';
    await loadUsers();
    $('new-username').focus();
  } catch (err) {
    showError('new', err, body);
  } finally {
    $('new-submit').disabled = false;
  }
}

// ---------- edit ----------

function openEdit(u) {
  editing = u;
  clearErrors('edit');
  $('edit-title').textContent = t('users.edit_title', { name: u.username });
  $('edit-display-name').value = u.display_name || '';
  $('edit-phone').value = u.phone || '';
  $('edit-role').value = u.role;
  // One's own role stays: the server refuses to let an admin demote themself.
  $('edit-role').disabled = Boolean(me && me.id === u.id);
  shownScope = scopeInput(u.role, u.scope);
  $('edit-scope').value = shownScope;
  showScopeField('edit', u.role);
  $('edit-dialog').showModal();
  $('edit-display-name').focus();
}

async function saveEdit(e) {
  e.preventDefault();
  const u = editing;
  if (!u) return;
  clearErrors('edit');
  const json = {};
  const name = $('edit-display-name').value.trim();
  const phone = $('edit-phone').value.trim();
  if (name !== (u.display_name || '')) json.display_name = name || null;
  if (phone !== (u.phone || '')) json.phone = phone || null;
  // Role and scope only when they changed: saving them ends the person's sessions.
  const role = $('edit-role').value;
  const checked = checkScope('edit', role);
  if (!checked) return;
  if (role !== u.role || (checked.scope !== undefined && checked.scope !== shownScope)) {
    json.role = role;
    json.scope = checked.scope ?? null;
  }
  if (Object.keys(json).length === 0) return $('edit-dialog').close('cancel');

  $('edit-submit').disabled = true;
  try {
    const saved = await api(`/api/v1/users/${encodeURIComponent(u.id)}`, { method: 'PATCH', json });
    $('edit-dialog').close('ok');
    show($('page-ok'), () => t('users.saved', { name: saved?.username || u.username }));
    await loadUsers();
  } catch (err) {
    showError('edit', err, { ...json, role, scope: checked.scope });
  } finally {
    $('edit-submit').disabled = false;
  }
}

// ---------- password ----------

function openPassword(u) {
  resetting = u;
  clearErrors('reset');
  $('password-title').textContent = t('users.password_title', { name: u.username });
  $('reset-password').value = '';
  $('password-dialog').showModal();
  $('reset-password').focus();
}

async function savePassword(e) {
  e.preventDefault();
  const u = resetting;
  if (!u) return;
  clearErrors('reset');
  const password = $('reset-password').value;
  if (!password) return fieldError('reset', 'password', () => t('users.password_required'));
  $('reset-submit').disabled = true;
  try {
    await api(`/api/v1/users/${encodeURIComponent(u.id)}/password`, { method: 'POST', json: { password } });
    $('password-dialog').close('ok');
    $('reset-password').value = '';
    show($('page-ok'), () => t('users.password_done', { name: u.username }));
  } catch (err) {
    showError('reset', err, {});
  } finally {
    $('reset-submit').disabled = false;
  }
}

// ---------- disable / enable ----------

async function setDisabled(btn, u, disabled) {
  const who = () => (u.display_name ? t('users.who', { username: u.username, name: u.display_name }) : u.username);
  if (!confirm(t(disabled ? 'users.disable_confirm' : 'users.enable_confirm', { name: who() }))) return;
  btn.disabled = true;
  show($('users-error'), '');
  show($('page-ok'), '');
  try {
    await api(`/api/v1/users/${encodeURIComponent(u.id)}`, { method: 'PATCH', json: { disabled } });
    show($('page-ok'), () => t(disabled ? 'users.disabled_done' : 'users.enabled_done', { name: who() }));
    await loadUsers();
  } catch (err) {
    show($('users-error'), err.code === 'last_admin' ? () => t('users.self_admin') : err.message);
    btn.disabled = false;
  }
}

function onTableClick(e) {
  const btn = e.target.closest('button[data-act]');
  if (!btn || btn.disabled) return;
  const u = (users || []).find((x) => String(x.id) === btn.closest('tr').dataset.userId);
  if (!u) return;
  const act = btn.dataset.act;
  if (act === 'edit') openEdit(u);
  else if (act === 'password') openPassword(u);
  else if (act === 'disable' || act === 'enable') setDisabled(btn, u, act === 'disable');
}

// ---------- start ----------

function wireShowPassword(box, input) {
  box.addEventListener('change', () => {
    input.type = box.checked ? 'text' : 'password';
  });
}

async function init() {
  me = await initShell();
  if (!me || !PAGE_ROLES.includes(me.role)) {
    sayT($('page-error'), 'users.not_allowed');
    for (const s of document.querySelectorAll('main > section, main > details')) s.hidden = true;
    $('user-count').textContent = '';
    return;
  }
  fillRoles($('new-role'), 'users.role_pick');
  fillRoles($('edit-role'));
  fillRoles($('filter-role'), 'list.all');

  for (const dialog of document.querySelectorAll('dialog')) {
    for (const btn of dialog.querySelectorAll('[data-close]')) btn.addEventListener('click', () => dialog.close('cancel'));
  }
  $('create-form').addEventListener('submit', createUser);
  $('new-role').addEventListener('change', () => {
    fieldError('new', 'role', '');
    fieldError('new', 'scope', '');
    showScopeField('new', $('new-role').value);
  });
  $('edit-role').addEventListener('change', () => {
    fieldError('edit', 'scope', '');
    showScopeField('edit', $('edit-role').value);
  });
  $('edit-form').addEventListener('submit', saveEdit);
  $('password-form').addEventListener('submit', savePassword);
  wireShowPassword($('new-show-password'), $('new-password'));
  wireShowPassword($('reset-show-password'), $('reset-password'));
  $('filters').addEventListener('submit', (e) => e.preventDefault());
  $('search').addEventListener('input', render);
  $('filter-role').addEventListener('change', render);
  $('user-table').tBodies[0].addEventListener('click', onTableClick);

  // The list at once; the registries follow and turn a greeter's hub id into its code.
  loadUsers();
  await loadScopes();
  showScopeField('new', $('new-role').value);
  render();

  onLangChange(() => {
    render();
    for (const [el, words] of own) if (!el.hidden) say(el, words());
    if (editing && $('edit-dialog').open) $('edit-title').textContent = t('users.edit_title', { name: editing.username });
    if (resetting && $('password-dialog').open) $('password-title').textContent = t('users.password_title', { name: resetting.username });
  });
}

init();
