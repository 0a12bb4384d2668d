// Offline verdicts waiting for upload, and the device-local first-use table.
//
// Every offline verdict is a queue row {nonce, payload, point, device_id, scanned_at, verdict,
// reason, state}. While online the pending rows go to POST /api/v1/scans/batch, at most 500
// at a time per device, oldest first; the service is idempotent by nonce, so a batch retried
// after a lost answer changes nothing. Answers: recorded / duplicate → sent; refused → kept as
// refused (final) to show. 403 device_retired stops that device's uploads and keeps its queue.
// Failures back off from 2 s to a minute.
//
// The first-use table holds `session:<pass_id>:<session_id>` and `meal:<pass_id>:<day>:<service>`
// keys of single-use things this browser accepted, so it never accepts one twice.

import { api } from '../api.js';
import { all, byIndex, countBy, put, putAll, remove } from './idb.js';

export const BATCH_MAX = 500;
const BACKOFF_MS = [2000, 4000, 8000, 15000, 30000, 60000];
const KEEP_SENT_MS = 24 * 3600 * 1000;

let firstUse = null; // Set of keys, loaded once

/** The first-use keys of this browser (a Set, shared: add() through recordFirstUse). */
export async function firstUseKeys() {
  if (!firstUse) {
    try {
      firstUse = new Set((await all('first_use')).map((r) => r.key));
    } catch {
      firstUse = new Set();
    }
  }
  return firstUse;
}

/** Note a single-use thing accepted here. */
export async function recordFirstUse(key, deviceId) {
  (await firstUseKeys()).add(key);
  await put('first_use', { key, device_id: deviceId, at: new Date().toISOString() });
}

/** Queue one offline verdict for upload. */
export async function enqueue(item) {
  await put('queue', { ...item, state: 'pending' });
  kick();
}

/** How many verdicts wait for upload. */
export async function pendingCount() {
  try {
    return await countBy('queue', 'state', 'pending');
  } catch {
    return 0;
  }
}

/** Verdicts the service refused (final): newest first. */
export async function refusedItems() {
  try {
    return (await byIndex('queue', 'state', 'refused')).sort((a, b) => (a.scanned_at < b.scanned_at ? 1 : -1));
  } catch {
    return [];
  }
}

// ---------- the uploader ----------

const retired = new Set(); // device ids the service retired
const listeners = new Set();
let timer = 0;
let running = false;
let failures = 0;
let lastError = null;

/** Call `fn({pending, refused, retired, error})` after every upload attempt and every change. */
export function onQueueChange(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

async function notify() {
  const state = { pending: await pendingCount(), refused: (await refusedItems()).length, retired: [...retired], error: lastError };
  for (const fn of listeners) fn(state);
}

/** Treat `deviceId` as retired: its rows stay, none is sent. */
export function stopDevice(deviceId) {
  retired.add(Number(deviceId));
}

/** Upload now (soon, if an upload is running). */
export function kick(delay = 0) {
  clearTimeout(timer);
  timer = setTimeout(uploadAll, delay);
  notify();
}

const wire = (r) => ({ nonce: r.nonce, payload: r.payload, point: r.point, scanned_at: r.scanned_at, verdict: r.verdict, reason: r.reason ?? null });

async function uploadAll() {
  if (running) return;
  running = true;
  let again = 0;
  try {
    const pending = (await byIndex('queue', 'state', 'pending')).sort((a, b) => (a.scanned_at < b.scanned_at ? -1 : 1));
    const byDevice = new Map();
    for (const r of pending) {
      if (retired.has(Number(r.device_id))) continue;
      if (!byDevice.has(r.device_id)) byDevice.set(r.device_id, []);
      byDevice.get(r.device_id).push(r);
    }
    for (const [deviceId, rows] of byDevice) {
      for (let i = 0; i < rows.length; i += BATCH_MAX) {
        const chunk = rows.slice(i, i + BATCH_MAX);
        let answer;
        try {
          answer = await api('/api/v1/scans/batch', { method: 'POST', json: { device_id: Number(deviceId), scans: chunk.map(wire) }, timeout: 30000 });
        } catch (err) {
          if (err && err.code === 'device_retired') {
            stopDevice(deviceId);
            lastError = err;
            break; // this device's rows stay; the others still go
          }
          throw err;
        }
        const byNonce = new Map(chunk.map((r) => [r.nonce, r]));
        const now = Date.now();
        const updated = [];
        for (const res of (answer && answer.results) || []) {
          const row = byNonce.get(res.nonce);
          if (!row) continue;
          updated.push({
            ...row,
            state: res.status === 'refused' ? 'refused' : 'sent',
            status: res.status,
            server_verdict: res.server_verdict ?? null,
            server_reason: res.server_reason ?? null,
            conflict: Boolean(res.conflict),
            error: res.error ?? null,
            sent_at_ms: now,
          });
        }
        await putAll('queue', updated);
        await notify();
      }
    }
    failures = 0;
    if (!retired.size) lastError = null;
    await pruneSent();
  } catch (err) {
    // Network down, the service busy, an answer we could not read: later, with a growing pause.
    lastError = err;
    again = BACKOFF_MS[Math.min(failures, BACKOFF_MS.length - 1)];
    failures += 1;
  } finally {
    running = false;
  }
  await notify();
  if (again) {
    clearTimeout(timer);
    timer = setTimeout(uploadAll, again);
  }
}

async function pruneSent() {
  const old = (await byIndex('queue', 'state', 'sent')).filter((r) => Date.now() - (r.sent_at_ms || 0) > KEEP_SENT_MS);
  for (const r of old) await remove('queue', r.nonce);
}

/** Start uploading: now, on every return of the network, and every 30 s as a safety net. */
export function startUploads() {
  kick();
  globalThis.addEventListener?.('online', () => kick());
  setInterval(() => {
    if (!running) kick();
  }, 30000);
}
