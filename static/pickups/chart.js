// Arrivals per hour per hub, today and tomorrow: one row of bars per hub (small multiples
// share one scale, so a tall bar at MIG means as many people as one at CTU), 48 hourly slots
// per row, drawn as inline SVG. Every bar is a <rect data-hub data-hour data-count> with a
// <title>, so a tooltip and a test both read the number.
//
// The summary's rows are {hub, hour:"HH", arrivals}; "HH" alone does not say which day, so a
// row's `date` is used when the server sends one, else the second row for the same hub and
// hour is tomorrow's (the server lists today first).

import { t } from '../js/i18n.js';

const NS = 'http://www.w3.org/2000/svg';
const LEFT = 70; // hub labels
const SLOT = 12; // one hour
const BAR = 9;
const DAY_GAP = 12;
const TOP = 22; // day labels
const ROW = 58; // one hub
const BARS = 44; // tallest bar
const AXIS = 20; // hour ticks under the last row
const DAY_W = 24 * SLOT;
const WIDTH = LEFT + 2 * DAY_W + DAY_GAP + 6;
const PALETTE = ['#1d4ed8', '#b3261e', '#15803d', '#c2410c', '#7c3aed', '#0e7490', '#a16207', '#be185d'];

function s(tag, attrs = {}, text) {
  const el = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined && v !== null) el.setAttribute(k, String(v));
  if (text !== undefined) el.textContent = String(text);
  return el;
}

/** "14", "2026-06-16T14", "2026-06-16 14:00" → {date, hh}. */
function parseHour(item) {
  const raw = String(item.hour ?? '');
  const full = /^(\d{4}-\d{2}-\d{2})[T ](\d{1,2})/.exec(raw);
  if (full) return { date: full[1], hh: full[2].padStart(2, '0') };
  const m = /^(\d{1,2})(?::\d{2})?$/.exec(raw);
  return m ? { date: item.date || '', hh: m[1].padStart(2, '0') } : null;
}

/** The summary's rows as {hub, hh, day: 0|1, count}. */
export function normalize(hours, firstDate) {
  const rows = [];
  const seen = new Map();
  for (const item of Array.isArray(hours) ? hours : []) {
    const at = parseHour(item);
    const hub = item.hub ?? item.hub_id;
    if (!at || hub === undefined || hub === null || Number(at.hh) > 23) continue;
    let day;
    if (at.date && firstDate) day = at.date > firstDate ? 1 : 0;
    else {
      const key = `${hub}|${at.hh}`;
      day = seen.get(key) || 0;
      seen.set(key, day + 1);
    }
    if (day > 1) continue;
    rows.push({ hub: String(hub), hh: at.hh, day, date: at.date, count: Number(item.arrivals ?? item.count ?? 0) || 0 });
  }
  return rows;
}

const x0 = (day) => LEFT + day * (DAY_W + DAY_GAP);

/** Where `hour` of day 0 sits, as a share of the chart's width (to scroll a phone to "now"). */
export function shareOfHour(hour) {
  return (x0(0) + hour * SLOT) / WIDTH;
}

/**
 * Draw the chart into `svg`.
 * @param {object} o
 * @param {Array} o.hours      the summary's `hours`
 * @param {Array} o.hubs       [{id, code, name}] for labels and row order
 * @param {string[]} o.dates   [today, tomorrow] as YYYY-MM-DD (labels, day of dated rows)
 * @param {number|null} o.nowHour  fractional hour of "now" on day 0, or null
 * @param {(hub: string, day: number) => void} [o.onPick]  a bar was clicked
 * @returns {number} the bars drawn
 */
export function drawChart(svg, { hours, hubs, dates, nowHour, onPick }) {
  const rows = normalize(hours, dates[0]);
  // Row order: the hubs' own order, then any hub the registry did not list.
  const codes = [];
  for (const hub of hubs) if (rows.some((r) => r.hub === String(hub.code) || r.hub === String(hub.id))) codes.push(String(hub.code));
  for (const r of rows) {
    const known = hubs.find((x) => String(x.id) === r.hub);
    if (known) r.hub = String(known.code);
    if (!codes.includes(r.hub)) codes.push(r.hub);
  }
  const max = Math.max(1, ...rows.map((r) => r.count));
  const height = TOP + codes.length * ROW + AXIS;
  svg.replaceChildren();
  svg.setAttribute('viewBox', `0 0 ${WIDTH} ${height}`);
  svg.setAttribute('width', WIDTH);
  svg.setAttribute('height', height);
  svg.setAttribute('aria-label', t('pk.chart_label', { max }));
  if (!codes.length) return 0;

  // Day headings and the gap between the days.
  for (const day of [0, 1]) {
    const label = `${t(day ? 'pk.tomorrow' : 'pk.today')}${dates[day] ? ` ${dates[day].slice(5)}` : ''}`;
    svg.append(s('text', { x: x0(day), y: 14, class: 'ch-day' }, label));
  }
  svg.append(s('line', { x1: x0(1) - DAY_GAP / 2, x2: x0(1) - DAY_GAP / 2, y1: TOP - 4, y2: height - AXIS + 4, class: 'ch-daysep' }));

  let drawn = 0;
  codes.forEach((code, i) => {
    const base = TOP + i * ROW + BARS + 6;
    const color = PALETTE[i % PALETTE.length];
    const mine = rows.filter((r) => r.hub === code);
    const total = (day) => mine.filter((r) => r.day === day).reduce((a, r) => a + r.count, 0);
    const g = s('g', { class: 'ch-row', 'data-hub': code });
    g.append(
      s('text', { x: 0, y: base - 22, class: 'ch-hub' }, code),
      s('text', { x: 0, y: base - 6, class: 'ch-total' }, t('pk.chart_totals', { a: total(0), b: total(1) })),
      s('line', { x1: LEFT, x2: WIDTH - 6, y1: base, y2: base, class: 'ch-base' }),
    );
    for (const day of [0, 1]) {
      const peak = mine.filter((r) => r.day === day && r.count > 0).sort((a, b) => b.count - a.count)[0];
      for (const r of mine.filter((x) => x.day === day)) {
        const barH = r.count ? Math.max(2, Math.round((r.count / max) * BARS)) : 0;
        const x = x0(day) + Number(r.hh) * SLOT + (SLOT - BAR) / 2;
        const rect = s('rect', {
          x,
          y: base - barH,
          width: BAR,
          height: barH,
          rx: 1.5,
          fill: color,
          class: 'ch-bar',
          'data-hub': code,
          'data-hour': r.hh,
          'data-day': day,
          'data-date': r.date || dates[day] || null,
          'data-count': r.count,
        });
        rect.append(s('title', {}, t('pk.chart_bar', { hub: code, day: t(day ? 'pk.tomorrow' : 'pk.today'), hour: r.hh, n: r.count })));
        if (onPick) rect.addEventListener('click', () => onPick(code, day));
        g.append(rect);
        drawn += 1;
        if (r === peak) g.append(s('text', { x: x + BAR / 2, y: base - barH - 3, class: 'ch-peak' }, r.count));
      }
    }
    svg.append(g);
  });

  // Hour ticks under the last row.
  const axisY = TOP + codes.length * ROW + 12;
  for (const day of [0, 1]) {
    for (let hh = 0; hh < 24; hh += 3) {
      svg.append(s('text', { x: x0(day) + hh * SLOT + SLOT / 2, y: axisY, class: 'ch-tick' }, String(hh).padStart(2, '0')));
    }
  }
  if (nowHour !== null && nowHour !== undefined && nowHour >= 0 && nowHour < 24) {
    const x = x0(0) + nowHour * SLOT;
    svg.append(s('line', { x1: x, x2: x, y1: TOP - 2, y2: height - AXIS + 2, class: 'ch-now' }), s('text', { x: x + 3, y: TOP + 6, class: 'ch-now-label' }, t('pk.now')));
  }
  return drawn;
}
