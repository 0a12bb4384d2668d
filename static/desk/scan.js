// Scanning at the hotel desk: the guest shows the credential, the desk scans it, the verdict
// says whether the guest is booked here today and shows the booking, and "check in" takes a
// room number.
//
// The keyboard-wedge handling follows static/checkpoint/checkpoint.js: a handheld scanner
// "types" the QR's text into #desk-scan-input and presses Enter; the field keeps the focus
// (taken back after a tap on nothing and after each verdict), keys typed while nothing else
// wants them are moved into it, and `inputmode="none"` keeps a tablet's keyboard away. Unlike
// the checkpoint, the verdict stays on screen (the desk acts on it) until closed or replaced.
//
// A scan into the room-number field (the clerk forgot to close the last verdict) is long
// like a pass token, never like a room number: it is taken as the next scan.
//
// Scans go through the shared scanner (../js/offline/scanner.js): without a network the
// hotel's signed kit (its bookings) decides, and the verdict says "离线 offline".

import { api, listAll } from '../js/api.js';
import { cachedList, createScanner } from '../js/offline/scanner.js';
import { mountStatus, renderOfflineBand } from '../js/offline/status.js';
import { clear, h, say } from '../js/dom.js';
import { categoryLabel } from '../js/format.js';
import { t } from '../js/i18n.js';
import { reasonText } from '../passes/shared.js';
import { halalBadge, label, roomTypeLabel, selfPaidFlag, stayText } from '../hotels/shared.js';

const POINT_KEY = 'yingbin.desk.point';
const TOKEN_MIN_LENGTH = 40; // a room number is never this long; a pass token is 151 characters
const NO_PHOTO = '/img/no-photo.svg';

const $ = (id) => document.getElementById(id);
const input = $('desk-scan-input');
const panel = $('verdict');
const scanner = createScanner({ screen: 'desk' });

let points = [];
let hotelCode = '';
let shown = null; // the scan answer on the panel: {kind, ...ScanResponse}
let onCheckedIn = () => {};

// ---------- storage that survives private mode ----------

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
    // Not remembered; picked again after a reload.
  }
}

// ---------- the scan point ----------

/** This hotel's desk points: kind hotel_desk aimed at this hotel (or at no hotel in particular). */
function hotelPoints(all) {
  return all.filter((p) => p.kind === 'hotel_desk' && (!p.target || p.target === hotelCode));
}

function fillPoints() {
  const select = $('desk-point');
  const keep = select.value || stored(POINT_KEY) || '';
  clear(select).append(
    h('option', { value: '' }, points.length ? t('cp.point_choose') : t('desk.no_points')),
    ...points.map((p) => h('option', { value: p.code }, p.name && p.name !== p.code ? `${p.name}（${p.code}）` : p.code)),
  );
  if (points.some((p) => p.code === keep)) select.value = keep;
  else if (points.length === 1) select.value = points[0].code; // the usual: one desk, nothing to choose
  if (select.value) store(POINT_KEY, select.value);
  scanner.setPoint(points.find((p) => p.code === select.value) || null);
}

/** Load the scan points for hotel `code`. */
export async function setHotel(code) {
  hotelCode = code;
  try {
    // Kept on the device: the desk scans without a network too.
    points = hotelPoints(await cachedList('/api/v1/scan-points', () => listAll('/api/v1/scan-points')));
  } catch (err) {
    points = [];
    say($('desk-error'), err.message);
  }
  fillPoints();
}

// ---------- sound ----------

let audio = null;

function unlockAudio() {
  const Ctx = window.AudioContext || window.webkitAudioContext;
  if (!Ctx) return null;
  try {
    if (!audio) audio = new Ctx();
    if (audio.state === 'suspended') audio.resume().catch(() => {});
  } catch {
    audio = null;
  }
  return audio;
}

/** A high beep for a guest booked here, a low double buzz otherwise (as at the checkpoint). */
function signal(ok) {
  const ctx = unlockAudio();
  if (!ctx) return;
  try {
    const beep = (freq, start, length, type) => {
      const osc = ctx.createOscillator();
      const gain = ctx.createGain();
      const t0 = ctx.currentTime + start;
      osc.type = type;
      osc.frequency.setValueAtTime(freq, t0);
      gain.gain.setValueAtTime(0.0001, t0);
      gain.gain.exponentialRampToValueAtTime(0.3, t0 + 0.01);
      gain.gain.exponentialRampToValueAtTime(0.0001, t0 + length);
      osc.connect(gain).connect(ctx.destination);
      osc.start(t0);
      osc.stop(t0 + length + 0.02);
    };
    if (ok) beep(1568, 0, 0.16, 'sine');
    else {
      beep(220, 0, 0.17, 'square');
      beep(220, 0.24, 0.17, 'square');
    }
  } catch {
    // No sound is no reason to hide the verdict.
  }
}

// ---------- the verdict ----------

function lodgingFact(key, ...value) {
  const empty = value.every((v) => v === null || v === undefined || v === '' || (Array.isArray(v) && !v.length));
  return empty ? [] : [h('dt', {}, t(key)), h('dd', { dataset: { field: key.replace('desk.', '') } }, value)];
}

/** The booking the scan found: here (accept) or at another hotel (wrong_hotel). */
function renderLodging(lodging) {
  const dl = $('verdict-lodging');
  if (!lodging) {
    dl.hidden = true;
    clear(dl);
    return;
  }
  const mates = Array.isArray(lodging.roommates) ? lodging.roommates.join('、') : '';
  clear(dl).append(
    ...lodgingFact('desk.hotel', lodging.hotel_name || lodging.hotel),
    ...lodgingFact('desk.room_type', roomTypeLabel(lodging.room_type), lodging.room_no ? h('strong', { class: 'dv-room-no' }, ` ${lodging.room_no}`) : null),
    ...lodgingFact('desk.roommates', mates),
    ...lodgingFact('desk.nights', stayText(lodging.nights_from, lodging.nights_to), selfPaidFlag(lodging.self_paid_nights)),
    ...lodgingFact('desk.diet', halalBadge(lodging.halal), lodging.diet ? ` ${lodging.diet}` : null),
    ...lodgingFact('desk.status', lodging.status ? h('span', { class: `badge hz-status hz-stay_status-${lodging.status}` }, label('stay_status', lodging.status)) : null),
  );
  dl.hidden = false;
}

/** The reason line: the server's message names the right hotel for wrong_hotel, so it wins there. */
function reasonLine(result) {
  if (result.kind === 'error') return result.message;
  // Offline the desk knows the booking, not whether the guest is in the house: no check-in then.
  if (result.kind === 'accept' && result.offline) return t('offline.accepted');
  if (result.kind === 'accept') {
    const status = result.lodging && result.lodging.status;
    return status === 'in_house' ? t('desk.already_in', { room: result.lodging.room_no || '—' }) : status === 'checked_out' ? t('desk.already_out') : t('desk.booked_here');
  }
  if (result.reason === 'wrong_hotel' || result.reason === 'no_booking') return result.message || t(`reason.${result.reason}`);
  return reasonText(result);
}

function renderVerdict() {
  const result = shown;
  if (!result) return;
  const kind = result.kind;
  panel.className = `desk-verdict ${kind}`;
  panel.dataset.verdict = kind;
  panel.dataset.reason = result.reason || '';
  $('verdict-title').textContent = t(kind === 'accept' ? 'verdict.accept' : kind === 'reject' ? 'verdict.reject' : 'verdict.error');
  $('verdict-reason').textContent = reasonLine(result);
  renderOfflineBand(result);

  const holder = result.holder || null;
  const photo = $('verdict-photo');
  if (holder) {
    photo.src = holder.photo_url || NO_PHOTO;
    photo.alt = holder.photo_url ? t('cp.photo_alt', { name: holder.name || '' }) : t('guest.photo_none');
    photo.hidden = false;
  } else {
    photo.removeAttribute('src');
    photo.hidden = true;
  }
  const band = $('verdict-category');
  band.hidden = !(holder && holder.category);
  band.className = `dv-category cat-${holder?.category || 'none'}`;
  band.textContent = holder && holder.category ? categoryLabel(holder.category) : '';
  $('verdict-name').replaceChildren(
    ...(holder ? [h('span', {}, holder.name || ''), holder.name_latin ? h('span', { class: 'name-latin' }, holder.name_latin) : null].filter(Boolean) : []),
  );
  $('verdict-org').textContent = holder ? [holder.delegation, holder.organization].filter(Boolean).join(' · ') : '';
  renderLodging(result.lodging || null);
  $('verdict-body').hidden = !(holder || result.lodging);

  // Check in only a guest booked here who is not in the house yet.
  const canCheckIn = kind === 'accept' && result.lodging && result.lodging.guest_id != null && result.lodging.status === 'booked';
  $('checkin-form').hidden = !canCheckIn;
}

function showVerdict(result) {
  shown = result;
  say($('checkin-error'), '');
  say($('checkin-done'), '');
  $('checkin-room').value = result.lodging && result.lodging.room_no ? result.lodging.room_no : '';
  renderVerdict();
  panel.hidden = false;
  signal(result.kind === 'accept');
  if (!$('checkin-form').hidden) {
    // The room number is the next thing typed; a scan landing there is caught (see top).
    $('checkin-room').focus({ preventScroll: true });
  } else {
    refocus();
  }
  panel.scrollIntoView({ block: 'nearest' });
}

export function hideVerdict() {
  panel.hidden = true;
  shown = null;
  refocus();
}

/** Redraw after a language switch. */
export function rerender() {
  fillPoints();
  renderVerdict();
  updateScannerState();
}

// ---------- scanning ----------

export async function scan(raw) {
  const payload = String(raw || '').trim();
  if (!payload) return;
  const point = $('desk-point').value;
  if (!point) {
    showVerdict({ kind: 'error', message: t('cp.pick_point_first') });
    return;
  }
  document.body.classList.add('is-checking');
  try {
    const answer = await scanner.scan(payload);
    showVerdict({ ...answer, kind: answer && answer.verdict === 'accept' ? 'accept' : 'reject' });
  } catch (err) {
    // Not a verdict: amber, with what went wrong, so nobody takes it for one.
    showVerdict({ kind: 'error', message: err.message || t('error.generic'), reason: err.offline ? err.code : '', offline: err.offline, lists_age_seconds: err.lists_age_seconds });
  } finally {
    document.body.classList.remove('is-checking');
  }
}

// ---------- check in from the verdict ----------

async function checkIn(e) {
  e.preventDefault();
  const room = $('checkin-room').value.trim();
  if (room.length >= TOKEN_MIN_LENGTH) {
    $('checkin-room').value = '';
    scan(room);
    return;
  }
  if (!room) {
    say($('checkin-error'), t('desk.need_room'));
    return;
  }
  const guestId = shown && shown.lodging && shown.lodging.guest_id;
  if (guestId == null) return;
  $('checkin-submit').disabled = true;
  try {
    const stay = await api(`/api/v1/stays/${encodeURIComponent(guestId)}/check-in`, { method: 'POST', json: { room_no: room } });
    shown.lodging = { ...shown.lodging, status: stay?.status || 'in_house', room_no: stay?.room_no || room };
    renderVerdict();
    say($('checkin-error'), '');
    say($('checkin-done'), t('desk.checked_in', { name: stay?.name || shown.holder?.name || '', room: stay?.room_no || room }));
    onCheckedIn(stay);
    $('checkin-room').blur(); // the form is hidden now: back to the scanner
    refocus();
  } catch (err) {
    say($('checkin-error'), err.message);
  } finally {
    $('checkin-submit').disabled = false;
  }
}

// ---------- the keyboard-wedge scanner ----------

const FIELDS = 'input, select, textarea, [contenteditable]';
const CONTROLS = 'button, a, select, input, textarea, label, summary, video, dialog, [role="button"], [role="tab"]';

/** Give the scanner its field back, unless the clerk is using another field or a dialog. */
export function refocus() {
  if (document.activeElement === input) return;
  if (document.querySelector('dialog[open]')) return;
  const active = document.activeElement;
  if (active && active !== document.body && active.matches && active.matches(FIELDS)) return;
  input.focus({ preventScroll: true });
}

function updateScannerState() {
  const ready = document.activeElement === input;
  $('desk-scan-box').classList.toggle('is-ready', ready);
  input.placeholder = ready ? t('cp.scan_ready') : t('cp.scan_paused');
}

/** The signed-in user: the device registration names them. */
export function setScanUser(user) {
  scanner.setUser(user);
}

/** Wire the scan field, the point menu, the verdict panel and its check-in form. */
export function initScan({ onCheckedIn: checkedIn }) {
  onCheckedIn = checkedIn;
  mountStatus(scanner);
  input.addEventListener('keydown', (e) => {
    if (e.key !== 'Enter') return;
    e.preventDefault();
    // Take the text and clear at once: a fast scanner may already be typing the next code.
    const value = input.value;
    input.value = '';
    scan(value);
  });
  input.addEventListener('focus', updateScannerState);
  input.addEventListener('blur', () => {
    updateScannerState();
    setTimeout(() => {
      if (!document.activeElement || document.activeElement === document.body) refocus();
    }, 0);
  });
  // Keys typed while a button has the focus still belong to the scanner.
  document.addEventListener(
    'keydown',
    (e) => {
      if (e.target === input || e.ctrlKey || e.metaKey || e.altKey) return;
      if (e.target instanceof Element && e.target.closest(`${FIELDS}, dialog`)) return;
      if (e.key.length === 1) input.focus({ preventScroll: true });
    },
    true,
  );
  document.addEventListener('click', (e) => {
    if (!(e.target instanceof Element) || !e.target.closest(CONTROLS)) refocus();
  });
  for (const type of ['pointerdown', 'keydown']) document.addEventListener(type, unlockAudio, { passive: true });

  $('desk-point').addEventListener('change', () => {
    if ($('desk-point').value) store(POINT_KEY, $('desk-point').value);
    scanner.setPoint(points.find((p) => p.code === $('desk-point').value) || null);
    $('desk-point').blur();
    refocus();
  });
  $('verdict-close').addEventListener('click', hideVerdict);
  $('verdict-photo').addEventListener('error', (e) => {
    if (!e.target.src.endsWith(NO_PHOTO)) e.target.src = NO_PHOTO;
  });
  $('checkin-form').addEventListener('submit', checkIn);
  updateScannerState();
}
