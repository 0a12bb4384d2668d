// Runs the shared offline decision vectors (docs/vectors/offline-decisions.json) through the
// browser's own decoder, WebCrypto and decide(): the same file the Rust rules are tested on.
// A browser test calls `runVectors` inside a page; check-vectors.mjs calls it under node.

import { decideScan } from './verdict.js';

/** Unix seconds of a case's `now`: a number, or an RFC 3339 text. */
function unix(now) {
  if (typeof now === 'number') return now;
  if (typeof now === 'string' && /^\d+$/.test(now)) return Number(now);
  return Math.floor(Date.parse(now) / 1000);
}

/** The kit a case describes. */
export function kitOfCase(c, keys) {
  return {
    keys: c.keys || keys || [],
    point: c.point || {},
    revocations: c.revocations || [],
    session: c.session || null,
    canteen: c.canteen || null,
    desk: c.desk || null,
    tz_offset_minutes: c.tz_offset_minutes ?? 0,
  };
}

/**
 * Every case → {name, expect, got}; `got` is "accept" or the reject reason, as `expect` is.
 * `cases` is the file's `cases` array (with `keys` as second argument) or the whole file.
 */
export async function runVectors(cases, keys) {
  let list = cases;
  let shared = keys;
  if (cases && !Array.isArray(cases)) {
    list = cases.cases || [];
    shared = keys || cases.keys;
  }
  const out = [];
  for (const c of list) {
    let got;
    try {
      const { verdict: v } = await decideScan(c.token, kitOfCase(c, shared), unix(c.now), new Set(c.first_use || []));
      got = v.verdict === 'accept' ? 'accept' : v.reason;
    } catch (err) {
      got = `error: ${err && err.message}`;
    }
    out.push({ name: c.name, expect: c.expect, got });
  }
  return out;
}
