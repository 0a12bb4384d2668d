// Reading a scanned pass token, docs/pass-format.md §1 and §2.
//
// The text is trimmed and ASCII-uppercased (a wedge scanner ends with Enter, a desk with
// Caps Lock on types lowercase), then must be exactly 151 characters of the RFC 4648 base32
// alphabet with a canonical final character (its 3 low bits zero: one token, one text).
// The 94 bytes are a 30-byte record and a 64-byte Ed25519 signature. A version other than 1
// is logged as `malformed` (§6 step 1), like a kind outside 1..4.
//
// Nothing here is trusted until the signature has been checked (ed25519.js).

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const VALUE = new Map([...ALPHABET].map((c, i) => [c, i]));
export const TOKEN_CHARS = 151;
export const TOKEN_BYTES = 94;
export const RECORD_BYTES = 30;

/** Pass kinds by their byte value (§2) and back. */
export const KIND_NAMES = { 1: 'credential', 2: 'vehicle', 3: 'admission', 4: 'meal_coupon' };

/** ASCII-only uppercase: `toUpperCase` would turn `ß` into `SS` and other letters into ASCII. */
function asciiUpper(text) {
  return text.replace(/[a-z]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 32));
}

/** The 94 bytes of a canonical 151-character base32 text, or null. */
function base32Bytes(text) {
  if (text.length !== TOKEN_CHARS) return null;
  const out = new Uint8Array(TOKEN_BYTES);
  let acc = 0;
  let bits = 0;
  let at = 0;
  for (let i = 0; i < text.length; i += 1) {
    const v = VALUE.get(text[i]);
    if (v === undefined) return null;
    acc = ((acc << 5) | v) & 0xfff;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out[at] = (acc >> bits) & 0xff;
      at += 1;
    }
  }
  // 151 × 5 = 755 bits = 94 bytes + 3 bits left over, which must be zero.
  if (at !== TOKEN_BYTES || bits !== 3 || (acc & 0b111) !== 0) return null;
  return out;
}

function u16(b, at) {
  return (b[at] << 8) | b[at + 1];
}

function u32(b, at) {
  return ((b[at] << 24) >>> 0) + ((b[at + 1] << 16) | (b[at + 2] << 8) | b[at + 3]);
}

/**
 * Decode a scanned text.
 * @returns {{ok: true, record: {version, kind, kind_name, key_id, pass_id, serial, valid_from,
 *   valid_until, access: bigint, photo}, recordBytes: Uint8Array, signature: Uint8Array}
 *   | {ok: false, reason: 'malformed', unsupported?: true}}
 */
export function decodeToken(scanned) {
  const text = asciiUpper(String(scanned ?? '').trim());
  const bytes = base32Bytes(text);
  if (!bytes) return { ok: false, reason: 'malformed' };
  if (bytes[0] !== 1) return { ok: false, reason: 'malformed', unsupported: true };
  const kind = bytes[1];
  if (!KIND_NAMES[kind]) return { ok: false, reason: 'malformed' };
  let access = 0n;
  for (let i = 18; i < 26; i += 1) access = (access << 8n) | BigInt(bytes[i]);
  return {
    ok: true,
    record: {
      version: 1,
      kind,
      kind_name: KIND_NAMES[kind],
      key_id: u16(bytes, 2),
      pass_id: u32(bytes, 4),
      serial: u16(bytes, 8),
      valid_from: u32(bytes, 10),
      valid_until: u32(bytes, 14),
      access,
      photo: u32(bytes, 26),
    },
    recordBytes: bytes.slice(0, RECORD_BYTES),
    signature: bytes.slice(RECORD_BYTES, TOKEN_BYTES),
  };
}
