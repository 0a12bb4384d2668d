// Dev aid: checks token.js, ed25519.js and decide.js under node 20 (WebCrypto Ed25519).
//   node static/js/offline/check-vectors.mjs
// 1. every vector of docs/pass-format.md §8 (valid / bad_signature / malformed; version 2 is
//    `malformed` offline);
// 2. hand-made decisions for every point kind, with tokens signed here by the §8 test key 1;
// 3. docs/vectors/offline-decisions.json, the cases shared with the Rust rules, when present.
// Exits 1 on the first failing group.

import { createPrivateKey, sign } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { fromHex } from './bytes.js';
import { decide, runningService } from './decide.js';
import { ed25519Supported, verifyPass } from './ed25519.js';
import { decodeToken } from './token.js';
import { runVectors } from './vectors.js';
import { decideScan } from './verdict.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '../../..');
let failures = 0;
let checks = 0;
function check(label, got, want) {
  checks += 1;
  if (JSON.stringify(got) !== JSON.stringify(want)) {
    failures += 1;
    console.log(`FAIL ${label}: got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
  }
}

// ---------- 1. §8 ----------
if (!(await ed25519Supported())) {
  console.log('this node has no Ed25519 in WebCrypto');
  process.exit(1);
}
const doc = readFileSync(join(root, 'docs/pass-format.md'), 'utf8');
const blocks = [...doc.matchAll(/```pass-vector\n([\s\S]*?)```/g)].map((m) =>
  Object.fromEntries(m[1].trim().split('\n').map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 1).trim()])),
);
check('§8 has vectors', blocks.length >= 10, true);
for (const v of blocks) {
  const tok = decodeToken(v.token);
  let got = 'malformed';
  if (tok.ok) {
    got = (await verifyPass(tok.record.key_id, v.public_key_hex, tok.recordBytes, tok.signature)) ? 'valid' : 'bad_signature';
    const r = tok.record;
    check(`${v.name} fields`, [r.kind_name, r.key_id, r.pass_id, r.serial, r.valid_from, r.valid_until, r.access, r.photo].map(String), [
      v.kind === 'vehicle' ? 'vehicle' : v.kind,
      v.key_id, v.pass_id, v.serial, v.valid_from, v.valid_until,
      BigInt(v.access).toString(), String(Number(v.photo)),
    ]);
  }
  const want = v.expect === 'unsupported_version' ? 'malformed' : v.expect;
  check(`${v.name} → ${want}`, got, want);
}
// Strictness of §1: a non-canonical final character, padding, inner space, a wrong length.
const valid = blocks.find((b) => b.name === 'valid_credential').token;
const last = valid.at(-1);
const A = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const bumped = valid.slice(0, -1) + A[A.indexOf(last) + 1];
check('non-canonical last char', decodeToken(bumped).ok, false);
check('padding', decodeToken(valid + '=').ok, false);
check('inner space', decodeToken(valid.slice(0, 20) + ' ' + valid.slice(21)).ok, false);
check('surrounding whitespace and CRLF', decodeToken(`  ${valid}\r\n`).ok, true);
check('non-ASCII lowercase', decodeToken(valid.slice(0, -1) + 'ı').ok, false);

// ---------- 2. hand-made decisions ----------
const SEED1 = Buffer.alloc(32, 1);
const PK1 = '8a88e3dd7409f195fd52db2d3cba5d72ca6709bf1d94121bf3748801b40f6f5c';
const b64u = (b) => Buffer.from(b).toString('base64url');
const key1 = createPrivateKey({ key: { kty: 'OKP', crv: 'Ed25519', d: b64u(SEED1), x: b64u(fromHex(PK1)) }, format: 'jwk' });

function base32(bytes) {
  let out = '';
  let acc = 0;
  let bits = 0;
  for (const b of bytes) {
    acc = (acc << 8) | b;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out += A[(acc >> bits) & 31];
    }
    acc &= 0xff;
  }
  if (bits) out += A[(acc << (5 - bits)) & 31];
  return out;
}

/** A token signed by key 1 (key_id may be set to anything: an unknown key). */
function mint({ kind = 1, key_id = 1, pass_id = 12, serial = 1, from = 1810224000, until = 1811088000, access = 9n, photo = 0 }) {
  const rec = Buffer.alloc(30);
  rec[0] = 1;
  rec[1] = kind;
  rec.writeUInt16BE(key_id, 2);
  rec.writeUInt32BE(pass_id, 4);
  rec.writeUInt16BE(serial, 8);
  rec.writeUInt32BE(from, 10);
  rec.writeUInt32BE(until, 14);
  rec.writeBigUInt64BE(BigInt(access), 18);
  rec.writeUInt32BE(photo, 26);
  const sig = sign(null, Buffer.concat([Buffer.from('yingbin-pass-v1'), rec]), key1);
  return base32(Buffer.concat([rec, sig]));
}

check('minted §8 credential equals the doc', mint({ photo: 0xc1ce0250 }), valid);

const keys = [{ key_id: 1, public_key: PK1 }];
const NOW = 1810300000; // 2027-05-14 ~20:26 +08:00
const TZ = 480;
const gate = (extra = {}) => ({ keys, tz_offset_minutes: TZ, revocations: [], point: { kind: 'person_gate', zone_bit: 3, session_id: null }, ...extra });
const run = async (label, payload, kit, want, { now = NOW, firstUse = new Set() } = {}) => {
  const { verdict: v } = await decideScan(payload, kit, now, firstUse);
  check(label, v.verdict === 'accept' ? 'accept' : v.reason, want);
  return v;
};

const cred = mint({});
await run('gate accept', cred, gate(), 'accept');
await run('gate lowercase accept', cred.toLowerCase(), gate(), 'accept');
await run('gate malformed', cred.slice(1), gate(), 'malformed');
await run('gate version 2', blocks.find((b) => b.name === 'version_2').token, gate(), 'malformed');
await run('gate unknown key', mint({ key_id: 7 }), gate(), 'unknown_key');
await run('gate forged', blocks.find((b) => b.name === 'flipped_record_bit').token, gate(), 'bad_signature');
await run('gate revoked', cred, gate({ revocations: [{ pass_id: 12, min_serial: 1, revoked: true }] }), 'revoked');
await run('revoked wins over superseded', cred, gate({ revocations: [{ pass_id: 12, min_serial: 2, revoked: true }] }), 'revoked');
await run('gate superseded', cred, gate({ revocations: [{ pass_id: 12, min_serial: 2, revoked: false }] }), 'superseded');
await run('a later entry replaces an earlier', cred, gate({ revocations: [{ pass_id: 12, min_serial: 1, revoked: true }, { pass_id: 12, min_serial: 1, revoked: false }] }), 'accept');
await run('not yet valid', cred, gate(), 'not_yet_valid', { now: 1810223999 });
await run('valid_from inclusive', cred, gate(), 'accept', { now: 1810224000 });
await run('expired (valid_until exclusive)', cred, gate(), 'expired', { now: 1811088000 });
await run('revoked before expired', cred, gate({ revocations: [{ pass_id: 12, min_serial: 1, revoked: true }] }), 'revoked', { now: 1811088000 });
await run('revoked card at a vehicle gate is revoked (not wrong_kind)', cred, gate({ point: { kind: 'vehicle_gate', zone_bit: 1 }, revocations: [{ pass_id: 12, min_serial: 1, revoked: true }] }), 'revoked');
await run('credential at a vehicle gate', cred, gate({ point: { kind: 'vehicle_gate', zone_bit: 1 } }), 'wrong_kind');
await run('zone 2 denied', cred, gate({ point: { kind: 'person_gate', zone_bit: 2 } }), 'zone_denied');
await run('zone 0 allowed', cred, gate({ point: { kind: 'person_gate', zone_bit: 0 } }), 'accept');
await run('zone bit 63', mint({ access: 1n << 63n }), gate({ point: { kind: 'person_gate', zone_bit: 63 } }), 'accept');
await run('no zone bit: any credential', mint({ access: 0n }), gate({ point: { kind: 'person_gate', zone_bit: null } }), 'accept');
await run('vehicle accept', mint({ kind: 2, pass_id: 305, access: 0x22n }), gate({ point: { kind: 'vehicle_gate', zone_bit: 5 } }), 'accept');

// Session gate.
const adm = mint({ kind: 3, pass_id: 4711, access: 42n });
const sg = (extra = {}) => gate({ point: { kind: 'session_gate', zone_bit: null, session_id: 42 }, session: { id: 42, name: 'x', allow_reentry: false, used: [] }, ...extra });
const first = await run('session accept', adm, sg(), 'accept');
check('session first-use key', first.first_use_key, 'session:4711:42');
await run('session used on this device', adm, sg(), 'already_used', { firstUse: new Set(['session:4711:42']) });
await run('session used per kit', adm, sg({ session: { id: 42, allow_reentry: false, used: [4711] } }), 'already_used');
await run('session reentry', adm, sg({ session: { id: 42, allow_reentry: true, used: [4711] } }), 'accept', { firstUse: new Set(['session:4711:42']) });
await run('other session', mint({ kind: 3, pass_id: 4711, access: 43n }), sg(), 'zone_denied');
await run('credential at session gate', cred, sg(), 'wrong_kind');

// Canteen: 2027-05-14 local. first_day 2027-05-13, masks per day.
const at = (hhmm, day = 14) => Math.floor(Date.UTC(2027, 4, day, Number(hhmm.slice(0, 2)), Number(hhmm.slice(3))) / 1000) - TZ * 60;
const canteen = (extra = {}) => gate({
  point: { kind: 'canteen', zone_bit: null, session_id: null },
  canteen: {
    point: 'DP1', point_name: '一号餐厅', first_day: '2027-05-13', days: 14,
    windows: [{ service: 'breakfast', start: 390, end: 540 }, { service: 'lunch', start: 690, end: 810 }, { service: 'dinner', start: 1050, end: 1200 }, { service: 'night_snack', start: 1320, end: 60 }],
    eaters: [[12, 'f3f', 1, '不吃猪肉', '张三'], [900, '0f', 0, null, '餐券']],
    used: [[12, '2027-05-14', 'lunch']],
    ...extra,
  },
});
const b = await run('canteen breakfast', cred, canteen(), 'accept', { now: at('07:00') });
check('canteen facts', [b.service, b.day, b.halal, b.diet, b.name, b.first_use_key], ['breakfast', '2027-05-14', true, '不吃猪肉', '张三', 'meal:12:2027-05-14:breakfast']);
await run('window end exclusive', cred, canteen(), 'outside_window', { now: at('09:00') });
await run('lunch used per kit', cred, canteen(), 'already_used', { now: at('12:00') });
await run('breakfast used on this device', cred, canteen(), 'already_used', { now: at('07:00'), firstUse: new Set(['meal:12:2027-05-14:breakfast']) });
await run('dinner on day 1 (digit 3: no dinner)', cred, canteen(), 'not_entitled', { now: at('18:00', 14) });
const early = mint({ from: 1810000000 });
await run('dinner on day 0 (digit f)', early, canteen(), 'accept', { now: at('18:00', 13) });
const ns = await run('night snack after midnight belongs to the day before', cred, canteen(), 'accept', { now: at('00:30', 14) });
check('night snack day', [ns.service, ns.day], ['night_snack', '2027-05-13']);
await run('night snack after midnight of day 1: digit 3 has no snack', cred, canteen(), 'not_entitled', { now: at('00:30', 15) });
await run('not an eater', mint({ pass_id: 13 }), canteen(), 'not_entitled', { now: at('07:00') });
await run('before first day', early, canteen(), 'not_entitled', { now: at('07:00', 12) });
await run('coupon accepted', mint({ kind: 4, pass_id: 900, access: 0n }), canteen(), 'accept', { now: at('12:00', 14) });
await run('vehicle at canteen', mint({ kind: 2 }), canteen(), 'wrong_kind', { now: at('07:00') });
await run('outside window before eater', mint({ pass_id: 13 }), canteen(), 'outside_window', { now: at('10:00') });
check('window to 1440', runningService([{ service: 'dinner', start: 1200, end: 1440 }], at('23:59'), TZ), { service: 'dinner', day: '2027-05-14' });
check('window to 1440 ends at midnight', runningService([{ service: 'dinner', start: 1200, end: 1440 }], at('00:00', 15), TZ), null);

// Hotel desk: today 2027-05-14 local at NOW.
const desk = (bookings) => gate({ point: { kind: 'hotel_desk', zone_bit: null, session_id: null }, desk: { hotel: 'H01', hotel_name: '锦江宾馆', bookings } });
const d = await run('desk booked', cred, desk([[12, '张三', '1203', '2027-05-13', '2027-05-16']]), 'accept');
check('desk facts', [d.name, d.room_no, d.hotel_name], ['张三', '1203', '锦江宾馆']);
await run('desk departure day counts', cred, desk([[12, '张三', null, '2027-05-10', '2027-05-14']]), 'accept');
await run('desk arrives tomorrow', cred, desk([[12, '张三', null, '2027-05-15', '2027-05-16']]), 'no_booking');
await run('desk admission', adm, desk([[4711, 'x', null, '2027-05-13', '2027-05-16']]), 'wrong_kind');
check('decide without a token', decide({ token: null, kit: gate(), now_unix: NOW }).reason, 'malformed');

// ---------- 3. the shared vectors ----------
const shared = join(root, 'docs/vectors/offline-decisions.json');
if (existsSync(shared)) {
  const file = JSON.parse(readFileSync(shared, 'utf8'));
  const results = await runVectors(file);
  for (const r of results) check(`vector ${r.name}`, r.got, r.expect);
  console.log(`docs/vectors/offline-decisions.json: ${results.length} cases`);
} else {
  console.log('docs/vectors/offline-decisions.json not there yet: skipped');
}

// Speed: one offline verdict (decode + verify + decide), median of 1,000.
const kit = canteen();
const times = [];
for (let i = 0; i < 1000; i += 1) {
  const t0 = performance.now();
  await decideScan(cred, kit, at('07:00'), new Set());
  times.push(performance.now() - t0);
}
times.sort((x, y) => x - y);
console.log(`offline verdict median ${times[500].toFixed(3)} ms (node)`);

console.log(`${checks - failures}/${checks} checks passed`);
process.exit(failures ? 1 : 0);
