// Ed25519 verification through WebCrypto (docs/pass-format.md §3).
//
// Chromium, Firefox and Safari verify Ed25519 in `crypto.subtle`; a browser whose WebCrypto has
// no Ed25519 (Chrome before 137, Safari before 17) verifies with the vendored noble-ed25519
// (`/vendor/noble-ed25519.js`, RFC 8032 mode: non-canonical S and small-order keys refused).
// A page outside a secure context, where `crypto.subtle` is missing altogether, gets a
// CryptoUnavailable error, which the screens show as "this browser cannot verify offline" —
// never a guess. Imported keys are cached by key id and key bytes (a rotated key gets a new id).

import { concat, fromHex, utf8 } from './bytes.js';

const PASS_PREFIX = utf8('yingbin-pass-v1');

/** The browser cannot verify Ed25519 signatures: offline decisions are impossible here. */
export class CryptoUnavailable extends Error {
  constructor(cause) {
    super('Ed25519 is not available in this browser');
    this.name = 'CryptoUnavailable';
    this.code = 'crypto_unavailable';
    this.cause = cause;
  }
}

const imported = new Map(); // `${key_id}:${hex}` → Promise<CryptoKey>

function subtle() {
  const s = globalThis.crypto && globalThis.crypto.subtle;
  if (!s) throw new CryptoUnavailable(null);
  return s;
}

/** The WebCrypto key for `publicKeyHex`, imported once. Null for a key that is not 32 bytes. */
async function publicKey(keyId, publicKeyHex) {
  const id = `${keyId}:${publicKeyHex}`;
  if (!imported.has(id)) {
    const raw = fromHex(publicKeyHex);
    if (!raw || raw.length !== 32) return null;
    const pending = subtle()
      .importKey('raw', raw, { name: 'Ed25519' }, false, ['verify'])
      .catch((err) => {
        imported.delete(id);
        // A key WebCrypto refuses to import (not a curve point) verifies nothing; a browser
        // without the algorithm says so with NotSupportedError.
        if (err && err.name === 'NotSupportedError') throw new CryptoUnavailable(err);
        return null;
      });
    imported.set(id, pending);
  }
  return imported.get(id);
}

let noble = null; // the vendored library, loaded the first time WebCrypto says no
let webCryptoLacksEd25519 = false;

/** The vendored verifier, for a browser whose WebCrypto lacks Ed25519. */
async function nobleVerify(publicKeyHex, message, signature) {
  subtle(); // SHA-512 comes from WebCrypto: without it there is no secure context at all
  if (!noble) noble = import('/vendor/noble-ed25519.js');
  const lib = await noble;
  const raw = fromHex(publicKeyHex);
  if (!raw || raw.length !== 32) return false;
  try {
    return await lib.verifyAsync(signature, message, raw, { zip215: false });
  } catch {
    return false;
  }
}

/** True when `signature` is `publicKeyHex`'s Ed25519 signature of `message`. */
export async function verifyEd25519(keyId, publicKeyHex, message, signature) {
  if (!signature || signature.length !== 64) return false;
  if (webCryptoLacksEd25519) return nobleVerify(publicKeyHex, message, signature);
  let key;
  try {
    key = await publicKey(keyId, publicKeyHex);
  } catch (err) {
    if (err instanceof CryptoUnavailable && err.cause) {
      webCryptoLacksEd25519 = true;
      return nobleVerify(publicKeyHex, message, signature);
    }
    throw err;
  }
  if (!key) return false;
  try {
    return await subtle().verify({ name: 'Ed25519' }, key, signature, message);
  } catch (err) {
    if (err && err.name === 'NotSupportedError') return nobleVerify(publicKeyHex, message, signature);
    return false;
  }
}

/** The pass signature check of §3: "yingbin-pass-v1" ‖ record, signed by key `keyId`. */
export function verifyPass(keyId, publicKeyHex, recordBytes, signature) {
  return verifyEd25519(keyId, publicKeyHex, concat(PASS_PREFIX, recordBytes), signature);
}

/** Whether this browser verifies Ed25519 at all (checked once with a throwaway import). */
let support = null;
export function ed25519Supported() {
  if (!support) {
    support = (async () => {
      try {
        // The §8 test key 1: a valid point.
        await subtle().importKey('raw', fromHex('8a88e3dd7409f195fd52db2d3cba5d72ca6709bf1d94121bf3748801b40f6f5c'), { name: 'Ed25519' }, false, ['verify']);
        return true;
      } catch (err) {
        // No Ed25519 in WebCrypto: the vendored library verifies, as long as WebCrypto exists.
        return Boolean(globalThis.crypto && globalThis.crypto.subtle) && err && err.name === 'NotSupportedError';
      }
    })();
  }
  return support;
}
