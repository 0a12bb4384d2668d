// 接机 The greeter's phone board: the flights and trains of one hub for now and the next six
// hours, their guests, and the car of each guest's run. One tap marks a guest met, in the
// vehicle or a no-show, or a run departed; a small form reports a delay or a landing.
//
// Which hub: a greeter account's scope is the hub id; admin, reception and transport pick one
// (kept in the address bar as ?hub= and remembered on this device). The board stays live over
// Server-Sent Events (../pickups/live.js): every change anyone makes refetches it.

import { api } from '../js/api.js';
import { debounce, h, say } from '../js/dom.js';
import { onLangChange, t } from '../js/i18n.js';
import { initShell } from '../js/shell.js';
import { createFeed, createHeard } from '../pickups/live.js';
import { can, clock, dayOf, findHub, hubLabel, label, learnOffset, loadHubs, store, stored } from '../pickups/shared.js';
import { countGuests, renderBoard } from './board.js';

const $ = (id) => document.getElementById(id);
const HUB_KEY = 'yingbin.greeter.hub';
const HOURS = 12;
const NO_SHOW_DELAY_MS = 5000; // how long a no-show can be undone before it is sent

let user = null;
let hubs = [];
let hubId = ''; // text: a greeter's scope is text, the select's value too
let board = null;
let boardSeq = 0;

// What the board shows besides the server's data: taps in flight, their errors, pending no-shows.
const ctx = {
  pending: new Map(), // guest id → {until, timer}
  busy: new Set(), // 'g<guest id>' / 'r<run id>'
  errors: new Map(), // same keys → message
  open: new Map(), // trip id → open or folded, as the greeter left it (else the board's choice)
  query: '', // the search box
  canMark: false,
  canDepart: false,
  canReport: false,
};

const heard = createHeard($('last-heard'), { onQuiet: () => hubId && loadBoard() });
const feed = createFeed({
  onChange: () => refetch(),
  onHeard: () => heard.heard(),
  onState: (state) => heard.state(state),
});

// ---------- the board ----------

function currentHub() {
  return board?.hub && String(board.hub.id) === hubId ? board.hub : findHub(hubs, hubId);
}

function renderHeader() {
  const hub = currentHub();
  const name = $('hub-name');
  delete name.dataset.i18n;
  name.textContent = hub ? hubLabel(hub) : hubId ? `#${hubId}` : t('gr.pick_hub');
  name.classList.toggle('is-unset', !hubId);
  $('live-hub').textContent = hub ? hub.code || hub.name : '';
  document.title = `${hub ? `${hub.code} ` : ''}${t('gr.title')}`;
  // Where to stand, and (when reception gave it) the words English-speaking guests read in
  // their itinerary, so the greeter can point them to the same place.
  const point = hub && hub.meeting_point;
  const pointEn = hub && hub.meeting_point_en;
  $('meeting-point').hidden = !point;
  $('meeting-point').replaceChildren(
    h('span', { class: 'gr-meeting-label' }, t('gr.meeting_point')),
    h('span', {}, point || ''),
    pointEn ? h('span', { class: 'gr-meeting-en', lang: 'en' }, pointEn) : null,
  );
  const trips = Array.isArray(board?.trips) ? board.trips : [];
  const n = countGuests(trips);
  $('board-counts').textContent = board ? t('gr.counts', { trips: trips.length, waiting: n.waiting, met: n.met, no_show: n.no_show }) : '';
  $('report-trip').hidden = !(ctx.canReport && hubId);
}

function render() {
  renderHeader();
  const drawn = board ? renderBoard($('board'), board, ctx) : ($('board').replaceChildren(), { trips: 0, guests: 0 });
  const searching = Boolean(ctx.query.trim());
  $('board-empty').hidden = !board || drawn.trips > 0 || searching;
  const summary = $('search-summary');
  summary.hidden = !board || !searching;
  summary.textContent = searching ? (drawn.guests ? t('gr.search_found', { n: drawn.guests, trips: drawn.trips }) : t('gr.search_none')) : '';
  summary.classList.toggle('is-none', searching && drawn.guests === 0);
}

async function loadBoard() {
  if (!hubId) return;
  const my = ++boardSeq;
  const wanted = hubId;
  $('board').setAttribute('aria-busy', 'true');
  try {
    const answer = await api(`/api/v1/board?hub=${encodeURIComponent(wanted)}&hours=${HOURS}`);
    if (my !== boardSeq || wanted !== hubId) return;
    board = answer || { trips: [] };
    learnOffset(board.now);
    heard.heard(); // an answer is hearing from the server too
    say($('page-error'), '');
  } catch (err) {
    if (my === boardSeq) say($('page-error'), err.message);
  } finally {
    if (my === boardSeq) $('board').removeAttribute('aria-busy');
  }
  render();
}

// Bursts of changes (a delay moves forty guests) become one refetch.
const refetch = debounce(loadBoard, 200);

// ---------- taps ----------

function findGuest(guestId) {
  for (const trip of board?.trips || []) {
    const g = (trip.guests || []).find((x) => String(x.guest_id) === String(guestId));
    if (g) return { trip, guest: g };
  }
  return null;
}

async function act(key, call, onDone) {
  say($('page-ok'), '');
  ctx.errors.delete(key);
  ctx.busy.add(key);
  render();
  try {
    const result = await call();
    onDone(result);
  } catch (err) {
    ctx.errors.set(key, err.message);
  } finally {
    ctx.busy.delete(key);
    render();
  }
  refetch(); // the event will come too; this covers a feed that is down
}

function mark(guestId, status) {
  const found = findGuest(guestId);
  if (!found) return;
  const { trip, guest } = found;
  act(
    `g${guestId}`,
    () => api(`/api/v1/pickups/${encodeURIComponent(guestId)}/status`, { method: 'POST', json: { status, direction: trip.direction || 'arrival' } }),
    (row) => {
      // Show the tap at once; the refetch that follows brings the server's whole truth.
      guest.status = (row && row.status) || status;
      say($('page-ok'), t('gr.marked', { name: guest.name || `#${guestId}`, status: label('pickup_status', guest.status) }));
    },
  );
}

function updateCountdown(guestId) {
  const p = ctx.pending.get(guestId);
  const el = document.querySelector(`#board .board-guest[data-guest-id="${CSS.escape(guestId)}"] .bg-pending-text`);
  if (p && el) el.textContent = t('gr.no_show_pending', { n: Math.max(0, Math.ceil((p.until - Date.now()) / 1000)) });
}

function startNoShow(guestId) {
  if (ctx.pending.has(guestId)) return;
  const until = Date.now() + NO_SHOW_DELAY_MS;
  const tick = setInterval(() => updateCountdown(guestId), 250);
  const timer = setTimeout(() => commitNoShow(guestId), NO_SHOW_DELAY_MS);
  ctx.pending.set(guestId, { until, timer, tick });
  render();
  const undo = document.querySelector(`#board .board-guest[data-guest-id="${CSS.escape(guestId)}"] .undo-no-show`);
  if (undo) undo.focus({ preventScroll: true });
}

function dropPending(guestId) {
  const p = ctx.pending.get(guestId);
  if (!p) return false;
  clearTimeout(p.timer);
  clearInterval(p.tick);
  ctx.pending.delete(guestId);
  return true;
}

function commitNoShow(guestId) {
  if (dropPending(guestId)) mark(guestId, 'no_show');
}

function undoNoShow(guestId) {
  if (dropPending(guestId)) render();
}

function departed(runId) {
  act(
    `r${runId}`,
    () => api(`/api/v1/runs/${encodeURIComponent(runId)}/status`, { method: 'POST', json: { status: 'departed' } }),
    () => {
      for (const trip of board?.trips || []) for (const g of trip.guests || []) if (g.run && String(g.run.id) === String(runId)) g.run.status = 'departed';
      say($('page-ok'), t('gr.departed_done'));
    },
  );
}

function wireBoard() {
  $('board').addEventListener('click', (e) => {
    const btn = e.target.closest('button');
    if (!btn || btn.disabled) return;
    if (btn.classList.contains('trip-toggle')) {
      const id = btn.dataset.tripId;
      ctx.open.set(id, btn.getAttribute('aria-expanded') !== 'true');
      render();
      const again = [...document.querySelectorAll('#board .trip-toggle')].find((b) => b.dataset.tripId === id);
      if (again) again.focus({ preventScroll: true });
      return;
    }
    const guestEl = btn.closest('.board-guest');
    const guestId = guestEl ? guestEl.dataset.guestId : '';
    if (btn.dataset.mark === 'no_show') startNoShow(guestId);
    else if (btn.dataset.mark) mark(guestId, btn.dataset.mark);
    else if (btn.classList.contains('undo-no-show')) undoNoShow(guestId);
    else if (btn.classList.contains('confirm-no-show')) commitNoShow(guestId);
    else if (btn.classList.contains('run-departed')) departed(btn.dataset.runId);
    else if (btn.classList.contains('trip-report')) openReport((board?.trips || []).find((x) => String(x.id) === btn.dataset.tripId));
  });
}

// ---------- reporting a trip's change ----------

function tripStatus() {
  const checked = document.querySelector('input[name="trip-status"]:checked');
  return checked ? checked.value : 'delayed';
}

function syncTimeField() {
  const status = tripStatus();
  // A delay needs the new time; a landing may give the real one; cancelled and on-time need none.
  $('trip-time-field').hidden = status === 'cancelled' || status === 'scheduled';
  const key = status === 'landed' ? 'gr.landed_time' : 'gr.new_time';
  $('trip-time-label').dataset.i18n = key;
  $('trip-time-label').textContent = t(key);
}

function openReport(trip) {
  say($('trip-error'), '');
  $('trip-number').value = trip ? trip.number : '';
  $('trip-number').readOnly = Boolean(trip);
  $('trip-date').value = (trip && trip.date) || dayOf(trip?.scheduled_at) || dayOf(board?.now) || '';
  const status = trip && ['delayed', 'landed', 'cancelled'].includes(trip.status) ? trip.status : 'delayed';
  for (const input of document.querySelectorAll('input[name="trip-status"]')) input.checked = input.value === status;
  $('trip-time').value = trip ? clock(trip.expected_at || trip.scheduled_at) : '';
  $('trip-form').dataset.direction = (trip && trip.direction) || 'arrival';
  syncTimeField();
  $('trip-dialog').showModal();
  (trip ? document.querySelector('input[name="trip-status"]:checked') : $('trip-number')).focus();
}

async function submitReport(e) {
  e.preventDefault();
  const hub = currentHub();
  const status = tripStatus();
  const body = {
    number: $('trip-number').value.trim().toUpperCase(),
    date: $('trip-date').value,
    hub: hub ? hub.code : hubId,
    direction: $('trip-form').dataset.direction || 'arrival',
    status,
  };
  const time = $('trip-time').value;
  if (!body.number || !body.date) return say($('trip-error'), t('gr.report_missing'));
  if (status === 'delayed' && !time) return say($('trip-error'), t('gr.report_need_time'));
  if (time && !$('trip-time-field').hidden) body.expected_time = time;
  $('trip-submit').disabled = true;
  try {
    const trip = await api('/api/v1/trips/update', { method: 'POST', json: body });
    $('trip-dialog').close('ok');
    const when = trip && trip.expected_at ? ` ${clock(trip.expected_at)}` : '';
    say($('page-ok'), t('gr.reported', { number: body.number, status: `${label('trip_status', (trip && trip.status) || status)}${when}` }));
    refetch();
  } catch (err) {
    say($('trip-error'), err.message);
  } finally {
    $('trip-submit').disabled = false;
  }
}

function wireSearch() {
  const input = $('board-search');
  const apply = debounce(() => {
    ctx.query = input.value;
    render();
  }, 120);
  input.addEventListener('input', apply);
  // Enter on a phone keyboard closes it, so the results are in view.
  input.addEventListener('keydown', (e) => {
    if (e.key === 'Enter') {
      e.preventDefault();
      input.blur();
    }
  });
}

function wireReport() {
  $('report-trip').addEventListener('click', () => openReport(null));
  $('trip-form').addEventListener('submit', submitReport);
  $('trip-form').addEventListener('change', (e) => {
    if (e.target.name === 'trip-status') syncTimeField();
  });
  for (const btn of $('trip-dialog').querySelectorAll('[data-close]')) btn.addEventListener('click', () => $('trip-dialog').close('cancel'));
}

// ---------- hub ----------

function fillHubSelect() {
  $('hub-select').replaceChildren(h('option', { value: '' }, t('gr.pick_hub')), ...hubs.map((x) => h('option', { value: String(x.id) }, hubLabel(x))));
  $('hub-select').value = hubId;
}

function chooseHub(next) {
  hubId = next ? String(next) : '';
  if (user && user.role !== 'greeter') {
    if (hubId) store(HUB_KEY, hubId);
    const query = hubId ? `?hub=${encodeURIComponent(hubId)}` : '';
    history.replaceState(null, '', `${location.pathname}${query}`);
  }
  $('hub-select').value = hubId;
  for (const id of [...ctx.pending.keys()]) dropPending(id); // a pending no-show belongs to the old board
  ctx.errors.clear();
  ctx.open.clear();
  board = null;
  render();
  feed.watch(hubId ? [hubId] : []);
  return loadBoard();
}

function initialHub() {
  if (user && user.role === 'greeter') return user.scope ? String(user.scope) : '';
  const wanted = new URLSearchParams(location.search).get('hub') || stored(HUB_KEY) || '';
  const hub = findHub(hubs, wanted);
  if (hub) return String(hub.id);
  return hubs.length === 1 ? String(hubs[0].id) : '';
}

// ---------- page ----------

onLangChange(() => {
  if (hubs.length) fillHubSelect();
  syncTimeField();
  heard.render();
  render();
});

// A phone that slept, or a network that came back: catch up at once instead of waiting.
document.addEventListener('visibilitychange', () => {
  if (document.visibilityState !== 'visible' || !hubId) return;
  feed.revive();
  loadBoard();
});
window.addEventListener('online', () => {
  feed.revive();
  if (hubId) loadBoard();
});

async function main() {
  wireBoard();
  wireSearch();
  wireReport();
  $('hub-select').addEventListener('change', () => chooseHub($('hub-select').value));

  user = await initShell();
  if (!user || !can(user, 'board')) {
    // No user: the session check failed (a 401 is already on its way to the login page).
    renderHeader();
    say($('page-error'), t(user ? 'gr.not_allowed' : 'error.network'));
    return;
  }
  ctx.canMark = ctx.canDepart = ctx.canReport = true;
  if (user.role !== 'greeter') {
    try {
      hubs = await loadHubs();
    } catch (err) {
      say($('page-error'), err.message);
    }
    $('hub-field').hidden = false;
    fillHubSelect();
  }
  await chooseHub(initialHub());
  if (!hubId && user.role === 'greeter') say($('page-error'), t('gr.no_scope'));
}

main();
