// The offline verdict's speed in this browser (benches/offline_verdict.rs drives it in
// headless Chromium): a fresh Ed25519 key made with WebCrypto signs a credential; a canteen
// kit holds 20,000 eaters over 14 days; then 1,000 scans are decided exactly as at the canteen
// with the network down — decode, verify the signature, decide — and timed one by one.

import { decideScan } from './verdict.js';
import { toHex } from './bytes.js';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

function base32(bytes) {
  let out = '';
  let bits = 0;
  let value = 0;
  for (const b of bytes) {
    value = (value << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += ALPHABET[(value << (5 - bits)) & 31];
  return out;
}

function record(passId, from, until) {
  const r = new Uint8Array(30);
  const v = new DataView(r.buffer);
  r[0] = 1; // version
  r[1] = 1; // credential
  v.setUint16(2, 1); // key 1
  v.setUint32(4, passId);
  v.setUint16(8, 1); // serial
  v.setUint32(10, from);
  v.setUint32(14, until);
  v.setBigUint64(18, 1n);
  v.setUint32(26, 0);
  return r;
}

/** Median and 99th percentile (ms) of `n` offline canteen verdicts. */
export async function timeVerdicts(n = 1000) {
  const pair = await crypto.subtle.generateKey({ name: 'Ed25519' }, true, ['sign', 'verify']);
  const publicKey = new Uint8Array(await crypto.subtle.exportKey('raw', pair.publicKey));
  const now = Math.floor(Date.now() / 1000);
  const tokens = [];
  for (let i = 0; i < 50; i += 1) {
    const rec = record(1000 + i * 397, now - 86400, now + 86400);
    const message = new Uint8Array([...new TextEncoder().encode('yingbin-pass-v1'), ...rec]);
    const sig = new Uint8Array(await crypto.subtle.sign({ name: 'Ed25519' }, pair.privateKey, message));
    tokens.push(base32(new Uint8Array([...rec, ...sig])));
  }
  const today = new Date((now + 480 * 60) * 1000).toISOString().slice(0, 10);
  const eaters = [];
  for (let i = 0; i < 20000; i += 1) eaters.push([1000 + i, 'ffffffffffffff', i % 7 === 0 ? 1 : 0, null, `来宾${i}`]);
  const kit = {
    keys: [{ key_id: 1, public_key: toHex(publicKey) }],
    point: { code: 'C-MAIN', name: '主餐厅', kind: 'canteen', zone_bit: null, session_id: null },
    revocations: [],
    tz_offset_minutes: 480,
    canteen: {
      point: 'MAIN', point_name: '主餐厅', first_day: today, days: 14,
      windows: [{ service: 'breakfast', start: 0, end: 1440 }],
      eaters,
      used: [],
    },
  };
  const times = [];
  let accepted = 0;
  for (let i = 0; i < n; i += 1) {
    const t = performance.now();
    const { verdict } = await decideScan(tokens[i % tokens.length], kit, now, new Set());
    times.push(performance.now() - t);
    if (verdict.verdict === 'accept') accepted += 1;
  }
  times.sort((a, b) => a - b);
  return {
    n,
    accepted,
    median_ms: times[Math.floor(n / 2)],
    p99_ms: times[Math.floor(n * 0.99)],
    user_agent: navigator.userAgent,
  };
}
