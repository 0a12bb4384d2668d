// The canteen door: scan every credential or meal coupon, show a big verdict, count the
// service running now.
//
// Which point: a `canteen` account's scope is its dining point; the scan point is the
// `canteen` scan point aimed at it (a choice only when the point has several doors). Admin
// and reception pick any canteen scan point (kept as ?point= and remembered on the device).
//
// Scanning works as on the hotel desk (static/desk/scan.js): a handheld scanner types into
// #canteen-scan-input and presses Enter, the field keeps the focus, stray keys are moved into
// it; the camera is the desk's (camera.js). Unlike the desk, nobody acts on the verdict: it
// stays until the next scan and fades after a few seconds, so the next guest in the queue is
// never mistaken for the last one. Halal guests get 清真 Halal in very large type: staff send
// them to the halal counter. Scans go through the shared scanner (../js/offline/scanner.js):
// without a network the canteen's signed kit decides, and the verdict says "离线 offline".

import { api, listAll } from '../js/api.js';
import { clear, h, say } from '../js/dom.js';
import { categoryLabel, eventClockOfDay, eventTimeShort, eventWallClock } from '../js/format.js';
import { onLangChange, t } from '../js/i18n.js';
import { initShell } from '../js/shell.js';
import { mountLookup } from '../js/lookup.js';
import { cachedList, createScanner } from '../js/offline/scanner.js';
import { mountStatus, renderOfflineBand } from '../js/offline/status.js';
import { createCamera } from '../desk/camera.js';
import { reasonText } from '../passes/shared.js';
import { can, loadPoints, pointOption, serviceLabel, windowText, windowsBy } from '../meals/shared.js';

const POINT_KEY = 'yingbin.canteen.point';
const COUNT_EVERY_MS = 15000;
const STALE_MS = 8000;
const NO_PHOTO = '/img/no-photo.svg';
const MEAL_REASONS = ['not_entitled', 'wrong_point', 'outside_window', 'already_used'];

const $ = (id) => document.getElementById(id);
const input = $('canteen-scan-input');
const scanner = createScanner({ screen: 'canteen' });

let user = null;
let scanPoints = []; // every scan point, for names (first_use names any of them)
let choices = []; // the canteen scan points this screen may scan at
let dining = []; // dining points, for names and windows
let defaults = []; // the event's windows, for a point without its own
let point = null; // the chosen scan point {code, name, target}
let count = null; // GET /meals/count
let countError = '';
let countAt = null;
let countTimer = null;
let shown = null; // the verdict on screen: {kind, ...ScanResponse}
let staleTimer = null;

// ---------- storage ----------

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

// ---------- sound: a high beep to eat, a low double buzz not to ----------

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

// ---------- where ----------

/** The dining point this screen counts: the scan point's target, or the canteen account's scope. */
function diningCode() {
  if (point && point.target) return point.target;
  return user && user.role === 'canteen' ? user.scope || '' : '';
}

const diningPoint = () => dining.find((p) => p.code === diningCode()) || null;

/** A dining point's or a scan point's name for a code (first_use names either). */
function pointName(code) {
  const d = dining.find((p) => p.code === code);
  if (d) return d.name || code;
  const s = scanPoints.find((p) => p.code === code);
  return s ? s.name || code : code;
}

function renderWhere() {
  const name = $('canteen-name');
  const dp = diningPoint();
  delete name.dataset.i18n;
  name.textContent = dp ? dp.name || dp.code : point ? point.name || point.code : t('ct.pick_point');
  name.classList.toggle('is-unset', !point);
  document.title = `${dp ? dp.name : t('ct.title')} · ${t('app.name')}`;

  let line = '';
  const own = dp && Array.isArray(dp.windows) && dp.windows.length ? dp.windows : defaults;
  if (count && count.service) {
    const w = windowsBy(own).get(count.service);
    line = `${serviceLabel(count.service)}${w ? ` ${windowText(w)}` : ''}`;
  } else if (count) {
    // Between services the count reads 0/0: say when the door opens next.
    const next = nextService(own);
    line = next
      ? `${t('ct.no_service')} · ${t(next.tomorrow ? 'ct.next_service_tomorrow' : 'ct.next_service', {
          service: serviceLabel(next.service),
          time: next.start,
        })}`
      : t('ct.no_service');
  }
  $('canteen-service').textContent = line;
  $('canteen-service').dataset.service = count && count.service ? count.service : '';
}

/**
 * The next service to start after now on the event's clock (not the device's): the first
 * window starting later today, else the first one tomorrow. Null without windows.
 */
function nextService(windows) {
  const starts = (Array.isArray(windows) ? windows : [])
    .filter((w) => w && w.service && /^\d{2}:\d{2}$/.test(w.start || ''))
    .sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
  if (!starts.length) return null;
  const now = (eventWallClock() || '').slice(11, 16);
  const later = starts.find((w) => w.start > now);
  return later ? { ...later, tomorrow: false } : { ...starts[0], tomorrow: true };
}

// ---------- the count ----------

const num = (v) => (v === null || v === undefined || v === '' ? '–' : String(v));

function renderCount() {
  const c = count || {};
  $('count-served').textContent = num(c.served);
  $('count-expected').textContent = num(c.expected);
  $('count-halal').textContent = num(c.halal_served);
  $('count-halal-expected').textContent = num(c.halal_expected);
  $('canteen-count').dataset.service = c.service || '';
  const note = $('count-note');
  if (countError) {
    note.textContent = countError;
    note.classList.add('is-error');
  } else {
    note.textContent = countAt ? t('ct.count_at', { time: eventClockOfDay(countAt) }) : '';
    note.classList.remove('is-error');
  }
}

/** Fetch the count now, then every 15 s (skipped while the screen is hidden). */
async function loadCount() {
  clearTimeout(countTimer);
  const code = diningCode();
  if (code && !document.hidden) {
    try {
      count = await api(`/api/v1/meals/count?point=${encodeURIComponent(code)}`);
      countError = '';
      countAt = new Date();
    } catch (err) {
      countError = err.message; // the numbers stay as last known
    }
    if (code === diningCode()) {
      renderCount();
      renderWhere();
    }
  }
  countTimer = setTimeout(loadCount, COUNT_EVERY_MS);
}

function scheduleCount(ms) {
  clearTimeout(countTimer);
  countTimer = setTimeout(loadCount, ms);
}

/** An accepted scan carries the new numbers: show them at once, the next poll confirms. */
function applyMeal(meal) {
  if (!meal || meal.point !== diningCode() || meal.served === undefined) return;
  count = {
    ...(count || {}),
    point: meal.point,
    day: meal.day,
    service: meal.service,
    served: meal.served,
    expected: meal.expected,
    halal_served: meal.halal_served,
    halal_expected: meal.halal_expected,
  };
  renderCount();
  renderWhere();
}

// ---------- the verdict ----------

function fact(key, value) {
  return value ? [h('dt', {}, t(key)), h('dd', { dataset: { field: key.replace('ct.fact_', '') } }, value)] : [];
}

function reasonLine(r) {
  if (r.kind === 'error') return r.message;
  if (r.kind === 'accept') return t('ct.enjoy', { service: r.meal ? serviceLabel(r.meal.service) : '' });
  if (MEAL_REASONS.includes(r.reason)) return t(`ct.reason.${r.reason}`);
  return reasonText(r, pointName);
}

function renderFacts(r) {
  const m = r.meal || {};
  const first = r.first_use;
  const next = m.next;
  const dl = $('verdict-meal');
  clear(dl).append(
    ...fact('ct.fact_service', m.service ? `${serviceLabel(m.service)}${m.day ? ` · ${eventTimeShort(m.day)}` : ''}` : ''),
    ...fact('ct.fact_right_point', m.right_point ? m.right_point_name || pointName(m.right_point) : ''),
    ...fact('ct.fact_first_use', first ? [eventTimeShort(first.at), first.point ? pointName(first.point) : ''].filter(Boolean).join(' · ') : ''),
    ...fact('ct.fact_next', next ? [serviceLabel(next.service), eventTimeShort(next.day), next.start].filter(Boolean).join(' ') : ''),
  );
  dl.hidden = !dl.childElementCount;
}

function renderHolder(r) {
  const holder = r.holder || null;
  const coupon = !holder && r.pass && r.pass.kind === 'meal_coupon';
  const photo = $('verdict-photo');
  if (holder) {
    photo.src = holder.photo_url || NO_PHOTO;
    photo.alt = holder.photo_url ? t('cp.photo_alt', { name: holder.name || '' }) : t('guest.photo_none');
  } else photo.removeAttribute('src');
  photo.hidden = !holder;
  const band = $('verdict-category');
  band.hidden = !(holder && holder.category);
  band.className = `dv-category cat-${holder?.category || 'none'}`;
  band.textContent = holder && holder.category ? categoryLabel(holder.category) : '';
  $('verdict-name').replaceChildren(
    ...(holder
      ? [h('span', {}, holder.name || ''), holder.name_latin ? h('span', { class: 'name-latin' }, holder.name_latin) : '']
      : coupon
        ? [h('span', {}, t('ct.coupon')), h('span', { class: 'name-latin' }, `No. ${r.pass.id}`)]
        : []),
  );
  $('verdict-org').textContent = holder ? [holder.delegation, holder.organization].filter(Boolean).join(' · ') : '';
  $('verdict-body').hidden = !(holder || coupon);
}

function renderVerdict() {
  const panel = $('verdict');
  const r = shown;
  const title = $('verdict-title');
  renderOfflineBand(r);
  if (!r) {
    panel.dataset.verdict = 'idle';
    panel.dataset.reason = '';
    title.dataset.i18n = 'ct.idle';
    title.textContent = t('ct.idle');
    for (const id of ['verdict-reason', 'verdict-message', 'verdict-halal', 'verdict-diet', 'verdict-body', 'verdict-meal']) $(id).hidden = true;
    return;
  }
  const meal = r.meal || {};
  panel.dataset.verdict = r.kind;
  panel.dataset.reason = r.reason || '';
  delete title.dataset.i18n;
  title.textContent = t(r.kind === 'accept' ? 'verdict.accept' : r.kind === 'reject' ? 'verdict.reject' : 'verdict.error');
  const reason = reasonLine(r);
  say($('verdict-reason'), reason);
  // The server's message names the right point, the next window, or when and where they ate.
  const message = r.kind === 'reject' && r.message && r.message !== reason ? r.message : '';
  say($('verdict-message'), message);
  $('verdict-halal').hidden = !(r.kind === 'accept' && meal.halal);
  const diet = r.kind === 'accept' && meal.diet ? meal.diet : '';
  say($('verdict-diet'), diet ? t('ct.diet', { diet }) : '');
  renderHolder(r);
  renderFacts(r);
}

function show(result) {
  shown = result;
  const panel = $('verdict');
  panel.classList.remove('is-stale');
  // Restart the entry animation: the same verdict twice must still look like a new one.
  panel.style.animation = 'none';
  void panel.offsetWidth;
  panel.style.animation = '';
  renderVerdict();
  signal(result.kind === 'accept');
  clearTimeout(staleTimer);
  staleTimer = setTimeout(() => panel.classList.add('is-stale'), STALE_MS);
  refocus();
}

// ---------- scanning ----------

async function scan(raw) {
  const payload = String(raw || '').trim();
  if (!payload) return;
  if (!point) {
    show({ kind: 'error', message: t('ct.pick_point_first') });
    return;
  }
  document.body.classList.add('is-checking');
  try {
    const answer = await scanner.scan(payload);
    show({ ...answer, kind: answer && answer.verdict === 'accept' ? 'accept' : 'reject' });
    applyMeal(answer && answer.meal);
  } catch (err) {
    // Not a verdict: amber, with what went wrong, so nobody takes it for one.
    show({ kind: 'error', message: err.message || t('error.generic'), reason: err.offline ? err.code : '', offline: err.offline, lists_age_seconds: err.lists_age_seconds });
  } finally {
    document.body.classList.remove('is-checking');
    scheduleCount(300); // a queue scans fast: one count call after the burst
  }
}

// ---------- the keyboard-wedge scanner (as static/desk/scan.js) ----------

const FIELDS = 'input, select, textarea, [contenteditable]';
const CONTROLS = 'button, a, select, input, textarea, label, summary, video, dialog, [role="button"]';

function refocus() {
  if (document.activeElement === input) return;
  const active = document.activeElement;
  if (active && active !== document.body && active.matches && active.matches(FIELDS)) return;
  input.focus({ preventScroll: true });
}

function updateScannerState() {
  const ready = document.activeElement === input;
  $('canteen-scan-box').classList.toggle('is-ready', ready);
  input.placeholder = ready ? t('cp.scan_ready') : t('cp.scan_paused');
}

function wireScanner() {
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
      if (e.target instanceof Element && e.target.closest(FIELDS)) return;
      if (e.key.length === 1) input.focus({ preventScroll: true });
    },
    true,
  );
  document.addEventListener('click', (e) => {
    if (!(e.target instanceof Element) || !e.target.closest(CONTROLS)) refocus();
  });
  for (const type of ['pointerdown', 'keydown']) document.addEventListener(type, unlockAudio, { passive: true });
  $('verdict-photo').addEventListener('error', (e) => {
    if (!e.target.src.endsWith(NO_PHOTO)) e.target.src = NO_PHOTO;
  });
  updateScannerState();
}

function wireCamera() {
  const button = $('canteen-camera-toggle');
  const labelEl = $('canteen-camera-label');
  const camera = createCamera({
    video: $('canteen-camera-video'),
    box: $('canteen-camera-box'),
    onCode: (text) => scan(text),
    onNote: (key) => {
      const note = $('canteen-camera-note');
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

// ---------- the scan point ----------

function fillPoints() {
  const select = $('canteen-point');
  clear(select).append(
    h('option', { value: '' }, choices.length ? t('cp.point_choose') : t('ct.no_points')),
    ...choices.map((p) => h('option', { value: p.code }, pointOption(p))),
  );
  select.value = point ? point.code : '';
  // A canteen account with one door has nothing to choose.
  $('canteen-point-field').hidden = user && user.role === 'canteen' && choices.length <= 1;
}

function choosePoint(code) {
  point = choices.find((p) => p.code === code) || null;
  scanner.setPoint(point);
  if (point) store(POINT_KEY, point.code);
  if (point && user.role !== 'canteen') history.replaceState(null, '', `${location.pathname}?point=${encodeURIComponent(point.code)}`);
  $('canteen-point').value = point ? point.code : '';
  shown = null;
  count = null;
  countError = '';
  countAt = null;
  renderVerdict();
  renderCount();
  renderWhere();
  loadCount();
  refocus();
}

// ---------- page ----------

onLangChange(() => {
  fillPoints();
  renderWhere();
  renderCount();
  renderVerdict();
  updateScannerState();
});

async function main() {
  wireScanner();
  wireCamera();
  // A guest who forgot the card: found by name, the face compared; no meal is counted.
  mountLookup({
    button: $('lookup-open'),
    point: () => point,
    pointName,
    reason: (c) => (MEAL_REASONS.includes(c.reason) ? t(`ct.reason.${c.reason}`) : ''),
    onScanText: (text) => scan(text),
    onClose: refocus,
  });
  $('canteen-point').addEventListener('change', () => {
    choosePoint($('canteen-point').value);
    $('canteen-point').blur();
  });
  document.addEventListener('visibilitychange', () => {
    if (!document.hidden) scheduleCount(0); // back from sleep: fresh numbers at once
  });
  refocus();
  mountStatus(scanner);

  user = await initShell({ offline: true });
  if (!user) return;
  scanner.setUser(user);
  if (!can(user, 'canteen')) {
    say($('canteen-error'), t('ct.not_allowed'));
    renderWhere();
    return;
  }
  if (user.role === 'canteen' && !user.scope) say($('canteen-error'), t('ct.no_scope'));
  const quiet = (promise) => promise.catch(() => []); // names and windows only: scanning works without them
  [scanPoints, dining, defaults] = await Promise.all([
    cachedList('/api/v1/scan-points', () => listAll('/api/v1/scan-points')).catch((err) => {
      say($('canteen-error'), err.message);
      return [];
    }),
    quiet(loadPoints()),
    quiet(api('/api/v1/meal-windows')),
  ]);
  if (!Array.isArray(defaults)) defaults = [];
  choices = scanPoints.filter((p) => p.kind === 'canteen' && (user.role !== 'canteen' || p.target === user.scope));
  fillPoints();
  const wanted = new URLSearchParams(location.search).get('point') || stored(POINT_KEY) || '';
  const first = choices.find((p) => p.code === wanted) || (choices.length === 1 ? choices[0] : null);
  choosePoint(first ? first.code : '');
  if (!choices.length && $('canteen-error').hidden) say($('canteen-error'), t('ct.no_points'));
}

main();
