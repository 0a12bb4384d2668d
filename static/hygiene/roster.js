// The roster of one day, with health's hand edits: reassign a shift to another inspector,
// move its time or point, swap inspectors with another shift, delete it, or add one. Every
// edit is checked by the server against the rules; a 422 roster_rule shows its message (and
// which rule, for whom) right under the row it concerns.

import { api } from '../js/api.js';
import { clear, h, say } from '../js/dom.js';
import { t } from '../js/i18n.js';
import { armed, clockOn, learnOffset } from '../pickups/shared.js';
import { can, eventInput, label, localInput, pointText } from './shared.js';

const $ = (id) => document.getElementById(id);

let ctx = null;
let day = '';
let focusPoint = '';
let shifts = [];
let seq = 0;
let editing = null; // shift id being edited
const errors = new Map(); // shift id → {message, details}
const busy = new Set();

const cols = () => (can(ctx.user, 'manage') ? 4 : 3);
const timeText = (s) => `${clockOn(s.starts_at, day)}–${clockOn(s.ends_at, day)}`;
const shiftText = (s) => `${timeText(s)} · ${s.point_name || s.point} · ${s.inspector}`;

function cell(key, cls, ...content) {
  return h('td', { class: cls, dataset: { label: t(key) } }, h('span', { class: 'cell' }, ...content));
}

function options(list, value, text, key) {
  return list.map((x) => h('option', { value: x[key], selected: String(x[key]) === String(value) }, text(x)));
}

function errorBox(err) {
  if (!err) return null;
  const details = Array.isArray(err.details) ? err.details : [];
  return h(
    'div',
    { class: 'row-error alert alert-error', role: 'alert' },
    h('p', {}, err.message),
    details.length
      ? h('ul', { class: 'hy-rule-list' }, details.map((d) => h('li', { dataset: { rule: d.rule || '' } }, h('strong', {}, label('hy.rule', d.rule)), ' ', d.detail || '')))
      : null,
  );
}

function editor(s) {
  const others = shifts.filter((o) => o.id !== s.id);
  const id = (k) => `edit-${k}-${s.id}`;
  return h(
    'div',
    { class: 'hy-editor', dataset: { shiftId: s.id } },
    h(
      'div',
      { class: 'form-grid' },
      h('label', { class: 'field' }, h('span', {}, t('hy.col_inspector')), h('select', { id: id('inspector') }, options(ctx.inspectors, s.inspector_id, (i) => i.name, 'id'))),
      h('label', { class: 'field' }, h('span', {}, t('meals.col_point')), h('select', { id: id('point') }, options(ctx.points, s.point, (p) => pointText(p.code, p.name), 'code'))),
      h('label', { class: 'field' }, h('span', {}, t('meals.start')), h('input', { id: id('start'), type: 'datetime-local', value: localInput(s.starts_at) })),
      h('label', { class: 'field' }, h('span', {}, t('meals.end')), h('input', { id: id('end'), type: 'datetime-local', value: localInput(s.ends_at) })),
    ),
    h(
      'div',
      { class: 'actions' },
      h('button', { type: 'button', class: 'btn', dataset: { act: 'cancel' } }, t('common.cancel')),
      h('button', { type: 'button', class: 'btn btn-primary', dataset: { act: 'save' }, disabled: busy.has(s.id) }, t('hy.shift_save')),
    ),
    others.length
      ? h(
          'div',
          { class: 'hy-swap' },
          h('label', { class: 'field' }, h('span', {}, t('hy.swap_with')), h('select', { id: id('swap') }, others.map((o) => h('option', { value: o.id }, shiftText(o))))),
          h('button', { type: 'button', class: 'btn', dataset: { act: 'swap' }, disabled: busy.has(s.id) }, t('hy.swap')),
        )
      : null,
  );
}

function row(s) {
  const manage = can(ctx.user, 'manage');
  const tr = h(
    'tr',
    { dataset: { shiftId: s.id, point: s.point, inspectorId: s.inspector_id }, class: `${focusPoint && s.point === focusPoint ? 'is-focus' : ''}${errors.has(s.id) ? ' has-error' : ''}` },
    cell('hy.col_time', 'c-time', timeText(s)),
    cell('meals.col_point', 'c-point', s.point_name || s.point),
    cell('hy.col_inspector', 'c-inspector', s.inspector || `#${s.inspector_id}`),
    manage
      ? cell(
          'meals.col_actions',
          'c-actions',
          h('button', { type: 'button', class: 'btn', dataset: { act: 'edit' }, 'aria-expanded': editing === s.id ? 'true' : 'false', disabled: busy.has(s.id) }, t('hy.edit')),
          h('button', { type: 'button', class: 'btn', dataset: { act: 'delete' }, disabled: busy.has(s.id) }, t('hy.delete')),
        )
      : null,
  );
  const err = errors.get(s.id);
  if (editing !== s.id && !err) return [tr];
  const extra = h('tr', { class: 'roster-extra', dataset: { for: s.id } }, h('td', { colspan: cols() }, errorBox(err), editing === s.id ? editor(s) : null));
  return [tr, extra];
}

function render() {
  // A live refetch redraws the table: what is typed in an open editor survives it.
  const typed = [...document.querySelectorAll('.hy-editor select, .hy-editor input')].map((el) => [el.id, el.value]);
  const body = clear($('roster-table').tBodies[0]);
  body.append(...shifts.flatMap(row));
  for (const [id, value] of typed) if ($(id)) $(id).value = value;
  $('roster-count').textContent = String(shifts.length);
  $('roster-empty').hidden = shifts.length > 0;
}

export async function loadRoster() {
  if (!day) return;
  const my = ++seq;
  $('roster-table').setAttribute('aria-busy', 'true');
  try {
    const list = await api(`/api/v1/hygiene/roster?${new URLSearchParams({ from: day, to: day })}`);
    if (my !== seq) return;
    shifts = (Array.isArray(list) ? list : []).sort((a, b) => String(a.starts_at).localeCompare(String(b.starts_at)) || String(a.point).localeCompare(String(b.point)));
    if (shifts[0]) learnOffset(shifts[0].starts_at);
    if (editing && !shifts.some((s) => s.id === editing)) editing = null;
    say($('roster-error'), '');
  } catch (err) {
    if (my === seq) say($('roster-error'), err.message);
  } finally {
    if (my === seq) $('roster-table').removeAttribute('aria-busy');
  }
  render();
}

/** Show `d`'s roster (a click on a coverage cell), the rows of `point` marked. */
export function showDay(d, point) {
  focusPoint = point || '';
  if (d !== day) {
    day = d;
    $('roster-day').value = d;
    errors.clear();
    editing = null;
    loadRoster();
  } else render();
  $('roster-title').scrollIntoView({ behavior: 'smooth', block: 'start' });
}

async function change(id, call, okKey) {
  errors.delete(id);
  busy.add(id);
  say($('roster-ok'), '');
  render();
  try {
    await call();
    editing = null;
    say($('roster-ok'), t(okKey));
  } catch (err) {
    errors.set(id, { message: err.message, details: err.code === 'roster_rule' ? err.details : null });
  } finally {
    busy.delete(id);
  }
  await loadRoster(); // the feed's roster event comes too; this covers a feed that is down
}

function save(s) {
  const v = (k) => $(`edit-${k}-${s.id}`).value;
  const json = {};
  if (String(v('inspector')) !== String(s.inspector_id)) json.inspector_id = Number(v('inspector'));
  if (v('point') !== s.point) json.point = v('point');
  if (v('start') !== localInput(s.starts_at)) json.starts_at = eventInput(v('start'));
  if (v('end') !== localInput(s.ends_at)) json.ends_at = eventInput(v('end'));
  if (!Object.keys(json).length) {
    editing = null;
    return render();
  }
  change(s.id, () => api(`/api/v1/hygiene/shifts/${s.id}`, { method: 'PATCH', json }), 'hy.shift_saved');
}

function onClick(e) {
  const btn = e.target.closest('button[data-act]');
  if (!btn) return;
  const tr = btn.closest('tr');
  const id = Number(tr.dataset.shiftId || tr.dataset.for);
  const s = shifts.find((x) => x.id === id);
  if (!s) return;
  const act = btn.dataset.act;
  if (act === 'edit') {
    editing = editing === id ? null : id;
    render();
  } else if (act === 'cancel') {
    editing = null;
    errors.delete(id);
    render();
  } else if (act === 'save') save(s);
  else if (act === 'swap') {
    const other = Number($(`edit-swap-${id}`).value);
    change(id, () => api(`/api/v1/hygiene/shifts/${id}`, { method: 'PATCH', json: { with_shift: other } }), 'hy.shift_swapped');
  } else if (act === 'delete') {
    armed(btn, 'hy.delete_confirm', () => change(id, () => api(`/api/v1/hygiene/shifts/${id}`, { method: 'DELETE' }), 'hy.shift_deleted'));
  }
}

function fillShiftForm() {
  const keep = (id) => $(id).value;
  const ins = keep('shift-inspector');
  const pt = keep('shift-point');
  clear($('shift-inspector')).append(h('option', { value: '' }, t('hy.pick_inspector')), ...options(ctx.inspectors, ins, (i) => i.name, 'id'));
  clear($('shift-point')).append(h('option', { value: '' }, t('meals.pick_point')), ...options(ctx.points, pt, (p) => pointText(p.code, p.name), 'code'));
}

async function addShift(e) {
  e.preventDefault();
  const json = {
    inspector_id: Number($('shift-inspector').value),
    point: $('shift-point').value,
    starts_at: eventInput($('shift-start').value),
    ends_at: eventInput($('shift-end').value),
  };
  if (!json.inspector_id || !json.point || !json.starts_at || !json.ends_at) return say($('shift-error'), t('hy.shift_incomplete'));
  const btn = e.submitter || $('shift-form').querySelector('[type=submit]');
  btn.disabled = true;
  say($('shift-error'), '');
  try {
    await api('/api/v1/hygiene/shifts', { method: 'POST', json });
    say($('roster-ok'), t('hy.shift_added'));
    const d = json.starts_at.slice(0, 10);
    if (d !== day) showDay(d, json.point);
    else loadRoster();
  } catch (err) {
    const details = err.code === 'roster_rule' && Array.isArray(err.details) ? err.details : [];
    say($('shift-error'), [err.message, ...details.map((d) => `${label('hy.rule', d.rule)}: ${d.detail || ''}`)].join(' · '));
  } finally {
    btn.disabled = false;
  }
}

export function initRoster(c, today) {
  ctx = c;
  day = today;
  $('roster-day').value = today;
  $('roster-day').addEventListener('change', () => {
    day = $('roster-day').value;
    focusPoint = '';
    errors.clear();
    editing = null;
    loadRoster();
  });
  $('roster-table').tBodies[0].addEventListener('click', onClick);
  $('shift-form').addEventListener('submit', addShift);
  $('shift-start').value = `${today}T10:00`;
  $('shift-end').value = `${today}T14:00`;
  ctx.onInspectors.push(() => {
    fillShiftForm();
    if (editing) render();
  });
  fillShiftForm();
  loadRoster();
}

export function rerenderRoster() {
  fillShiftForm();
  render();
}
