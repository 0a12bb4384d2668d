// 卫生监督 Food hygiene, the health bureau's page: open incidents first, the coverage of every
// dining point × day × service (two inspectors from the raw food's arrival to the service's
// end; gaps in red), roster generation, the roster of a day with hand edits (roster.js), the
// inspections of a day (reports.js), the inspectors and the roster's rules (people.js).
//
// Health and admin edit; reception reads. The page stays live over the pickups feed
// (../pickups/live.js): an incident, an inspection or a roster change refetches its part.

import { api } from '../js/api.js';
import { clear, debounce, h, say } from '../js/dom.js';
import { eventTimeShort } from '../js/format.js';
import { onLangChange, t } from '../js/i18n.js';
import { initShell } from '../js/shell.js';
import { SERVICES, serviceLabel } from '../meals/shared.js';
import { armed, clock, eventToday, learnOffset } from '../pickups/shared.js';
import { createFeed, createHeard } from '../pickups/live.js';
import { initPeople, rerenderPeople } from './people.js';
import { initReports, loadIncidents, loadInspections, rerenderReports } from './reports.js';
import { initRoster, loadRoster, rerenderRoster, showDay } from './roster.js';
import { can } from './shared.js';

const $ = (id) => document.getElementById(id);

/** What the parts share: the user, the dining points and the inspectors (filled in place). */
const ctx = { user: null, points: [], inspectors: [], onInspectors: [] };
let cells = [];
let lastGenerate = null;

// ---------- coverage ----------

/** The (day, service) columns present in the answer, in day then service order. */
function columnsOf(list) {
  const seen = new Map();
  for (const c of list) seen.set(`${c.day}|${c.service}`, { day: c.day, service: c.service });
  const rank = (s) => (SERVICES.includes(s) ? SERVICES.indexOf(s) : SERVICES.length);
  return [...seen.values()].sort((a, b) => a.day.localeCompare(b.day) || rank(a.service) - rank(b.service));
}

function covCell(c, col, first) {
  if (!c) return h('span', { class: `cov-cell is-none${first ? ' is-day-start' : ''}`, role: 'cell', 'aria-hidden': 'true' });
  const gap = Number(c.on_duty) < Number(c.need);
  const title = t('hy.cov_title', {
    point: c.point_name || c.point,
    day: c.day,
    service: serviceLabel(c.service),
    from: clock(c.starts_at),
    to: clock(c.ends_at),
    on: c.on_duty,
    need: c.need,
  });
  return h(
    'button',
    {
      type: 'button',
      class: `cov-cell ${gap ? 'is-gap' : 'is-ok'}${first ? ' is-day-start' : ''}`,
      role: 'cell',
      title,
      'aria-label': title,
      dataset: { point: c.point, day: c.day, service: c.service, gap: gap ? 'true' : 'false' },
    },
    `${c.on_duty}/${c.need}`,
  );
}

function renderCoverage() {
  const grid = clear($('coverage-grid'));
  const cols = columnsOf(cells);
  const points = [];
  const byPoint = new Map();
  for (const c of cells) {
    if (!byPoint.has(c.point)) {
      byPoint.set(c.point, new Map());
      points.push({ code: c.point, name: c.point_name });
    }
    byPoint.get(c.point).set(`${c.day}|${c.service}`, c);
  }
  $('coverage-empty').hidden = cells.length > 0;
  const gaps = cells.filter((c) => Number(c.on_duty) < Number(c.need)).length;
  $('coverage-summary').textContent = cells.length ? t('hy.cov_summary', { cells: cells.length, gaps }) : '';
  $('coverage-summary').classList.toggle('is-gap', gaps > 0);
  if (!cells.length) return;
  grid.style.setProperty('--cov-cols', String(cols.length));
  const dayStart = (i) => i === 0 || cols[i - 1].day !== cols[i].day;
  grid.append(
    h(
      'div',
      { class: 'cov-row cov-header', role: 'row' },
      h('span', { class: 'cov-point', role: 'columnheader' }, t('hy.cov_point_day')),
      cols.map((col, i) =>
        h(
          'span',
          { class: `cov-col${dayStart(i) ? ' is-day-start' : ''}`, role: 'columnheader', title: `${col.day} ${serviceLabel(col.service)}` },
          dayStart(i) ? h('span', { class: 'cov-day' }, eventTimeShort(col.day)) : h('span', { class: 'cov-day' }, '\u00a0'),
          h('span', { class: 'cov-service' }, t(`service_short.${col.service}`)),
        ),
      ),
    ),
    ...points.map((p) =>
      h(
        'div',
        { class: 'cov-row', role: 'row', dataset: { point: p.code } },
        h('span', { class: 'cov-point', role: 'rowheader', title: p.code }, p.name || p.code),
        cols.map((col, i) => covCell(byPoint.get(p.code).get(`${col.day}|${col.service}`), col, dayStart(i))),
      ),
    ),
  );
}

function range() {
  const from = $('cov-from').value;
  const to = $('cov-to').value;
  return from && to && from <= to ? { from, to } : null;
}

async function loadCoverage() {
  const r = range();
  if (!r) return say($('coverage-error'), t('fc.bad_range'));
  say($('coverage-error'), '');
  $('coverage-grid').setAttribute('aria-busy', 'true');
  try {
    const list = await api(`/api/v1/hygiene/coverage?${new URLSearchParams(r)}`);
    cells = Array.isArray(list) ? list : [];
    if (cells[0]) learnOffset(cells[0].starts_at);
  } catch (err) {
    say($('coverage-error'), err.message);
  } finally {
    $('coverage-grid').removeAttribute('aria-busy');
  }
  renderCoverage();
}

// ---------- generating ----------

function renderGenerate() {
  const g = lastGenerate;
  const tooFew = g && g.too_few;
  // The server's message is in the user's language and names the figures; without one, ours does.
  const figures = tooFew ? t('hy.too_few', { needed: tooFew.minutes_needed, available: tooFew.minutes_available }) : '';
  say($('too-few'), tooFew ? tooFew.message || figures.trim() : '');
  say($('generate-result'), g ? t('hy.generated', { shifts: g.shifts, gaps: g.gaps, ms: g.ms }) : '');
  $('generate-result').classList.toggle('alert-ok', Boolean(g && !g.gaps));
  $('generate-result').classList.toggle('alert-warn', Boolean(g && g.gaps));
}

async function generate() {
  const r = range();
  if (!r) return say($('coverage-error'), t('fc.bad_range'));
  const btn = $('generate-roster');
  btn.disabled = true;
  lastGenerate = null;
  renderGenerate();
  try {
    lastGenerate = await api(`/api/v1/hygiene/roster/generate?${new URLSearchParams(r)}`, { method: 'POST' });
    renderGenerate();
  } catch (err) {
    say($('coverage-error'), err.message);
  } finally {
    btn.disabled = false;
  }
  loadCoverage();
  loadRoster();
}

// ---------- live ----------

/** The feed's change kinds this page follows → the part to refetch. */
const KINDS = { incident: 'incidents', inspection: 'inspections', roster: 'roster' };
const heard = createHeard($('last-heard'), { onQuiet: () => refetch.all() });
const refetch = {
  incidents: debounce(() => loadIncidents().then(() => heard.heard()), 200),
  inspections: debounce(() => loadInspections(), 200),
  roster: debounce(() => {
    loadCoverage();
    loadRoster();
  }, 300),
  all() {
    this.incidents();
    this.inspections();
    this.roster();
  },
};
const feed = createFeed({
  onChange: (event) => {
    const kind = event && event.kind;
    if (!event || !kind) refetch.all(); // a (re)open or an unreadable change: miss nothing
    else if (KINDS[kind]) refetch[KINDS[kind]]();
    // Other kinds (pickups) are not ours.
  },
  onHeard: () => heard.heard(),
  onState: (state) => heard.state(state),
});

// ---------- start ----------

async function init() {
  ctx.user = await initShell();
  if (!can(ctx.user, 'read')) {
    say($('page-error'), t('hy.not_allowed'));
    for (const s of document.querySelectorAll('main > section, main > .card')) s.hidden = true;
    return;
  }
  const manage = can(ctx.user, 'manage');
  for (const el of document.querySelectorAll('[data-role="manage"]')) el.hidden = !manage;

  const today = eventToday();
  $('cov-from').value = today;
  $('cov-to').value = eventToday(6);
  for (const id of ['cov-from', 'cov-to']) $(id).addEventListener('change', loadCoverage);
  $('generate-roster').addEventListener('click', (e) => armed(e.currentTarget, 'hy.generate_confirm', generate));
  $('coverage-grid').addEventListener('click', (e) => {
    const cell = e.target.closest('.cov-cell[data-day]');
    if (cell) showDay(cell.dataset.day, cell.dataset.point);
  });

  try {
    const list = await api('/api/v1/dining-points');
    ctx.points = Array.isArray(list) ? list : [];
  } catch (err) {
    say($('page-error'), err.message);
  }
  initPeople(ctx);
  initRoster(ctx, today);
  initReports(ctx, today);
  loadCoverage();
  feed.watch(['']);
  document.addEventListener('visibilitychange', () => {
    if (!document.hidden) feed.revive();
  });

  onLangChange(() => {
    renderCoverage();
    renderGenerate();
    rerenderPeople();
    rerenderRoster();
    rerenderReports();
  });
}

init();
