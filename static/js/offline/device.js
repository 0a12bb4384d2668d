// This browser as a registered scanner device, one per scan point (offline contract,
// "Devices"). The id is kept in localStorage per point; the first use of a point registers
// the device with a default name (the user and the point), so scanning never waits for a form.

import { api } from '../api.js';

const KEY = (point) => `yingbin.device.${point}`;

function read(key) {
  try {
    return JSON.parse(localStorage.getItem(key) || 'null');
  } catch {
    return null;
  }
}

function write(key, value) {
  try {
    if (value === null) localStorage.removeItem(key);
    else localStorage.setItem(key, JSON.stringify(value));
  } catch {
    // Private mode: registered again next time.
  }
}

/** The device registered for `pointCode` on this browser: {id, name, point, retired?}, or null. */
export function deviceFor(pointCode) {
  const d = read(KEY(pointCode));
  return d && d.id != null ? d : null;
}

/** Remember that the service retired this device: no more uploads, no offline decisions. */
export function markRetired(pointCode) {
  const d = deviceFor(pointCode);
  if (d) write(KEY(pointCode), { ...d, retired: true });
}

/** Forget the device of a point (the service no longer knows it). */
export function forgetDevice(pointCode) {
  write(KEY(pointCode), null);
}

/** The default name: the user and the point, e.g. "王五 · 东门". */
export function defaultName(user, point) {
  const who = user ? user.display_name || user.username || '' : '';
  const where = point ? point.name || point.code : '';
  return [who, where].filter(Boolean).join(' · ').slice(0, 80);
}

/** The device of `point`, registered now (POST /api/v1/devices) when there is none yet. */
export async function ensureDevice(point, user, name) {
  const known = deviceFor(point.code);
  if (known) return known;
  const created = await api('/api/v1/devices', { method: 'POST', json: { name: name || defaultName(user, point), point: point.code }, timeout: 10000 });
  const d = { id: created.id, name: created.name, point: created.point || point.code };
  write(KEY(point.code), d);
  return d;
}
