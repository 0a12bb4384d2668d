// The point's offline kit (offline contract, "Kit"): downloaded on registration, refreshed
// with the cursor every few seconds while online, verified before use, kept in IndexedDB.
//
// The answer is {body, key_id, signature}: an Ed25519 signature over "yingbin-kit-v1\n" + body
// by key `key_id` — from the stored kit's keys, or on the very first download the kit's own
// (trust on first use, over the signed-in session). A kit that fails keeps the old one.
// A full kit replaces the stored one; an incremental one (full: false) merges its revocations
// by pass_id and replaces everything else (keys, session, canteen and desk are always whole).

import { api } from '../api.js';
import { fromHex, utf8 } from './bytes.js';
import { verifyEd25519 } from './ed25519.js';
import { get, put } from './idb.js';

const PREFIX = 'yingbin-kit-v1\n';

/** The kit's signature failed or named a key we do not hold: the old kit stays. */
export class KitRejected extends Error {
  constructor(why) {
    super(`kit rejected: ${why}`);
    this.name = 'KitRejected';
    this.code = 'kit_rejected';
  }
}

/** The stored kit of device `deviceId`: {device_id, kit, fetched_at_ms}, or null. */
export async function storedKit(deviceId) {
  try {
    return (await get('kits', Number(deviceId))) || null;
  } catch {
    return null;
  }
}

/** Verify an answer's signature with `keys` ([{key_id, public_key}]). */
async function verified(answer, keys) {
  const key = (keys || []).find((k) => Number(k.key_id) === Number(answer.key_id));
  if (!key) throw new KitRejected('unknown key');
  const sig = fromHex(answer.signature || '');
  if (!sig || sig.length !== 64) throw new KitRejected('signature');
  const ok = await verifyEd25519(key.key_id, key.public_key, utf8(PREFIX + answer.body), sig);
  if (!ok) throw new KitRejected('signature');
}

/** The stored kit with an incremental body applied. */
export function mergeKit(old, body) {
  if (body.full || !old) return { ...body };
  const byPass = new Map((old.revocations || []).map((r) => [Number(r.pass_id), r]));
  for (const r of body.revocations || []) byPass.set(Number(r.pass_id), r);
  const merged = { ...old, ...body, revocations: [...byPass.values()] };
  // Parts a point does not have are simply absent from an incremental answer: keep the old ones.
  for (const part of ['session', 'canteen', 'desk', 'zones', 'keys']) if (body[part] === undefined) merged[part] = old[part];
  return merged;
}

/**
 * Download the kit of `deviceId` (incrementally when one is stored), verify, merge, store.
 * Resolves to the stored record. Throws ApiError (network, 403 device_retired …) or KitRejected.
 */
export async function refreshKit(deviceId) {
  const old = await storedKit(deviceId);
  const since = old && old.kit && old.kit.cursor != null ? `?since=${encodeURIComponent(old.kit.cursor)}` : '';
  const answer = await api(`/api/v1/devices/${encodeURIComponent(deviceId)}/kit${since}`, { timeout: 15000 });
  if (!answer || typeof answer.body !== 'string') throw new KitRejected('no body');
  let body;
  try {
    body = JSON.parse(answer.body);
  } catch {
    throw new KitRejected('body');
  }
  await verified(answer, old && old.kit ? old.kit.keys : body.keys);
  if (Number(body.device_id) !== Number(deviceId)) throw new KitRejected('another device');
  const record = { device_id: Number(deviceId), kit: mergeKit(old && old.kit, body), fetched_at_ms: Date.now() };
  await put('kits', record);
  return record;
}

/**
 * How old the lists are, in seconds: by the kit's own generated_at and by the device's clock
 * since the download, whichever is older (a phone whose clock is behind must not look fresh).
 */
export function kitAge(record, nowMs = Date.now()) {
  if (!record || !record.kit) return null;
  const byServer = nowMs / 1000 - Number(record.kit.generated_at_unix || 0);
  const byDevice = (nowMs - Number(record.fetched_at_ms || 0)) / 1000;
  const age = Math.max(0, Math.floor(Math.max(byServer, byDevice)));
  const limit = Number(record.kit.max_age_seconds || 1800);
  return { age_seconds: age, max_age_seconds: limit, stale: age > limit };
}
