// 住宿 Hotels: the occupancy heat map, the designated hotels with their room blocks, the
// hotels' pending requests to release held rooms, and the lodging policy.
//
// Reception and admin edit (new hotel or a hotel's details — its English name and address
// go into English-speaking guests' itineraries —, new block, grant/refuse, policy); the
// committee reads the same page. Each part loads on its own, so one failing call leaves the rest usable.

import { api } from '../js/api.js';
import { clear, h, say } from '../js/dom.js';
import { CATEGORIES, categoryLabel, eventTimeShort } from '../js/format.js';
import { onLangChange, t } from '../js/i18n.js';
import { initShell } from '../js/shell.js';
import { eachLimited } from '../passes/shared.js';
import { blocksSummary, fillRoomTypes, wireBlockForm } from './blocks.js';
import { renderLegend, renderOccupancy } from './occupancy.js';
import { initPolicy, render as renderPolicy, setPolicyHotels } from './policy.js';
import { ask, can, cell, halalBadge, hotelOption, links, loadHotels, roomTypeLabel, stayText, wireDialogs } from './shared.js';

const $ = (id) => document.getElementById(id);

let user = null;
let hotels = [];
const blocksByHotel = new Map(); // code → [Block]
let occupancy = null;
let releases = [];
let plan = null; // the plan the heat map shows: its unplaced count
let editing = null; // the code of the hotel the form changes; null: the form adds one

// ---------- guests without a room ----------

function drawUnplaced() {
  const line = $('unplaced-line');
  line.hidden = !plan;
  if (!plan) return;
  const n = Number(plan.unplaced) || 0;
  line.classList.toggle('is-warn', n > 0);
  line.replaceChildren(
    ...(n > 0
      ? [t('occ.unplaced', { n }), ' · ', h('a', { href: `/hotels/plan.html?id=${encodeURIComponent(plan.id)}#unplaced-title` }, t('occ.unplaced_link'))]
      : [t('occ.all_placed')]),
  );
}

async function loadUnplaced() {
  try {
    const list = await api('/api/v1/allocations');
    const plans = Array.isArray(list) ? list : [];
    const id = occupancy?.plan_id;
    plan = plans.find((p) => p.id === id) || plans.find((p) => p.status === 'published') || null;
  } catch {
    plan = null; // the heat map still stands; the plan page says why
  }
  drawUnplaced();
}

// ---------- occupancy ----------

function drawOccupancy() {
  renderLegend($('occupancy-legend'));
  if (!occupancy) return;
  const drawn = renderOccupancy($('occupancy-grid'), occupancy);
  $('occupancy-wrap').hidden = !drawn;
  $('occupancy-empty').hidden = drawn;
}

async function loadOccupancy() {
  try {
    occupancy = await api('/api/v1/occupancy');
    say($('occupancy-error'), '');
  } catch (err) {
    say($('occupancy-error'), err.message);
  }
  drawOccupancy();
}

// ---------- hotels ----------

function hotelRow(hotel) {
  const cats = Array.isArray(hotel.categories) ? hotel.categories : [];
  const blocks = blocksByHotel.get(hotel.code);
  const contact = [hotel.contact_name, hotel.contact_phone].filter(Boolean).join(' · ');
  return h(
    'tr',
    { dataset: { hotel: hotel.code } },
    cell(
      'hotels.col_hotel',
      'c-name',
      h('a', { href: links.hotel(hotel.code), class: 'name' }, hotel.name || hotel.code),
      h('span', { class: 'sub' }, hotel.code),
      hotel.name_en ? h('span', { class: 'hz-address', lang: 'en' }, hotel.name_en) : null,
      hotel.address ? h('span', { class: 'hz-address' }, hotel.address) : null,
    ),
    cell('hotels.col_categories', 'c-cats', cats.map((c) => h('span', { class: `badge cat cat-${c}` }, categoryLabel(c)))),
    cell('hotels.col_halal', 'c-halal', halalBadge(hotel.halal)),
    cell('hotels.col_minutes', 'c-num', hotel.venue_minutes != null ? t('hotels.minutes', { n: hotel.venue_minutes }) : ''),
    cell('hotels.col_exclusive', 'c-excl', hotel.exclusive ? h('span', { class: 'badge hz-exclusive' }, t('hotels.exclusive_yes')) : ''),
    cell('hotels.col_contact', 'c-contact', contact),
    cell('hotels.col_blocks', 'c-blocks', blocks === undefined ? '…' : blocks.length ? blocksSummary(blocks) : ''),
    can(user, 'editHotels')
      ? cell('hotels.col_actions', 'c-actions', h('button', { type: 'button', class: 'btn hotel-edit', dataset: { hotel: hotel.code }, onclick: () => editHotel(hotel) }, t('hotels.edit')))
      : null,
  );
}

function renderHotels() {
  $('hotel-count').textContent = String(hotels.length);
  clear($('hotel-table').querySelector('tbody')).append(...hotels.map(hotelRow));
  $('hotel-empty').hidden = hotels.length > 0;
  const select = $('block-hotel');
  const keep = select.value;
  clear(select).append(h('option', { value: '' }, t('blocks.pick_hotel')), ...hotels.map((x) => h('option', { value: x.code }, hotelOption(x))));
  if (hotels.some((x) => x.code === keep)) select.value = keep;
}

async function loadBlocks(codes) {
  await eachLimited(codes, 4, async (code) => {
    try {
      blocksByHotel.set(code, await api(`/api/v1/hotels/${encodeURIComponent(code)}/blocks`));
    } catch {
      blocksByHotel.set(code, []); // the summary stays empty; the hotel's own page shows the error
    }
  });
  renderHotels();
}

async function loadHotelList() {
  try {
    hotels = await loadHotels();
    say($('hotel-list-error'), '');
  } catch (err) {
    say($('hotel-list-error'), err.message);
  }
  renderHotels();
  loadBlocks(hotels.map((x) => x.code));
  return hotels;
}

// ---------- new hotel, or a hotel's details ----------

function fillCategoryOptions() {
  const box = $('hotel-categories');
  const checked = new Set([...box.querySelectorAll('input:checked')].map((i) => i.value));
  clear(box).append(
    ...CATEGORIES.map((c) =>
      h('label', { class: 'zone-option' }, h('input', { type: 'checkbox', name: 'categories', value: c, checked: checked.has(c) }), h('span', {}, categoryLabel(c))),
    ),
  );
}

function readHotelForm() {
  const text = (id) => $(id).value.trim();
  const minutes = text('hotel-minutes');
  return {
    code: text('hotel-code'),
    name: text('hotel-name'),
    name_en: text('hotel-name-en'),
    address: text('hotel-address'),
    address_en: text('hotel-address-en'),
    contact_name: text('hotel-contact-name'),
    contact_phone: text('hotel-contact-phone'),
    email: text('hotel-email'),
    categories: [...$('hotel-categories').querySelectorAll('input:checked')].map((i) => i.value),
    halal: $('hotel-halal').checked,
    venue_minutes: minutes === '' ? 0 : parseInt(minutes, 10),
    exclusive: $('hotel-exclusive').checked,
  };
}

/** The form's title and buttons: adding a hotel, or changing `editing`. */
function drawHotelForm() {
  const hotel = editing ? hotels.find((x) => x.code === editing) : null;
  $('hotel-form-title').textContent = editing ? t('hotels.edit_title', { name: hotel ? hotelOption(hotel) : editing }) : t('hotels.new');
  $('hotel-cancel').hidden = !editing;
  // The code names the hotel in plans, stays and links: it is set once.
  $('hotel-code').readOnly = Boolean(editing);
}

/** Fill the form with `hotel`'s details; saving then changes it instead of adding one. */
function editHotel(hotel) {
  editing = hotel.code;
  const set = (id, value) => {
    $(id).value = value ?? '';
  };
  set('hotel-code', hotel.code);
  set('hotel-name', hotel.name);
  set('hotel-name-en', hotel.name_en);
  set('hotel-address', hotel.address);
  set('hotel-address-en', hotel.address_en);
  set('hotel-contact-name', hotel.contact_name);
  set('hotel-contact-phone', hotel.contact_phone);
  set('hotel-email', hotel.email);
  set('hotel-minutes', hotel.venue_minutes);
  const cats = new Set(Array.isArray(hotel.categories) ? hotel.categories : []);
  for (const box of $('hotel-categories').querySelectorAll('input')) box.checked = cats.has(box.value);
  $('hotel-halal').checked = Boolean(hotel.halal);
  $('hotel-exclusive').checked = Boolean(hotel.exclusive);
  say($('hotel-error'), '');
  say($('hotel-ok'), '');
  drawHotelForm();
  $('hotel-form-card').open = true;
  $('hotel-form-card').scrollIntoView({ behavior: 'smooth', block: 'start' });
  $('hotel-name').focus({ preventScroll: true });
}

function stopEditing() {
  editing = null;
  $('hotel-form').reset();
  drawHotelForm();
}

async function submitHotel(e) {
  e.preventDefault();
  say($('hotel-error'), '');
  say($('hotel-ok'), '');
  const body = readHotelForm();
  if (!body.code || !body.name) return say($('hotel-error'), t('hotels.need_code_name'));
  if (!body.categories.length) return say($('hotel-error'), t('hotels.need_category'));
  if (!Number.isInteger(body.venue_minutes) || body.venue_minutes < 0) return say($('hotel-error'), t('hotels.bad_minutes'));
  if (editing) return saveHotel(editing, body);
  // A new hotel without an English name or address leaves them out (none).
  for (const key of ['name_en', 'address_en']) if (!body[key]) delete body[key];
  $('hotel-submit').disabled = true;
  try {
    const hotel = await api('/api/v1/hotels', { method: 'POST', json: body });
    say($('hotel-ok'), t('hotels.created', { name: hotel?.name || body.name }));
    $('hotel-form').reset();
    await loadHotelList();
    setPolicyHotels(hotels);
    $('block-hotel').value = hotel?.code || body.code; // the next step is usually its blocks
    $('block-form-card').open = true;
    loadOccupancy();
  } catch (err) {
    say($('hotel-error'), err.message);
  } finally {
    $('hotel-submit').disabled = false;
  }
}

/** PATCH the hotel `code` with the form's details; an emptied English name or address is sent as "" (cleared). */
async function saveHotel(code, body) {
  delete body.code;
  $('hotel-submit').disabled = true;
  try {
    const hotel = await api(`/api/v1/hotels/${encodeURIComponent(code)}`, { method: 'PATCH', json: body });
    stopEditing();
    say($('hotel-ok'), t('hotels.saved', { name: hotel?.name || body.name }));
    await loadHotelList();
    setPolicyHotels(hotels);
    loadOccupancy(); // the heat map names the hotels
  } catch (err) {
    say($('hotel-error'), err.message);
  } finally {
    $('hotel-submit').disabled = false;
  }
}

// ---------- release requests ----------

function releaseRow(r) {
  const decide = can(user, 'decideReleases');
  return h(
    'tr',
    { dataset: { releaseId: r.id, hotel: r.hotel } },
    cell('rel.col_hotel', 'c-name', h('a', { href: links.hotel(r.hotel) }, r.hotel_name || r.hotel)),
    cell('rel.col_rooms', 'c-rooms', t('rel.rooms', { type: roomTypeLabel(r.room_type), n: r.rooms })),
    cell('rel.col_nights', 'c-nights', stayText(r.nights_from, r.nights_to)),
    cell('rel.col_reason', 'c-reason', r.reason || ''),
    cell('rel.col_requested', 'c-who', [r.requested_by, eventTimeShort(r.created_at)].filter(Boolean).join(' · ')),
    cell(
      'rel.col_actions',
      'c-actions',
      decide
        ? h(
            'span',
            { class: 'row-actions' },
            h('button', { type: 'button', class: 'btn btn-primary release-grant', onclick: () => decideRelease(r, 'grant') }, t('rel.grant')),
            h('button', { type: 'button', class: 'btn release-refuse', onclick: () => decideRelease(r, 'refuse') }, t('rel.refuse')),
          )
        : h('span', { class: 'muted' }, t('rel.waiting')),
      h('p', { class: 'row-error', role: 'alert', hidden: true }),
    ),
  );
}

function renderReleases() {
  $('release-count').textContent = String(releases.length);
  clear($('release-table').querySelector('tbody')).append(...releases.map(releaseRow));
  $('release-empty').hidden = releases.length > 0;
  $('release-table').hidden = releases.length === 0;
}

async function loadReleases() {
  try {
    const list = await api('/api/v1/releases?status=pending');
    releases = Array.isArray(list) ? list : [];
    say($('release-error'), '');
  } catch (err) {
    say($('release-error'), err.message);
  }
  renderReleases();
}

async function decideRelease(r, action) {
  $('decide-title').textContent = t(action === 'grant' ? 'rel.grant_title' : 'rel.refuse_title');
  $('decide-summary').textContent = `${r.hotel_name || r.hotel} · ${t('rel.rooms', { type: roomTypeLabel(r.room_type), n: r.rooms })} · ${stayText(r.nights_from, r.nights_to)}`;
  $('decide-comment').value = '';
  $('decide-submit').textContent = t(action === 'grant' ? 'rel.grant' : 'rel.refuse');
  if ((await ask($('decide-dialog'))) !== 'ok') return;
  const row = document.querySelector(`#release-table tr[data-release-id="${CSS.escape(String(r.id))}"]`);
  const problem = row && row.querySelector('.row-error');
  for (const btn of row ? row.querySelectorAll('button') : []) btn.disabled = true;
  try {
    const comment = $('decide-comment').value.trim();
    await api(`/api/v1/releases/${encodeURIComponent(r.id)}/${action}`, { method: 'POST', json: comment ? { comment } : {} });
    releases = releases.filter((x) => x.id !== r.id);
    renderReleases();
    // A granted release shrinks what the hotel holds: the heat map changes.
    if (action === 'grant') loadOccupancy();
  } catch (err) {
    // 409 release_below_allocated: the published plan uses those rooms. Said on the row.
    say(problem, err.message);
    for (const btn of row ? row.querySelectorAll('button') : []) btn.disabled = false;
  }
}

// ---------- page ----------

function showByRole() {
  for (const el of document.querySelectorAll('[data-role]')) el.hidden = !can(user, el.dataset.role);
}

onLangChange(() => {
  drawOccupancy();
  drawUnplaced();
  renderHotels();
  renderReleases();
  renderPolicy();
  fillCategoryOptions();
  drawHotelForm();
  fillRoomTypes($('block-room-type'));
  $('decide-submit').textContent = t('common.confirm');
});

async function main() {
  wireDialogs();
  renderLegend($('occupancy-legend'));
  fillCategoryOptions();
  user = await initShell();
  showByRole();
  if (user && !can(user, 'readHotels')) {
    say($('page-error'), t('hotels.not_allowed'));
    return;
  }
  $('hotel-form').addEventListener('submit', submitHotel);
  $('hotel-cancel').addEventListener('click', () => {
    stopEditing();
    say($('hotel-error'), '');
  });
  wireBlockForm({
    hotelCode: () => $('block-hotel').value,
    onCreated: async (code) => {
      blocksByHotel.delete(code);
      await loadBlocks([code]);
      loadOccupancy();
    },
  });
  loadOccupancy().then(loadUnplaced);
  loadReleases();
  const list = await loadHotelList();
  initPolicy({ canEdit: can(user, 'editPolicy'), hotelList: list });
}

main();
