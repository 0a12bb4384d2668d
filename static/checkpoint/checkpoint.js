// The guard's screen: pick the scan point once, then scan, scan, scan.
//
// Two sources feed the same pipeline at once:
//  - a handheld keyboard-wedge scanner "types" the QR's text into #scan-input and presses
//    Enter; the input keeps the focus (refocused after each verdict and after any tap that is
//    not on a control), and `inputmode="none"` keeps the phone's keyboard from covering it;
//  - the phone's camera, decoded by the browser's own BarcodeDetector where it exists and
//    reads QR; elsewhere (Firefox, older iOS Safari, desktop Chromium on Linux) by jsQR,
//    vendored at /vendor/jsQR.js (the event network may be closed: nothing from a CDN) and
//    loaded only then. A code held in front of the camera is read many times a second, so
//    the same text within 3 s of its last reading is ignored.
// Each scan goes through the shared scanner (../js/offline/scanner.js): online first, and when
// the service cannot be reached, decided offline from the point's signed kit, queued for upload
// and shown with the "离线 offline" band and the lists' age.

import { listAll } from '../js/api.js';
import { clear, h, say } from '../js/dom.js';
import { categoryLabel, eventTimeShort } from '../js/format.js';
import { onLangChange, t } from '../js/i18n.js';
import { initShell } from '../js/shell.js';
import { mountLookup } from '../js/lookup.js';
import { cachedList, createScanner } from '../js/offline/scanner.js';
import { mountStatus, renderOfflineBand } from '../js/offline/status.js';
import { label, loadZones, plateClass, plateText, reasonText, zoneChip, zoneName } from '../passes/shared.js';

const POINT_KEY = 'yingbin.checkpoint.point';
const SHOW_MS = { accept: 2500, reject: 4000, error: 4000 };
const CAMERA_REPEAT_MS = 3000;
const CAMERA_INTERVAL_MS = 150;
const JSQR_SRC = '/vendor/jsQR.js';
const JSQR_MAX_SIDE = 640; // frames are scaled down to this before jsQR reads them
const RECENT_MAX = 10;
const NO_PHOTO = '/img/no-photo.svg';

const $ = (id) => document.getElementById(id);
const input = $('scan-input');
const overlay = $('verdict');
const scanner = createScanner({ screen: 'checkpoint' });

let points = []; // [{id, code, name, kind, zone, …}]
let zones = new Map();
let recent = []; // newest first: {at: Date, result}
let shown = null; // the result on the overlay
let hideTimer = null;

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
    // Not remembered; the guard picks the point again after a reload.
  }
}

// ---------- the scan point ----------

function currentPoint() {
  const code = $('point').value;
  return points.find((p) => p.code === code) || null;
}

function pointName(code) {
  const p = points.find((x) => x.code === code || String(x.id) === String(code));
  return p ? p.name || p.code : String(code);
}

function renderPoint() {
  const point = currentPoint();
  const name = $('point-name');
  delete name.dataset.i18n;
  scanner.setPoint(point);
  if (!point) {
    name.textContent = points.length ? t('cp.point_choose') : t('cp.no_points');
    name.classList.add('is-unset');
    $('point-info').textContent = '';
    document.title = t('cp.title');
    return;
  }
  name.classList.remove('is-unset');
  name.textContent = point.name || point.code;
  const zone = point.zone ? zones.get(point.zone) : null;
  const bits = [point.code, label('point_kind', point.kind)];
  if (point.zone) bits.push(`${t('cp.zone')} ${point.zone}${zone ? ` ${zoneName(zone)}` : ''}`);
  $('point-info').textContent = bits.filter(Boolean).join(' · ');
  document.title = `${point.name || point.code} · ${t('app.name')}`;
}

function fillPoints() {
  const select = $('point');
  const keep = select.value || stored(POINT_KEY) || '';
  clear(select).append(
    h('option', { value: '' }, t('cp.point_choose')),
    ...points.map((p) => h('option', { value: p.code }, p.name && p.name !== p.code ? `${p.name}（${p.code}）` : p.code)),
  );
  if (points.some((p) => p.code === keep)) select.value = keep;
  // One point (the usual for a guard's account): nothing to choose.
  else if (points.length === 1) select.value = points[0].code;
  else select.value = '';
  if (select.value) store(POINT_KEY, select.value);
  select.closest('.cp-point-picker').classList.toggle('is-single', points.length === 1);
  renderPoint();
}

async function loadPoints() {
  try {
    // Kept on the device: the screen opens and scans without a network too.
    [points, zones] = await Promise.all([cachedList('/api/v1/scan-points', () => listAll('/api/v1/scan-points')), loadZones()]);
    say($('cp-error'), '');
  } catch (err) {
    points = [];
    say($('cp-error'), err.message);
  }
  fillPoints();
}

// ---------- sound and vibration ----------

let audio = null;

/** The audio context, created or resumed inside a user gesture (browsers require one). */
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

function tone(ctx, freq, start, length, type) {
  const osc = ctx.createOscillator();
  const gain = ctx.createGain();
  const t0 = ctx.currentTime + start;
  osc.type = type;
  osc.frequency.setValueAtTime(freq, t0);
  // Short ramps in and out: a click-free beep.
  gain.gain.setValueAtTime(0.0001, t0);
  gain.gain.exponentialRampToValueAtTime(0.35, t0 + 0.01);
  gain.gain.setValueAtTime(0.35, t0 + length - 0.03);
  gain.gain.exponentialRampToValueAtTime(0.0001, t0 + length);
  osc.connect(gain).connect(ctx.destination);
  osc.start(t0);
  osc.stop(t0 + length + 0.02);
}

/** High beep for a pass, low double buzz for a refusal. */
function signal(kind) {
  const ctx = unlockAudio();
  if (ctx) {
    try {
      if (kind === 'accept') tone(ctx, 1568, 0, 0.16, 'sine');
      else {
        tone(ctx, 220, 0, 0.17, 'square');
        tone(ctx, 220, 0.24, 0.17, 'square');
      }
    } catch {
      // No sound is not a reason to hide the verdict.
    }
  }
  if (navigator.vibrate) navigator.vibrate(kind === 'accept' ? 60 : [140, 90, 140]);
}

// ---------- the verdict overlay ----------

function holderName(result) {
  const holder = result.holder;
  if (holder && holder.name) return holder.name;
  if (result.vehicle && result.vehicle.plate) return plateText(result.vehicle.plate);
  // Offline a gate knows no names: the pass number tells the guard which card it was.
  if (result.offline && result.pass && result.pass.id != null) return `No. ${result.pass.id}`;
  return '';
}

function renderVerdict(result) {
  const kind = result.kind; // accept | reject | error
  overlay.className = `verdict ${kind}`;
  overlay.dataset.reason = result.reason || '';

  $('verdict-title').textContent =
    kind === 'accept' ? t('verdict.accept') : kind === 'reject' ? t('verdict.reject') : t('verdict.error');
  $('verdict-reason').textContent = kind === 'error' ? result.message : reasonText(result, pointName);
  renderOfflineBand(result);

  const holder = result.holder || null;
  const vehicle = result.vehicle || null;
  const pass = result.pass || null;

  overlay.classList.toggle('is-vehicle', Boolean(vehicle && vehicle.plate && !holder));
  const photo = $('verdict-photo');
  if (holder && (holder.photo_url || holder.name)) {
    // A person without a photo on file shows the silhouette: the guard sees there is none.
    photo.src = holder.photo_url || NO_PHOTO;
    photo.alt = holder.photo_url ? t('cp.photo_alt', { name: holder.name || '' }) : t('guest.photo_none');
    photo.hidden = false;
  } else {
    photo.removeAttribute('src');
    photo.hidden = true;
  }

  const plate = $('verdict-plate');
  if (vehicle && vehicle.plate) {
    plate.textContent = plateText(vehicle.plate);
    plate.className = `verdict-plate ${plateClass(vehicle.plate)}`;
    plate.hidden = false;
  } else {
    plate.textContent = '';
    plate.hidden = true;
  }

  // The photo on file is not the one the card was issued with: look twice at the face.
  const warn = $('verdict-photo-warning');
  warn.hidden = !(holder && holder.photo_url && holder.photo_matches === false);
  warn.textContent = warn.hidden ? '' : t('cp.photo_changed');

  const name = $('verdict-name');
  const driver = vehicle ? vehicle.driver || vehicle.driver_name : null;
  const who = holder
    ? [h('span', { class: 'verdict-name-main' }, holder.name || ''), holder.name_latin ? h('span', { class: 'name-latin' }, holder.name_latin) : null]
    : driver
      ? [h('span', { class: 'verdict-name-main' }, driver)]
      : [];
  name.replaceChildren(...who.filter(Boolean));
  $('verdict-org').textContent = holder ? [holder.delegation, holder.organization].filter(Boolean).join(' · ') : '';

  const band = $('verdict-category');
  if (holder && holder.category) {
    band.className = `verdict-category cat-${holder.category}`;
    band.textContent = categoryLabel(holder.category);
    band.hidden = false;
  } else if (vehicle && vehicle.stream) {
    band.className = `verdict-category stream-${vehicle.stream}`;
    band.textContent = label('stream', vehicle.stream);
    band.hidden = false;
  } else {
    band.hidden = true;
    band.textContent = '';
  }

  const zoneCodes = pass && Array.isArray(pass.zones) ? pass.zones : [];
  clear($('verdict-zones')).append(...zoneCodes.map((c) => zoneChip(c, zones, { withName: true, cls: 'zone-xl' })));

  const extra = [];
  if (pass && pass.id != null) extra.push(`No. ${pass.id}-${pass.serial ?? 1}`);
  if (pass && pass.kind) extra.push(label('kind', pass.kind));
  if (pass && pass.valid_until) extra.push(t('cp.valid_until', { date: eventTimeShort(pass.valid_until) }));
  $('verdict-extra').textContent = extra.join(' · ');

  // The white card only when there is something to put on it.
  overlay.querySelector('.verdict-card').hidden = !(holder || vehicle || zoneCodes.length || extra.length);
}

function showVerdict(result, { sound = true } = {}) {
  shown = result;
  renderVerdict(result);
  overlay.hidden = false;
  if (sound) signal(result.kind === 'accept' ? 'accept' : 'reject');
  clearTimeout(hideTimer);
  hideTimer = setTimeout(hideVerdict, SHOW_MS[result.kind] || SHOW_MS.reject);
}

function hideVerdict() {
  clearTimeout(hideTimer);
  overlay.hidden = true;
  shown = null;
  refocus();
}

// ---------- recent scans ----------

function clock(d) {
  const pad = (n) => String(n).padStart(2, '0');
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

function renderRecent() {
  const list = $('recent');
  clear(list).append(
    ...recent.map((entry, i) => {
      const r = entry.result;
      const verdictText =
        r.kind === 'accept' ? t('verdict.accept') : r.kind === 'reject' ? t('verdict.reject') : t('verdict.error');
      const detail = r.kind === 'accept' ? '' : r.kind === 'error' ? r.message : reasonText(r, pointName);
      return h(
        'li',
        { class: `recent-item is-${r.kind}`, dataset: { verdict: r.kind, index: i } },
        h(
          'button',
          { type: 'button', class: 'recent-btn', title: t('cp.show_again') },
          h('span', { class: 'recent-time mono' }, clock(entry.at)),
          h(
            'span',
            { class: 'recent-who' },
            r.vehicle && r.vehicle.plate
              ? h('span', { class: plateClass(r.vehicle.plate) }, plateText(r.vehicle.plate))
              : holderName(r) || h('span', { class: 'muted' }, t('cp.unknown_holder')),
            detail ? h('span', { class: 'recent-reason' }, detail) : null,
          ),
          h('span', { class: 'recent-verdict' }, verdictText),
        ),
      );
    }),
  );
  $('recent-empty').hidden = recent.length > 0;
}

function remember(result) {
  recent.unshift({ at: new Date(), result });
  recent = recent.slice(0, RECENT_MAX);
  renderRecent();
}

// ---------- scanning ----------

async function scan(raw, source) {
  const payload = String(raw || '').trim();
  if (!payload) return;
  const point = currentPoint();
  if (!point) {
    showVerdict({ kind: 'error', message: t('cp.pick_point_first') });
    return;
  }
  document.body.classList.add('is-checking');
  try {
    const answer = await scanner.scan(payload);
    const kind = answer && answer.verdict === 'accept' ? 'accept' : 'reject';
    const result = { ...answer, kind, source };
    remember(result);
    showVerdict(result);
    say($('cp-error'), '');
  } catch (err) {
    // Not a verdict: the guard must not take it for one. Amber, with what went wrong.
    const result = { kind: 'error', message: err.message || t('error.generic'), reason: err.offline ? err.code : '', offline: err.offline, lists_age_seconds: err.lists_age_seconds, source };
    remember(result);
    showVerdict(result);
  } finally {
    document.body.classList.remove('is-checking');
  }
}

// ---------- the keyboard-wedge scanner ----------

const FIELDS = 'input, select, textarea, [contenteditable]';
const CONTROLS = 'button, a, select, input, textarea, label, summary, video, [role="button"]';

function refocus() {
  if (document.activeElement === input) return;
  const active = document.activeElement;
  // Never steal the focus from a menu the guard is using.
  if (active && active !== document.body && active.matches && active.matches('select, textarea')) return;
  input.focus({ preventScroll: true });
}

function updateScannerState() {
  $('scan-box').classList.toggle('is-ready', document.activeElement === input);
  input.placeholder = document.activeElement === input ? t('cp.scan_ready') : t('cp.scan_paused');
}

input.addEventListener('keydown', (e) => {
  if (e.key !== 'Enter') return;
  e.preventDefault();
  // Take the text and clear the field at once: a fast scanner may already be typing the next code.
  const value = input.value;
  input.value = '';
  scan(value, 'scanner');
});
input.addEventListener('focus', updateScannerState);
input.addEventListener('blur', () => {
  updateScannerState();
  // Focus went nowhere (a tap on empty space, an overlay closing): take it back.
  setTimeout(() => {
    if (!document.activeElement || document.activeElement === document.body) refocus();
  }, 0);
});

// Keys typed while something else has the focus (a button the guard just tapped) still belong
// to the scanner: move the focus before the character lands.
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

// ---------- the camera ----------

let stream = null;
let decoder = null; // {kind: 'native' | 'jsqr', read(video) → Promise<string[]>}
let detectTimer = null;
let loopGen = 0; // bumped on every stop: a loop from an earlier start ends itself
let starting = false;
const lastRead = new Map(); // payload → when it was last seen by the camera

function showCameraNote(key) {
  const note = $('camera-note');
  note.dataset.i18n = key;
  note.textContent = t(key);
  note.hidden = false;
}

/** The small line under the video saying which decoder reads it; null hides it. */
function showCameraStatus(key) {
  const status = $('camera-status');
  if (!key) {
    delete status.dataset.i18n;
    status.textContent = '';
    status.hidden = true;
    return;
  }
  status.dataset.i18n = key; // applyI18n re-translates it on a language switch
  status.textContent = t(key);
  status.hidden = false;
}

function setCameraButton() {
  const on = Boolean(stream);
  $('camera-toggle').setAttribute('aria-pressed', on ? 'true' : 'false');
  $('camera-toggle').classList.toggle('is-on', on);
  const lbl = $('camera-label');
  lbl.dataset.i18n = on ? 'cp.camera_off' : 'cp.camera_on';
  lbl.textContent = t(lbl.dataset.i18n);
}

/** True when the browser's own BarcodeDetector exists and reads QR codes. */
async function nativeQrSupported() {
  if (!('BarcodeDetector' in window)) return false;
  try {
    if (typeof BarcodeDetector.getSupportedFormats === 'function') {
      return (await BarcodeDetector.getSupportedFormats()).includes('qr_code');
    }
  } catch {
    return false;
  }
  return true; // no way to ask: the constructor below fails clearly if not
}

let jsQrLoading = null;

/** `window.jsQR`, loading /vendor/jsQR.js (a UMD build) with a `<script>` on first use. */
function loadJsQr() {
  if (typeof window.jsQR === 'function') return Promise.resolve(window.jsQR);
  if (!jsQrLoading) {
    jsQrLoading = new Promise((resolve, reject) => {
      const el = document.createElement('script');
      el.src = JSQR_SRC;
      el.async = true;
      el.onload = () => {
        if (typeof window.jsQR === 'function') resolve(window.jsQR);
        else reject(new Error('jsQR did not load'));
      };
      el.onerror = () => {
        el.remove(); // a retry adds a fresh one
        reject(new Error('jsQR did not load'));
      };
      document.head.append(el);
    }).catch((err) => {
      jsQrLoading = null; // the next camera start tries again
      throw err;
    });
  }
  return jsQrLoading;
}

function nativeDecoder() {
  const detector = new BarcodeDetector({ formats: ['qr_code'] });
  return {
    kind: 'native',
    async read(video) {
      const codes = await detector.detect(video);
      return codes.map((code) => code && code.rawValue).filter(Boolean);
    },
  };
}

function jsQrDecoder(jsQR) {
  const canvas = document.createElement('canvas');
  let ctx = null;
  return {
    kind: 'jsqr',
    async read(video) {
      const vw = video.videoWidth;
      const vh = video.videoHeight;
      if (!vw || !vh) return [];
      // A phone camera gives 1280×720 or more; 640 px on the longer side still resolves a
      // pass's QR held in the frame, at a quarter of the work.
      const scale = Math.min(1, JSQR_MAX_SIDE / Math.max(vw, vh));
      const width = Math.max(1, Math.round(vw * scale));
      const height = Math.max(1, Math.round(vh * scale));
      if (canvas.width !== width || canvas.height !== height) {
        canvas.width = width;
        canvas.height = height;
        ctx = null;
      }
      if (!ctx) ctx = canvas.getContext('2d', { willReadFrequently: true });
      ctx.drawImage(video, 0, 0, width, height);
      const image = ctx.getImageData(0, 0, width, height);
      const code = jsQR(image.data, width, height, { inversionAttempts: 'dontInvert' });
      return code && code.data ? [code.data] : [];
    },
  };
}

/** The browser's own decoder where it reads QR, else jsQR (loaded now). */
async function pickDecoder() {
  if (await nativeQrSupported()) {
    try {
      return nativeDecoder();
    } catch {
      // Listed but not constructible: fall through to jsQR.
    }
  }
  if (typeof window.jsQR !== 'function') showCameraStatus('cp.decoder_loading');
  return jsQrDecoder(await loadJsQr());
}

function fromCamera(raw) {
  const now = Date.now();
  const seen = lastRead.get(raw);
  lastRead.set(raw, now);
  for (const [key, at] of lastRead) if (now - at > CAMERA_REPEAT_MS * 4) lastRead.delete(key);
  if (seen && now - seen < CAMERA_REPEAT_MS) return; // still the same code held in front of the lens
  scan(raw, 'camera');
}

async function detectLoop(gen) {
  if (gen !== loopGen || !stream || !decoder) return;
  const video = $('camera-video');
  if (video.readyState >= 2) {
    try {
      for (const raw of await decoder.read(video)) if (gen === loopGen) fromCamera(raw);
    } catch {
      // A frame that cannot be read (camera switching, tab in background): try the next.
    }
  }
  if (gen === loopGen && stream) detectTimer = setTimeout(() => detectLoop(gen), CAMERA_INTERVAL_MS);
}

async function startCamera() {
  unlockAudio();
  if (stream || starting) return;
  if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
    // Phones give the camera only to HTTPS pages (or localhost).
    showCameraNote('cp.camera_insecure');
    return;
  }
  starting = true;
  const gen = loopGen;
  // The decoder loads while the browser asks the guard for the camera.
  const picking = pickDecoder();
  picking.catch(() => {}); // handled below; no "unhandled rejection" if the camera fails first
  let media = null;
  try {
    media = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' }, audio: false });
  } catch (err) {
    starting = false;
    showCameraStatus(null);
    showCameraNote(err && err.name === 'NotAllowedError' ? 'cp.camera_denied' : 'cp.camera_failed');
    setCameraButton();
    return;
  }
  let picked = null;
  try {
    picked = await picking;
  } catch {
    for (const track of media.getTracks()) track.stop();
    starting = false;
    showCameraStatus(null);
    showCameraNote('cp.camera_decoder_failed');
    setCameraButton();
    return;
  }
  starting = false;
  if (gen !== loopGen || document.hidden) {
    // Turned off, or the page hidden, while the camera was being opened.
    for (const track of media.getTracks()) track.stop();
    if (document.hidden) resumeCamera = true;
    showCameraStatus(null);
    return;
  }
  stream = media;
  decoder = picked;
  $('camera-note').hidden = true;
  showCameraStatus(decoder.kind === 'native' ? 'cp.decoder_native' : 'cp.decoder_jsqr');
  const video = $('camera-video');
  video.srcObject = stream;
  $('camera-box').hidden = false;
  try {
    await video.play();
  } catch {
    // autoplay+muted normally allows it; the frames still arrive for the decoder.
  }
  setCameraButton();
  detectLoop(gen);
}

function stopCamera() {
  loopGen += 1;
  clearTimeout(detectTimer);
  if (stream) for (const track of stream.getTracks()) track.stop();
  stream = null;
  decoder = null;
  $('camera-video').srcObject = null;
  $('camera-box').hidden = true;
  showCameraStatus(null);
  setCameraButton();
}

$('camera-toggle').addEventListener('click', () => {
  if (stream) stopCamera();
  else startCamera();
  refocus();
});

// A phone in a pocket should not keep the camera on; it comes back when the page does.
let resumeCamera = false;
document.addEventListener('visibilitychange', () => {
  if (document.hidden && stream) {
    resumeCamera = true;
    stopCamera();
  } else if (!document.hidden && resumeCamera) {
    resumeCamera = false;
    startCamera();
  }
});

// ---------- wiring ----------

$('point').addEventListener('change', () => {
  const code = $('point').value;
  if (code) store(POINT_KEY, code);
  renderPoint();
  // Back to scanning once the menu is closed.
  $('point').blur();
  refocus();
});

$('verdict-photo').addEventListener('error', (e) => {
  if (!e.target.src.endsWith(NO_PHOTO)) e.target.src = NO_PHOTO;
});

overlay.addEventListener('click', (e) => {
  e.stopPropagation();
  hideVerdict();
});

$('recent').addEventListener('click', (e) => {
  const item = e.target.closest('li[data-index]');
  if (!item) return;
  const entry = recent[Number(item.dataset.index)];
  if (entry) showVerdict(entry.result, { sound: false });
});

// A guest who forgot the card: found by name, the face compared; nothing is scanned.
mountLookup({
  button: $('lookup-open'),
  point: currentPoint,
  pointName,
  onScanText: (text) => scan(text, 'scanner'),
  onClose: refocus,
});

// Browsers allow sound only after a gesture: the first tap or key unlocks it.
for (const type of ['pointerdown', 'keydown']) document.addEventListener(type, unlockAudio, { passive: true });

onLangChange(() => {
  fillPoints();
  renderRecent();
  setCameraButton();
  updateScannerState();
  if (shown) renderVerdict(shown);
});

setCameraButton();
renderRecent();
mountStatus(scanner);
initShell({ offline: true }).then((user) => scanner.setUser(user));
loadPoints();
refocus();
updateScannerState();
