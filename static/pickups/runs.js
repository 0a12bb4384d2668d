// The runs of one hub, day and direction: plan them (a re-plan keeps locked runs), then adjust
// by hand — change the car, lock, move a guest to another run, split off ticked guests, merge
// two runs. Every change reloads the list; the live feed reloads it too when others change it.

import { api } from '../js/api.js';
import { h, say } from '../js/dom.js';
import { categoryLabel } from '../js/format.js';
import { t } from '../js/i18n.js';
import { armed, clockOn, findHub, hubLabel, plateBadge, statusBadge, telLink, wallMinutes } from './shared.js';

const $ = (id) => document.getElementById(id);
/** Ids go back to the server as numbers when they are numbers (the contract's ids are integers). */
const toId = (v) => (/^\d+$/.test(String(v)) ? Number(v) : v);

let state = null; // {user, hubs, vehicles, canEdit} from pickups.js
let onChanged = () => {};
let runs = [];
let unassigned = [];
let seq = 0;
const ticked = new Map(); // run id → Set of guest ids ticked for a split (kept across redraws)

export function selection() {
  return { hub: $('runs-hub').value, date: $('runs-date').value, direction: $('runs-direction').value };
}

// ---------- drawing ----------

function runName(run) {
  const time = clockOn(run.depart_at, run.date);
  const hotel = run.hotel_name || run.hotel || t('pk.no_hotel');
  const hub = run.hub || '';
  // Arrivals leave the hub for a hotel; returns leave the hotel for the hub.
  const route = run.direction === 'departure' ? `${hotel} → ${hub}` : `${hub} → ${hotel}`;
  return `#${run.id} · ${time || t('common.none')} · ${route}`;
}

function vehicleOption(v, run) {
  const usedBy = runs.find((r) => r !== run && r.vehicle && String(r.vehicle.id) === String(v.id));
  const small = Number(v.seats) < Number(run.seats_used || 0);
  const text = [
    v.plate,
    t('pk.seats_n', { n: v.seats ?? '?' }),
    v.driver_name,
    small ? t('pk.too_small') : '',
    usedBy ? t('pk.used_by', { id: usedBy.id }) : '',
  ].filter(Boolean).join(' · ');
  return h('option', { value: String(v.id), selected: Boolean(run.vehicle && String(run.vehicle.id) === String(v.id)) }, text);
}

/** The pool, plus the run's own car should the pool not list it (a removed car, a failed load). */
function vehicleOptions(run) {
  const pool = state.vehicles;
  const own = run.vehicle && !pool.some((x) => String(x.id) === String(run.vehicle.id)) ? [run.vehicle] : [];
  return [h('option', { value: '' }, t('pk.no_vehicle')), ...[...own, ...pool].map((x) => vehicleOption(x, run))];
}

function otherRunOptions(run, firstKey) {
  return [h('option', { value: '' }, t(firstKey)), ...runs.filter((r) => r !== run).map((r) => h('option', { value: String(r.id) }, runName(r)))];
}

function guestRow(run, g) {
  const picked = ticked.get(String(run.id))?.has(String(g.guest_id));
  return h(
    'li',
    { class: `run-guest cat-${g.category || 'none'}`, dataset: { guestId: g.guest_id, status: g.status || '' } },
    state.canEdit
      ? h('label', { class: 'run-pick', title: t('pk.tick_for_split') }, h('input', { type: 'checkbox', class: 'pick-guest', checked: Boolean(picked), 'aria-label': t('pk.tick_guest', { name: g.name || '' }) }))
      : null,
    h(
      'span',
      { class: 'run-guest-who' },
      h('a', { href: `/reception/guest.html?id=${encodeURIComponent(g.guest_id)}`, class: 'name' }, g.name || `#${g.guest_id}`),
      g.category ? h('span', { class: `badge cat cat-${g.category}` }, categoryLabel(g.category)) : null,
      g.delegation || g.organization ? h('span', { class: 'muted' }, g.delegation || g.organization) : null,
      g.eta ? h('span', { class: 'run-eta', title: t('pk.eta') }, clockOn(g.eta, run.date)) : null,
      statusBadge('pickup_status', g.status),
    ),
    state.canEdit
      ? h(
          'select',
          { class: 'move-guest', dataset: { reset: '' }, 'aria-label': t('pk.move_guest', { name: g.name || '' }) },
          otherRunOptions(run, 'pk.move_to'),
          h('option', { value: 'remove' }, t('pk.remove_from_run')),
        )
      : null,
  );
}

function runCard(run) {
  const guests = Array.isArray(run.guests) ? run.guests : [];
  const v = run.vehicle;
  const seats = v ? Number(v.seats) : null;
  const over = seats !== null && Number(run.seats_used) > seats;
  const edit = state.canEdit;
  const picked = ticked.get(String(run.id))?.size || 0;
  return h(
    'article',
    { class: `run${run.locked ? ' is-locked' : ''}${v ? '' : ' no-vehicle'}`, id: `run-${run.id}`, dataset: { runId: run.id, status: run.status || '', locked: run.locked ? 'true' : 'false' } },
    h(
      'header',
      { class: 'run-head' },
      h('span', { class: 'run-title' }, runName(run)),
      statusBadge('run_status', run.status),
      h('span', { class: `run-seats${over ? ' is-over' : ''}`, title: t('pk.seats') }, `${run.seats_used ?? guests.length}/${seats ?? '–'}`),
      edit
        ? h('button', { type: 'button', class: `btn run-lock${run.locked ? ' is-on' : ''}`, 'aria-pressed': run.locked ? 'true' : 'false' }, t(run.locked ? 'pk.locked' : 'pk.lock'))
        : run.locked ? h('span', { class: 'badge hz-locked' }, t('pk.locked')) : null,
    ),
    h(
      'div',
      { class: 'run-vehicle-row' },
      edit
        ? h(
            'label',
            { class: 'field run-vehicle-field' },
            h('span', {}, t('pk.vehicle')),
            h('select', { class: 'run-vehicle', dataset: { reset: v ? String(v.id) : '' } }, vehicleOptions(run)),
          )
        : v ? plateBadge(v.plate) : h('span', { class: 'missing' }, t('pk.no_vehicle')),
      v && v.driver_name ? h('span', { class: 'run-driver' }, t('pk.driver_is', { name: v.driver_name })) : null,
      v && v.driver_phone ? telLink(v.driver_phone, { class: 'run-driver-phone' }) : null,
      run.greeter ? h('span', { class: 'run-greeter' }, t('pk.greeter_is', { name: run.greeter })) : null,
    ),
    guests.length ? h('ul', { class: 'run-guests' }, guests.map((g) => guestRow(run, g))) : h('p', { class: 'muted' }, t('pk.run_empty')),
    edit
      ? h(
          'div',
          { class: 'run-actions' },
          h('button', { type: 'button', class: 'btn run-split', disabled: picked === 0 || picked >= guests.length }, t('pk.split', { n: picked })),
          h('select', { class: 'run-merge', dataset: { reset: '' }, 'aria-label': t('pk.merge_with'), disabled: runs.length < 2 }, otherRunOptions(run, 'pk.merge_with')),
        )
      : null,
    h('p', { class: 'row-error alert alert-error', role: 'alert', hidden: true }),
  );
}

function renderUnassigned() {
  const list = $('plan-unassigned');
  list.hidden = !unassigned.length;
  list.replaceChildren(
    ...unassigned.map((u) =>
      h(
        'li',
        { dataset: { guestId: u.guest_id } },
        h('a', { href: `/reception/guest.html?id=${encodeURIComponent(u.guest_id)}`, class: 'name' }, u.name || `#${u.guest_id}`),
        u.reason ? h('span', { class: 'muted' }, ` ${u.reason}`) : null,
        state.canEdit && runs.length ? h('select', { class: 'add-to-run', dataset: { reset: '' }, 'aria-label': t('pk.add_to_run') }, otherRunOptions(null, 'pk.add_to_run')) : null,
      ),
    ),
  );
}

export function render() {
  if (!state) return;
  const list = $('runs');
  list.replaceChildren(...runs.map(runCard));
  $('runs-empty').hidden = runs.length > 0 || !selection().hub;
  $('runs-count').textContent = String(runs.length);
  const noCar = runs.filter((r) => !r.vehicle).length;
  $('runs-summary').textContent = runs.length
    ? t('pk.runs_summary', { runs: runs.length, guests: runs.reduce((a, r) => a + (r.guests || []).length, 0), no_car: noCar })
    : '';
  renderUnassigned();
}

// ---------- loading ----------

export async function loadRuns() {
  const { hub, date, direction } = selection();
  const my = ++seq;
  if (!hub || !date) {
    runs = [];
    render();
    return;
  }
  $('runs').setAttribute('aria-busy', 'true');
  try {
    const answer = await api(`/api/v1/runs?hub=${encodeURIComponent(hub)}&date=${encodeURIComponent(date)}&direction=${encodeURIComponent(direction)}`);
    if (my !== seq) return;
    // In time order, whatever order the server keeps them in.
    runs = (Array.isArray(answer) ? answer : []).sort((a, b) => wallMinutes(a.depart_at) - wallMinutes(b.depart_at) || a.id - b.id);
    const known = new Set(runs.flatMap((r) => (r.guests || []).map((g) => String(g.guest_id))));
    unassigned = unassigned.filter((u) => !known.has(String(u.guest_id)));
    for (const id of [...ticked.keys()]) if (!runs.some((r) => String(r.id) === id)) ticked.delete(id);
    say($('runs-error'), '');
  } catch (err) {
    if (my === seq) say($('runs-error'), err.message);
  } finally {
    if (my === seq) $('runs').removeAttribute('aria-busy');
  }
  render();
}

// ---------- changes ----------

function runOf(el) {
  const card = el.closest('.run[data-run-id]');
  return card ? runs.find((r) => String(r.id) === card.dataset.runId) : null;
}

async function change(el, call, done) {
  const card = el.closest('.run');
  const errorEl = card ? card.querySelector('.row-error') : $('runs-error');
  say(errorEl, '');
  say($('runs-ok'), '');
  el.disabled = true;
  try {
    const result = await call();
    if (done) say($('runs-ok'), done(result));
  } catch (err) {
    say(errorEl, err.message);
    el.disabled = false;
    // A menu goes back to what is true (no move, the old car), so it does not claim a change.
    if (el.dataset.reset !== undefined) el.value = el.dataset.reset;
    return false;
  }
  await loadRuns();
  onChanged();
  return true;
}

const post = (path, json) => api(path, { method: 'POST', json });

/** Move: add to the other run, then take out of this one if the server did not already. */
async function moveGuest(run, guestId, target) {
  await post(`/api/v1/runs/${encodeURIComponent(target)}/guests`, { add: [toId(guestId)], remove: [] });
  const fresh = await api(`/api/v1/runs?${new URLSearchParams(selection())}`);
  const still = (Array.isArray(fresh) ? fresh : []).find((r) => String(r.id) === String(run.id));
  if (still && (still.guests || []).some((g) => String(g.guest_id) === String(guestId))) {
    await post(`/api/v1/runs/${encodeURIComponent(run.id)}/guests`, { add: [], remove: [toId(guestId)] });
  }
}

function onRunsChange(e) {
  const el = e.target;
  const run = runOf(el);
  if (el.classList.contains('pick-guest') && run) {
    const id = String(run.id);
    if (!ticked.has(id)) ticked.set(id, new Set());
    const set = ticked.get(id);
    const guestId = el.closest('[data-guest-id]').dataset.guestId;
    if (el.checked) set.add(guestId);
    else set.delete(guestId);
    const split = el.closest('.run').querySelector('.run-split');
    split.textContent = t('pk.split', { n: set.size });
    split.disabled = set.size === 0 || set.size >= (run.guests || []).length;
    return;
  }
  if (!run || !el.value) return;
  if (el.classList.contains('run-vehicle')) return;
  if (el.classList.contains('move-guest')) {
    const guestId = el.closest('[data-guest-id]').dataset.guestId;
    const name = (run.guests || []).find((g) => String(g.guest_id) === guestId)?.name || `#${guestId}`;
    if (el.value === 'remove') {
      change(el, () => post(`/api/v1/runs/${encodeURIComponent(run.id)}/guests`, { add: [], remove: [toId(guestId)] }), () => t('pk.removed', { name, id: run.id }));
    } else {
      const target = el.value;
      change(el, () => moveGuest(run, guestId, target), () => t('pk.moved', { name, id: target }));
    }
  } else if (el.classList.contains('run-merge')) {
    const other = el.value;
    change(el, () => post('/api/v1/runs/merge', { ids: [toId(run.id), toId(other)] }), (merged) => t('pk.merged', { a: run.id, b: other, id: merged?.id ?? run.id }));
  }
}

function onVehicleChange(e) {
  const el = e.target;
  if (!el.classList.contains('run-vehicle')) return;
  const run = runOf(el);
  if (!run) return;
  const vehicleId = el.value ? toId(el.value) : null;
  change(el, () => post(`/api/v1/runs/${encodeURIComponent(run.id)}/vehicle`, { vehicle_id: vehicleId }), () =>
    vehicleId === null ? t('pk.vehicle_cleared', { id: run.id }) : t('pk.vehicle_set', { id: run.id, plate: el.selectedOptions[0]?.textContent.split(' · ')[0] || '' }),
  );
}

function onRunsClick(e) {
  const btn = e.target.closest('button');
  if (!btn || btn.disabled) return;
  const run = runOf(btn);
  if (!run) return;
  if (btn.classList.contains('run-lock')) {
    change(btn, () => post(`/api/v1/runs/${encodeURIComponent(run.id)}/lock`, { locked: !run.locked }), null);
  } else if (btn.classList.contains('run-split')) {
    const ids = [...(ticked.get(String(run.id)) || [])].map(toId);
    change(btn, () => post(`/api/v1/runs/${encodeURIComponent(run.id)}/split`, { guest_ids: ids }), (fresh) => {
      ticked.delete(String(run.id));
      return t('pk.split_done', { id: run.id, new_id: fresh?.id ?? '?', n: ids.length });
    });
  }
}

function onUnassignedChange(e) {
  const el = e.target;
  if (!el.classList.contains('add-to-run') || !el.value) return;
  const guestId = el.closest('[data-guest-id]').dataset.guestId;
  const target = el.value;
  change(el, () => post(`/api/v1/runs/${encodeURIComponent(target)}/guests`, { add: [toId(guestId)], remove: [] }), () => t('pk.added', { id: target }));
}

// ---------- planning ----------

async function plan() {
  const { hub, date, direction } = selection();
  const hubRow = findHub(state.hubs, hub);
  const wait = Number($('max-wait').value) || 45;
  say($('runs-error'), '');
  say($('runs-ok'), '');
  $('plan-runs').disabled = true;
  try {
    const result = await post('/api/v1/runs/plan', { hub: hubRow ? hubRow.code : hub, date, direction, max_wait_minutes: wait });
    unassigned = Array.isArray(result?.unassigned) ? result.unassigned : [];
    say($('runs-ok'), t('pk.planned', { runs: result?.runs ?? 0, guests: result?.guests ?? 0, ms: result?.ms ?? '?', unassigned: unassigned.length }));
    await loadRuns();
    onChanged();
  } catch (err) {
    say($('runs-error'), err.message);
  } finally {
    $('plan-runs').disabled = !hub || !date;
  }
}

function onPlanClick() {
  const { hub, date } = selection();
  if (!hub || !date) return say($('runs-error'), t('pk.pick_hub_date'));
  // Re-planning replaces every unlocked run: ask twice when there is something to lose.
  if (runs.some((r) => !r.locked)) armed($('plan-runs'), 'pk.plan_again', plan, 5000);
  else plan();
}

// ---------- setup ----------

export function fillHubSelect() {
  const select = $('runs-hub');
  const keep = select.value;
  select.replaceChildren(h('option', { value: '' }, t('gr.pick_hub')), ...state.hubs.map((x) => h('option', { value: String(x.id) }, hubLabel(x))));
  if (findHub(state.hubs, keep)) select.value = keep;
}

/** Show the runs of `hub` (id or code) and `date`, e.g. after a click on the chart. */
export function show(hub, date) {
  const row = findHub(state.hubs, hub);
  if (row) $('runs-hub').value = String(row.id);
  if (date) $('runs-date').value = date;
  $('runs-hub').dispatchEvent(new Event('change'));
}

export function initRuns(shared, { onChange, onSelect }) {
  state = shared;
  onChanged = onChange;
  for (const el of document.querySelectorAll('[data-edit]')) el.hidden = !state.canEdit;
  fillHubSelect();
  const selected = () => {
    unassigned = [];
    $('plan-runs').disabled = !selection().hub || !selection().date;
    onSelect(selection());
    loadRuns();
  };
  for (const id of ['runs-hub', 'runs-date', 'runs-direction']) $(id).addEventListener('change', selected);
  $('plan-runs').addEventListener('click', onPlanClick);
  $('runs').addEventListener('change', onRunsChange);
  $('runs').addEventListener('change', onVehicleChange);
  $('runs').addEventListener('click', onRunsClick);
  $('plan-unassigned').addEventListener('change', onUnassignedChange);
  $('plan-runs').disabled = !selection().hub || !selection().date;
  return selected;
}

