// 卫生检查 The food hygiene inspector's phone: my shifts today and the next two days; arrive
// at a dining point (scan its QR — the text is the point's code — or tap a shift); walk the
// checklist, each item pass or fail (a failed item needs a note; halal separation only where
// the point serves halal), and submit; raise an incident that reaches health and reception
// at once. Photos are not taken: the API has no place for them yet.

import { api } from '../js/api.js';
import { clear, h, say, sayT } from '../js/dom.js';
import { eventTime } from '../js/format.js';
import { onLangChange, t } from '../js/i18n.js';
import { initShell } from '../js/shell.js';
import { createCamera } from '../desk/camera.js';
import { clock, clockOn, eventToday, learnOffset } from '../pickups/shared.js';
import { itemLabel, itemsFor, pointText } from '../hygiene/shared.js';

const $ = (id) => document.getElementById(id);

let user = null;
let points = [];
let shifts = [];
let point = null; // the point being inspected
const answers = new Map(); // item → {ok: bool|null, note}
let rowErrors = new Set(); // items to point at after a refused submit
let result = null;

const findPoint = (code) => points.find((p) => String(p.code).toLowerCase() === String(code || '').trim().toLowerCase());
const pointName = (code) => {
  const p = findPoint(code);
  return p ? pointText(p.code, p.name) : code;
};

// ---------- shifts ----------

/** A shift whose end has passed: the instants compare whatever the phone's zone. */
const finished = (s) => Number.isFinite(Date.parse(s.ends_at)) && Date.parse(s.ends_at) <= Date.now();

function shiftItem(s, today) {
  const day = String(s.starts_at).slice(0, 10);
  const done = finished(s);
  return h(
    'li',
    { class: `in-shift${day === today ? ' is-today' : ''}${done ? ' is-done' : ''}`, dataset: { shiftId: s.id, point: s.point, done: done ? 'true' : 'false' } },
    h(
      'div',
      { class: 'in-shift-text' },
      h('span', { class: 'in-shift-day' }, day === today ? t('in.today') : eventTime(day).slice(5)),
      h('strong', { class: 'in-shift-time' }, `${clockOn(s.starts_at, day)}–${clockOn(s.ends_at, day)}`),
      h('span', { class: 'in-shift-point' }, s.point_name || s.point),
    ),
    // A finished shift is a record, not a task: no "arrive" on it.
    done
      ? h('span', { class: 'badge in-shift-done' }, t('in.shift_done'))
      : day === today
        ? h('button', { type: 'button', class: 'btn btn-primary in-arrive', dataset: { point: s.point } }, t('in.arrive_go'))
        : null,
  );
}

function renderShifts() {
  const today = eventToday();
  clear($('my-shifts')).append(...shifts.map((s) => shiftItem(s, today)));
  $('shifts-empty').hidden = shifts.length > 0;
}

async function loadShifts() {
  try {
    const list = await api(`/api/v1/hygiene/roster?${new URLSearchParams({ from: eventToday(), to: eventToday(2) })}`);
    shifts = (Array.isArray(list) ? list : []).sort((a, b) => String(a.starts_at).localeCompare(String(b.starts_at)));
    if (shifts[0]) learnOffset(shifts[0].starts_at);
    say($('shifts-error'), '');
  } catch (err) {
    say($('shifts-error'), err.message);
  }
  renderShifts();
}

// ---------- arriving ----------

function arrive(code) {
  const p = findPoint(code);
  if (!p) return say($('page-error'), t('in.unknown_point', { code: String(code).slice(0, 40) }));
  say($('page-error'), '');
  if (camera.isOn()) camera.stop();
  point = p;
  result = null;
  answers.clear();
  rowErrors = new Set();
  for (const item of itemsFor(p)) answers.set(item, { ok: null, note: '' });
  $('inspection-note').value = '';
  say($('inspection-error'), '');
  $('incident-point').value = p.code;
  renderChecklist();
  renderResult();
  $('inspection-card').hidden = false;
  $('inspection-card').scrollIntoView({ behavior: 'smooth', block: 'start' });
}

// ---------- the checklist ----------

function checkRow(item) {
  const a = answers.get(item);
  const state = a.ok === true ? 'pass' : a.ok === false ? 'fail' : '';
  const bad = rowErrors.has(item);
  const name = `ck-${item}`;
  return h(
    'li',
    { class: `in-item${bad ? ' has-error' : ''}`, dataset: { item, state } },
    h('p', { class: 'in-item-name', id: `${name}-label` }, itemLabel(item)),
    h(
      'div',
      { class: 'in-toggle', role: 'radiogroup', 'aria-labelledby': `${name}-label` },
      h('label', { class: 'in-opt in-pass' }, h('input', { type: 'radio', name, value: 'pass', checked: a.ok === true }), h('span', {}, `✓ ${t('hy.pass')}`)),
      h('label', { class: 'in-opt in-fail' }, h('input', { type: 'radio', name, value: 'fail', checked: a.ok === false }), h('span', {}, `✗ ${t('hy.fail')}`)),
    ),
    h(
      'label',
      { class: 'field in-note', hidden: a.ok !== false },
      h('span', {}, t('in.fail_note')),
      h('input', { type: 'text', id: `${name}-note`, value: a.note, required: a.ok === false, 'aria-invalid': bad && a.ok === false && !a.note.trim() ? 'true' : null }),
    ),
    // An optional photo: the phone's camera opens straight away (capture).
    h(
      'label',
      { class: 'field in-photo' },
      h('span', {}, a.photo ? `📷 ${t('in.photo_added')}` : `📷 ${t('in.photo')}`),
      h('input', { type: 'file', accept: 'image/*', capture: 'environment', id: `${name}-photo` }),
    ),
    bad ? h('p', { class: 'field-error' }, a.ok === null ? t('in.item_unanswered') : t('in.item_note_needed')) : null,
  );
}

/** A picked photo as a data: URL (the server checks and shrinks it). */
function readPhoto(file) {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(file);
  });
}

function renderChecklist() {
  if (!point) return;
  $('inspection-point').textContent = pointText(point.code, point.name);
  $('inspection-halal').hidden = !point.halal;
  clear($('checklist')).append(...[...answers.keys()].map(checkRow));
  const done = [...answers.values()].filter((a) => a.ok !== null).length;
  $('inspection-submit').textContent = t('in.submit_n', { done, total: answers.size });
}

function onChecklist(e) {
  const row = e.target.closest('.in-item');
  if (!row) return;
  const a = answers.get(row.dataset.item);
  if (e.type === 'change' && e.target.type === 'radio') {
    a.ok = e.target.value === 'pass';
    rowErrors.delete(row.dataset.item);
    if (!rowErrors.size) say($('inspection-error'), '');
    renderChecklist();
    if (!a.ok) $(`ck-${row.dataset.item}-note`).focus();
  } else if (e.type === 'input' && e.target.type === 'text') {
    a.note = e.target.value;
  } else if (e.type === 'change' && e.target.type === 'file' && e.target.files && e.target.files[0]) {
    readPhoto(e.target.files[0]).then((url) => {
      a.photo = url;
      renderChecklist();
    }, (err) => say($('inspection-error'), err.message));
  }
}

async function submitInspection(e) {
  e.preventDefault();
  if (!point) return;
  rowErrors = new Set([...answers].filter(([, a]) => a.ok === null || (a.ok === false && !a.note.trim())).map(([item]) => item));
  if (rowErrors.size) {
    renderChecklist();
    sayT($('inspection-error'), 'in.incomplete');
    $('checklist').querySelector('.has-error')?.scrollIntoView({ behavior: 'smooth', block: 'center' });
    return;
  }
  const items = [...answers].map(([item, a]) => ({ item, ok: a.ok, ...(a.note.trim() ? { note: a.note.trim() } : {}), ...(a.photo ? { photo: a.photo } : {}) }));
  const note = $('inspection-note').value.trim();
  const btn = $('inspection-submit');
  btn.disabled = true;
  say($('inspection-error'), '');
  try {
    result = await api('/api/v1/inspections', { method: 'POST', json: { point: point.code, items, ...(note ? { note } : {}) } });
    $('inspection-card').hidden = true;
    renderResult();
    $('inspection-result').scrollIntoView({ behavior: 'smooth', block: 'start' });
  } catch (err) {
    say($('inspection-error'), err.message);
  } finally {
    btn.disabled = false;
  }
}

function renderResult() {
  const box = $('inspection-result');
  box.hidden = !result;
  if (!result) return clear(box);
  const failed = (result.items || []).filter((it) => !it.ok);
  box.dataset.failed = String(result.failed ?? failed.length);
  clear(box).append(
    h('p', { class: 'in-result-title' }, failed.length ? t('in.saved_failed', { n: failed.length }) : t('in.saved_ok')),
    h('p', { class: 'muted' }, `${pointName(result.point)} · ${clock(result.arrived_at)} · ${result.inspector || ''}`),
    failed.length ? h('ul', { class: 'hy-items' }, failed.map((it) => h('li', { class: 'is-failed', dataset: { item: it.item } }, h('span', { class: 'hy-mark' }, '✗'), h('span', {}, itemLabel(it.item)), it.note ? h('span', { class: 'hy-item-note' }, it.note) : null))) : null,
    failed.length ? h('button', { type: 'button', class: 'btn btn-danger btn-block in-big', id: 'result-incident' }, t('in.raise_from_fail')) : null,
  );
}

// ---------- incidents ----------

function openIncident(kind, description) {
  const card = $('incident-card');
  card.open = true;
  if (point) $('incident-point').value = point.code;
  const radio = document.querySelector(`input[name="incident-kind"][value="${kind}"]`);
  if (radio) radio.checked = true;
  if (description && !$('incident-description').value) $('incident-description').value = description;
  card.scrollIntoView({ behavior: 'smooth', block: 'start' });
  $('incident-description').focus();
}

async function raiseIncident(e) {
  e.preventDefault();
  const json = {
    point: $('incident-point').value,
    kind: document.querySelector('input[name="incident-kind"]:checked')?.value || 'other',
    description: $('incident-description').value.trim(),
    stops_service: $('incident-stops').checked,
  };
  say($('incident-ok'), '');
  if (!json.point || !json.description) return sayT($('incident-error'), 'in.incident_incomplete');
  const btn = $('incident-submit');
  btn.disabled = true;
  say($('incident-error'), '');
  try {
    const saved = await api('/api/v1/incidents', { method: 'POST', json });
    say($('incident-ok'), t('in.incident_sent', { point: pointName((saved && saved.point) || json.point) }));
    $('incident-description').value = '';
    $('incident-stops').checked = false;
  } catch (err) {
    say($('incident-error'), err.message);
  } finally {
    btn.disabled = false;
  }
}

function fillPointMenus() {
  for (const id of ['arrive-point', 'incident-point']) {
    const keep = $(id).value;
    clear($(id)).append(
      h('option', { value: '' }, t('meals.pick_point')),
      ...points.map((p) => h('option', { value: p.code, selected: p.code === keep }, pointText(p.code, p.name))),
    );
  }
}

// ---------- camera ----------

const camera = createCamera({
  video: $('camera-video'),
  box: $('camera-box'),
  onCode: (text) => arrive(text),
  // The desk's notes mention a handheld scanner; the phone has the point menu instead.
  onNote: (key) => (key ? sayT($('camera-note'), `in.${key.split('.').pop()}`) : say($('camera-note'), '')),
  onState: (on) => {
    $('camera-toggle').setAttribute('aria-pressed', on ? 'true' : 'false');
    $('camera-label').dataset.i18n = on ? 'cp.camera_off' : 'in.scan_point';
    $('camera-label').textContent = t($('camera-label').dataset.i18n);
  },
});

// ---------- start ----------

async function init() {
  user = await initShell();
  if (user && !['inspector', 'admin', 'health'].includes(user.role)) {
    say($('page-error'), t('in.not_allowed'));
    return;
  }
  $('camera-toggle').addEventListener('click', () => camera.toggle());
  $('my-shifts').addEventListener('click', (e) => {
    const btn = e.target.closest('button.in-arrive');
    if (btn) arrive(btn.dataset.point);
  });
  $('arrive-go').addEventListener('click', () => ($('arrive-point').value ? arrive($('arrive-point').value) : sayT($('page-error'), 'in.pick_point_first')));
  $('checklist').addEventListener('change', onChecklist);
  $('checklist').addEventListener('input', onChecklist);
  $('inspection-form').addEventListener('submit', submitInspection);
  $('inspection-cancel').addEventListener('click', () => {
    point = null;
    $('inspection-card').hidden = true;
  });
  $('inspection-result').addEventListener('click', (e) => {
    if (e.target.closest('#result-incident')) {
      const failed = (result?.items || []).filter((it) => !it.ok).map((it) => `${itemLabel(it.item)}${it.note ? `：${it.note}` : ''}`);
      openIncident('failed_check', failed.join('；'));
    }
  });
  $('incident-form').addEventListener('submit', raiseIncident);

  try {
    const list = await api('/api/v1/dining-points');
    points = Array.isArray(list) ? list : [];
  } catch (err) {
    say($('page-error'), err.message);
  }
  fillPointMenus();
  loadShifts();
  // Today's shifts move on: a phone left open refetches every few minutes.
  setInterval(() => !document.hidden && loadShifts(), 5 * 60000);

  onLangChange(() => {
    renderShifts();
    fillPointMenus();
    renderChecklist();
    renderResult();
  });
}

init();
