// A guest's arrangement changes on the guest page: recategorize, change travel, change stay,
// withdraw, restore. Each shows a preview first — the server runs the very change and rolls it
// back (`?dry_run=true`) — and what it will do to pass, room, meals, rides and mail; confirming
// runs it for real and shows the same report.

import { api } from '../js/api.js';
import { clear, h, say } from '../js/dom.js';
import { CATEGORIES, categoryLabel, eventTime } from '../js/format.js';
import { onLangChange, t } from '../js/i18n.js';

const MODES = ['flight', 'train', 'car', 'bus', 'self'];

let root = null;
let guest = null;
let onChanged = () => {};
let open = null; // the action whose form is open
let lastReport = null;
let draft = null; // the open form's values, kept when the page re-renders (a preview, a language switch)
let lists = { delegations: [], departments: [], hubs: [] };

/** Mount into `#guest-arrangements`; `changed()` reloads the page's record after a change. */
export function mountArrangements(el, changed) {
  root = el;
  onChanged = changed;
  onLangChange(() => render());
  loadLists();
}

/** The record to act on (called each time the page reloads it). */
export function showArrangements(g) {
  guest = g;
  render();
}

async function loadLists() {
  const get = (path) => api(path).catch(() => []);
  const [delegations, departments, hubs] = await Promise.all([
    get('/api/v1/delegations'),
    get('/api/v1/departments'),
    get('/api/v1/hubs'),
  ]);
  lists = { delegations, departments, hubs };
  render();
}

const ACTIONS = [
  ['record', 'arr.record'],
  ['recategorize', 'arr.recategorize'],
  ['travel', 'arr.travel'],
  ['stay', 'arr.stay'],
];

function render() {
  if (!root || !guest) return;
  const withdrawn = Boolean(guest.withdrawn_at);
  const buttons = withdrawn
    ? [button('restore', 'arr.restore', 'btn-primary')]
    : [...ACTIONS.map(([key, label]) => button(key, label)), button('withdraw', 'arr.withdraw', 'btn-danger')];
  // Element.append writes a null child as the text "null": leave the absent parts out.
  clear(root).append(...[
    h('h2', {}, t('arr.title')),
    withdrawn
      ? h('p', { class: 'alert alert-warn', id: 'arr-withdrawn' },
        t('arr.withdrawn_since', { at: eventTime(guest.withdrawn_at), reason: guest.withdrawn_reason || '' }))
      : null,
    h('div', { class: 'arr-actions' }, buttons),
    open ? form(open) : null,
    h('p', { id: 'arr-error', class: 'alert alert-error', role: 'alert', hidden: true }),
    lastReport ? report(lastReport) : null,
  ].filter(Boolean));
}

function button(action, label, cls = 'btn-ghost') {
  return h('button', {
    type: 'button',
    class: `btn ${cls}`,
    id: `arr-${action}`,
    'aria-expanded': open === action ? 'true' : 'false',
    onclick: () => {
      open = open === action ? null : action;
      lastReport = null;
      draft = null;
      render();
    },
  }, t(label));
}

function field(label, input) {
  return h('label', { class: 'arr-field' }, h('span', {}, t(label)), input);
}

function select(name, options, value) {
  return h('select', { name },
    options.map(([v, text]) => h('option', { value: v, selected: String(v) === String(value ?? '') }, text)));
}

function input(name, value, type = 'text') {
  return h('input', { name, type, value: value ?? '' });
}

// "2026-06-16T14:35:00+08:00" → "2026-06-16T14:35" for a datetime-local field.
function localInput(value) {
  return value ? value.slice(0, 16) : '';
}

function form(action) {
  // What the user typed wins over the record, so a preview does not undo their choices.
  const g = draft ? { ...guest, ...Object.fromEntries(Object.entries(draft).map(([k, v]) =>
    [k, k.endsWith('_time') && v ? v.replace(' ', 'T') : v])) } : guest;
  let fields = [];
  if (action === 'record') {
    const yes = [['false', t('common.no')], ['true', t('common.yes')]];
    fields = [
      field('field.name', input('name', g.name)),
      field('field.name_latin', input('name_latin', g.name_latin)),
      field('field.gender', select('gender', [['', t('common.none')], ['M', t('gender.M')], ['F', t('gender.F')]], g.gender)),
      field('field.phone', input('phone', g.phone, 'tel')),
      field('field.email', input('email', g.email, 'email')),
      field('field.language', select('language', [['zh', t('language.zh')], ['en', t('language.en')]], g.language)),
      field('field.halal', select('halal', yes, String(Boolean(g.halal)))),
      field('field.accessible', select('accessible', yes, String(Boolean(g.accessible)))),
      field('field.diet', input('diet', g.diet)),
      field('field.notes', input('notes', g.notes)),
    ];
  } else if (action === 'recategorize') {
    fields = [
      field('field.category', select('category', CATEGORIES.map((c) => [c, categoryLabel(c)]), g.category)),
      field('field.delegation', select('delegation_id',
        [['', t('common.none')], ...lists.delegations.map((d) => [d.id, d.name])], g.delegation_id)),
      field('field.department', select('department_id',
        lists.departments.map((d) => [d.id, d.name]), g.department_id)),
      field('field.organization', input('organization', g.organization)),
    ];
  } else if (action === 'travel') {
    const hubOptions = [['', t('common.none')], ...lists.hubs.map((x) => [x.code, x.code])];
    const modeOptions = [['', t('common.none')], ...MODES.map((m) => [m, t(`mode.${m}`)])];
    fields = ['arrival', 'departure'].flatMap((way) => [
      h('p', { class: 'arr-way' }, t(`section.${way}`)),
      field(`field.${way}_mode`, select(`${way}_mode`, modeOptions, g[`${way}_mode`])),
      field(`field.${way}_no`, input(`${way}_no`, g[`${way}_no`])),
      field(`field.${way}_hub`, select(`${way}_hub`, hubOptions, g[`${way}_hub`])),
      field(`field.${way}_time`, input(`${way}_time`, localInput(g[`${way}_time`]), 'datetime-local')),
    ]);
  } else if (action === 'stay') {
    fields = [
      field('field.stay_from', input('stay_from', g.stay_from, 'date')),
      field('field.stay_to', input('stay_to', g.stay_to, 'date')),
    ];
  } else if (action === 'withdraw') {
    fields = [field('arr.reason', h('textarea', { name: 'reason', rows: 2, maxlength: 500, required: true },
      draft?.reason || ''))];
  }
  return h('form', {
    class: 'arr-form card',
    id: 'arr-form',
    onsubmit: (e) => e.preventDefault(),
  },
  fields,
  h('div', { class: 'arr-buttons' },
    h('button', { type: 'button', class: 'btn btn-ghost', id: 'arr-preview', onclick: () => run(action, true) },
      t('arr.preview')),
    h('button', { type: 'button', class: 'btn btn-primary', id: 'arr-confirm', onclick: () => run(action, false) },
      t('arr.confirm'))));
}

// The form's values as the API takes them: keys as in the CSV; local times with the date.
function body(action) {
  const data = new FormData(root.querySelector('#arr-form'));
  if (action === 'withdraw') return { reason: data.get('reason') || '' };
  if (action === 'restore') return null;
  const out = {};
  for (const [key, raw] of data.entries()) {
    let value = typeof raw === 'string' ? raw.trim() : raw;
    if (key.endsWith('_time') && value) value = value.replace('T', ' ');
    if (key.endsWith('_id')) value = value === '' ? null : Number(value);
    if (key === 'halal' || key === 'accessible') value = value === 'true';
    out[key] = value === '' ? null : value;
  }
  return out;
}

function path(action) {
  const id = encodeURIComponent(guest.id);
  if (action === 'withdraw') return `/api/v1/guests/${id}/withdraw`;
  if (action === 'restore') return `/api/v1/guests/${id}/restore`;
  return `/api/v1/guests/${id}/changes`;
}

async function run(action, dryRun) {
  const error = root.querySelector('#arr-error');
  say(error, '');
  const buttons = root.querySelectorAll('.arr-buttons button, .arr-actions button');
  buttons.forEach((b) => { b.disabled = true; });
  try {
    const json = body(action);
    draft = json;
    const answer = await api(`${path(action)}${dryRun ? '?dry_run=true' : ''}`, {
      method: 'POST',
      ...(json ? { json } : {}),
    });
    lastReport = answer.arrangements || answer;
    if (!dryRun) {
      open = null;
      draft = null;
      await onChanged();
    }
    render();
  } catch (err) {
    say(root.querySelector('#arr-error'), err.message);
  } finally {
    root.querySelectorAll('.arr-buttons button, .arr-actions button').forEach((b) => { b.disabled = false; });
  }
}

// --- the report ----------------------------------------------------------------------------

function row(label, before, after, id) {
  return h('div', { class: 'arr-row', dataset: { part: id } },
    h('dt', {}, label),
    h('dd', {},
      h('span', { class: 'arr-before' }, before),
      h('span', { class: 'arr-arrow', 'aria-hidden': 'true' }, ' → '),
      h('span', { class: 'arr-after' }, after)));
}

function zones(list) {
  return list && list.length ? list.join(' · ') : t('common.none');
}

function booking(b) {
  if (!b) return t('common.none');
  return `${b.hotel} · ${t(`room_type.${b.room_type}`)} · ${eventTime(b.nights_from)}–${eventTime(b.nights_to)}`;
}

function meals(m) {
  if (!m) return t('arr.meals_none');
  const where = m.mode === 'any' ? t('arr.meals_any') : m.mode === 'none' ? t('arr.meals_none')
    : (m.points.length ? m.points.join(', ') : t('arr.meals_hotel'));
  return m.halal ? `${where} · ${t('arr.halal')}` : where;
}

function ride(r) {
  if (!r) return t('common.none');
  return `${eventTime(r.depart_at)}${r.plate ? ` · ${r.plate}` : ''}`;
}

function report(r) {
  const parts = [];
  const pass = r.pass;
  if (pass.action === 'reissued' || pass.action === 'zones_updated') {
    parts.push(row(t('arr.pass'), zones(pass.zones_before), zones(pass.zones_after), 'pass'));
    if (pass.after) {
      parts.push(h('p', { class: 'arr-note', id: 'arr-new-serial' },
        t(`arr.pass_${pass.action}`, { no: `No. ${pass.after.id}-${pass.after.serial}` })));
    }
  } else if (pass.action === 'revoked') {
    parts.push(h('p', { class: 'arr-note', dataset: { part: 'pass' } },
      t('arr.pass_revoked', { n: pass.revoked.length })));
  } else if (pass.action === 'requested') {
    parts.push(h('p', { class: 'arr-note', dataset: { part: 'pass' } },
      t('arr.pass_requested', { n: pass.requested.length })));
  }
  if (!['none', 'kept'].includes(r.room.action)) {
    parts.push(row(t('arr.room'), booking(r.room.before), r.room.action === 'unplaced'
      ? t('arr.room_unplaced') : booking(r.room.after), 'room'));
  }
  if (r.meals.changed) parts.push(row(t('arr.meals'), meals(r.meals.before), meals(r.meals.after), 'meals'));
  for (const x of r.rides) {
    if (['none', 'kept'].includes(x.action)) continue;
    parts.push(row(t(`arr.ride_${x.direction}`), ride(x.before),
      x.action === 'needs_car' ? t('arr.needs_car') : x.action === 'locked' ? t('arr.locked') : ride(x.after),
      `ride-${x.direction}`));
  }
  const mail = h('p', { class: 'arr-mail', id: 'arr-mail', dataset: { action: r.mail.action } },
    r.mail.action === 'none' ? t(`arr.mail_why.${r.mail.note}`) : t(`arr.mail_${r.mail.action}`, { to: r.mail.note }));
  const attention = r.attention.length
    ? h('ul', { class: 'arr-attention' }, r.attention.map((a) =>
      h('li', { dataset: { code: a.code } }, document.documentElement.lang === 'en' ? a.message_en : a.message_zh)))
    : null;
  return h('section', { class: 'arr-report', id: 'arr-report', dataset: { dryRun: String(r.dry_run) } },
    h('h3', {}, t(r.dry_run ? 'arr.preview_title' : 'arr.done_title')),
    parts.length ? h('dl', { class: 'arr-parts' }, parts) : h('p', {}, t('arr.nothing')),
    mail,
    attention);
}
