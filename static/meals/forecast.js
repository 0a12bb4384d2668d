// Forecast against actual, per dining point, day and service, drawn as inline SVG (like the
// pickups chart): one row per point, a group of four service slots per day. The forecast is
// an outline bar, the actual a filled bar inside it (amber when more came than forecast), so
// a glance says where the kitchen cooked too much or too little. Each row has its own scale
// (named at its left): a 60-seat canteen next to a 600-seat hall would otherwise be flat.
//
// Every bar is <rect data-point data-day data-service data-kind="forecast|actual"
// data-count> with a <title>, so a tooltip and a test both read the numbers.

import { api } from '../js/api.js';
import { clear, h, say } from '../js/dom.js';
import { t } from '../js/i18n.js';
import { SERVICES, addDays, daysBetween, pointOption, serviceLabel, todayIso } from './shared.js';

const $ = (id) => document.getElementById(id);
const NS = 'http://www.w3.org/2000/svg';
const LEFT = 110; // point labels
const SLOT = 15; // one service
const BAR = 11; // the forecast outline
const FILL = 6; // the actual, inside it
const DAY_GAP = 12;
const TOP = 34; // day and service labels
const ROW = 62;
const BARS = 42; // the tallest bar of a row
const DAY_W = SERVICES.length * SLOT;

let points = [];
let rows = [];
let seq = 0;

function s(tag, attrs = {}, text) {
  const el = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined && v !== null) el.setAttribute(k, String(v));
  if (text !== undefined) el.textContent = String(text);
  return el;
}

const x0 = (i) => LEFT + i * (DAY_W + DAY_GAP);
const forecastOf = (r) => Number(r.total ?? 0) || 0;
const actualOf = (r) => (r.actual === null || r.actual === undefined ? null : Number(r.actual) || 0);

function dietText(diets) {
  const list = Object.entries(diets && typeof diets === 'object' ? diets : {}).filter(([, n]) => n);
  return list.length ? ` · ${list.map(([k, n]) => `${k} ${n}`).join('、')}` : '';
}

function tip(r) {
  const a = actualOf(r);
  return t('fc.bar', {
    point: r.point,
    day: r.day.slice(5),
    service: serviceLabel(r.service),
    forecast: forecastOf(r),
    halal: Number(r.halal) || 0,
    actual: a === null ? t('common.none') : a,
  }) + dietText(r.diets);
}

/** Draw `data` (the forecast's rows) for `days` into the svg; returns the bars drawn. */
function draw(svg, data, days) {
  const codes = [];
  for (const p of points) if (data.some((r) => r.point === p.code)) codes.push(p.code);
  for (const r of data) if (!codes.includes(r.point)) codes.push(r.point);
  const width = x0(days.length) - DAY_GAP + 8;
  const height = TOP + codes.length * ROW + 4;
  svg.replaceChildren();
  svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
  svg.setAttribute('width', width);
  svg.setAttribute('height', height);
  // Grows with the card up to 1.6× on a desk; never shrinks below its own size (a phone scrolls).
  svg.style.minWidth = `${width}px`;
  svg.style.maxWidth = `${Math.round(width * 1.6)}px`;
  svg.setAttribute('aria-label', t('fc.heading'));
  if (!codes.length) return 0;

  const today = todayIso();
  days.forEach((day, i) => {
    svg.append(s('text', { x: x0(i), y: 12, class: `ch-day${day === today ? ' is-today' : ''}` }, day === today ? `${day.slice(5)} ${t('fc.today')}` : day.slice(5)));
    SERVICES.forEach((sv, j) => svg.append(s('text', { x: x0(i) + j * SLOT + SLOT / 2, y: 27, class: 'ch-tick' }, t(`service_short.${sv}`))));
  });

  let drawn = 0;
  codes.forEach((code, i) => {
    const base = TOP + i * ROW + BARS + 8;
    const mine = data.filter((r) => r.point === code);
    const max = Math.max(1, ...mine.map((r) => Math.max(forecastOf(r), actualOf(r) ?? 0)));
    const point = points.find((p) => p.code === code);
    const g = s('g', { class: 'ch-row', 'data-point': code });
    g.append(
      s('text', { x: 0, y: base - 26, class: 'ch-hub' }, code),
      s('text', { x: 0, y: base - 12, class: 'ch-total' }, point && point.name ? point.name.slice(0, 9) : ''),
      s('text', { x: 0, y: base, class: 'ch-total' }, t('fc.row_max', { max })),
      s('line', { x1: LEFT, x2: width - 8, y1: base, y2: base, class: 'ch-base' }),
    );
    for (const r of mine) {
      const d = days.indexOf(r.day);
      const j = SERVICES.indexOf(r.service);
      if (d < 0 || j < 0) continue;
      const x = x0(d) + j * SLOT + (SLOT - BAR) / 2;
      const key = { 'data-point': code, 'data-day': r.day, 'data-service': r.service };
      const f = forecastOf(r);
      const fh = f ? Math.max(2, Math.round((f / max) * BARS)) : 0;
      const outline = s('rect', { x: x + 0.5, y: base - fh + 0.5, width: BAR - 1, height: Math.max(0, fh - 1), class: 'fc-forecast', ...key, 'data-kind': 'forecast', 'data-count': f });
      outline.append(s('title', {}, tip(r)));
      g.append(outline);
      drawn += 1;
      const a = actualOf(r);
      if (a === null) continue; // not served yet
      const ah = a ? Math.max(2, Math.round((a / max) * BARS)) : 0;
      const fill = s('rect', { x: x + (BAR - FILL) / 2, y: base - ah, width: FILL, height: ah, class: `fc-actual${a > f ? ' fc-over' : ''}`, ...key, 'data-kind': 'actual', 'data-count': a });
      fill.append(s('title', {}, tip(r)));
      g.append(fill);
      drawn += 1;
    }
    svg.append(g);
  });
  return drawn;
}

export function rerenderForecast() {
  fillPoints();
  const days = daysBetween($('forecast-from').value, $('forecast-to').value);
  const drawn = draw($('forecast-chart'), rows, days);
  $('forecast-chart').closest('.fc-chart-wrap').hidden = !drawn;
  $('forecast-empty').hidden = drawn > 0;
}

async function load() {
  const from = $('forecast-from').value;
  const to = $('forecast-to').value;
  if (!from || !to || to < from) {
    say($('forecast-error'), t('fc.bad_range'));
    return;
  }
  const my = ++seq;
  const q = new URLSearchParams({ from, to });
  if ($('forecast-point').value) q.set('point', $('forecast-point').value);
  $('forecast-chart').setAttribute('aria-busy', 'true');
  try {
    const answer = await api(`/api/v1/meals/forecast?${q}`);
    if (my !== seq) return;
    rows = Array.isArray(answer?.rows) ? answer.rows : [];
    say($('forecast-error'), '');
  } catch (err) {
    if (my !== seq) return;
    rows = [];
    say($('forecast-error'), err.message);
  } finally {
    if (my === seq) $('forecast-chart').removeAttribute('aria-busy');
  }
  rerenderForecast();
}

function fillPoints() {
  const select = $('forecast-point');
  const keep = select.value;
  clear(select).append(h('option', { value: '' }, t('meals.all_points')), ...points.map((p) => h('option', { value: p.code }, pointOption(p))));
  select.value = points.some((p) => p.code === keep) ? keep : '';
}

/** Wire the controls; returns the callback that receives the dining points (and loads). */
export function initForecast() {
  const today = todayIso();
  $('forecast-from').value = addDays(today, -3);
  $('forecast-to').value = addDays(today, 1);
  for (const id of ['forecast-from', 'forecast-to', 'forecast-point']) $(id).addEventListener('change', load);
  let first = true;
  return (list) => {
    points = list;
    fillPoints();
    if (first) load();
    else rerenderForecast();
    first = false;
  };
}
