// The committee's daily report: /print/report.html?day=YYYY-MM-DD — one A4 portrait page.
// Guests by category (registered, in house tonight, withdrawn), credentials by status, rooms
// per night over every hotel (held, allocated, checked in; the report's night highlighted),
// meals served against the forecast, hygiene incidents.
//
// One request, `GET /api/v1/reception/report?day=`; without a day the server answers for its
// own today in the event's zone (the device's calendar may be another), and the picker then
// shows the day it answered for. The CSV link downloads the same figures. Unlike the kitchen
// and rooming sheets, the report follows the screen language: the toolbar's language button
// rebuilds it in place.

import { api } from '../js/api.js';
import { clear, h, say, sayT } from '../js/dom.js';
import { CATEGORIES, categoryLabel, codeLabel, eventTime } from '../js/format.js';
import { lang, onLangChange, t } from '../js/i18n.js';
import { initShell } from '../js/shell.js';
import { SERVICES, addDays, serviceLabel } from '../meals/shared.js';
import { showLoading } from './print.js';

const $ = (id) => document.getElementById(id);
const SVG = 'http://www.w3.org/2000/svg';

/** Credential statuses in the order a pass moves through them. */
const STATUSES = ['requested', 'issued', 'printed', 'collected', 'revoked'];
/** The three room figures, drawn left to right in each night's group. */
const ROOM_KEYS = ['held', 'allocated', 'checked_in'];
const DAY_RE = /^\d{4}-\d{2}-\d{2}$/;

const n = (v) => Number(v) || 0;
const fmt = (v) => n(v).toLocaleString(lang() === 'en' ? 'en' : 'zh-CN');
const pct = (part, whole) => (n(whole) > 0 ? `${Math.round((n(part) / n(whole)) * 1000) / 10}%` : '—');
const shortDay = (iso) => String(iso || '').slice(5); // "12-05": one event, one year

let report = null;
let seq = 0;

function setPaper() {
  const style = document.createElement('style');
  style.textContent = '@page { size: A4 portrait; margin: 12mm 10mm; }';
  document.head.append(style);
}

/** Sort by a known order, unknown codes after it in the server's order. */
function ordered(list, key, order) {
  const rank = (code) => {
    const i = order.indexOf(code);
    return i < 0 ? order.length : i;
  };
  return (Array.isArray(list) ? list : []).slice().sort((a, b) => rank(a[key]) - rank(b[key]));
}

function weekday(iso) {
  const d = new Date(`${iso}T00:00:00Z`);
  if (Number.isNaN(d.getTime())) return '';
  return d.toLocaleDateString(lang() === 'en' ? 'en-GB' : 'zh-CN', { weekday: 'long', timeZone: 'UTC' });
}

// ---------- tables ----------

function table(className, head, rows, foot) {
  return h(
    'table',
    { class: `report-table ${className}` },
    h('thead', {}, h('tr', {}, head.map(([text, cls]) => h('th', { class: cls, scope: 'col' }, text)))),
    h('tbody', {}, rows),
    foot ? h('tfoot', {}, foot) : null,
  );
}

function renderGuests() {
  const box = clear($('report-guests'));
  const lines = ordered(report.categories, 'category', CATEGORIES);
  if (!lines.length) {
    box.append(h('p', { class: 'muted' }, t('report.no_guests')));
    return;
  }
  const name = (code) => (code === '-' || !code ? t('report.no_category') : categoryLabel(code));
  const sum = (k) => lines.reduce((a, l) => a + n(l[k]), 0);
  box.append(
    table(
      'report-guests',
      [
        [t('report.category'), ''],
        [t('report.active'), 'c-num'],
        [t('report.in_house'), 'c-num'],
        [t('report.withdrawn'), 'c-num'],
      ],
      lines.map((l) =>
        h(
          'tr',
          { dataset: { category: l.category } },
          h('th', { scope: 'row' }, h('span', { class: `report-cat cat-${l.category}` }), name(l.category)),
          h('td', { class: 'c-num' }, fmt(l.active)),
          h('td', { class: 'c-num' }, fmt(l.in_house)),
          h('td', { class: 'c-num' }, fmt(l.withdrawn)),
        ),
      ),
      h(
        'tr',
        {},
        h('th', { scope: 'row' }, t('report.total')),
        h('td', { class: 'c-num', id: 'total-active' }, fmt(sum('active'))),
        h('td', { class: 'c-num', id: 'total-in-house' }, fmt(sum('in_house'))),
        h('td', { class: 'c-num', id: 'total-withdrawn' }, fmt(sum('withdrawn'))),
      ),
    ),
  );
}

function renderCredentials() {
  const box = clear($('report-credentials'));
  const lines = ordered(report.credentials, 'status', STATUSES);
  if (!lines.length) {
    box.append(h('p', { class: 'muted' }, t('report.no_credentials')));
    return;
  }
  const total = lines.reduce((a, l) => a + n(l.count), 0);
  box.append(
    table(
      'report-credentials',
      [
        [t('report.status'), ''],
        [t('report.count'), 'c-num'],
        ['%', 'c-num c-pct'],
      ],
      lines.map((l) =>
        h(
          'tr',
          { dataset: { status: l.status } },
          h('th', { scope: 'row' }, codeLabel('status', l.status)),
          h('td', { class: 'c-num' }, fmt(l.count)),
          h('td', { class: 'c-num c-pct' }, pct(l.count, total)),
        ),
      ),
      h('tr', {}, h('th', { scope: 'row' }, t('report.total')), h('td', { class: 'c-num', id: 'total-credentials' }, fmt(total)), h('td', { class: 'c-num c-pct' }, '')),
    ),
  );
}

// ---------- rooms: grouped bars per night, inline SVG ----------

function svg(tag, attrs = {}, ...children) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined && v !== null) el.setAttribute(k, String(v));
  for (const c of children.flat()) if (c !== null && c !== undefined) el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return el;
}

/** A round top for the axis: 1, 2, 2.5 or 5 times a power of ten. */
function niceMax(v) {
  if (v <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

function roomsChart(nights, day) {
  const W = 720;
  const H = 200;
  const pad = { l: 46, r: 6, t: 8, b: 26 };
  const plotW = W - pad.l - pad.r;
  const plotH = H - pad.t - pad.b;
  const top = niceMax(Math.max(...nights.flatMap((x) => ROOM_KEYS.map((k) => n(x[k])))));
  const y = (v) => pad.t + plotH - (n(v) / top) * plotH;
  const slot = plotW / nights.length;
  const barW = Math.min(16, (slot * 0.78) / ROOM_KEYS.length);
  // Every k-th night is labelled so the labels never overlap; the report's night always is.
  const every = Math.max(1, Math.ceil(nights.length / 14));
  const dayAt = nights.findIndex((x) => x.night === day);
  const dayIndex = dayAt < 0 ? Infinity : dayAt;

  const grid = [0, 0.25, 0.5, 0.75, 1].map((f) => {
    const v = top * f;
    return svg(
      'g',
      { class: 'rc-grid' },
      svg('line', { x1: pad.l, x2: W - pad.r, y1: y(v), y2: y(v) }),
      svg('text', { x: pad.l - 5, y: y(v) + 3.5, 'text-anchor': 'end' }, fmt(Math.round(v))),
    );
  });
  const groups = nights.map((x, i) => {
    const x0 = pad.l + i * slot;
    const isDay = x.night === day;
    const start = x0 + (slot - barW * ROOM_KEYS.length) / 2;
    const labelled = isDay || (i % every === 0 && Math.abs(i - dayIndex) >= every);
    return svg(
      'g',
      { class: `rc-night${isDay ? ' is-day' : ''}`, 'data-night': x.night },
      svg('title', {}, t('report.night_title', { night: x.night, held: fmt(x.held), allocated: fmt(x.allocated), checked_in: fmt(x.checked_in) })),
      isDay ? svg('rect', { class: 'rc-day', x: x0 + 1, y: 1, width: slot - 2, height: pad.t + plotH + 22, rx: 3 }) : null,
      ROOM_KEYS.map((k, j) => {
        const v = n(x[k]);
        const yy = y(v);
        return svg('rect', { class: `rc-bar bar-${k}`, x: start + j * barW, y: yy, width: Math.max(1, barW - 1), height: Math.max(0, pad.t + plotH - yy) });
      }),
      labelled ? svg('text', { class: 'rc-label', x: x0 + slot / 2, y: H - 9, 'text-anchor': 'middle' }, shortDay(x.night)) : null,
    );
  });
  return svg(
    'svg',
    { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': t('report.rooms_chart', { day }), class: 'report-rooms-svg', preserveAspectRatio: 'xMidYMid meet' },
    grid,
    svg('line', { class: 'rc-axis', x1: pad.l, x2: W - pad.r, y1: pad.t + plotH, y2: pad.t + plotH }),
    groups,
  );
}

function renderRooms() {
  const box = clear($('report-rooms'));
  const nights = (Array.isArray(report.rooms) ? report.rooms : []).slice().sort((a, b) => String(a.night).localeCompare(String(b.night)));
  const night = $('report-night');
  if (!nights.length) {
    box.append(h('p', { class: 'muted' }, t('report.no_rooms')));
    night.textContent = '';
    return;
  }
  box.append(roomsChart(nights, report.day));
  const x = nights.find((o) => o.night === report.day);
  night.textContent = x
    ? t('report.night_line', { night: shortDay(x.night), held: fmt(x.held), allocated: fmt(x.allocated), pct: pct(x.allocated, x.held), checked_in: fmt(x.checked_in) })
    : t('report.night_none', { day: report.day });
}

// ---------- meals: forecast and served bars per service ----------

function bar(kind, value, top) {
  const fill = h('span', { class: `rm-fill fill-${kind}` });
  fill.style.width = `${top > 0 ? Math.min(100, (n(value) / top) * 100) : 0}%`;
  return h('span', { class: 'rm-track' }, fill);
}

function renderMeals() {
  const box = clear($('report-meals'));
  const lines = ordered(report.meals, 'service', SERVICES);
  if (!lines.length) {
    box.append(h('p', { class: 'muted' }, t('report.no_meals')));
    return;
  }
  const top = Math.max(1, ...lines.flatMap((l) => [n(l.forecast), n(l.served)]));
  const sum = (k) => lines.reduce((a, l) => a + n(l[k]), 0);
  const row = (id, name, l, total) =>
    h(
      'div',
      { class: `report-meal${total ? ' is-total' : ''}`, dataset: { service: id } },
      h('span', { class: 'rm-name' }, name),
      total ? null : h('span', { class: 'rm-bars', 'aria-hidden': 'true' }, bar('forecast', l.forecast, top), bar('served', l.served, top)),
      h('span', { class: 'rm-figures' }, t('report.meal_line', { served: fmt(l.served), forecast: fmt(l.forecast) }), h('span', { class: 'rm-pct' }, pct(l.served, l.forecast))),
    );
  box.append(
    h(
      'div',
      { class: 'report-meals' },
      lines.map((l) => row(l.service, serviceLabel(l.service), l, false)),
      row('total', t('report.total'), { served: sum('served'), forecast: sum('forecast') }, true),
    ),
  );
}

function renderIncidents() {
  const box = clear($('report-incidents'));
  const inc = report.incidents || {};
  const cell = (key, value, alert) =>
    h('div', { class: `report-fig${alert ? ' is-alert' : ''}`, id: `incidents-${key}` }, h('dt', {}, t(`report.${key}`)), h('dd', {}, fmt(value)));
  box.append(
    h('dl', { class: 'report-figs' }, cell('raised', inc.raised, false), cell('closed', inc.closed, false), cell('open', inc.open, n(inc.open) > 0)),
    h('p', { class: 'report-hint muted' }, t('report.open_hint')),
  );
}

function render() {
  if (!report) return;
  const day = report.day;
  $('report-day').textContent = t('report.day_line', { day, weekday: weekday(day) });
  $('report-day-short').textContent = day;
  $('report-generated').textContent = eventTime(report.generated_at);
  renderGuests();
  renderCredentials();
  renderRooms();
  renderMeals();
  renderIncidents();
  document.title = t('report.title_day', { day });
  const main = $('report');
  main.hidden = false;
  main.removeAttribute('aria-busy');
}

// ---------- the day ----------

function setDayControls(day) {
  $('day-input').value = day || '';
  $('day-prev').disabled = !day;
  $('day-next').disabled = !day;
  const q = day ? `?day=${encodeURIComponent(day)}` : '';
  $('report-csv').href = `/api/v1/reception/report.csv${q}`;
  $('report-csv').setAttribute('download', day ? `daily-report-${day}.csv` : '');
}

async function load(day) {
  const mine = ++seq;
  showLoading(true);
  setDayControls(day);
  try {
    const answer = await api(`/api/v1/reception/report${day ? `?day=${encodeURIComponent(day)}` : ''}`);
    if (mine !== seq) return; // a later pick is on its way
    report = answer;
    say($('print-error'), '');
    setDayControls(report.day);
    render();
    showLoading(false);
  } catch (err) {
    if (mine !== seq) return;
    say($('print-error'), err.message);
    showLoading(false);
    $('print-button').disabled = true;
    $('report').hidden = true;
  }
}

/** Go to `day` (or the server's today when empty), keeping it in the address for a reload or a link. */
function go(day) {
  const url = new URL(location.href);
  if (day) url.searchParams.set('day', day);
  else url.searchParams.delete('day');
  history.replaceState(null, '', url);
  load(day);
}

async function main() {
  setPaper();
  await initShell();
  let day = new URLSearchParams(location.search).get('day') || '';
  if (day && !DAY_RE.test(day)) {
    sayT($('print-note'), 'report.bad_day');
    day = '';
  }
  const current = () => report?.day || $('day-input').value;
  $('day-prev').addEventListener('click', () => current() && go(addDays(current(), -1)));
  $('day-next').addEventListener('click', () => current() && go(addDays(current(), 1)));
  $('day-input').addEventListener('change', (e) => {
    const v = e.target.value;
    if (DAY_RE.test(v)) go(v);
  });
  $('print-button').addEventListener('click', () => window.print());
  onLangChange(render);
  load(day);
}

main();
