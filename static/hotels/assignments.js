// The assignments of one plan: a paged, filterable table, and — while the plan is a draft or
// has been returned — the edits reception makes by hand: move a guest (hotel, room type,
// optionally into another guest's room), swap two guests, lock an assignment so the next
// proposal keeps it.
//
// An edit that would break a hard rule (gender, halal, accessible room, the hotel's
// categories …) comes back as 422 `hard_rule` with the rule named in the user's language;
// that message stays under the guest's row until the next successful edit of that guest.

import { api } from '../js/api.js';
import { clear, debounce, h, say } from '../js/dom.js';
import { categoryLabel, codeLabel } from '../js/format.js';
import { t } from '../js/i18n.js';
import { ROOM_TYPES, ask, cell, halalBadge, hotelOption, pager, roomTypeLabel, stayText } from './shared.js';

const $ = (id) => document.getElementById(id);
const PER_PAGE = 50;
const COLUMNS = 9;

let plan = null; // PlanSummary
let editable = false;
let hotels = []; // every hotel, for the filter and the move menu
let onChanged = () => {};
const state = { hotel: '', q: '', page: 1, perPage: PER_PAGE, total: 0 };
let items = [];
let seq = 0; // answers to older requests are dropped (fast typing in the search box)
const errors = new Map(); // guest_id → ApiError of the last failed edit
const changed = new Set(); // guest ids of the latest successful edit, highlighted
let renderPager = () => {};

const planUrl = (suffix = '') => `/api/v1/allocations/${encodeURIComponent(plan.id)}${suffix}`;

// ---------- the table ----------

function roomText(a) {
  return [a.hotel_name || a.hotel, roomTypeLabel(a.room_type), a.room != null ? t('plan.room_n', { n: a.room }) : ''].filter(Boolean).join(' · ');
}

function flags(a) {
  return [
    halalBadge(a.halal),
    a.accessible ? h('span', { class: 'badge hz-accessible' }, t('plan.accessible')) : null,
    a.locked ? h('span', { class: 'badge hz-locked', title: t('plan.locked_help') }, t('plan.locked')) : null,
  ].filter(Boolean);
}

function actions(a) {
  if (!editable) return null;
  const id = a.guest_id;
  return h(
    'span',
    { class: 'row-actions' },
    h('button', { type: 'button', class: 'btn asg-move', dataset: { action: 'move', guestId: id } }, t('plan.move')),
    h('button', { type: 'button', class: 'btn asg-swap', dataset: { action: 'swap', guestId: id } }, t('plan.swap')),
    h(
      'button',
      { type: 'button', class: `btn btn-ghost asg-lock${a.locked ? ' is-locked' : ''}`, 'aria-pressed': a.locked ? 'true' : 'false', dataset: { action: 'lock', guestId: id } },
      a.locked ? t('plan.unlock') : t('plan.lock'),
    ),
  );
}

function assignmentRow(a) {
  const roommates = (Array.isArray(a.roommates) ? a.roommates : []).map((r) => r.name || `#${r.guest_id}`).join('、');
  return h(
    'tr',
    {
      class: [changed.has(a.guest_id) ? 'is-changed' : '', errors.has(a.guest_id) ? 'has-error' : ''].filter(Boolean).join(' '),
      dataset: { guestId: a.guest_id, hotel: a.hotel, roomType: a.room_type, locked: a.locked ? 'true' : 'false', category: a.category || '' },
    },
    cell(
      'col.name',
      'c-name',
      h('span', { class: 'name' }, a.name || ''),
      a.name_latin ? h('span', { class: 'name-latin' }, a.name_latin) : null,
      h('span', { class: 'sub' }, `#${a.guest_id}`),
    ),
    cell(
      'col.category',
      'c-cat',
      a.category ? h('span', { class: `badge cat cat-${a.category}` }, categoryLabel(a.category)) : '',
      a.gender ? h('span', { class: 'sub' }, codeLabel('gender', a.gender)) : null,
    ),
    cell('plan.col_group', 'c-deleg', [a.delegation, a.organization].filter(Boolean).join(' · ')),
    cell('plan.col_room', 'c-room', roomText(a)),
    cell('plan.col_roommates', 'c-mates', roommates),
    cell('plan.col_nights', 'c-nights', stayText(a.nights_from, a.nights_to)),
    cell('plan.col_flags', 'c-flags', flags(a)),
    cell('plan.col_why', 'c-why', a.why ? h('span', { class: 'why' }, a.why) : ''),
    cell('plan.col_actions', 'c-actions', actions(a)),
  );
}

/** The message of a failed edit, on its own row under the guest's row. */
function errorRow(guestId) {
  const err = errors.get(guestId);
  const details = Array.isArray(err.details) ? err.details : [];
  return h(
    'tr',
    { class: 'asg-error-row', dataset: { errorFor: guestId, error: err.code || '' } },
    h(
      'td',
      { colspan: String(COLUMNS) },
      h(
        'div',
        { class: 'alert alert-error row-error', role: 'alert' },
        h('strong', {}, err.message),
        details.length
          ? h('ul', { class: 'rule-list' }, details.map((d) => h('li', { dataset: { rule: d.rule || '' } }, [d.detail || d.rule || '', d.guest_id && d.guest_id !== guestId ? ` (#${d.guest_id})` : ''].join(''))))
          : null,
      ),
    ),
  );
}

export function renderAssignments() {
  if (!plan) return;
  $('asg-total').textContent = String(state.total);
  const rows = [];
  for (const a of items) {
    rows.push(assignmentRow(a));
    if (errors.has(a.guest_id)) rows.push(errorRow(a.guest_id));
  }
  clear($('asg-table').querySelector('tbody')).append(...rows);
  $('asg-table').classList.toggle('is-editable', editable);
  $('asg-empty').hidden = items.length > 0;
  renderPager();
}

function filterParams() {
  const params = new URLSearchParams();
  if (state.hotel) params.set('hotel', state.hotel);
  if (state.q.trim()) params.set('q', state.q.trim());
  return params;
}

export async function loadAssignments() {
  if (!plan) return;
  const my = ++seq;
  const params = filterParams();
  params.set('page', String(state.page));
  params.set('per_page', String(PER_PAGE));
  $('asg-table').setAttribute('aria-busy', 'true');
  try {
    const page = await api(planUrl(`/assignments?${params}`));
    if (my !== seq) return;
    state.total = Number(page?.total ?? 0);
    items = Array.isArray(page?.items) ? page.items : [];
    // The filter narrowed the list below this page: go to the last page that exists.
    if (!items.length && state.page > 1 && state.total > 0) {
      state.page = Math.ceil(state.total / PER_PAGE);
      return loadAssignments();
    }
    say($('asg-error'), '');
    renderAssignments();
  } catch (err) {
    if (my === seq) say($('asg-error'), err.message);
  } finally {
    if (my === seq) $('asg-table').removeAttribute('aria-busy');
  }
}

// ---------- edits ----------

/** Where a failed edit is said: under the assignment row, or on the unplaced guest's row. */
function showError(guestId, err) {
  const unplaced = document.querySelector(`#unplaced-table tr[data-guest-id="${CSS.escape(String(guestId))}"] .row-error`);
  if (unplaced && !items.some((a) => a.guest_id === guestId)) {
    say(unplaced, err.message);
    return;
  }
  errors.set(guestId, err);
  if (items.some((a) => a.guest_id === guestId)) renderAssignments();
  else say($('asg-error'), err.message);
}

/** Run an edit; on success clear those guests' old errors, reload the page and the plan's numbers. */
async function edit(guestIds, request) {
  for (const btn of document.querySelectorAll('#asg-table .row-actions button')) btn.disabled = true;
  changed.clear(); // only the latest edit is highlighted
  try {
    await request();
    for (const id of guestIds) {
      errors.delete(id);
      changed.add(id);
    }
    await loadAssignments();
    onChanged();
  } catch (err) {
    showError(guestIds[0], err);
  } finally {
    for (const btn of document.querySelectorAll('#asg-table .row-actions button')) btn.disabled = false;
  }
}

function fillHotelSelect(select, keep, withAll) {
  clear(select).append(
    withAll ? h('option', { value: '' }, t('list.all')) : null,
    ...hotels.map((x) => h('option', { value: x.code }, hotelOption(x))),
  );
  if (keep && !hotels.some((x) => x.code === keep)) select.append(h('option', { value: keep }, keep));
  select.value = keep || '';
}

/**
 * A search over this plan's assignments that fills a guest id field: the way to name the
 * roommate or the swap partner without knowing ids by heart.
 */
function guestPicker({ input, list, chosen, idField, exclude, onPick }) {
  let mySeq = 0;
  const search = debounce(async () => {
    const q = input.value.trim();
    const my = ++mySeq;
    if (!q) return clear(list);
    try {
      const page = await api(planUrl(`/assignments?${new URLSearchParams({ q, page: '1', per_page: '8' })}`));
      if (my !== mySeq) return;
      const found = (page?.items || []).filter((a) => a.guest_id !== exclude());
      clear(list).append(
        ...(found.length ? found : [null]).map((a) =>
          a
            ? h(
                'li',
                {},
                h(
                  'button',
                  { type: 'button', class: 'pick', dataset: { guestId: a.guest_id }, onclick: () => pick(a) },
                  h('strong', {}, a.name || ''),
                  h('span', { class: 'muted' }, `#${a.guest_id} · ${roomText(a)}`),
                ),
              )
            : h('li', { class: 'muted' }, t('plan.no_match')),
        ),
      );
    } catch (err) {
      clear(list).append(h('li', { class: 'field-error' }, err.message));
    }
  }, 250);
  function pick(a) {
    idField.value = String(a.guest_id);
    chosen.textContent = `${a.name || ''} #${a.guest_id} · ${roomText(a)}`;
    chosen.hidden = false;
    clear(list);
    if (onPick) onPick(a);
  }
  input.addEventListener('input', search);
  idField.addEventListener('input', () => {
    chosen.hidden = true;
  });
  return function reset() {
    input.value = '';
    idField.value = '';
    chosen.hidden = true;
    clear(list);
  };
}

let resetMovePicker = () => {};
let resetSwapPicker = () => {};
let dialogGuest = null; // the guest the open dialog is about

function guestLine(g) {
  return [g.name, `#${g.guest_id}`, g.hotel ? roomText(g) : t('plan.not_placed')].filter(Boolean).join(' · ');
}

async function openMove(guest) {
  dialogGuest = guest;
  $('move-who').textContent = guestLine(guest);
  fillHotelSelect($('move-hotel'), guest.hotel || '', false);
  clear($('move-room-type')).append(...ROOM_TYPES.map((rt) => h('option', { value: rt }, roomTypeLabel(rt))));
  $('move-room-type').value = guest.room_type || ROOM_TYPES[0];
  resetMovePicker();
  say($('move-error'), '');
  if ((await ask($('move-dialog'))) !== 'ok') return;
  const withId = parseInt($('move-with').value, 10);
  const body = { guest_id: guest.guest_id, hotel: $('move-hotel').value, room_type: $('move-room-type').value };
  if (Number.isInteger(withId) && withId > 0) body.with_guest_id = withId;
  await edit([guest.guest_id, ...(body.with_guest_id ? [body.with_guest_id] : [])], () => api(planUrl('/move'), { method: 'POST', json: body }));
}

async function openSwap(guest) {
  dialogGuest = guest;
  $('swap-who').textContent = guestLine(guest);
  resetSwapPicker();
  say($('swap-error'), '');
  if ((await ask($('swap-dialog'))) !== 'ok') return;
  const other = parseInt($('swap-with').value, 10);
  await edit([guest.guest_id, other], () => api(planUrl('/swap'), { method: 'POST', json: { guest_a: guest.guest_id, guest_b: other } }));
}

async function toggleLock(guest) {
  await edit([guest.guest_id], () => api(planUrl('/lock'), { method: 'POST', json: { guest_id: guest.guest_id, locked: !guest.locked } }));
}

/** "Place" an unplaced guest: the move dialog without a current place. */
export function placeGuest(unplaced) {
  if (!editable) return;
  openMove({ guest_id: unplaced.guest_id, name: unplaced.name, hotel: '', room_type: '' });
}

function wireDialogs() {
  resetMovePicker = guestPicker({
    input: $('move-with-q'),
    list: $('move-with-results'),
    chosen: $('move-with-chosen'),
    idField: $('move-with'),
    exclude: () => dialogGuest && dialogGuest.guest_id,
    // Sharing a room means the roommate's hotel and room type.
    onPick: (a) => {
      fillHotelSelect($('move-hotel'), a.hotel, false);
      $('move-room-type').value = a.room_type;
    },
  });
  resetSwapPicker = guestPicker({
    input: $('swap-q'),
    list: $('swap-results'),
    chosen: $('swap-chosen'),
    idField: $('swap-with'),
    exclude: () => dialogGuest && dialogGuest.guest_id,
  });
  // Keep a dialog open while what it needs is missing.
  $('move-form').addEventListener('submit', (e) => {
    if (!$('move-hotel').value || !$('move-room-type').value) {
      e.preventDefault();
      say($('move-error'), t('plan.move_missing'));
    }
  });
  $('swap-form').addEventListener('submit', (e) => {
    const other = parseInt($('swap-with').value, 10);
    if (!Number.isInteger(other) || other <= 0 || (dialogGuest && other === dialogGuest.guest_id)) {
      e.preventDefault();
      say($('swap-error'), t('plan.swap_missing'));
    }
  });
  // Enter in a search box picks nothing and must not submit (and close) the dialog.
  for (const id of ['move-with-q', 'swap-q']) {
    $(id).addEventListener('keydown', (e) => {
      if (e.key === 'Enter') e.preventDefault();
    });
  }
}

// ---------- set-up ----------

/** Show `p`'s assignments; `reset` clears the filters (another plan was chosen). */
export function setPlan(p, canEdit, { reset = false } = {}) {
  const other = !plan || plan.id !== p.id;
  plan = p;
  editable = canEdit;
  if (reset || other) {
    errors.clear();
    state.page = 1;
  }
  renderAssignments();
}

export function initAssignments({ hotels: list, onChanged: changedFn }) {
  hotels = list;
  onChanged = changedFn;
  fillHotelSelect($('asg-hotel'), state.hotel, true);
  renderPager = pager({ prev: $('asg-prev'), next: $('asg-next'), info: $('asg-page') }, state, (page) => {
    state.page = page;
    loadAssignments();
    $('asg-title').scrollIntoView({ block: 'start' });
  });
  $('asg-hotel').addEventListener('change', () => {
    state.hotel = $('asg-hotel').value;
    state.page = 1;
    loadAssignments();
  });
  const typed = debounce(() => {
    state.q = $('asg-search').value;
    state.page = 1;
    loadAssignments();
  }, 300);
  $('asg-search').addEventListener('input', typed);
  $('asg-filters').addEventListener('submit', (e) => {
    e.preventDefault();
    state.q = $('asg-search').value;
    state.page = 1;
    loadAssignments();
  });
  $('asg-table').addEventListener('click', (e) => {
    const btn = e.target.closest('button[data-action]');
    if (!btn) return;
    const guest = items.find((a) => String(a.guest_id) === btn.dataset.guestId);
    if (!guest) return;
    if (btn.dataset.action === 'move') openMove(guest);
    else if (btn.dataset.action === 'swap') openSwap(guest);
    else if (btn.dataset.action === 'lock') toggleLock(guest);
  });
  wireDialogs();
}
