// The scan log (reception, security): every scan at every point, filtered by point, time and
// verdict, and a chart of scans per point per hour — one row per point, stacked bars of
// accepted (green) under rejected (red), drawn as inline SVG (no chart library).
//
// Times typed into the filters are event wall-clock times. The API wants RFC 3339, so they
// are sent with the event's UTC offset, learnt from the timestamps the server sends (every one
// carries it) and remembered; until the first answer, the device's own offset stands in —
// right whenever the device is set to the event's zone, as the desks' are.

import { api, listAll } from '../js/api.js';
import { clear, debounce, h, say } from '../js/dom.js';
import { eventTime } from '../js/format.js';
import { onLangChange, t } from '../js/i18n.js';
import { initShell } from '../js/shell.js';
import { isoDate, plateClass, plateText, reasonText } from '../passes/shared.js';

const PAGE_SIZE = 50;
const SVG_NS = 'http://www.w3.org/2000/svg';
const MAX_FILLED_HOURS = 24 * 14;
const MIN_HOURS = 12;

const $ = (id) => document.getElementById(id);
const tbody = $('scan-table').querySelector('tbody');

const state = { point: '', from: '', to: '', verdict: '', offset: 0 };
let points = [];
let page = null;
let hourly = [];
let listSeq = 0;
let chartSeq = 0;

// ---------- state and address bar ----------

function todayStart() {
  return `${isoDate(new Date())}T00:00`;
}

function readUrl() {
  const p = new URLSearchParams(location.search);
  state.point = p.get('point') || '';
  state.verdict = p.get('verdict') || '';
  // The address bar keeps the form's own format ("2026-06-16T08:00").
  state.from = p.has('from') ? p.get('from') : todayStart();
  state.to = p.get('to') || '';
  state.offset = Math.max(0, parseInt(p.get('offset') || '0', 10) || 0);
}

function writeUrl() {
  const p = new URLSearchParams();
  for (const key of ['point', 'from', 'to', 'verdict']) if (state[key]) p.set(key, state[key]);
  if (!state.from) p.set('from', '');
  if (state.offset) p.set('offset', String(state.offset));
  history.replaceState(null, '', `?${p}`);
}

function syncControls() {
  $('scan-point').value = state.point;
  $('scan-from').value = state.from;
  $('scan-to').value = state.to;
  $('scan-verdict').value = state.verdict;
}

const OFFSET_KEY = 'yingbin.event_offset';
let eventOffset = (() => {
  try {
    return localStorage.getItem(OFFSET_KEY);
  } catch {
    return null;
  }
})();

/** Learn the event's offset from a server timestamp; true when it changed. */
function learnOffset(stamp) {
  const m = /([+-]\d{2}:\d{2}|Z)$/.exec(String(stamp || ''));
  if (!m || m[1] === eventOffset) return false;
  eventOffset = m[1];
  try {
    localStorage.setItem(OFFSET_KEY, eventOffset);
  } catch {
    // Learnt again on the next page.
  }
  return true;
}

/** "2026-06-16T08:00" (datetime-local, event wall clock) → RFC 3339 for the API. */
function apiTime(v) {
  if (!v) return '';
  if (eventOffset) return `${v}:00${eventOffset}`;
  const d = new Date(v); // the device's zone
  return Number.isNaN(d.getTime()) ? '' : d.toISOString();
}

/** A first answer taught us a different offset than the one the query used: ask again. */
function relearn(stamp) {
  // Only worth a second query when a time filter was sent with the guessed offset.
  return learnOffset(stamp) && Boolean(state.from || state.to);
}

function timeParams() {
  const p = new URLSearchParams();
  if (state.from) p.set('from', apiTime(state.from));
  if (state.to) p.set('to', apiTime(state.to));
  return p;
}

// ---------- reading a scan row (tolerant of the field names a log row may use) ----------

const scanAt = (s) => s.at || s.scanned_at || s.created_at || '';
const scanPoint = (s) => (s.point && typeof s.point === 'object' ? s.point.code : s.point) || s.point_code || '';

function pointName(code) {
  const p = points.find((x) => x.code === code || String(x.id) === String(code));
  return p ? p.name || p.code : String(code || '');
}

// `who` is the holder's name or the vehicle's plate, as the verdict showed it.
const PLATE_RE = /^[\u4e00-\u9fff][A-Z][A-Z0-9]{5,6}$/;

function holderOf(s) {
  const plate = s.vehicle?.plate || s.plate || (PLATE_RE.test(s.who || '') ? s.who : '');
  if (plate) return h('span', { class: plateClass(plate) }, plateText(plate));
  const name = s.who || s.holder?.name || s.holder_name || s.invitee_name || '';
  const latin = s.holder?.name_latin || s.holder_name_latin || '';
  if (!name) return '';
  return [h('span', { class: 'name' }, name), latin ? h('span', { class: 'name-latin' }, latin) : null];
}

// A scan uploaded by a registered device carries the device's name ("王五 · 东门"); an online
// scan carries the browser's own label, "<screen>-<uuid>", which names no one. That label is
// shown as the screen it came from and the uuid's last characters (the whole in the tooltip).
const BROWSER_LABEL = /^(web|checkpoint|canteen|desk)-([0-9a-f-]{8,})$/i;

function deviceOf(s) {
  const raw = s.device_name || s.device || '';
  if (!raw) return '';
  const m = BROWSER_LABEL.exec(raw);
  if (!m) return h('span', { class: 'device-name' }, raw);
  const screen = m[1].toLowerCase() === 'web' ? 'checkpoint' : m[1].toLowerCase();
  return h('span', { class: 'device-name', title: raw }, t(`scans.device_${screen}`), h('span', { class: 'sub' }, `…${m[2].replace(/-/g, '').slice(-4)}`));
}

function serialOf(s) {
  const id = s.pass?.id ?? s.pass_id;
  const serial = s.pass?.serial ?? s.serial;
  if (id == null) return '';
  return serial != null ? `No. ${id}-${serial}` : `No. ${id}`;
}

// ---------- the table ----------

function cell(labelKey, cls, ...content) {
  const empty = content.every((c) => c === '' || c === null || c === undefined);
  return h(
    'td',
    { class: empty ? `${cls} is-empty` : cls, dataset: { label: t(labelKey) } },
    h('span', { class: 'cell' }, empty ? t('common.none') : content),
  );
}

function scanRow(s) {
  const accept = s.verdict === 'accept';
  const reason = accept ? '' : reasonText(s, pointName);
  return h(
    'tr',
    { dataset: { scanId: s.id ?? '', verdict: s.verdict || '' }, class: accept ? 'is-accept' : 'is-reject' },
    cell('scans.col_time', 'c-time mono', eventTime(scanAt(s))),
    cell('cp.point', 'c-point', pointName(scanPoint(s))),
    cell(
      'scans.verdict',
      'c-verdict',
      h('span', { class: `badge verdict-badge ${accept ? 'is-accept' : 'is-reject'}` }, accept ? t('verdict.accept') : t('verdict.reject')),
      reason ? h('span', { class: 'verdict-why' }, reason) : null,
    ),
    cell('scans.col_holder', 'c-holder', holderOf(s)),
    cell('passes.col_serial', 'c-serial mono', serialOf(s)),
    cell('scans.col_device', 'c-device', deviceOf(s)),
  );
}

function renderTable() {
  if (!page) return;
  const items = page.items;
  $('scan-total').textContent = String(page.total);
  clear(tbody).append(...items.map(scanRow));
  $('scan-empty').hidden = items.length > 0;
  const from = items.length ? state.offset + 1 : 0;
  const to = state.offset + items.length;
  $('scan-page').textContent = page.total ? t('list.page_info', { from, to, total: page.total }) : t('list.page_info_empty');
  $('scan-prev').disabled = state.offset === 0;
  $('scan-next').disabled = to >= page.total;
}

async function loadTable() {
  const seq = ++listSeq;
  const p = timeParams();
  if (state.point) p.set('point', state.point);
  if (state.verdict) p.set('verdict', state.verdict);
  p.set('limit', String(PAGE_SIZE));
  p.set('offset', String(state.offset));
  $('scan-table').setAttribute('aria-busy', 'true');
  try {
    const res = await api(`/api/v1/scans?${p}`);
    if (seq !== listSeq) return;
    const items = Array.isArray(res?.items) ? res.items : Array.isArray(res) ? res : [];
    if (items.length && relearn(scanAt(items[0]))) return refresh();
    page = { total: Number(res?.total ?? items.length), items };
    say($('scan-error'), '');
    renderTable();
  } catch (err) {
    if (seq === listSeq) say($('scan-error'), err.message);
  } finally {
    if (seq === listSeq) $('scan-table').removeAttribute('aria-busy');
  }
}

// ---------- the chart ----------

const HOUR_RE = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2})/;

/** An hour as a sortable number (hours since 1970 on the event's wall clock), or null. */
function hourKey(value) {
  const m = HOUR_RE.exec(String(value || ''));
  if (!m) return null;
  const [, y, mo, d, hh] = m.map(Number);
  return Date.UTC(y, mo - 1, d, hh) / 3600000;
}

function hourLabel(key) {
  const d = new Date(key * 3600000);
  const pad = (n) => String(n).padStart(2, '0');
  return { day: `${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`, hour: pad(d.getUTCHours()) };
}

function svg(tag, attrs = {}, ...children) {
  const el = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  for (const c of children) el.append(c);
  return el;
}

function renderChart() {
  const chart = $('scan-chart');
  const rows = hourly.filter((r) => !state.point || r.point === state.point);
  const keys = rows.map((r) => hourKey(r.hour)).filter((k) => k !== null);
  clear(chart);
  $('scan-chart-empty').hidden = keys.length > 0;
  if (!keys.length) return;

  // A continuous hour axis (quiet hours show as gaps), unless the range is too long to draw.
  const min = Math.min(...keys);
  const max = Math.max(...keys);
  let hours;
  if (max - min < MAX_FILLED_HOURS) {
    // At least half a day wide, so one busy hour is a bar and not a wall.
    const pad = Math.max(0, MIN_HOURS - (max - min + 1));
    const first = min - Math.floor(pad / 2);
    const last = max + Math.ceil(pad / 2);
    hours = [];
    for (let k = first; k <= last; k++) hours.push(k);
  } else {
    hours = [...new Set(keys)].sort((a, b) => a - b);
  }
  const col = new Map(hours.map((k, i) => [k, i]));

  // point → hour → {a, r}
  const byPoint = new Map();
  for (const r of rows) {
    const k = hourKey(r.hour);
    if (k === null) continue;
    if (!byPoint.has(r.point)) byPoint.set(r.point, new Map());
    const cellData = byPoint.get(r.point).get(k) || { a: 0, r: 0 };
    cellData.a += Number(r.accepted || 0);
    cellData.r += Number(r.rejected || 0);
    byPoint.get(r.point).set(k, cellData);
  }
  let peak = 1;
  for (const m of byPoint.values()) for (const v of m.values()) peak = Math.max(peak, v.a + v.r);

  const W = hours.length * 10;
  const H = 100;
  const order = [...byPoint.keys()].sort((a, b) => pointName(a).localeCompare(pointName(b), 'zh'));
  for (const code of order) {
    const m = byPoint.get(code);
    let ta = 0;
    let tr = 0;
    const bars = [];
    for (const [k, v] of m) {
      const x = col.get(k) * 10 + 1;
      const ha = (v.a / peak) * H;
      const hr = (v.r / peak) * H;
      ta += v.a;
      tr += v.r;
      const { day, hour } = hourLabel(k);
      const tip = `${pointName(code)} ${day} ${hour}:00 — ${t('verdict.accept')} ${v.a} · ${t('verdict.reject')} ${v.r}`;
      const g = svg('g', { class: 'hc-bar', 'data-hour': `${day} ${hour}` }, svg('title', {}, tip));
      if (ha > 0) g.append(svg('rect', { class: 'hc-accept', x, y: H - ha, width: 8, height: ha }));
      if (hr > 0) g.append(svg('rect', { class: 'hc-reject', x, y: H - ha - hr, width: 8, height: hr }));
      bars.push(g);
    }
    const plot = svg(
      'svg',
      { class: 'hc-plot', viewBox: `0 0 ${W} ${H}`, preserveAspectRatio: 'none', role: 'img', 'aria-label': `${pointName(code)}: ${t('verdict.accept')} ${ta}, ${t('verdict.reject')} ${tr}` },
      svg('line', { class: 'hc-base', x1: 0, y1: H, x2: W, y2: H }),
      ...bars,
    );
    chart.append(
      h(
        'div',
        { class: 'hc-row', dataset: { point: code } },
        h(
          'div',
          { class: 'hc-label' },
          h('span', { class: 'hc-name' }, pointName(code)),
          h('span', { class: 'hc-sum' }, h('span', { class: 'is-accept' }, `✓ ${ta}`), ' ', h('span', { class: 'is-reject' }, `✗ ${tr}`)),
        ),
        h('div', { class: 'hc-plot-wrap' }, plot),
      ),
    );
  }

  // The hour axis under the rows: a label every few hours so they never overlap.
  const step = Math.max(1, Math.ceil(hours.length / 12));
  const axis = h('div', { class: 'hc-axis' });
  let lastDay = '';
  hours.forEach((k, i) => {
    if (i % step !== 0) return;
    const { day, hour } = hourLabel(k);
    const tick = h('span', { class: 'hc-tick' }, day !== lastDay ? `${day} ${hour}` : hour);
    tick.style.left = `${((i + 0.5) / hours.length) * 100}%`;
    axis.append(tick);
    lastDay = day;
  });
  chart.append(h('div', { class: 'hc-row hc-axis-row' }, h('div', { class: 'hc-label' }, h('span', { class: 'muted' }, t('scans.hour'))), axis));
  chart.append(h('p', { class: 'hint' }, t('scans.chart_scale', { n: peak })));
}

async function loadChart() {
  const seq = ++chartSeq;
  try {
    const res = await api(`/api/v1/scans/hourly?${timeParams()}`);
    if (seq !== chartSeq) return;
    hourly = Array.isArray(res) ? res : Array.isArray(res?.items) ? res.items : [];
    if (hourly.length && relearn(hourly[0].hour)) return refresh();
    renderChart();
  } catch (err) {
    if (seq === chartSeq) say($('scan-error'), err.message);
  }
}

// ---------- wiring ----------

function refresh({ chart = true } = {}) {
  writeUrl();
  loadTable();
  if (chart) loadChart();
  else renderChart();
}

function setFilter(key, value) {
  if (state[key] === value) return;
  state[key] = value;
  state.offset = 0;
  // The chart is by time only; a point filter just picks its row.
  refresh({ chart: key === 'from' || key === 'to' });
}

async function loadPoints() {
  try {
    points = await listAll('/api/v1/scan-points');
  } catch {
    points = [];
  }
  const select = $('scan-point');
  clear(select).append(
    h('option', { value: '' }, t('list.all')),
    ...points.map((p) => h('option', { value: p.code }, p.name && p.name !== p.code ? `${p.name}（${p.code}）` : p.code)),
  );
  select.value = state.point;
  renderTable();
  renderChart();
}

$('scan-point').addEventListener('change', (e) => setFilter('point', e.target.value));
$('scan-verdict').addEventListener('change', (e) => setFilter('verdict', e.target.value));
const timeChanged = debounce((key, value) => setFilter(key, value), 400);
$('scan-from').addEventListener('change', (e) => timeChanged('from', e.target.value));
$('scan-to').addEventListener('change', (e) => timeChanged('to', e.target.value));
$('scan-filters').addEventListener('submit', (e) => e.preventDefault());
$('scan-filters').addEventListener('reset', (e) => {
  e.preventDefault();
  Object.assign(state, { point: '', from: todayStart(), to: '', verdict: '', offset: 0 });
  syncControls();
  refresh();
});
$('scan-today').addEventListener('click', () => {
  Object.assign(state, { from: todayStart(), to: '', offset: 0 });
  syncControls();
  refresh();
});
$('scan-refresh').addEventListener('click', () => refresh());
$('scan-prev').addEventListener('click', () => {
  state.offset = Math.max(0, state.offset - PAGE_SIZE);
  refresh({ chart: false });
});
$('scan-next').addEventListener('click', () => {
  state.offset += PAGE_SIZE;
  refresh({ chart: false });
});

onLangChange(() => {
  loadPoints();
});

readUrl();
syncControls();
initShell();
writeUrl();
loadPoints();
loadTable();
loadChart();
