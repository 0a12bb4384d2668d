// The one scanner the checkpoint, canteen and desk screens share.
//
// `scan(payload)` asks the service first (POST /api/v1/scans, a fresh nonce, this browser's
// device label, ~2.5 s). When the service cannot be reached — a network error or the time
// running out, never a 4xx — it decides offline from the point's kit (decide.js), records a
// single-use acceptance in the first-use table, queues the verdict for upload with the SAME
// nonce (so a request that did arrive is answered "duplicate", not counted twice), and answers
// in the online ScanResponse's shape plus `offline: true` and `lists_age_seconds`.
// It refuses to decide offline — an OfflineUnavailable error the screens show in amber, never
// an accept — when the lists are older than the point's limit, when there is no kit, when the
// device was retired, or when the browser cannot verify Ed25519.
//
// `setPoint(point)` registers this browser for the point on first use (device.js), downloads
// the kit and refreshes it every ~5 s while online (kit.js). The service worker that keeps the
// screens opening without a network is registered here too.

import { api } from '../api.js';
import { has, t } from '../i18n.js';
import { deviceFor, ensureDevice, forgetDevice, markRetired } from './device.js';
import { CryptoUnavailable, ed25519Supported } from './ed25519.js';
import { kitAge, refreshKit, storedKit } from './kit.js';
import { enqueue, firstUseKeys, kick, onQueueChange, recordFirstUse, startUploads, stopDevice } from './queue.js';
import { decideScan, toScanResponse } from './verdict.js';

const ONLINE_TIMEOUT_MS = 2500;
const RETRY_DELAY_MS = 400;
const KIT_EVERY_MS = 5000;
const REGISTER_RETRY_MS = 60000;

/** Not a verdict: the device cannot decide offline now (stale lists, no kit, retired, no Ed25519). */
export class OfflineUnavailable extends Error {
  constructor(code, message, extra = {}) {
    super(message);
    this.name = 'OfflineUnavailable';
    this.code = code;
    this.status = 0;
    this.offline = true;
    Object.assign(this, extra);
  }
}

// ---------- small things the screens shared ----------

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
    // Not remembered: a new label next time.
  }
}

/**
 * A random UUID. `crypto.randomUUID` exists only in secure contexts; a phone on the venue LAN
 * over plain HTTP still has `crypto.getRandomValues`.
 */
export function uuid() {
  if (globalThis.crypto && typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const hex = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** This browser's label on every online scan (kept per screen, as before), so the log tells phones apart. */
function deviceLabel(screen) {
  const key = `yingbin.${screen}.device`;
  let id = stored(key);
  if (!id) {
    id = `${screen === 'checkpoint' ? 'web' : screen}-${uuid()}`;
    store(key, id);
  }
  return id;
}

/** A list the screen needs to work offline too (scan points): the last answer is kept. */
export async function cachedList(path, load) {
  const key = `yingbin.cache.${path}`;
  try {
    const list = await load();
    store(key, JSON.stringify(list));
    return list;
  } catch (err) {
    if (err && err.status === 0) {
      try {
        const kept = JSON.parse(stored(key) || 'null');
        if (Array.isArray(kept)) return kept;
      } catch {
        // fall through to the error
      }
    }
    throw err;
  }
}

/** The message of an offline verdict in the user's language. */
function reasonMessage(reason) {
  if (!reason) return t('offline.accepted');
  if (has(`reason.${reason}`)) return t(`reason.${reason}`);
  if (has(`ct.reason.${reason}`)) return t(`ct.reason.${reason}`);
  return reason;
}

/** "5 分钟" / "5 min": an age for people. */
export function ageText(seconds) {
  if (seconds === null || seconds === undefined) return '';
  if (seconds < 60) return t('offline.age_seconds', { n: seconds });
  if (seconds < 7200) return t('offline.age_minutes', { n: Math.floor(seconds / 60) });
  return t('offline.age_hours', { n: (seconds / 3600).toFixed(seconds < 36000 ? 1 : 0) });
}

// ---------- the service worker ----------

let swAsked = false;
function registerServiceWorker() {
  if (swAsked || !('serviceWorker' in navigator) || !globalThis.isSecureContext) return;
  swAsked = true;
  navigator.serviceWorker.register('/sw.js', { scope: '/' }).catch(() => {
    // No offline start-up then; scanning online and offline on an open page still works.
  });
}

// ---------- the scanner ----------

/**
 * @param {object} o
 * @param {'checkpoint'|'canteen'|'desk'} o.screen
 */
export function createScanner({ screen }) {
  const listeners = new Set();
  let user = null;
  let point = null; // {code, name, kind}
  let device = null;
  let kitRecord = null;
  let kitTimer = 0;
  let registering = null;
  let registerError = null;
  let registerFailedAt = 0;
  let net = globalThis.navigator && navigator.onLine === false ? 'offline' : 'online';
  let queue = { pending: 0, refused: 0, retired: [], error: null };
  let cryptoOk = null;

  const status = () => {
    const age = kitAge(kitRecord);
    return {
      net,
      point,
      device,
      registering: Boolean(registering),
      registerError,
      kit: kitRecord ? kitRecord.kit : null,
      age_seconds: age ? age.age_seconds : null,
      max_age_seconds: age ? age.max_age_seconds : null,
      stale: Boolean(age && age.stale),
      retired: Boolean(device && device.retired),
      cryptoOk,
      queue,
    };
  };
  const emit = () => {
    const s = status();
    for (const fn of listeners) fn(s);
  };
  const setNet = (next) => {
    if (next !== net) {
      net = next;
      emit();
      if (next === 'online') kick();
    }
  };

  onQueueChange((q) => {
    queue = q;
    if (device && q.retired.includes(Number(device.id)) && !device.retired) {
      markRetired(point.code);
      device = deviceFor(point.code);
    }
    emit();
  });

  async function syncKit() {
    clearTimeout(kitTimer);
    const my = point;
    if (my && device && !device.retired && !(globalThis.document && document.hidden)) {
      try {
        const rec = await refreshKit(device.id);
        if (my === point) kitRecord = rec;
        setNet('online');
      } catch (err) {
        if (err && err.code === 'device_retired') {
          markRetired(my.code);
          stopDevice(device.id);
          if (my === point) device = deviceFor(my.code);
        } else if (err && err.status === 404 && err.code !== 'network') {
          // The service no longer knows this device (a new database): register again.
          forgetDevice(my.code);
          if (my === point) {
            device = null;
            register();
          }
        } else if (err && err.status === 0) {
          setNet('offline');
        }
        // KitRejected and the rest: the old kit stays; next round tries again.
      }
      emit();
    }
    kitTimer = setTimeout(syncKit, KIT_EVERY_MS);
  }

  async function register() {
    if (!point || registering || !user) return;
    if (registerFailedAt && Date.now() - registerFailedAt < REGISTER_RETRY_MS) return;
    const my = point;
    registering = ensureDevice(my, user)
      .then((d) => {
        registerError = null;
        registerFailedAt = 0;
        if (my === point) device = d;
      })
      .catch((err) => {
        registerFailedAt = Date.now();
        registerError = err;
        if (err && err.status === 0) setNet('offline');
      })
      .finally(() => {
        registering = null;
        emit();
        if (my === point && device) syncKit();
      });
    emit();
  }

  /** The screen's scan point changed (or was first chosen). */
  async function setPoint(next) {
    const code = next && next.code ? next.code : '';
    if ((point && point.code) === code) {
      point = next || null;
      return;
    }
    clearTimeout(kitTimer);
    point = code ? { code, name: next.name || code, kind: next.kind || null } : null;
    device = point ? deviceFor(code) : null;
    kitRecord = device ? await storedKit(device.id) : null;
    registerFailedAt = 0;
    registerError = null;
    emit();
    if (!point) return;
    if (device) syncKit();
    else register();
  }

  function setUser(next) {
    user = next || user;
    if (point && !device) register();
  }

  async function online(body) {
    try {
      return await api('/api/v1/scans', { method: 'POST', json: body, timeout: ONLINE_TIMEOUT_MS });
    } catch (err) {
      if (err.status !== 0 || err.code === 'timeout') throw err;
      // A quick network error: once more with the same nonce. If the first did reach the
      // service, the nonce makes it answer the first verdict again instead of a second use.
      await new Promise((resolve) => setTimeout(resolve, RETRY_DELAY_MS));
      return api('/api/v1/scans', { method: 'POST', json: body, timeout: ONLINE_TIMEOUT_MS });
    }
  }

  async function offline(payload, nonce) {
    if (!device) throw new OfflineUnavailable('no_kit', t('offline.no_kit'));
    if (device.retired) throw new OfflineUnavailable('device_retired', t('offline.device_retired'));
    if (!kitRecord || !kitRecord.kit) throw new OfflineUnavailable('no_kit', t('offline.no_kit'));
    const age = kitAge(kitRecord);
    if (age.stale) {
      emit();
      throw new OfflineUnavailable('stale_lists', t('offline.stale', { age: ageText(age.age_seconds), limit: ageText(age.max_age_seconds) }), { lists_age_seconds: age.age_seconds });
    }
    if (cryptoOk === null) cryptoOk = await ed25519Supported();
    if (!cryptoOk) throw new OfflineUnavailable('crypto_unavailable', t(globalThis.isSecureContext === false ? 'offline.insecure' : 'offline.crypto_unavailable'));
    const kit = kitRecord.kit;
    const firstUse = await firstUseKeys();
    let decided;
    try {
      decided = await decideScan(payload, kit, Math.floor(Date.now() / 1000), firstUse);
    } catch (err) {
      if (err instanceof CryptoUnavailable) {
        cryptoOk = false;
        throw new OfflineUnavailable('crypto_unavailable', t('offline.crypto_unavailable'));
      }
      throw err;
    }
    const v = decided.verdict;
    // The use is noted before the verdict shows: a second scan a moment later must see it.
    if (v.verdict === 'accept' && v.first_use_key) await recordFirstUse(v.first_use_key, device.id);
    await enqueue({
      nonce,
      payload,
      point: point.code,
      device_id: Number(device.id),
      scanned_at: new Date().toISOString(),
      verdict: v.verdict,
      reason: v.reason,
    });
    return toScanResponse(decided, kit, { message: reasonMessage, listsAgeSeconds: age.age_seconds });
  }

  /**
   * Scan `payload` at the current point: the online answer, or the offline one.
   * Throws ApiError (the service refused the request: 4xx, 5xx) or OfflineUnavailable.
   */
  async function scan(raw) {
    const payload = String(raw || '').trim();
    if (!point) throw new OfflineUnavailable('no_point', t('cp.pick_point_first'));
    const nonce = uuid();
    // The registered device's name when there is one, so online and offline scans of one
    // phone read alike in the log; else this browser's label.
    const body = { payload, point: point.code, nonce, device: (device && device.name) || deviceLabel(screen) };
    if (!(globalThis.navigator && navigator.onLine === false)) {
      try {
        const answer = await online(body);
        setNet('online');
        return answer;
      } catch (err) {
        if (err.status !== 0) throw err;
      }
    }
    setNet('offline');
    return offline(payload, nonce);
  }

  globalThis.addEventListener?.('online', () => {
    setNet('online');
    syncKit();
  });
  globalThis.addEventListener?.('offline', () => setNet('offline'));
  globalThis.document?.addEventListener('visibilitychange', () => {
    if (!document.hidden) syncKit();
  });
  // The age moves even when nothing else does.
  setInterval(emit, 15000);

  registerServiceWorker();
  startUploads();
  ed25519Supported().then((ok) => {
    cryptoOk = ok;
    emit();
  });

  return {
    scan,
    setPoint,
    setUser,
    status,
    /** Call `fn(status)` now and on every change. */
    subscribe(fn) {
      listeners.add(fn);
      fn(status());
      return () => listeners.delete(fn);
    },
  };
}
