// The pass desk (security and reception): personal credentials, vehicle passes, admissions.
//
// Each tab is a list with checkboxes and a bulk bar; what a button does is always one of the
// documented endpoints (docs/api.md "Passes and scanning"), run for each selected pass, and the
// result says how many worked and names every one that did not, with the server's reason.
// The tab and the credential filters live in the address bar, so a reload or a shared link
// shows the same list.

import { api, listAll } from '../js/api.js';
import { clear, debounce, h, say } from '../js/dom.js';
import { CATEGORIES, categoryLabel, eventTime } from '../js/format.js';
import { lang, onLangChange, t } from '../js/i18n.js';
import { initShell } from '../js/shell.js';
import { passList } from './list.js';
import {
  REVOKE_REASONS, STATUSES, STREAMS, VEHICLE_TYPES, can, eachLimited, isoDate, label, loadZones,
  missingText, plateClass, plateText, serialText, statusBadge, streamsFor, validityText, zoneChip,
  zoneChips, zoneName,
} from './shared.js';

const $ = (id) => document.getElementById(id);
const TABS = ['credentials', 'vehicles', 'admissions'];
const CRED_FILTERS = ['q', 'status', 'category', 'department_id', 'delegation_id', 'organization'];
const CRED_CONTROLS = {
  q: 'cred-q',
  status: 'cred-status',
  category: 'cred-category',
  department_id: 'cred-department',
  delegation_id: 'cred-delegation',
  organization: 'cred-organization',
};
const DATES_KEY = 'yingbin.passes.dates';

let user = null;
let zones = new Map();
let tab = 'credentials';
const credFilters = Object.fromEntries(CRED_FILTERS.map((k) => [k, '']));
const vehFilters = { stream: '', status: '' };
let sessions = [];
let sessionId = '';
/** Pass ids from the address bar (the top bar's search opens one pass): each tab shows only these. */
let onlyIds = '';

// ---------- messages ----------

function clearMessages() {
  say($('pass-result'), '');
  say($('pass-error'), '');
  $('pass-problems').hidden = true;
}

function showResult(text, link) {
  const el = $('pass-result');
  el.replaceChildren(text, link ? ' ' : '', link || '');
  el.hidden = !text;
}

/** A list of passes that did not go through, each with its reason. */
function showProblems(title, lines) {
  if (!lines.length) return;
  $('pass-problems-title').textContent = title;
  clear($('pass-problems-list')).append(...lines.map((line) => h('li', {}, line)));
  $('pass-problems').hidden = false;
}

function showError(err) {
  say($('pass-error'), err && err.message ? err.message : String(err));
}

/** "张伟 No. 12-1" for a pass we have seen, "No. 12" otherwise. */
function passName(list, id) {
  const p = list.find(id);
  if (!p) return `No. ${id}`;
  const who = p.guest?.name || (p.vehicle ? plateText(p.vehicle.plate) : '') || p.admission?.invitee_name || '';
  return `${who} ${serialText(p)}`.trim();
}

// ---------- dialogs ----------

for (const dialog of document.querySelectorAll('dialog')) {
  for (const btn of dialog.querySelectorAll('[data-close]')) btn.addEventListener('click', () => dialog.close('cancel'));
}

/** Open a <dialog> and resolve with its returnValue when it closes. */
function ask(dialog) {
  dialog.returnValue = '';
  return new Promise((resolve) => {
    dialog.addEventListener('close', () => resolve(dialog.returnValue), { once: true });
    dialog.showModal();
  });
}

async function confirmText(text) {
  $('confirm-text').textContent = text;
  return (await ask($('confirm-dialog'))) === 'ok';
}

// ---------- shared bulk actions ----------

/** POST `/api/v1/passes/{id}/{action}` for each id; report successes and failures. */
async function runEach(list, ids, action, body, doneKey) {
  clearMessages();
  const { ok, failed } = await eachLimited(ids, 4, (id) =>
    api(`/api/v1/passes/${encodeURIComponent(id)}/${action}`, { method: 'POST', json: body ?? {} }),
  );
  if (ok.length) showResult(t(doneKey, { n: ok.length }));
  showProblems(
    t('passes.failed', { n: failed.length }),
    failed.map(({ item, error }) => `${passName(list, item)} — ${error.message}`),
  );
  list.clearSelection();
  await list.load();
  return ok.map(({ item }) => item);
}

async function revokeSelected(list) {
  const ids = list.selectedIds();
  if (!ids.length) return;
  $('revoke-summary').textContent = t('passes.revoke_summary', { n: ids.length });
  $('revoke-note').value = '';
  if ((await ask($('revoke-dialog'))) !== 'ok') return;
  const body = { reason: $('revoke-reason').value, note: $('revoke-note').value.trim() || null };
  await runEach(list, ids, 'revoke', body, 'passes.revoked_n');
}

async function reissueSelected(list, printPage) {
  const ids = list.selectedIds();
  if (!ids.length) return;
  if (!(await confirmText(t('passes.reissue_confirm', { n: ids.length })))) return;
  const done = await runEach(list, ids, 'reissue', {}, 'passes.reissued_n');
  if (done.length) {
    // The old cards are now rejected at every gate: offer the new ones for printing at once.
    const link = h('a', { href: `${printPage}?ids=${done.join(',')}`, target: '_blank', rel: 'noopener' }, t('passes.print_new'));
    showResult(t('passes.reissued_n', { n: done.length }), link);
  }
}

async function approveEach(list) {
  const ids = list.selectedIds();
  if (!ids.length) return;
  clearMessages();
  const { ok, failed } = await eachLimited(ids, 4, (id) =>
    api(`/api/v1/passes/${encodeURIComponent(id)}/approve`, { method: 'POST', json: {} }),
  );
  if (ok.length) showResult(t('passes.approved_n', { n: ok.length }));
  showProblems(
    t('passes.failed', { n: failed.length }),
    failed.map(({ item, error }) => `${passName(list, item)} — ${missingWords(error.details) || error.message}`),
  );
  list.clearSelection();
  await list.load();
}

/** `details` of a 422 `incomplete` ("photo", "id_number") in words. */
function missingWords(details) {
  const list = Array.isArray(details) ? details : [];
  const words = list.map((d) => (typeof d === 'string' ? d : d?.missing || d?.field || '')).filter(Boolean);
  return words.length ? words.map((m) => label('missing', m)).join('、') : '';
}

function openPrint(url) {
  const win = window.open(url, '_blank', 'noopener');
  if (!win) location.assign(url); // a blocked pop-up: go there in this tab instead
}

/** Show each bulk button only to the roles that may use it; the selection-only ones need one. */
function wireBulkBar(panel, list) {
  const buttons = [...panel.querySelectorAll('.bulk-actions .btn')];
  for (const btn of buttons) {
    if (btn.dataset.role) btn.hidden = !can(user, btn.dataset.role);
  }
  const bar = panel.querySelector('.bulk-bar');
  list.onSelection((n) => {
    for (const btn of buttons) if ('needsSelection' in btn.dataset) btn.disabled = n === 0;
    // On a phone the actions on ticked passes appear only once something is ticked, in a bar
    // at the bottom of the screen, within reach of the thumb that ticked it.
    bar.classList.toggle('has-selection', n > 0);
    document.body.classList.toggle('has-bulk', Boolean(document.querySelector('.tab-panel:not([hidden]) .bulk-bar.has-selection')));
  });
}

// ---------- zones pickers ----------

function zoneOptions(container, name) {
  const keep = new Set([...container.querySelectorAll('input:checked')].map((i) => i.value));
  clear(container).append(
    ...[...zones.values()].map((z) =>
      h(
        'label',
        { class: 'zone-option' },
        h('input', { type: 'checkbox', name, value: z.code, checked: keep.has(z.code) }),
        zoneChip(z.code, zones),
        h('span', {}, zoneName(z)),
      ),
    ),
  );
  if (zones.size === 0) container.append(h('p', { class: 'muted' }, t('passes.no_zones')));
}

const pickedZones = (container) => [...container.querySelectorAll('input:checked')].map((i) => i.value);

function storedDates() {
  try {
    const d = JSON.parse(localStorage.getItem(DATES_KEY) || 'null');
    if (d && d.from && d.to) return d;
  } catch {
    // ignore
  }
  const today = new Date();
  const later = new Date(today);
  later.setDate(today.getDate() + 6);
  return { from: isoDate(today), to: isoDate(later) };
}

function rememberDates(from, to) {
  try {
    localStorage.setItem(DATES_KEY, JSON.stringify({ from, to }));
  } catch {
    // ignore
  }
}

// =============================================================================================
// Credentials
// =============================================================================================

function credParams() {
  const params = new URLSearchParams();
  for (const key of CRED_FILTERS) {
    const v = String(credFilters[key] || '').trim();
    if (v) params.set(key, v);
  }
  if (onlyIds) params.set('ids', onlyIds);
  return params;
}

/** `path` narrowed to the pass ids from the address bar, if any. */
function withIds(path) {
  if (!onlyIds) return path;
  return `${path}${path.includes('?') ? '&' : '?'}ids=${encodeURIComponent(onlyIds)}`;
}

function showOnly() {
  $('pass-only').hidden = !onlyIds;
}

/** Back from one pass to the whole list. */
function clearOnly() {
  onlyIds = '';
  showOnly();
  writeUrl();
  clearMessages();
  for (const name of loaded) (name === 'credentials' ? creds : name === 'vehicles' ? vehicles : admissions).reset();
}

function unitText(g) {
  if (!g) return '';
  return [g.department, g.delegation, g.organization].filter(Boolean).join(' · ');
}

const creds = passList({
  table: 'pass-table',
  prefix: 'cred',
  path: () => {
    const q = credParams().toString();
    return `/api/v1/credentials${q ? `?${q}` : ''}`;
  },
  rowData: (p) => ({ category: p.guest?.category || '' }),
  cells: (p, cell) => {
    const g = p.guest || {};
    return [
      cell(
        'col.name',
        'c-name',
        h('a', { href: `/reception/guest.html?id=${encodeURIComponent(g.id ?? '')}`, class: 'name' }, g.name || ''),
        g.name_latin ? h('span', { class: 'name-latin' }, g.name_latin) : null,
        // Eleven 周静: the ref (and the unit beside it) tells them apart.
        g.ref ? h('span', { class: 'name-ref' }, g.ref) : null,
      ),
      cell('col.category', 'c-cat', g.category ? h('span', { class: `badge cat cat-${g.category}` }, categoryLabel(g.category)) : ''),
      cell('passes.col_unit', 'c-unit', unitText(g)),
      cell('passes.col_zones', 'c-zones', zoneChips(p.zones, zones)),
      cell('passes.col_valid', 'c-valid', validityText(p)),
      cell('passes.status', 'c-status', statusBadge(p)),
      cell('passes.col_missing', 'c-missing', missingText(p)),
      cell('passes.col_serial', 'c-serial mono', serialText(p)),
    ];
  },
  onError: showError,
});

function writeUrl() {
  const params = tab === 'credentials' ? credParams() : new URLSearchParams(onlyIds ? { ids: onlyIds } : {});
  const query = params.toString();
  history.replaceState(null, '', `${location.pathname}${query ? `?${query}` : ''}#${tab}`);
}

function syncCredControls() {
  for (const [key, id] of Object.entries(CRED_CONTROLS)) {
    if ($(id).value !== credFilters[key]) $(id).value = credFilters[key];
  }
  const n = CRED_FILTERS.filter((k) => k !== 'q' && credFilters[k]).length;
  $('cred-filter-count').textContent = String(n);
  $('cred-filter-count').hidden = n === 0;
}

function setCredFilter(key, value) {
  if (credFilters[key] === value) return;
  credFilters[key] = value;
  writeUrl();
  syncCredControls();
  clearMessages();
  creds.reset();
}

function wireCredFilters() {
  const typed = debounce(() => setCredFilter('q', $('cred-q').value), 300);
  $('cred-q').addEventListener('input', typed);
  // The organization filter is an exact match: apply it when the name is complete (Enter or
  // leaving the field), not on every keystroke.
  $('cred-organization').addEventListener('change', (e) => setCredFilter('organization', e.target.value.trim()));
  for (const key of ['status', 'category', 'department_id', 'delegation_id']) {
    $(CRED_CONTROLS[key]).addEventListener('change', (e) => setCredFilter(key, e.target.value));
  }
  $('cred-filters').addEventListener('submit', (e) => {
    e.preventDefault();
    setCredFilter('q', $('cred-q').value);
    setCredFilter('organization', $('cred-organization').value.trim());
  });
  $('cred-filters').addEventListener('reset', (e) => {
    e.preventDefault();
    for (const key of CRED_FILTERS) credFilters[key] = '';
    writeUrl();
    syncCredControls();
    creds.reset();
  });
}

function fillStatic() {
  const statusOpts = (select) => {
    const keep = select.value;
    clear(select).append(h('option', { value: '' }, t('list.all')), ...STATUSES.map((s) => h('option', { value: s }, label('status', s))));
    select.value = keep;
  };
  statusOpts($('cred-status'));
  statusOpts($('vf-status'));
  const cat = $('cred-category');
  const keepCat = cat.value;
  clear(cat).append(h('option', { value: '' }, t('list.all')), ...CATEGORIES.map((c) => h('option', { value: c }, categoryLabel(c))));
  cat.value = keepCat;

  const reason = $('revoke-reason');
  const keepReason = reason.value;
  clear(reason).append(...REVOKE_REASONS.map((r) => h('option', { value: r }, label('revoke_reason', r))));
  if (keepReason) reason.value = keepReason;

  const vf = $('vf-stream');
  const keepVf = vf.value;
  clear(vf).append(h('option', { value: '' }, t('list.all')), ...STREAMS.map((s) => h('option', { value: s }, label('stream', s))));
  vf.value = keepVf;

  const vs = $('v-stream');
  const keepVs = vs.value;
  clear(vs).append(...streamsFor(user?.role).map((s) => h('option', { value: s }, label('stream', s))));
  if (keepVs) vs.value = keepVs;

  const vt = $('v-type');
  const keepVt = vt.value;
  clear(vt).append(...VEHICLE_TYPES.map((s) => h('option', { value: s }, label('vtype', s))));
  if (keepVt) vt.value = keepVt;
}

async function fillRegistry(id, path, key) {
  const select = $(id);
  try {
    const items = await listAll(path);
    select.append(...items.map((item) => h('option', { value: item.id }, item.name)));
    select.value = credFilters[key];
  } catch (err) {
    if (err.status === 403) select.closest('.field').hidden = true;
  }
}

/** The bulk request's guest filter: the credential filters that are guest fields. */
function guestFilter() {
  const f = {};
  if (credFilters.q.trim()) f.q = credFilters.q.trim();
  if (credFilters.category) f.category = credFilters.category;
  if (credFilters.department_id) f.department_id = Number(credFilters.department_id);
  if (credFilters.delegation_id) f.delegation_id = Number(credFilters.delegation_id);
  if (credFilters.organization.trim()) f.organization = credFilters.organization.trim();
  return f;
}

function describeFilter(f) {
  const parts = [];
  if (f.category) parts.push(`${t('filter.category')}：${categoryLabel(f.category)}`);
  if (f.department_id) {
    const opt = $('cred-department').selectedOptions[0];
    parts.push(`${t('filter.department')}：${opt ? opt.textContent : f.department_id}`);
  }
  if (f.delegation_id) {
    const opt = $('cred-delegation').selectedOptions[0];
    parts.push(`${t('filter.delegation')}：${opt ? opt.textContent : f.delegation_id}`);
  }
  if (f.organization) parts.push(`${t('field.organization')}：${f.organization}`);
  if (f.q) parts.push(`${t('list.search_label')}：${f.q}`);
  return parts.length ? parts.join('；') : t('passes.filter_everyone');
}

async function requestForFilter() {
  clearMessages();
  const filter = guestFilter();
  const summary = $('request-summary');
  summary.textContent = describeFilter(filter);
  // How many guests that is, so nobody requests 3,000 credentials by accident.
  const params = new URLSearchParams(Object.entries(filter).map(([k, v]) => [k, String(v)]));
  params.set('limit', '0');
  api(`/api/v1/guests?${params}`)
    .then((page) => {
      summary.textContent = `${describeFilter(filter)} — ${t('passes.request_count', { n: Number(page?.total ?? 0) })}`;
    })
    .catch(() => {});
  zoneOptions($('request-zones'), 'request-zone');
  const dates = storedDates();
  if (!$('request-from').value) $('request-from').value = dates.from;
  if (!$('request-to').value) $('request-to').value = dates.to;
  say($('request-error'), '');

  const dialog = $('request-dialog');
  for (;;) {
    if ((await ask(dialog)) !== 'ok') return;
    const body = {
      filter,
      zones: pickedZones($('request-zones')),
      valid_from: $('request-from').value,
      valid_to: $('request-to').value,
    };
    const problem = !body.zones.length
      ? t('passes.pick_zone')
      : !body.valid_from || !body.valid_to
        ? t('passes.pick_dates')
        : body.valid_to < body.valid_from
          ? t('passes.dates_order')
          : '';
    if (problem) {
      say($('request-error'), problem);
      continue; // show the dialog again with the message
    }
    try {
      const res = await api('/api/v1/credentials/bulk', { method: 'POST', json: body });
      rememberDates(body.valid_from, body.valid_to);
      showResult(t('passes.requested_n', { created: res?.created ?? 0, skipped: res?.skipped ?? 0 }));
      creds.reset();
      return;
    } catch (err) {
      say($('request-error'), err.message);
    }
  }
}

async function approveCredentials() {
  const ids = creds.selectedIds();
  if (!ids.length) return;
  clearMessages();
  try {
    const res = await api('/api/v1/credentials/approve', { method: 'POST', json: { ids: ids.map(Number) } });
    const incomplete = Array.isArray(res?.incomplete) ? res.incomplete : [];
    showResult(t('passes.approved_n', { n: res?.approved ?? 0 }));
    showProblems(
      t('passes.incomplete', { n: incomplete.length }),
      incomplete.map((x) => `${passName(creds, x.id)} — ${(x.missing || []).map((m) => label('missing', m)).join('、')}`),
    );
    creds.clearSelection();
    await creds.load();
  } catch (err) {
    showError(err);
  }
}

function printCredentials() {
  const ids = creds.selectedIds();
  if (ids.length) return openPrint(`/print/badges.html?ids=${ids.join(',')}`);
  // Nothing ticked: print what the filter shows.
  const q = credParams().toString();
  openPrint(`/print/badges.html${q ? `?${q}` : ''}`);
}

function wireCredentials() {
  wireCredFilters();
  wireBulkBar($('panel-credentials'), creds);
  $('cred-request').addEventListener('click', requestForFilter);
  $('cred-approve').addEventListener('click', approveCredentials);
  $('cred-print').addEventListener('click', printCredentials);
  $('cred-printed').addEventListener('click', () => runEach(creds, creds.selectedIds(), 'printed', {}, 'passes.printed_n'));
  $('cred-collected').addEventListener('click', () => runEach(creds, creds.selectedIds(), 'collected', {}, 'passes.collected_n'));
  $('cred-reissue').addEventListener('click', () => reissueSelected(creds, '/print/badges.html'));
  $('cred-revoke').addEventListener('click', () => revokeSelected(creds));
}

// =============================================================================================
// Vehicle passes
// =============================================================================================

const vehicles = passList({
  table: 'vehicle-table',
  prefix: 'veh',
  path: () => {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(vehFilters)) if (v.trim()) params.set(k, v.trim());
    const q = params.toString();
    return withIds(`/api/v1/vehicle-passes${q ? `?${q}` : ''}`);
  },
  rowData: (p) => ({ stream: p.vehicle?.stream || '' }),
  cells: (p, cell) => {
    const v = p.vehicle || {};
    return [
      cell('vehicle.plate', 'c-plate', h('span', { class: plateClass(v.plate) }, plateText(v.plate))),
      cell('vehicle.stream', 'c-stream', v.stream ? h('span', { class: `badge stream stream-${v.stream}` }, label('stream', v.stream)) : ''),
      cell('vehicle.type', 'c-vtype', v.vehicle_type ? label('vtype', v.vehicle_type) : ''),
      cell('vehicle.driver', 'c-driver', [v.driver_name, v.driver_phone].filter(Boolean).join(' · ')),
      cell('passes.col_zones', 'c-zones', zoneChips(p.zones, zones)),
      cell('passes.col_valid', 'c-valid', validityText(p)),
      cell('passes.status', 'c-status', statusBadge(p)),
      cell('passes.col_serial', 'c-serial mono', serialText(p)),
    ];
  },
  onError: showError,
});

/**
 * The server's plate message comes in both languages ("车牌…… / The plate …"): show the
 * half in the screen's language.
 */
function oneLanguage(message) {
  const parts = String(message || '').split(' / ');
  if (parts.length !== 2) return message;
  return lang() === 'en' ? parts[1] : parts[0];
}

/** Put a 422's field errors next to their fields; the plate is the one that usually fails. */
function showVehicleError(err) {
  const plateError = $('v-plate-error');
  const details = Array.isArray(err.details) ? err.details : [];
  const forPlate = details.filter((d) => d && (d.field === 'plate' || d.column === 'plate'));
  const others = details.filter((d) => d && !forPlate.includes(d) && (d.message || typeof d === 'string'));
  let plateMsg = forPlate.map((d) => d.message).filter(Boolean).join('；');
  // `details` names the plate without a text of its own: the envelope's message is about it.
  if (!plateMsg && forPlate.length) plateMsg = oneLanguage(err.message);
  // No per-field details: a message about the plate still goes under the plate.
  if (!plateMsg && !details.length && /车牌|plate/i.test(err.message || '')) plateMsg = oneLanguage(err.message);
  say(plateError, plateMsg);
  $('v-plate').setAttribute('aria-invalid', plateMsg ? 'true' : 'false');
  const rest = others.map((d) => (typeof d === 'string' ? d : d.message)).join('；');
  say($('v-error'), plateMsg && !rest ? '' : rest || oneLanguage(err.message));
  if (plateMsg) $('v-plate').focus();
}

async function createVehicle(e) {
  e.preventDefault();
  clearMessages();
  say($('v-plate-error'), '');
  say($('v-error'), '');
  $('v-plate').setAttribute('aria-invalid', 'false');
  const plate = $('v-plate').value.trim().toUpperCase().replace(/[·\s]/g, '');
  const body = {
    plate,
    stream: $('v-stream').value,
    vehicle_type: $('v-type').value || null,
    driver_name: $('v-driver').value.trim() || null,
    driver_phone: $('v-phone').value.trim() || null,
    zones: pickedZones($('v-zones')),
    valid_from: $('v-from').value,
    valid_to: $('v-to').value,
  };
  if (!plate) {
    say($('v-plate-error'), t('vehicle.plate_required'));
    $('v-plate').focus();
    return;
  }
  if (!body.valid_from || !body.valid_to) return say($('v-error'), t('passes.pick_dates'));
  if (body.valid_to < body.valid_from) return say($('v-error'), t('passes.dates_order'));
  const submit = $('v-submit');
  submit.disabled = true;
  try {
    const pass = await api('/api/v1/vehicle-passes', { method: 'POST', json: body });
    rememberDates(body.valid_from, body.valid_to);
    showResult(t('vehicle.created', { plate: plateText(pass?.vehicle?.plate || plate), serial: pass ? serialText(pass) : '' }));
    // Keep stream, type, zones and dates: the next car is usually of the same kind.
    for (const id of ['v-plate', 'v-driver', 'v-phone']) $(id).value = '';
    $('v-plate').focus();
    vehicles.reset();
  } catch (err) {
    showVehicleError(err);
  } finally {
    submit.disabled = false;
  }
}

function wireVehicles() {
  wireBulkBar($('panel-vehicles'), vehicles);
  const canCreate = streamsFor(user?.role).length > 0;
  $('vehicle-new').hidden = !canCreate;
  const dates = storedDates();
  $('v-from').value = dates.from;
  $('v-to').value = dates.to;
  $('vehicle-form').addEventListener('submit', createVehicle);
  $('v-plate').addEventListener('input', () => {
    say($('v-plate-error'), '');
    $('v-plate').setAttribute('aria-invalid', 'false');
  });
  $('vf-stream').addEventListener('change', (e) => {
    vehFilters.stream = e.target.value;
    vehicles.reset();
  });
  $('vf-status').addEventListener('change', (e) => {
    vehFilters.status = e.target.value;
    vehicles.reset();
  });
  $('vehicle-filters').addEventListener('submit', (e) => e.preventDefault());
  $('veh-approve').addEventListener('click', () => approveEach(vehicles));
  $('veh-print').addEventListener('click', () => {
    const ids = vehicles.selectedIds();
    if (ids.length) openPrint(`/print/windscreen.html?ids=${ids.join(',')}`);
  });
  $('veh-printed').addEventListener('click', () => runEach(vehicles, vehicles.selectedIds(), 'printed', {}, 'passes.printed_n'));
  $('veh-collected').addEventListener('click', () => runEach(vehicles, vehicles.selectedIds(), 'collected', {}, 'passes.collected_n'));
  $('veh-reissue').addEventListener('click', () => reissueSelected(vehicles, '/print/windscreen.html'));
  $('veh-revoke').addEventListener('click', () => revokeSelected(vehicles));
}

// =============================================================================================
// Admissions
// =============================================================================================

let chosenGuest = null;
let guestResults = []; // the last search's guests, for the pick buttons

const admissions = passList({
  table: 'admission-table',
  prefix: 'adm',
  // One ticket from the search is shown whatever session is picked.
  path: () => (onlyIds ? withIds('/api/v1/admissions') : sessionId ? `/api/v1/admissions?session_id=${encodeURIComponent(sessionId)}` : null),
  cells: (p, cell) => {
    const a = p.admission || {};
    const g = p.guest;
    return [
      cell(
        'col.name',
        'c-name',
        h('span', { class: 'name' }, g?.name || a.invitee_name || ''),
        g?.name_latin ? h('span', { class: 'name-latin' }, g.name_latin) : null,
        g?.ref ? h('span', { class: 'name-ref' }, g.ref) : null,
        g ? null : h('span', { class: 'badge invitee' }, t('adm.mode_invitee')),
      ),
      cell('adm.invitee_org', 'c-unit', g ? unitText(g) : a.invitee_org || ''),
      cell('adm.section', 'c-section', a.section || ''),
      cell('adm.seat', 'c-seat', a.seat || ''),
      cell('passes.status', 'c-status', statusBadge(p)),
      cell('passes.col_serial', 'c-serial mono', serialText(p)),
    ];
  },
  onError: showError,
});

/** Gates come as "E1,E2" (or a list). */
function gatesText(gates) {
  const list = Array.isArray(gates) ? gates : String(gates || '').split(',');
  return list.map((g) => String(g).trim()).filter(Boolean).join('、');
}

function renderSessions() {
  const select = $('session');
  clear(select).append(
    ...(sessions.length ? [] : [h('option', { value: '' }, t('adm.no_sessions'))]),
    ...sessions.map((s) => h('option', { value: s.id }, `${sessionName(s)} · ${eventTime(s.starts_at)}`)),
  );
  if (sessions.some((s) => String(s.id) === String(sessionId))) select.value = sessionId;
  else sessionId = select.value;
  renderSessionInfo();
}

function sessionName(s) {
  return (lang() === 'en' ? s.name_en || s.name : s.name || s.name_en) || s.code || '';
}

function renderSessionInfo() {
  const s = sessions.find((x) => String(x.id) === String(sessionId));
  $('session-info').textContent = s
    ? [
        s.code,
        `${eventTime(s.starts_at)}${s.ends_at ? ` – ${eventTime(s.ends_at)}` : ''}`,
        gatesText(s.gates) ? `${t('adm.gates')}：${gatesText(s.gates)}` : '',
        s.allow_reentry ? t('adm.reentry') : t('adm.no_reentry'),
      ]
        .filter(Boolean)
        .join(' · ')
    : '';
}

async function loadSessions() {
  try {
    sessions = await listAll('/api/v1/event-sessions');
  } catch (err) {
    sessions = [];
    showError(err);
  }
  renderSessions();
  admissions.reset();
}

function setMode(mode) {
  $('adm-guest-part').hidden = mode !== 'guest';
  $('adm-invitee-part').hidden = mode !== 'invitee';
}

function renderChosen() {
  const el = $('adm-guest-chosen');
  if (!chosenGuest) {
    el.hidden = true;
    return;
  }
  el.replaceChildren(
    h('span', { class: 'chosen-label' }, t('adm.chosen')),
    h('strong', {}, chosenGuest.name || ''),
    chosenGuest.name_latin ? h('span', { class: 'name-latin' }, chosenGuest.name_latin) : '',
    h('span', { class: 'sub' }, chosenGuest.ref || ''),
  );
  el.hidden = false;
}

async function searchGuests() {
  const q = $('adm-guest-q').value.trim();
  const list = $('adm-guest-results');
  if (!q) return clear(list);
  try {
    const page = await api(`/api/v1/guests?q=${encodeURIComponent(q)}&limit=8`);
    const items = Array.isArray(page?.items) ? page.items : [];
    clear(list).append(
      ...items.map((g) =>
        h(
          'li',
          {},
          h(
            'button',
            { type: 'button', class: 'pick', dataset: { guestId: g.id } },
            h('span', { class: `dot cat-${g.category}` }),
            h('strong', {}, g.name || ''),
            g.name_latin ? h('span', { class: 'name-latin' }, g.name_latin) : '',
            h('span', { class: 'sub' }, [g.ref, g.organization || g.department].filter(Boolean).join(' · ')),
          ),
        ),
      ),
    );
    if (!items.length) list.append(h('li', { class: 'muted' }, t('list.empty')));
    guestResults = items;
  } catch (err) {
    say($('adm-error'), err.message);
  }
}

async function issueAdmission(e) {
  e.preventDefault();
  clearMessages();
  say($('adm-error'), '');
  if (!sessionId) return say($('adm-error'), t('adm.no_sessions'));
  const mode = document.querySelector('input[name="mode"]:checked')?.value || 'guest';
  const body = { session_id: Number(sessionId) };
  if (mode === 'guest') {
    if (!chosenGuest) return say($('adm-error'), t('adm.pick_guest'));
    body.guest_id = chosenGuest.id;
  } else {
    body.invitee_name = $('adm-invitee-name').value.trim();
    body.invitee_org = $('adm-invitee-org').value.trim() || null;
    if (!body.invitee_name) return say($('adm-error'), t('adm.name_required'));
  }
  const section = $('adm-section').value.trim();
  const seat = $('adm-seat').value.trim();
  if (section) body.section = section;
  if (seat) body.seat = seat;
  $('adm-submit').disabled = true;
  try {
    const pass = await api('/api/v1/admissions', { method: 'POST', json: body });
    const who = pass?.guest?.name || pass?.admission?.invitee_name || body.invitee_name || chosenGuest?.name || '';
    showResult(t('adm.issued', { name: who, serial: pass ? serialText(pass) : '' }));
    chosenGuest = null;
    renderChosen();
    for (const id of ['adm-guest-q', 'adm-invitee-name', 'adm-seat']) $(id).value = '';
    clear($('adm-guest-results'));
    admissions.reset();
  } catch (err) {
    say($('adm-error'), err.message);
  } finally {
    $('adm-submit').disabled = false;
  }
}

function wireAdmissions() {
  wireBulkBar($('panel-admissions'), admissions);
  // Reception assigns tickets to guests, the office to the host city's invitees; admin both.
  const role = user?.role;
  const guestMode = role === 'admin' || role === 'reception';
  const inviteeMode = role === 'admin' || role === 'office';
  $('adm-mode-guest').closest('.seg-option').hidden = !guestMode;
  $('adm-mode-invitee').closest('.seg-option').hidden = !inviteeMode;
  if (!guestMode && inviteeMode) $('adm-mode-invitee').checked = true;
  $('adm-new').hidden = !guestMode && !inviteeMode;
  setMode(document.querySelector('input[name="mode"]:checked')?.value || 'guest');
  $('adm-mode').addEventListener('change', (e) => setMode(e.target.value));
  $('adm-guest-q').addEventListener('input', debounce(searchGuests, 300));
  $('adm-guest-results').addEventListener('click', (e) => {
    const btn = e.target.closest('button[data-guest-id]');
    if (!btn) return;
    chosenGuest = guestResults.find((g) => String(g.id) === btn.dataset.guestId) || null;
    clear($('adm-guest-results'));
    renderChosen();
  });
  $('admission-form').addEventListener('submit', issueAdmission);
  $('session').addEventListener('change', (e) => {
    sessionId = e.target.value;
    renderSessionInfo();
    clearMessages();
    admissions.reset();
  });
  $('adm-print').addEventListener('click', () => {
    const ids = admissions.selectedIds();
    if (ids.length) openPrint(`/print/badges.html?ids=${ids.join(',')}`);
  });
  $('adm-revoke').addEventListener('click', () => revokeSelected(admissions));
}

// =============================================================================================
// Tabs
// =============================================================================================

const loaded = new Set();

function allowedTabs() {
  return TABS.filter((name) =>
    name === 'credentials' ? can(user, 'readCredentials') : name === 'vehicles' ? can(user, 'vehicles') : can(user, 'admissions'),
  );
}

function showTab(name, { focus = false } = {}) {
  const allowed = allowedTabs();
  if (!allowed.includes(name)) name = allowed[0] || 'credentials';
  tab = name;
  for (const n of TABS) {
    const btn = $(`tab-${n}`);
    btn.setAttribute('aria-selected', n === name ? 'true' : 'false');
    btn.tabIndex = n === name ? 0 : -1;
    btn.hidden = user ? !allowed.includes(n) : false;
    $(`panel-${n}`).hidden = n !== name;
  }
  if (focus) $(`tab-${name}`).focus();
  document.body.classList.toggle('has-bulk', Boolean(document.querySelector('.tab-panel:not([hidden]) .bulk-bar.has-selection')));
  clearMessages();
  writeUrl();
  if (!loaded.has(name)) {
    loaded.add(name);
    if (name === 'credentials') creds.load();
    else if (name === 'vehicles') vehicles.load();
    else loadSessions();
  }
}

function wireTabs() {
  window.addEventListener('hashchange', () => {
    const hash = location.hash.replace('#', '');
    if (TABS.includes(hash) && hash !== tab) showTab(hash);
  });
  const list = document.querySelector('.tabs');
  list.addEventListener('click', (e) => {
    const btn = e.target.closest('[data-tab]');
    if (btn) showTab(btn.dataset.tab);
  });
  // Arrow keys move between tabs (the WAI-ARIA tabs pattern).
  list.addEventListener('keydown', (e) => {
    if (e.key !== 'ArrowRight' && e.key !== 'ArrowLeft') return;
    const visible = TABS.filter((n) => !$(`tab-${n}`).hidden);
    const i = visible.indexOf(tab);
    const next = visible[(i + (e.key === 'ArrowRight' ? 1 : visible.length - 1)) % visible.length];
    showTab(next, { focus: true });
  });
}

// =============================================================================================

function readUrl() {
  const params = new URLSearchParams(location.search);
  for (const key of CRED_FILTERS) credFilters[key] = params.get(key) || '';
  onlyIds = (params.get('ids') || '')
    .split(',')
    .map((x) => x.trim())
    .filter((x) => /^\d+$/.test(x))
    .join(',');
  const hash = location.hash.replace('#', '');
  return TABS.includes(hash) ? hash : 'credentials';
}

onLangChange(() => {
  fillStatic();
  creds.render();
  vehicles.render();
  admissions.render();
  renderSessions();
  renderChosen();
  if (zones.size) {
    zoneOptions($('v-zones'), 'v-zone');
    zoneOptions($('request-zones'), 'request-zone');
  }
});

async function main() {
  const wanted = readUrl();
  syncCredControls();
  if (window.matchMedia('(min-width: 760px)').matches || CRED_FILTERS.some((k) => k !== 'q' && credFilters[k])) {
    $('cred-filter-panel').open = true;
  }
  [user, zones] = await Promise.all([initShell(), loadZones()]);
  fillStatic();
  zoneOptions($('v-zones'), 'v-zone');
  showOnly();
  $('pass-only-clear').addEventListener('click', clearOnly);
  wireTabs();
  wireCredentials();
  wireVehicles();
  wireAdmissions();
  fillRegistry('cred-department', '/api/v1/departments', 'department_id');
  fillRegistry('cred-delegation', '/api/v1/delegations', 'delegation_id');
  showTab(wanted);
}

main();
