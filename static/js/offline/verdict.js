// One offline verdict, start to end: decode the text, verify it with the kit's key, decide —
// and the answer shaped like the online ScanResponse, so the three screens show either
// without knowing which it was.

import { decide, kitKey } from './decide.js';
import { verifyPass } from './ed25519.js';
import { decodeToken } from './token.js';

/** decide() for a scanned text against `kit` at `nowUnix`. */
export async function decideScan(payload, kit, nowUnix, firstUse) {
  const token = decodeToken(payload);
  let signatureOk = false;
  if (token.ok) {
    const key = kitKey(kit, token.record.key_id);
    if (key) signatureOk = await verifyPass(token.record.key_id, key, token.recordBytes, token.signature);
  }
  const verdict = decide({ token, signatureOk, kit, now_unix: nowUnix, firstUse });
  // The record's fields may be shown only once the signature held.
  return { verdict, record: token.ok && signatureOk ? token.record : null };
}

const iso = (unix) => new Date(unix * 1000).toISOString().replace('.000Z', 'Z');

/** Zone codes of the bits set in `access` (credential and vehicle pass). */
function zoneCodes(kit, access) {
  const out = [];
  for (const z of kit.zones || []) {
    if (z.bit >= 0 && z.bit < 64 && ((access >> BigInt(z.bit)) & 1n) === 1n) out.push(z.code);
  }
  return out;
}

/**
 * The online ScanResponse's shape for an offline verdict: verdict, reason, message, pass,
 * holder {name} when the kit has it, meal, lodging — plus `offline: true`.
 * `message(reason)` gives the text in the user's language.
 */
export function toScanResponse({ verdict: v, record }, kit, { message, listsAgeSeconds }) {
  const point = kit.point || {};
  const pass = record
    ? {
        id: record.pass_id,
        kind: record.kind_name,
        serial: record.serial,
        zones: record.kind === 1 || record.kind === 2 ? zoneCodes(kit, record.access) : [],
        valid_from: iso(record.valid_from),
        valid_until: iso(record.valid_until),
      }
    : null;
  const meal =
    point.kind === 'canteen' && v.service
      ? { point: kit.canteen && kit.canteen.point, point_name: kit.canteen && kit.canteen.point_name, service: v.service, day: v.day, halal: Boolean(v.halal), diet: v.diet || null }
      : null;
  const lodging =
    point.kind === 'hotel_desk' && v.verdict === 'accept'
      ? { hotel: v.hotel, hotel_name: v.hotel_name, room_no: v.room_no, nights_from: v.nights_from, nights_to: v.nights_to }
      : null;
  return {
    verdict: v.verdict,
    reason: v.reason,
    message: message(v.verdict === 'accept' ? null : v.reason),
    scan_id: null,
    pass,
    holder: v.name ? { name: v.name } : null,
    vehicle: null,
    first_use: null,
    meal,
    lodging,
    offline: true,
    lists_age_seconds: listsAgeSeconds,
  };
}
