// 今日概览 Today at a glance: reception's and the committee's first screen. One request
// (`GET /api/v1/reception/today`) gives every figure with the page that lists it; the page
// draws cards, a bar chart of arrivals and departures by hour (plain CSS bars) for today and
// tomorrow, the flights whose guests nobody has met, and the check-ins still to come.
//
// It stays live over the pickups feed (Server-Sent Events, ../pickups/live.js): every change
// anyone makes (a landing, a guest met, an incident) refetches the figures, debounced so a
// burst of changes costs one request.

import { api } from '../js/api.js';
import { clear, debounce, h, say } from '../js/dom.js';
import { eventTime } from '../js/format.js';
import { onLangChange, t } from '../js/i18n.js';
import { initShell } from '../js/shell.js';
import { createFeed, createHeard } from '../pickups/live.js';

const $ = (id) => document.getElementById(id);
const REFETCH_MS = 300;

// The cards, in reading order: [id, label key, figure, worth attention when not zero].
const CARDS = [
  ['arrivals-today', 'today.arrivals_today', (d) => d.days[0]?.arrivals, false],
  ['departures-today', 'today.departures_today', (d) => d.days[0]?.departures, false],
  ['unmet', 'today.unmet', (d) => d.unmet, true],
  ['checkins', 'today.checkins', (d) => d.check_ins, false],
  ['arrivals-tomorrow', 'today.arrivals_tomorrow', (d) => d.days[1]?.arrivals, false],
  ['departures-tomorrow', 'today.departures_tomorrow', (d) => d.days[1]?.departures, false],
  ['unplaced', 'today.unplaced', (d) => d.unplaced, true],
  ['passes-photo', 'today.passes_photo', (d) => d.passes_waiting_photo, true],
  ['passes-approval', 'today.passes_approval', (d) => d.passes_waiting_approval, false],
  ['incidents', 'today.incidents', (d) => d.incidents_open, true],
  ['mail-failed', 'today.mail_failed', (d) => d.mail_failed, true],
];

let data = null;
let seq = 0;

async function load() {
  const mine = ++seq;
  try {
    const answer = await api('/api/v1/reception/today');
    if (mine !== seq) return; // a newer request is on its way
    data = answer;
    heard.heard(); // an answer is hearing from the server too
    say($('today-error'), '');
    render();
  } catch (err) {
    if (mine === seq) say($('today-error'), err.message);
  }
}
const refetch = debounce(load, REFETCH_MS);

const heard = createHeard($('last-heard'), { onQuiet: () => load() });
const feed = createFeed({
  onChange: () => refetch(),
  onHeard: () => heard.heard(),
  onState: (state) => heard.state(state),
});

// ---------- drawing ----------

function render() {
  if (!data) return;
  const cards = $('today-cards');
  cards.removeAttribute('aria-busy');
  $('today-date').textContent = t('today.as_of', { time: eventTime(data.now) });
  cards.replaceChildren(...CARDS.map(([id, key, pick, alert]) => {
    const item = pick(data) || { count: 0, link: '#' };
    return h('a', {
      id: `card-${id}`,
      class: `today-card${alert && item.count > 0 ? ' is-alert' : ''}`,
      href: item.link,
      dataset: { count: String(item.count) },
    },
    h('span', { class: 'today-count' }, String(item.count)),
    h('span', { class: 'today-label' }, t(key)));
  }));
  renderUnmet();
  renderCharts();
  renderHotels();
}

function renderUnmet() {
  const list = $('today-unmet');
  const trips = data.unmet?.trips || [];
  if (!trips.length) {
    list.replaceChildren(h('li', { class: 'muted' }, t('today.unmet_none')));
    return;
  }
  list.replaceChildren(...trips.map((trip) => h('li', { class: 'today-trip' },
    h('a', { href: trip.link },
      h('strong', { class: 'mono' }, trip.number || t('today.no_number')),
      ' ',
      h('span', { class: 'muted' }, `${trip.hub_name || trip.hub} · ${clockOf(trip.expected_at)}`),
      ' ',
      h('span', { class: 'today-pill' }, t('today.people', { n: trip.count }))),
    h('span', { class: 'today-names' }, namesOf(trip)))));
}

/** "李娜、王贵宾 等 7 人" / "Li Na, Wang… and 5 more". */
function namesOf(trip) {
  const names = (trip.names || []).join(t('today.name_sep'));
  const more = trip.count - (trip.names || []).length;
  return more > 0 ? `${names}${t('today.and_more', { n: more })}` : names;
}

/** "14:35" from an RFC 3339 time in the event's zone (as written, not the device's). */
function clockOf(value) {
  const m = /T(\d{2}):(\d{2})/.exec(value || '');
  return m ? `${m[1]}:${m[2]}` : '';
}

function renderCharts() {
  const root = $('today-charts');
  clear(root);
  data.days.forEach((day, i) => {
    const byHour = Array.from({ length: 24 }, () => ({ a: 0, d: 0 }));
    for (const row of day.hours || []) {
      byHour[row.hour].a += row.arrivals;
      byHour[row.hour].d += row.departures;
    }
    const max = Math.max(1, ...byHour.map((x) => Math.max(x.a, x.d)));
    const cols = byHour.map((x, hour) => h('div', {
      class: 'today-col',
      title: t('today.hour_title', { hour: String(hour).padStart(2, '0'), a: x.a, d: x.d }),
    },
    h('div', { class: 'today-bars' }, bar('arr', x.a, max), bar('dep', x.d, max)),
    h('span', { class: 'today-hour' }, hour % 3 === 0 ? String(hour) : '')));
    const hubs = (day.hubs || []).map((hub) => h('li', {},
      h('a', { href: hub.link }, hub.name || hub.hub),
      ' ',
      h('span', { class: 'muted' }, t('today.hub_line', { a: hub.arrivals, d: hub.departures }))));
    root.append(h('figure', { class: 'today-chart', id: `chart-${i}` },
      h('figcaption', {}, `${t(i === 0 ? 'today.today' : 'today.tomorrow')} ${day.date} · ${t('today.hub_line', { a: day.arrivals.count, d: day.departures.count })}`),
      h('div', { class: 'today-plot', role: 'img', 'aria-label': t('today.chart_label', { date: day.date }) }, ...cols),
      hubs.length ? h('ul', { class: 'today-hubs' }, ...hubs) : ''));
  });
}

/** One bar, its height set through the CSSOM (a style attribute would break the strict CSP). */
function bar(kind, n, max) {
  const el = h('span', { class: `today-bar today-bar-${kind}` });
  el.style.height = `${(100 * n) / max}%`;
  return el;
}

function renderHotels() {
  const list = $('today-hotels');
  const hotels = data.check_ins?.hotels || [];
  if (!hotels.length) {
    list.replaceChildren(h('li', { class: 'muted' }, t('today.checkins_none')));
    return;
  }
  list.replaceChildren(...hotels.map((hotel) => h('li', {},
    h('a', { href: hotel.link }, hotel.name || hotel.code),
    ' ',
    h('span', { class: 'today-pill' }, t('today.people', { n: hotel.pending })))));
}

// ---------- start ----------

onLangChange(render);

document.addEventListener('visibilitychange', () => {
  if (document.visibilityState === 'visible') {
    feed.revive();
    refetch();
  }
});

initShell().then((user) => {
  if (!user) return;
  load();
  feed.watch(['']); // every hub's changes on one stream
});
