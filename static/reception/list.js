// The guest list: search, filters, a page of 50, totals by category, export.
//
// The filters live in the address bar (history.replaceState), so "back" from a guest's
// page, a reload or a shared link shows the same list.

import { api, listAll } from '../js/api.js';
import { clear, debounce, h, say } from '../js/dom.js';
import { CATEGORIES, categoryLabel, eventTimeShort } from '../js/format.js';
import { lang, onLangChange, t } from '../js/i18n.js';
import { initShell } from '../js/shell.js';

const PAGE_SIZE = 50;
const FILTER_KEYS = ['q', 'category', 'department_id', 'delegation_id', 'halal', 'arrival_hub', 'arrival_date'];

// Which control holds which filter.
const CONTROLS = {
  q: 'search',
  category: 'filter-category',
  department_id: 'filter-department',
  delegation_id: 'filter-delegation',
  halal: 'filter-halal',
  arrival_hub: 'filter-hub',
  arrival_date: 'filter-arrival-date',
};

const $ = (id) => document.getElementById(id);
const tbody = $('guest-table').querySelector('tbody');

const state = readState();
let lastPage = null; // {total, items} of the page shown
let lastCounts = Object.fromEntries(CATEGORIES.map((c) => [c, null])); // {vip: n, …}; null = not known yet
let listSeq = 0; // answers to older requests are dropped, so fast typing never shows stale rows
let chartSeq = 0;

function readState() {
  const params = new URLSearchParams(location.search);
  const filters = {};
  for (const key of FILTER_KEYS) filters[key] = params.get(key) || '';
  const offset = Math.max(0, parseInt(params.get('offset') || '0', 10) || 0);
  return { filters, offset: offset - (offset % PAGE_SIZE) };
}

/** The filters as query parameters; `except` leaves one out (the chart varies category). */
function filterParams(except) {
  const params = new URLSearchParams();
  for (const key of FILTER_KEYS) {
    const value = state.filters[key].trim();
    if (value && key !== except) params.set(key, value);
  }
  return params;
}

// On a phone the filter menus fold away under "筛选" so the list starts high on the screen;
// the summary shows how many are set. On a desk screen they are always open.
const wide = window.matchMedia('(min-width: 760px)');

function updateFilterPanel() {
  const active = FILTER_KEYS.filter((k) => k !== 'q' && state.filters[k]).length;
  const badge = $('filter-count');
  badge.textContent = String(active);
  badge.hidden = active === 0;
  if (wide.matches) $('filter-panel').open = true;
}

function writeUrl() {
  const params = filterParams();
  if (state.offset) params.set('offset', String(state.offset));
  const query = params.toString();
  history.replaceState(null, '', query ? `?${query}` : location.pathname);
}

function updateExport() {
  const params = filterParams();
  // Chinese column headers in the file when the screen is in Chinese.
  if (lang() === 'zh') params.set('lang', 'zh');
  const query = params.toString();
  $('export').href = '/api/v1/guests/export.csv' + (query ? `?${query}` : '');
}

function syncControls() {
  for (const [key, id] of Object.entries(CONTROLS)) {
    const el = $(id);
    if (el && el.value !== state.filters[key]) el.value = state.filters[key];
  }
}

// ---------- the table ----------

function cell(labelKey, className, ...content) {
  const empty = content.every((c) => c === '' || c === null || c === undefined);
  const [column, ...inner] = className.split(' ');
  // One wrapper per cell: on a phone the cell is a two-column grid (label, value), and the
  // value may be several nodes.
  return h(
    'td',
    { class: empty ? `${column} is-empty` : column, dataset: { label: t(labelKey) } },
    h('span', { class: ['cell', ...inner].join(' ') }, empty ? t('common.none') : content),
  );
}

function guestRow(g) {
  const href = `/reception/guest.html?id=${encodeURIComponent(g.id)}`;
  const arrival = [g.arrival_hub, eventTimeShort(g.arrival_time)].filter(Boolean).join(' · ');
  return h(
    'tr',
    { dataset: { guestId: g.id, category: g.category || '' }, class: 'clickable' },
    cell('col.ref', 'c-ref', h('a', { href }, g.ref || `#${g.id}`)),
    cell(
      'col.name',
      'c-name',
      h('span', { class: 'name' }, g.name || ''),
      g.name_latin ? h('span', { class: 'name-latin' }, g.name_latin) : null,
    ),
    cell('col.category', 'c-cat', h('span', { class: `badge cat cat-${g.category}` }, categoryLabel(g.category))),
    cell('col.department', 'c-dept', g.department || ''),
    // Staff and journalists have no delegation: their organization tells same-name guests apart.
    cell('col.delegation', 'c-deleg', g.delegation || g.organization || ''),
    cell(
      'col.arrival',
      'c-arrival',
      arrival,
      arrival && g.arrival_no ? h('span', { class: 'sub' }, g.arrival_no) : null,
    ),
    cell('col.halal', 'c-halal', g.halal ? h('span', { class: 'badge halal', title: t('halal.badge') }, t('halal.badge')) : ''),
    cell('col.id_number', 'c-id mono', g.id_number || ''),
  );
}

function renderPage() {
  if (!lastPage) return;
  const { total, items } = lastPage;
  $('guest-total').textContent = String(total);
  clear(tbody).append(...items.map(guestRow));
  $('guest-empty').hidden = items.length > 0;

  const from = items.length ? state.offset + 1 : 0;
  const to = state.offset + items.length;
  $('page-info').textContent = total ? t('list.page_info', { from, to, total }) : t('list.page_info_empty');
  $('page-prev').disabled = state.offset === 0;
  $('page-next').disabled = to >= total;
}

async function loadPage() {
  const seq = ++listSeq;
  const params = filterParams();
  params.set('limit', String(PAGE_SIZE));
  params.set('offset', String(state.offset));
  $('guest-table').setAttribute('aria-busy', 'true');
  try {
    const page = await api(`/api/v1/guests?${params}`);
    if (seq !== listSeq) return;
    lastPage = { total: Number(page?.total ?? 0), items: Array.isArray(page?.items) ? page.items : [] };
    // Filters narrowed the list below the current page: go back to the last page that exists.
    if (lastPage.items.length === 0 && state.offset > 0 && lastPage.total > 0) {
      state.offset = Math.floor((lastPage.total - 1) / PAGE_SIZE) * PAGE_SIZE;
      writeUrl();
      return loadPage();
    }
    say($('list-error'), '');
    renderPage();
  } catch (err) {
    if (seq !== listSeq) return;
    say($('list-error'), err.message);
  } finally {
    if (seq === listSeq) $('guest-table').removeAttribute('aria-busy');
  }
}

// ---------- the chart: guests per category under the other filters ----------

function renderChart() {
  const chart = $('category-chart');
  const max = Math.max(1, ...CATEGORIES.map((c) => lastCounts[c] ?? 0));
  clear(chart).append(
    ...CATEGORIES.map((c) => {
      const n = lastCounts[c];
      const fill = h('span', { class: `bar-fill cat-${c}` });
      // Width set through the CSSOM, not a style attribute, so a strict CSP still allows it.
      fill.style.width = `${n == null ? 0 : Math.round((n / max) * 100)}%`;
      const active = state.filters.category === c;
      return h(
        'button',
        {
          type: 'button',
          class: `bar-row${active ? ' is-active' : ''}`,
          'aria-pressed': active ? 'true' : 'false',
          dataset: { category: c },
          onclick: () => setFilter('category', active ? '' : c),
        },
        h('span', { class: 'bar-label' }, h('span', { class: `dot cat-${c}` }), categoryLabel(c)),
        h('span', { class: 'bar-track' }, fill),
        h('span', { class: 'bar-value', dataset: { count: n ?? '' } }, n == null ? '…' : String(n)),
      );
    }),
  );
}

async function loadChart() {
  const seq = ++chartSeq;
  const base = filterParams('category');
  base.set('limit', '0');
  const counts = await Promise.all(
    CATEGORIES.map(async (c) => {
      const params = new URLSearchParams(base);
      params.set('category', c);
      try {
        const page = await api(`/api/v1/guests?${params}`);
        return Number(page?.total ?? 0);
      } catch {
        return null; // one failed count leaves its bar empty; the list shows the error
      }
    }),
  );
  if (seq !== chartSeq) return;
  lastCounts = Object.fromEntries(CATEGORIES.map((c, i) => [c, counts[i]]));
  renderChart();
}

// ---------- filters ----------

function refresh({ chart = true } = {}) {
  writeUrl();
  updateFilterPanel();
  updateExport();
  loadPage();
  if (chart) loadChart();
  else renderChart();
}

function setFilter(key, value) {
  if (state.filters[key] === value) return;
  state.filters[key] = value;
  state.offset = 0;
  syncControls();
  // Only the category filter leaves the per-category counts as they were.
  refresh({ chart: key !== 'category' });
}

async function fillSelect(id, path, label, value = (item) => item.id) {
  const select = $(id);
  const key = Object.keys(CONTROLS).find((k) => CONTROLS[k] === id);
  try {
    const items = await listAll(path);
    select.append(...items.map((item) => h('option', { value: value(item) }, label(item))));
    select.value = state.filters[key];
  } catch (err) {
    // Some roles may not read this registry: hide the filter rather than show a dead menu.
    if (err.status === 403) select.closest('.field').hidden = true;
  }
}

const withCount = (item) => (item.guest_count != null ? `${item.name} (${item.guest_count})` : item.name);

function wireFilters() {
  const search = $('search');
  const typed = debounce(() => setFilter('q', search.value), 300);
  search.addEventListener('input', typed);
  $('filters').addEventListener('submit', (e) => {
    e.preventDefault();
    setFilter('q', search.value);
  });
  for (const [key, id] of Object.entries(CONTROLS)) {
    if (key === 'q') continue;
    $(id).addEventListener('change', (e) => setFilter(key, e.target.value));
  }
  $('filters').addEventListener('reset', (e) => {
    e.preventDefault();
    for (const key of FILTER_KEYS) state.filters[key] = '';
    state.offset = 0;
    syncControls();
    refresh();
  });

  $('page-prev').addEventListener('click', () => {
    state.offset = Math.max(0, state.offset - PAGE_SIZE);
    refresh({ chart: false });
    window.scrollTo({ top: 0 });
  });
  $('page-next').addEventListener('click', () => {
    state.offset += PAGE_SIZE;
    refresh({ chart: false });
    window.scrollTo({ top: 0 });
  });

  // The whole row opens the guest; the ref link inside still works for keyboard and new tabs.
  tbody.addEventListener('click', (e) => {
    if (e.target.closest('a')) return;
    const row = e.target.closest('tr[data-guest-id]');
    if (row) location.assign(`/reception/guest.html?id=${encodeURIComponent(row.dataset.guestId)}`);
  });
}

onLangChange(() => {
  renderPage();
  renderChart();
  updateExport();
});

initShell();
syncControls();
updateFilterPanel();
// Filters set by a link stay visible on a phone too, so nobody wonders why the list is short.
if (FILTER_KEYS.some((k) => k !== 'q' && state.filters[k])) $('filter-panel').open = true;
wide.addEventListener('change', updateFilterPanel);
wireFilters();
updateExport();
renderChart();
loadPage();
loadChart();
fillSelect('filter-department', '/api/v1/departments', withCount);
fillSelect('filter-delegation', '/api/v1/delegations', withCount);
// Guests name their arrival hub by code ("CTU"), so the hub filter sends the code.
fillSelect(
  'filter-hub',
  '/api/v1/hubs',
  (hub) => (hub.name && hub.name !== hub.code ? `${hub.code} ${hub.name}` : hub.code),
  (hub) => hub.code,
);
