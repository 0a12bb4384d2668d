// One designated hotel (?code=X): what changed since the previous plan revision (for the
// hotel to acknowledge), its rooming list with the CSV and print links, its room blocks, and
// its requests to release held rooms.
//
// Reception and admin reach it from the hotel list; a hotel desk reaches its own from the
// desk screen (no ?code= needed: its scope names the hotel).

import { api } from '../js/api.js';
import { clear, debounce, h, say } from '../js/dom.js';
import { categoryLabel, eventTimeShort } from '../js/format.js';
import { lang, onLangChange, t } from '../js/i18n.js';
import { initShell } from '../js/shell.js';
import { blockRows, fillRoomTypes, wireBlockForm } from './blocks.js';
import { ask, can, cell, codeParam, halalBadge, links, loadHotels, nightCount, pageOf, pager, roomTypeLabel, statusBadge, stayText, wireDialogs } from './shared.js';

const $ = (id) => document.getElementById(id);
const ROOMING_PER_PAGE = 50;

let user = null;
let code = '';
let hotel = null;
let blocks = [];
let rooming = null; // {hotel, revision, rows}
let changes = null;
let releases = [];
const roomingState = { page: 1, perPage: ROOMING_PER_PAGE, total: 0, q: '' };
let renderRoomingPager = () => {};

const hotelUrl = (suffix) => `/api/v1/hotels/${encodeURIComponent(code)}${suffix}`;

// ---------- the hotel ----------

function fact(key, value) {
  if (value === null || value === undefined || value === '' || (Array.isArray(value) && !value.length)) return [];
  return [h('dt', {}, t(key)), h('dd', {}, value)];
}

function renderHotel() {
  const name = hotel ? hotel.name || hotel.code : code;
  $('hotel-title').textContent = name;
  delete $('hotel-title').dataset.i18n;
  $('hotel-code-label').textContent = code;
  document.title = `${name} · ${t('app.name')}`;
  if (!hotel) return;
  const cats = (hotel.categories || []).map((c) => h('span', { class: `badge cat cat-${c}` }, categoryLabel(c)));
  clear($('hotel-facts')).append(
    ...fact('hotels.name_en', hotel.name_en),
    ...fact('hotels.address', hotel.address),
    ...fact('hotels.address_en', hotel.address_en),
    ...fact('hotels.contact_name', [hotel.contact_name, hotel.contact_phone, hotel.email].filter(Boolean).join(' · ')),
    ...fact('hotels.col_categories', cats),
    ...fact('hotels.col_minutes', hotel.venue_minutes != null ? t('hotels.minutes', { n: hotel.venue_minutes }) : ''),
    ...fact('hotels.col_halal', hotel.halal ? halalBadge(true) : t('common.no')),
    ...fact('hotels.col_exclusive', hotel.exclusive ? t('hotels.exclusive_yes') : t('common.no')),
  );
}

// ---------- changes since the previous revision ----------

function changeRow(kind, r) {
  const before = r.before ? `${roomTypeLabel(r.before.room_type)} · ${stayText(r.before.nights_from, r.before.nights_to)}` : '';
  const now = `${roomTypeLabel(r.room_type)} · ${stayText(r.nights_from, r.nights_to)}`;
  return h(
    'li',
    { class: `chg-item chg-${kind}`, dataset: { guestId: r.guest_id, change: kind } },
    h('strong', {}, r.name || `#${r.guest_id}`),
    ' ',
    kind === 'moved' && before ? h('span', {}, h('s', { class: 'muted' }, before), ' → ', now) : h('span', {}, now),
  );
}

// A first publication lists every guest as added (a thousand lines): show a few, the rest on a tap.
const CHANGES_SHOWN = 20;

function changeGroup(kind, rows) {
  if (!rows.length) return null;
  const list = h('ul', { class: 'chg-list' }, rows.slice(0, CHANGES_SHOWN).map((r) => changeRow(kind, r)));
  const more =
    rows.length > CHANGES_SHOWN
      ? h(
          'button',
          {
            type: 'button',
            class: 'btn btn-ghost chg-more',
            onclick: (e) => {
              list.replaceChildren(...rows.map((r) => changeRow(kind, r)));
              e.currentTarget.remove();
            },
          },
          t('chg.show_all', { n: rows.length }),
        )
      : null;
  return h(
    'div',
    { class: `chg-group chg-group-${kind}`, id: `changes-${kind}` },
    h('h3', {}, t(`chg.${kind}`), ' ', h('span', { class: 'pill' }, String(rows.length))),
    list,
    more,
  );
}

function renderChanges() {
  if (!changes) return;
  const added = changes.added || [];
  const removed = changes.removed || [];
  const moved = changes.moved || [];
  const any = added.length + removed.length + moved.length > 0;
  $('changes-summary').textContent =
    changes.revision == null
      ? t('chg.no_plan') // nothing published yet: nothing to acknowledge
      : changes.previous_revision != null
        ? t('chg.summary', { rev: changes.revision, prev: changes.previous_revision, added: added.length, removed: removed.length, moved: moved.length })
        : t('chg.first', { rev: changes.revision });
  clear($('changes-lists')).append(...[changeGroup('added', added), changeGroup('removed', removed), changeGroup('moved', moved)].filter(Boolean));
  if (changes.acknowledged) {
    say($('changes-ack'), t('chg.acknowledged_at', { at: eventTimeShort(changes.acknowledged_at) || '', by: changes.acknowledged_by || '' }));
  } else {
    say($('changes-ack'), '');
  }
  $('changes').classList.toggle('is-unread', any && !changes.acknowledged);
  $('acknowledge').hidden = !(can(user, 'acknowledge') && !changes.acknowledged && changes.revision != null);
}

async function loadChanges() {
  try {
    changes = await api(hotelUrl('/changes'));
    say($('changes-error'), '');
  } catch (err) {
    changes = null;
    $('acknowledge').hidden = true;
    // No published plan yet is normal before the committee approves one.
    if (err.status === 404) $('changes-summary').textContent = t('chg.no_plan');
    else say($('changes-error'), err.message);
  }
  renderChanges();
}

async function acknowledge() {
  const btn = $('acknowledge');
  btn.disabled = true;
  try {
    await api(hotelUrl('/acknowledge'), { method: 'POST', json: {} });
    await loadChanges();
  } catch (err) {
    say($('changes-error'), err.message);
  } finally {
    btn.disabled = false;
  }
}

// ---------- rooming list ----------

function roomingRows() {
  const rows = Array.isArray(rooming?.rows) ? rooming.rows : [];
  const q = roomingState.q.trim().toLowerCase();
  if (!q) return rows;
  return rows.filter((r) =>
    [r.name, r.name_latin, r.delegation, r.roommate, r.room_no, roomTypeLabel(r.room_type), r.arrival_no].some((v) => v && String(v).toLowerCase().includes(q)),
  );
}

function roomingRow(r) {
  const over = Number(r.nights) > Number(r.entitled_nights);
  return h(
    'tr',
    { dataset: { guestId: r.guest_id, category: r.category || '' }, class: over ? 'has-self-paid' : '' },
    cell('col.name', 'c-name', h('span', { class: 'name' }, r.name || ''), r.name_latin ? h('span', { class: 'name-latin' }, r.name_latin) : null, h('span', { class: 'sub' }, r.ref || `#${r.guest_id}`)),
    cell('col.category', 'c-cat', r.category ? h('span', { class: `badge cat cat-${r.category}` }, categoryLabel(r.category)) : ''),
    cell('col.delegation', 'c-deleg', r.delegation || r.organization || ''),
    cell('rooming.col_room', 'c-type', roomTypeLabel(r.room_type), r.room_no ? h('strong', { class: 'room-no' }, ` ${r.room_no}`) : null),
    cell('rooming.col_roommate', 'c-mates', r.roommate || ''),
    cell('rooming.col_arrival', 'c-arrival', [eventTimeShort(r.arrival_at), r.arrival_no].filter(Boolean).join(' · ')),
    cell('rooming.col_nights', 'c-nights', stayText(r.nights_from, r.nights_to)),
    cell(
      'rooming.col_entitled',
      'c-num',
      String(r.entitled_nights ?? ''),
      over ? h('span', { class: 'badge self-paid' }, t('rooming.self_paid', { n: Number(r.nights) - Number(r.entitled_nights) })) : null,
    ),
    cell('rooming.col_diet', 'c-diet', halalBadge(r.halal), r.diet ? h('span', {}, ` ${r.diet}`) : null),
  );
}

function renderRooming() {
  const rows = roomingRows();
  roomingState.total = rows.length;
  roomingState.page = Math.min(roomingState.page, Math.max(1, Math.ceil(rows.length / ROOMING_PER_PAGE)));
  $('rooming-total').textContent = String(rooming?.rows?.length ?? 0);
  $('rooming-revision').textContent = rooming?.revision != null ? t('rooming.revision', { n: rooming.revision }) : '';
  clear($('rooming-table').querySelector('tbody')).append(...pageOf(rows, roomingState.page, ROOMING_PER_PAGE).map(roomingRow));
  $('rooming-empty').hidden = rows.length > 0;
  renderRoomingPager();
}

async function loadRooming() {
  try {
    rooming = await api(hotelUrl('/rooming-list'));
    say($('rooming-error'), '');
  } catch (err) {
    rooming = { rows: [] };
    if (err.status !== 404) say($('rooming-error'), err.message);
  }
  renderRooming();
}

// ---------- blocks ----------

function renderBlocks() {
  const onDelete = can(user, 'editHotels') ? deleteBlock : undefined;
  clear($('blocks-table').querySelector('tbody')).append(...blockRows(blocks, { onDelete }));
  $('blocks-empty').hidden = blocks.length > 0;
}

async function loadBlocks() {
  try {
    blocks = await api(hotelUrl('/blocks'));
    say($('blocks-error'), '');
  } catch (err) {
    blocks = [];
    say($('blocks-error'), err.message);
  }
  renderBlocks();
}

async function deleteBlock(block) {
  const text = t('blocks.delete_confirm', { rooms: block.rooms, type: roomTypeLabel(block.room_type), nights: stayText(block.nights_from, block.nights_to) });
  $('confirm-text').textContent = text;
  if ((await ask($('confirm-dialog'))) !== 'ok') return;
  try {
    await api(hotelUrl(`/blocks/${encodeURIComponent(block.id)}`), { method: 'DELETE' });
    await loadBlocks();
  } catch (err) {
    say($('blocks-error'), err.message);
  }
}

// ---------- release requests ----------

function releaseRow(r) {
  return h(
    'tr',
    { dataset: { releaseId: r.id, status: r.status } },
    cell('rel.col_rooms', 'c-rooms', t('rel.rooms', { type: roomTypeLabel(r.room_type), n: r.rooms })),
    cell('rel.col_nights', 'c-nights', stayText(r.nights_from, r.nights_to)),
    cell('rel.col_reason', 'c-reason', r.reason || ''),
    cell('rel.col_status', 'c-status', statusBadge('release_status', r.status)),
    cell('rel.col_decision', 'c-who', [r.decided_by, r.comment].filter(Boolean).join(' · ')),
  );
}

function renderReleases() {
  clear($('release-table').querySelector('tbody')).append(...releases.map(releaseRow));
  $('release-empty').hidden = releases.length > 0;
  $('release-table').hidden = releases.length === 0;
}

/**
 * This hotel's requests. The contract lists `?status=pending`; without the filter the list
 * should hold every status (the hotel wants to see the answers) — if the server insists on a
 * status, the pending ones are shown.
 */
async function loadReleases() {
  let list;
  try {
    list = await api('/api/v1/releases');
  } catch (err) {
    if (err.status !== 400 && err.status !== 422) return say($('release-error'), err.message);
    list = await api('/api/v1/releases?status=pending').catch((e) => {
      say($('release-error'), e.message);
      return [];
    });
  }
  releases = (Array.isArray(list) ? list : []).filter((r) => r.hotel === code).sort((a, b) => String(b.created_at).localeCompare(String(a.created_at)));
  renderReleases();
}

async function submitRelease(e) {
  e.preventDefault();
  say($('release-error'), '');
  say($('release-ok'), '');
  const body = {
    room_type: $('release-room-type').value,
    nights_from: $('release-from').value,
    nights_to: $('release-to').value,
    rooms: parseInt($('release-rooms').value, 10),
    reason: $('release-reason').value.trim(),
  };
  if (nightCount(body.nights_from, body.nights_to) <= 0) return say($('release-error'), t('blocks.bad_dates'));
  if (!Number.isInteger(body.rooms) || body.rooms < 1) return say($('release-error'), t('blocks.bad_rooms'));
  if (!body.reason) return say($('release-error'), t('rel.need_reason'));
  $('release-submit').disabled = true;
  try {
    await api(hotelUrl('/releases'), { method: 'POST', json: body });
    say($('release-ok'), t('rel.sent'));
    $('release-form').reset();
    await loadReleases();
  } catch (err) {
    say($('release-error'), err.message);
  } finally {
    $('release-submit').disabled = false;
  }
}

// ---------- page ----------

function setLinks() {
  $('rooming-csv').href = links.roomingCsv(code);
  $('rooming-print').href = links.rooming(code);
  // The settlement's headers follow the screen language; the rooming CSV is bilingual anyway.
  $('settlement-csv').href = `${links.settlementCsv(code)}?lang=${lang()}`;
  $('desk-link').href = links.desk(code);
  $('desk-link').hidden = !can(user, 'desk');
  // A hotel desk came from its desk screen: that is where "back" goes.
  if (user && user.role === 'hotel_desk') {
    $('back').href = '/desk/';
    $('back').dataset.i18n = 'hotel.back_desk';
    $('back').textContent = t('hotel.back_desk');
  }
}

onLangChange(() => {
  if (code) setLinks();
  renderHotel();
  renderChanges();
  renderRooming();
  renderBlocks();
  renderReleases();
  fillRoomTypes($('block-room-type'));
  fillRoomTypes($('release-room-type'));
});

async function main() {
  wireDialogs();
  renderRoomingPager = pager({ prev: $('rooming-prev'), next: $('rooming-next'), info: $('rooming-page') }, roomingState, (page) => {
    roomingState.page = page;
    renderRooming();
  });
  user = await initShell();
  for (const el of document.querySelectorAll('[data-role]')) el.hidden = !can(user, el.dataset.role);
  code = codeParam() || (user && user.role === 'hotel_desk' ? user.scope || '' : '');
  if (!code) {
    say($('page-error'), t('hotel.no_code'));
    $('hotel-title').textContent = t('hotel.title');
    return;
  }
  setLinks();
  renderHotel();
  fillRoomTypes($('release-room-type'));
  $('acknowledge').addEventListener('click', acknowledge);
  $('release-form').addEventListener('submit', submitRelease);
  $('rooming-search').addEventListener(
    'input',
    debounce(() => {
      roomingState.q = $('rooming-search').value;
      roomingState.page = 1;
      renderRooming();
    }, 200),
  );
  wireBlockForm({ hotelCode: () => code, onCreated: loadBlocks });

  // There is no GET /hotels/{code}: the list (a hotel desk's holds only its own) has it.
  loadHotels()
    .then((list) => {
      hotel = list.find((x) => x.code === code) || null;
      if (!hotel) say($('page-error'), t('hotel.not_found', { code }));
      renderHotel();
    })
    .catch((err) => say($('page-error'), err.message));
  if (can(user, 'acknowledge')) loadChanges(); // the committee reads plans, not the hotels' change notices
  loadRooming();
  loadBlocks();
  loadReleases();
}

main();
