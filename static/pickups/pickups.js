// 接送 Reception's and transport's view of pickups: arrivals per hour per hub for today and
// tomorrow (chart.js), the exceptions as they happen, the runs of one hub and day (runs.js),
// the vehicle pool (vehicles.js) and the airports and stations with their meeting points
// (hubs.js). Office reads the same page without the controls.
//
// Live: one feed of every hub's changes (live.js; /board/events without a hub — one
// connection, where a stream per hub would eat the six a browser allows per server) refetches
// the summary, and the runs when their hub changed. "Not met 30 minutes after landing" is made
// true by the clock, not by a change, so the summary is also refreshed every POLL_MS.

import { api } from '../js/api.js';
import { debounce, h, say } from '../js/dom.js';
import { onLangChange, t } from '../js/i18n.js';
import { initShell } from '../js/shell.js';
import { drawChart, shareOfHour } from './chart.js';
import { initHubs, render as renderHubs } from './hubs.js';
import { createFeed, createHeard } from './live.js';
import { initRuns, loadRuns, render as renderRuns, fillHubSelect, selection, show as showRuns } from './runs.js';
import { can, clockOn, eventHour, eventToday, findHub, label, learnOffset, loadHubs, store, stored, wallMinutes } from './shared.js';
import { initVehicles, loadVehicles, render as renderVehicles } from './vehicles.js';

const $ = (id) => document.getElementById(id);
const POLL_MS = 30000;
const SHOWN_MAX = 200; // exceptions drawn at most; the chips still count them all
const KINDS = ['delayed', 'cancelled', 'not_met', 'no_show', 'no_run', 'no_vehicle'];
const RUNS_KEY = 'yingbin.pickups.runs';

const shared = { user: null, hubs: [], vehicles: [], canEdit: false };
let summary = null;
let summarySeq = 0;
let kindFilter = '';
let seenExceptions = null; // keys of the last list, to mark the new ones
let chartScrolled = false;
// The runs' date was not picked by anyone: it follows the event's today (which can move when
// the first answer teaches the event's UTC offset, or at midnight).
let runsDateDefaulted = false;
let knownToday = '';
const today = () => eventToday();

const heard = createHeard($('last-heard'), { onQuiet: () => loadSummary() });
const feed = createFeed({
  onChange: (event) => {
    refetchSummary();
    // Runs change with pickups, trips and runs of their own hub; null means "reopened: catch up".
    const hub = findHub(shared.hubs, selection().hub);
    if (!event || !event.hub_id || !hub || String(event.hub_id) === String(hub.id)) refetchRuns();
  },
  onHeard: () => heard.heard(),
  onState: (state) => heard.state(state),
});

// ---------- dates ----------

/** The chart's first day: the picked date, or today. */
function firstDay() {
  return $('summary-date').value || today();
}

function nextDay(iso) {
  const [y, m, d] = iso.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d + 1)).toISOString().slice(0, 10);
}

// ---------- chart ----------

function renderChart() {
  const dates = [firstDay(), nextDay(firstDay())];
  const drawn = summary
    ? drawChart($('arrivals-chart'), {
        hours: summary.hours,
        hubs: shared.hubs,
        dates,
        nowHour: dates[0] === today() ? eventHour() : null,
        onPick: (hub, day) => {
          showRuns(hub, dates[day]);
          $('runs-title').scrollIntoView({ behavior: 'smooth', block: 'start' });
        },
      })
    : 0;
  $('arrivals-chart').parentElement.hidden = !drawn;
  $('chart-empty').hidden = !summary || drawn > 0;
  // On a phone the chart scrolls sideways: open it at "now", once, not on every refresh.
  const wrap = $('arrivals-chart').parentElement;
  if (drawn && !chartScrolled && wrap.scrollWidth > wrap.clientWidth && dates[0] === today()) {
    chartScrolled = true;
    wrap.scrollLeft = Math.max(0, shareOfHour(eventHour()) * wrap.scrollWidth - 90);
  }
}

// ---------- exceptions ----------

const exceptionKey = (x) => [x.kind, x.hub, x.trip, x.guest_id, x.run_id].join('|');

function exceptionItem(x, isNew) {
  const hub = findHub(shared.hubs, x.hub);
  const runLink =
    x.run_id !== undefined && x.run_id !== null
      ? h('button', { type: 'button', class: 'btn btn-ghost exc-run', dataset: { runId: x.run_id, hub: hub ? hub.id : x.hub ?? '' } }, t('pk.run_n', { id: x.run_id }))
      : null;
  return h(
    'li',
    { class: `exc exc-${x.kind}${isNew ? ' is-new' : ''}`, dataset: { kind: x.kind, hub: hub ? hub.code : x.hub ?? '' } },
    h('span', { class: `badge exc-kind exc-kind-${x.kind}` }, label('exc', x.kind)),
    h('span', { class: 'exc-hub' }, hub ? hub.code : x.hub ?? ''),
    x.trip ? h('span', { class: 'exc-trip mono' }, x.trip) : null,
    x.guest_id !== undefined && x.guest_id !== null
      ? h('a', { class: 'exc-guest', href: `/reception/guest.html?id=${encodeURIComponent(x.guest_id)}` }, x.name || `#${x.guest_id}`)
      : x.name
        ? h('span', { class: 'exc-guest' }, x.name)
        : null,
    runLink,
    x.since ? h('span', { class: 'exc-since muted' }, t('pk.since', { time: clockOn(x.since, today()) })) : null,
  );
}

/** Exceptions per kind: the server's `counts` (its list stops at 100 of each), else counted here. */
function kindCounts(all) {
  const counts = Object.fromEntries(KINDS.map((k) => [k, 0]));
  if (summary?.counts && typeof summary.counts === 'object') {
    for (const [k, n] of Object.entries(summary.counts)) counts[k] = Number(n) || 0;
  } else {
    for (const x of all) counts[x.kind] = (counts[x.kind] || 0) + 1;
  }
  return counts;
}

function renderKinds(counts, total) {
  const chip = (kind, text, n) =>
    h('button', { type: 'button', class: `pk-chip${kind ? ` exc-kind-${kind}` : ''}`, 'aria-pressed': kindFilter === kind ? 'true' : 'false', dataset: { kind } }, text, h('span', { class: 'pill' }, String(n)));
  $('exception-kinds').replaceChildren(
    chip('', t('list.all'), total),
    ...Object.keys(counts).filter((k) => counts[k] || k === kindFilter).map((k) => chip(k, label('exc', k), counts[k])),
  );
}

function renderExceptions() {
  const all = Array.isArray(summary?.exceptions) ? summary.exceptions : [];
  // Newest first: the list reads like a feed of what just went wrong.
  const sorted = [...all].sort((a, b) => wallMinutes(b.since) - wallMinutes(a.since));
  const shown = sorted.filter((x) => !kindFilter || x.kind === kindFilter);
  const keys = new Set(all.map(exceptionKey));
  const counts = kindCounts(all);
  const total = Object.values(counts).reduce((a, n) => a + n, 0);
  $('exception-count').textContent = String(total);
  renderKinds(counts, total);
  const drawn = shown.slice(0, SHOWN_MAX);
  $('exceptions').replaceChildren(...drawn.map((x) => exceptionItem(x, seenExceptions !== null && !seenExceptions.has(exceptionKey(x)))));
  const left = (kindFilter ? counts[kindFilter] || 0 : total) - drawn.length;
  $('exceptions-more').hidden = left <= 0;
  $('exceptions-more').textContent = t('pk.more_exceptions', { n: left });
  $('exceptions-empty').hidden = !summary || shown.length > 0;
  if (summary) seenExceptions = keys;
}

// ---------- loading ----------

async function loadSummary() {
  const my = ++summarySeq;
  const date = $('summary-date').value;
  try {
    const answer = await api(`/api/v1/pickups/summary${date ? `?date=${encodeURIComponent(date)}` : ''}`);
    if (my !== summarySeq) return;
    summary = answer || { hours: [], exceptions: [] };
    for (const x of summary.exceptions || []) learnOffset(x.since);
    followEventDay();
    heard.heard();
    say($('chart-error'), '');
    say($('exceptions-error'), '');
  } catch (err) {
    if (my !== summarySeq) return;
    say($('chart-error'), err.message);
    say($('exceptions-error'), err.message);
  }
  renderChart();
  renderExceptions();
}

/** The event's day moved (an offset learnt, midnight passed): an unpicked runs' date follows. */
function followEventDay() {
  const now = today();
  if (now === knownToday) return;
  knownToday = now;
  if (runsDateDefaulted && $('runs-date').value !== now) {
    $('runs-date').value = now;
    $('runs-date').dispatchEvent(new Event('change'));
  }
}

const refetchSummary = debounce(loadSummary, 300);
const refetchRuns = debounce(loadRuns, 300);

function afterChange() {
  refetchSummary();
}

// ---------- page ----------

function wirePage() {
  $('runs-date').addEventListener('change', (e) => {
    if (e.isTrusted) runsDateDefaulted = false; // picked by a person, not followed from the server
  });
  $('summary-date').addEventListener('change', () => {
    seenExceptions = null; // another day: nothing is "new"
    loadSummary();
  });
  $('exception-kinds').addEventListener('click', (e) => {
    const chip = e.target.closest('[data-kind]');
    if (!chip) return;
    kindFilter = chip.dataset.kind === kindFilter ? '' : chip.dataset.kind;
    renderExceptions();
  });
  $('exceptions').addEventListener('click', (e) => {
    const btn = e.target.closest('.exc-run');
    if (!btn) return;
    showRuns(btn.dataset.hub, $('runs-date').value);
    // The run's card, once the list has loaded.
    setTimeout(() => {
      const card = document.getElementById(`run-${btn.dataset.runId}`);
      (card || $('runs-title')).scrollIntoView({ behavior: 'smooth', block: 'start' });
      if (card) card.classList.add('is-flash');
    }, 400);
  });
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState !== 'visible') return;
    feed.revive();
    loadSummary();
    loadRuns();
  });
}

onLangChange(() => {
  fillHubSelect();
  heard.render();
  renderChart();
  renderExceptions();
  renderRuns();
  renderVehicles();
  renderHubs();
});

function restoreSelection() {
  const params = new URLSearchParams(location.search);
  let saved = {};
  try {
    saved = JSON.parse(stored(RUNS_KEY) || '{}') || {};
  } catch {
    saved = {};
  }
  const hub = findHub(shared.hubs, params.get('hub') || saved.hub) || (shared.hubs.length === 1 ? shared.hubs[0] : null);
  if (hub) $('runs-hub').value = String(hub.id);
  $('runs-date').value = params.get('date') || today();
  runsDateDefaulted = !params.get('date');
  knownToday = today();
  if (params.get('direction') === 'departure' || (!params.get('direction') && saved.direction === 'departure')) $('runs-direction').value = 'departure';
}

function rememberSelection(sel) {
  store(RUNS_KEY, JSON.stringify({ hub: sel.hub, direction: sel.direction }));
  const params = new URLSearchParams();
  if (sel.hub) params.set('hub', sel.hub);
  if (sel.date && sel.date !== today()) params.set('date', sel.date);
  if (sel.direction !== 'arrival') params.set('direction', sel.direction);
  const query = params.toString();
  history.replaceState(null, '', `${location.pathname}${query ? `?${query}` : ''}`);
}

async function main() {
  wirePage();
  const user = await initShell();
  shared.user = user;
  if (!user || !can(user, 'view')) {
    // No user: the session check failed (a 401 is already on its way to the login page).
    say($('page-error'), t(user ? 'pk.not_allowed' : 'error.network'));
    return;
  }
  shared.canEdit = can(user, 'edit');
  $('greeter-link').hidden = !can(user, 'board');
  try {
    shared.hubs = await loadHubs();
  } catch (err) {
    say($('page-error'), err.message);
  }
  initVehicles(shared, { onChange: () => renderRuns() });
  // A renamed hub: the runs' hub menu names it.
  initHubs(shared, { onChange: () => fillHubSelect() });
  const selected = initRuns(shared, {
    onChange: afterChange,
    onSelect: (sel) => {
      rememberSelection(sel);
      $('greeter-link').href = `/greeter/${sel.hub ? `?hub=${encodeURIComponent(sel.hub)}` : ''}`;
    },
  });
  restoreSelection();
  selected(); // loads the runs
  feed.watch(['']); // every hub
  setInterval(loadSummary, POLL_MS);
  await Promise.all([loadSummary(), loadVehicles()]);
  renderRuns(); // the vehicle menus now have the pool
}

main();
