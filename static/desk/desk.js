// The hotel desk: today's arrivals, the guests in house and today's departures of one hotel,
// with check-in (room number), check-out, changing dates and the folio on each guest, and a
// scanner for the guest's credential (scan.js).
//
// Which hotel: a hotel_desk account's scope names it; admin and reception pick one (kept
// in the address bar as ?code= and remembered on this device). The day: today unless
// another date is picked (?date=), so the desk can look ahead at tomorrow's arrivals.

import { api } from '../js/api.js';
import { clear, debounce, h, say } from '../js/dom.js';
import { categoryLabel, eventTimeShort } from '../js/format.js';
import { onLangChange, t } from '../js/i18n.js';
import { initShell } from '../js/shell.js';
import { can, halalBadge, hotelOption, label, links, loadHotels, pageOf, pager, roomTypeLabel, selfPaidFlag, stayText, todayIso, wireDialogs } from '../hotels/shared.js';
import { createCamera } from './camera.js';
import { hideVerdict, initScan, refocus, rerender as rerenderScan, scan, setHotel, setScanUser } from './scan.js';
import { openDates, openFolio, rerenderDialogs, wireStayDialogs } from './stay-dialogs.js';

const $ = (id) => document.getElementById(id);
const HOTEL_KEY = 'yingbin.desk.hotel';
const TABS = ['arrivals', 'in_house', 'departures'];
const PER_PAGE = 30;

let user = null;
let hotels = [];
let code = '';
let desk = null; // {date, arrivals, in_house, departures}
let tab = 'arrivals';
let deskSeq = 0;
let serverToday = ''; // the event's today, as the server answered it (the device's clock may differ)
const listState = { page: 1, perPage: PER_PAGE, total: 0, q: '' };
let renderPager = () => {};

function stored(key) {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}

function store(key, value) {
  try {
    localStorage.setItem(key, value);
  } catch {
    // Not remembered across reloads.
  }
}

function writeUrl() {
  const params = new URLSearchParams();
  if (code && user && user.role !== 'hotel_desk') params.set('code', code);
  const date = $('desk-date').value;
  if (date && date !== (serverToday || todayIso())) params.set('date', date);
  const query = params.toString();
  history.replaceState(null, '', `${location.pathname}${query ? `?${query}` : ''}#${tab}`);
}

// ---------- one stay ----------

function stayLine(key, ...content) {
  const empty = content.every((c) => c === null || c === undefined || c === '' || (Array.isArray(c) && !c.length));
  return empty ? null : h('p', { class: 'stay-line' }, h('span', { class: 'stay-label' }, t(key)), h('span', {}, content));
}

function stayActions(stay) {
  const buttons = [];
  if (stay.status === 'booked') {
    buttons.push(
      h(
        'form',
        { class: 'stay-checkin', dataset: { guestId: stay.guest_id } },
        h('input', {
          class: 'stay-room-input',
          type: 'text',
          inputmode: 'numeric',
          enterkeyhint: 'done',
          autocomplete: 'off',
          value: stay.room_no || '',
          placeholder: t('desk.room_no'),
          'aria-label': t('desk.room_no_for', { name: stay.name || '' }),
        }),
        h('button', { type: 'submit', class: 'btn btn-primary stay-checkin-btn' }, t('desk.check_in')),
      ),
    );
  }
  if (stay.status === 'in_house') buttons.push(h('button', { type: 'button', class: 'btn btn-primary stay-checkout', dataset: { action: 'checkout' } }, t('desk.check_out')));
  if (stay.status !== 'checked_out') buttons.push(h('button', { type: 'button', class: 'btn stay-dates', dataset: { action: 'dates' } }, t('desk.change_dates')));
  buttons.push(h('button', { type: 'button', class: 'btn btn-ghost stay-folio', dataset: { action: 'folio' } }, t('desk.folio')));
  return h('div', { class: 'stay-actions' }, buttons);
}

function stayCard(stay) {
  const selfPaid = Array.isArray(stay.self_paid_nights) ? stay.self_paid_nights : [];
  const arrival = [eventTimeShort(stay.arrival_at), stay.arrival_no].filter(Boolean).join(' · ');
  return h(
    'li',
    {
      class: `stay cat-${stay.category || 'none'}${selfPaid.length ? ' has-self-paid' : ''}`,
      dataset: { guestId: stay.guest_id, status: stay.status, category: stay.category || '' },
    },
    h(
      'div',
      { class: 'stay-head' },
      h('span', { class: 'stay-name' }, stay.name || `#${stay.guest_id}`, stay.name_latin ? h('span', { class: 'name-latin' }, stay.name_latin) : null),
      stay.room_no ? h('span', { class: 'stay-room-no', title: t('desk.room_no') }, stay.room_no) : null,
      h('span', { class: `badge hz-status hz-stay_status-${stay.status}` }, label('stay_status', stay.status)),
    ),
    h(
      'div',
      { class: 'stay-body' },
      stayLine('desk.who', stay.category ? h('span', { class: `badge cat cat-${stay.category}` }, categoryLabel(stay.category)) : null, stay.delegation ? ` ${stay.delegation}` : null),
      stayLine('desk.room_type', roomTypeLabel(stay.room_type)),
      stayLine('desk.roommates', Array.isArray(stay.roommates) ? stay.roommates.join('、') : ''),
      stayLine('desk.nights', stayText(stay.nights_from, stay.nights_to), selfPaidFlag(selfPaid)),
      stay.entitled_from && (stay.entitled_from !== stay.nights_from || stay.entitled_to !== stay.nights_to)
        ? stayLine('desk.entitled_short', stayText(stay.entitled_from, stay.entitled_to))
        : null,
      stayLine('desk.arrival', arrival),
      stayLine('desk.diet', halalBadge(stay.halal), stay.diet ? ` ${stay.diet}` : null),
    ),
    stayActions(stay),
    h('p', { class: 'row-error alert alert-error', role: 'alert', hidden: true }),
  );
}

// ---------- the list ----------

function currentList() {
  const list = desk && Array.isArray(desk[tab]) ? desk[tab] : [];
  const q = listState.q.trim().toLowerCase();
  if (!q) return list;
  return list.filter((s) =>
    [s.name, s.name_latin, s.room_no, s.delegation, s.arrival_no, ...(s.roommates || [])].some((v) => v && String(v).toLowerCase().includes(q)),
  );
}

function renderTabs() {
  for (const name of TABS) {
    const btn = $(`tab-${name}`);
    btn.setAttribute('aria-selected', name === tab ? 'true' : 'false');
    btn.tabIndex = name === tab ? 0 : -1;
    $(`count-${name}`).textContent = String(desk && Array.isArray(desk[name]) ? desk[name].length : 0);
  }
  $('desk-panel').setAttribute('aria-labelledby', `tab-${tab}`);
}

function renderList() {
  renderTabs();
  const list = currentList();
  listState.total = list.length;
  listState.page = Math.min(listState.page, Math.max(1, Math.ceil(list.length / PER_PAGE)));
  clear($('desk-list')).append(...pageOf(list, listState.page, PER_PAGE).map(stayCard));
  $('desk-empty').hidden = list.length > 0 || !desk;
  renderPager();
}

function showTab(name) {
  if (!TABS.includes(name)) name = 'arrivals';
  tab = name;
  listState.page = 1;
  writeUrl();
  renderList();
}

async function loadDesk() {
  if (!code) return;
  const my = ++deskSeq;
  const date = $('desk-date').value;
  $('desk-list').setAttribute('aria-busy', 'true');
  try {
    const answer = await api(`/api/v1/hotels/${encodeURIComponent(code)}/desk${date ? `?date=${encodeURIComponent(date)}` : ''}`);
    if (my !== deskSeq) return;
    desk = answer;
    if (!date && desk && desk.date) {
      serverToday = desk.date; // no date asked: the answer is the event's today
      $('desk-date').value = desk.date;
    }
    say($('desk-error'), '');
  } catch (err) {
    if (my === deskSeq) say($('desk-error'), err.message);
  } finally {
    if (my === deskSeq) $('desk-list').removeAttribute('aria-busy');
  }
  renderList();
}

// ---------- row actions ----------

function findStay(guestId) {
  for (const name of TABS) {
    const found = (desk?.[name] || []).find((s) => String(s.guest_id) === String(guestId));
    if (found) return found;
  }
  return null;
}

function rowError(guestId, message) {
  const el = document.querySelector(`#desk-list li[data-guest-id="${CSS.escape(String(guestId))}"] .row-error`);
  if (el) say(el, message);
  else say($('desk-error'), message);
}

async function rowAction(stay, button, run, done) {
  say($('desk-ok'), '');
  rowError(stay.guest_id, '');
  button.disabled = true;
  try {
    const result = await run();
    if (result !== null) {
      say($('desk-ok'), done(result || stay));
      await loadDesk();
    }
  } catch (err) {
    rowError(stay.guest_id, err.message);
  } finally {
    button.disabled = false;
  }
}

function checkIn(stay, form) {
  const room = form.querySelector('.stay-room-input').value.trim();
  if (room.length >= 40) {
    // A pass scanned into the room field: it is a scan, not a room number.
    form.querySelector('.stay-room-input').value = '';
    scan(room);
    return;
  }
  if (!room) {
    rowError(stay.guest_id, t('desk.need_room'));
    form.querySelector('.stay-room-input').focus();
    return;
  }
  rowAction(
    stay,
    form.querySelector('button'),
    () => api(`/api/v1/stays/${encodeURIComponent(stay.guest_id)}/check-in`, { method: 'POST', json: { room_no: room } }),
    (s) => t('desk.checked_in', { name: s.name || stay.name, room: s.room_no || room }),
  );
}

function wireList() {
  $('desk-list').addEventListener('submit', (e) => {
    const form = e.target.closest('form.stay-checkin');
    if (!form) return;
    e.preventDefault();
    const stay = findStay(form.dataset.guestId);
    if (stay) checkIn(stay, form);
  });
  $('desk-list').addEventListener('click', (e) => {
    const btn = e.target.closest('button[data-action]');
    if (!btn) return;
    const stay = findStay(btn.closest('li[data-guest-id]').dataset.guestId);
    if (!stay) return;
    if (btn.dataset.action === 'checkout') {
      rowAction(
        stay,
        btn,
        () => api(`/api/v1/stays/${encodeURIComponent(stay.guest_id)}/check-out`, { method: 'POST', json: {} }),
        (s) => t('desk.checked_out', { name: s.name || stay.name }),
      );
    } else if (btn.dataset.action === 'dates') {
      rowAction(stay, btn, () => openDates(stay), (s) => {
        const self = Array.isArray(s.self_paid_nights) ? s.self_paid_nights.length : 0;
        return t(self ? 'desk.dates_saved_self' : 'desk.dates_saved', { name: s.name || stay.name, range: stayText(s.nights_from, s.nights_to), n: self });
      });
    } else if (btn.dataset.action === 'folio') {
      openFolio(stay);
    }
  });
}

// ---------- hotel and day ----------

function renderHotelName() {
  const hotel = hotels.find((x) => x.code === code);
  const name = $('desk-hotel-name');
  delete name.dataset.i18n;
  name.textContent = hotel ? hotel.name || hotel.code : code || t('desk.pick_hotel');
  name.classList.toggle('is-unset', !code);
  document.title = `${hotel ? hotel.name : t('desk.title')} · ${t('app.name')}`;
  $('desk-hotel-link').hidden = !code;
  if (code) $('desk-hotel-link').href = links.hotel(code);
}

async function chooseHotel(next) {
  code = next || '';
  $('desk-hotel').value = code;
  if (code && user && user.role !== 'hotel_desk') store(HOTEL_KEY, code);
  desk = null;
  hideVerdict();
  renderHotelName();
  writeUrl();
  renderList();
  await Promise.all([setHotel(code), loadDesk()]);
}

function fillHotelSelect() {
  const select = $('desk-hotel');
  clear(select).append(h('option', { value: '' }, t('desk.pick_hotel')), ...hotels.map((x) => h('option', { value: x.code }, hotelOption(x))));
  select.value = code;
}

/** The hotel this screen serves: the desk account's own, or the one asked for / last used. */
function initialHotel(params) {
  if (user && user.role === 'hotel_desk') return user.scope || '';
  const wanted = params.get('code') || stored(HOTEL_KEY) || '';
  if (hotels.some((x) => x.code === wanted)) return wanted;
  return hotels.length === 1 ? hotels[0].code : '';
}

// ---------- page ----------

function wireCamera() {
  const button = $('desk-camera-toggle');
  const labelEl = $('desk-camera-label');
  const camera = createCamera({
    video: $('desk-camera-video'),
    box: $('desk-camera-box'),
    onCode: (text) => scan(text),
    onNote: (key) => {
      const note = $('desk-camera-note');
      if (!key) {
        note.hidden = true;
        return;
      }
      note.dataset.i18n = key;
      note.textContent = t(key);
      note.hidden = false;
    },
    onState: (on) => {
      button.setAttribute('aria-pressed', on ? 'true' : 'false');
      button.classList.toggle('is-on', on);
      labelEl.dataset.i18n = on ? 'cp.camera_off' : 'cp.camera_on';
      labelEl.textContent = t(labelEl.dataset.i18n);
    },
  });
  button.addEventListener('click', () => {
    camera.toggle();
    refocus();
  });
}

function wireControls() {
  $('desk-hotel').addEventListener('change', () => chooseHotel($('desk-hotel').value));
  $('desk-date').addEventListener('change', () => {
    writeUrl();
    loadDesk();
  });
  $('desk-today').addEventListener('click', () => {
    $('desk-date').value = '';
    loadDesk().then(writeUrl);
  });
  $('desk-search').addEventListener(
    'input',
    debounce(() => {
      listState.q = $('desk-search').value;
      listState.page = 1;
      renderList();
    }, 200),
  );
  // A pass scanned while the search box has the focus arrives here: take it as a scan.
  $('desk-search').addEventListener('keydown', (e) => {
    if (e.key !== 'Enter' || $('desk-search').value.trim().length < 40) return;
    e.preventDefault();
    const value = $('desk-search').value;
    $('desk-search').value = '';
    listState.q = '';
    renderList();
    scan(value);
  });
  const tabs = document.querySelector('.desk-tabs');
  tabs.addEventListener('click', (e) => {
    const btn = e.target.closest('[data-tab]');
    if (btn) showTab(btn.dataset.tab);
  });
  // Arrow keys move between tabs (the WAI-ARIA tabs pattern).
  tabs.addEventListener('keydown', (e) => {
    if (e.key !== 'ArrowRight' && e.key !== 'ArrowLeft') return;
    const i = TABS.indexOf(tab);
    showTab(TABS[(i + (e.key === 'ArrowRight' ? 1 : TABS.length - 1)) % TABS.length]);
    $(`tab-${tab}`).focus();
  });
  renderPager = pager({ prev: $('desk-prev'), next: $('desk-next'), info: $('desk-page') }, listState, (page) => {
    listState.page = page;
    renderList();
    $('desk-panel').scrollIntoView({ block: 'start' });
  });
}

onLangChange(() => {
  renderHotelName();
  if (hotels.length) fillHotelSelect();
  renderList();
  rerenderScan();
  rerenderDialogs();
});

async function main() {
  const params = new URLSearchParams(location.search);
  tab = TABS.includes(location.hash.slice(1)) ? location.hash.slice(1) : 'arrivals';
  if (params.get('date')) $('desk-date').value = params.get('date');
  wireDialogs();
  wireStayDialogs();
  wireControls();
  wireList();
  wireCamera();
  initScan({ onCheckedIn: () => loadDesk() });
  renderTabs();
  refocus();

  user = await initShell({ offline: true });
  setScanUser(user);
  if (user && !can(user, 'desk')) {
    say($('desk-error'), t('desk.not_allowed'));
    return;
  }
  try {
    hotels = await loadHotels();
  } catch (err) {
    hotels = [];
    say($('desk-error'), err.message);
  }
  // Reception and admin serve any hotel; a desk account only its own (no menu).
  $('desk-hotel-field').hidden = !user || user.role === 'hotel_desk';
  fillHotelSelect();
  await chooseHotel(initialHotel(params));
  if (!code) say($('desk-error'), user && user.role === 'hotel_desk' ? t('desk.no_scope') : '');
}

main();
