// What the pass desk, the print pages, the checkpoint and the scan log share: how a pass,
// a zone, a status, a vehicle stream and a scan verdict look.
//
// Everything from the server goes into the page through textContent (dom.js `h`), never
// innerHTML: a guest named "<img onerror=…>" is just a strange name.

import { api, listAll } from '../js/api.js';
import { h } from '../js/dom.js';
import { eventTimeShort } from '../js/format.js';
import { has, lang, t } from '../js/i18n.js';

/** Pass statuses in their life order. */
export const STATUSES = ['requested', 'issued', 'printed', 'collected', 'revoked'];
/** Vehicle pass streams, each handled by its own department (docs/api.md). */
export const STREAMS = ['transport_pool', 'delegation_car', 'leader_car', 'supply_medical'];
/** Vehicle types offered by the create form. */
export const VEHICLE_TYPES = ['sedan', 'suv', 'mpv', 'minibus', 'bus', 'truck', 'ambulance', 'other'];
/** Why a pass is revoked. */
export const REVOKE_REASONS = ['lost', 'stolen', 'withdrawn'];

/** Which roles may do what on the pass desk (mirrors the table in docs/api.md). */
export const ROLES = {
  readCredentials: ['admin', 'reception', 'security', 'department', 'office', 'committee'],
  requestCredentials: ['admin', 'reception', 'security', 'department'],
  approve: ['admin', 'security'],
  revoke: ['admin', 'security'],
  markPrinted: ['admin', 'reception', 'security'],
  vehicles: ['admin', 'reception', 'security', 'transport', 'office'],
  admissions: ['admin', 'reception', 'security', 'office'],
};

/** The streams a role may create vehicle passes in. */
export function streamsFor(role) {
  switch (role) {
    case 'admin':
    case 'security':
      return STREAMS;
    case 'transport':
      return ['transport_pool'];
    case 'reception':
      return ['delegation_car', 'supply_medical'];
    case 'office':
      return ['leader_car'];
    default:
      return [];
  }
}

export function can(user, what) {
  return Boolean(user && ROLES[what] && ROLES[what].includes(user.role));
}

/** A label from the dictionary, or the raw code when there is none. */
export function label(prefix, code) {
  if (code === null || code === undefined || code === '') return t('common.none');
  return has(`${prefix}.${code}`) ? t(`${prefix}.${code}`) : String(code);
}

/** "No. 12-1": what is printed on a card and read out over the radio. */
export function serialText(pass) {
  return `No. ${pass.id}-${pass.serial ?? 1}`;
}

/** "05-14 – 05-23" */
export function validityText(pass) {
  const from = eventTimeShort(pass.valid_from);
  const to = eventTimeShort(pass.valid_to);
  if (!from && !to) return t('common.none');
  return `${from} – ${to}`;
}

/** The status badge; a revoked pass says why. */
export function statusBadge(pass) {
  const status = pass.status || '';
  const text =
    status === 'revoked' && pass.revoked_reason
      ? `${label('status', status)} · ${label('revoke_reason', pass.revoked_reason)}`
      : label('status', status);
  return h('span', { class: `badge status-badge st-${status}`, dataset: { status } }, text);
}

/** What a credential still lacks, in red ("缺照片 · 缺证件号"); null when complete. */
export function missingText(pass) {
  const missing = Array.isArray(pass.missing) ? pass.missing : [];
  if (missing.length === 0) return null;
  return h(
    'span',
    { class: 'missing', dataset: { missing: missing.join(',') } },
    missing.map((m) => label('missing', m)).join(' · '),
  );
}

// ---------- zones ----------

let zonesPromise = null;

/** Every zone, keyed by code: {code, name, name_en, color, bit}. Fetched once per page. */
export function loadZones() {
  if (!zonesPromise) {
    zonesPromise = listAll('/api/v1/zones')
      .then((items) => new Map(items.map((z) => [z.code, z])))
      .catch(() => new Map()); // without zones the codes alone are still shown
  }
  return zonesPromise;
}

/** Black or white, whichever reads better on `hex`. */
export function inkOn(hex) {
  const m = /^#?([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(String(hex || '').trim());
  if (!m) return '#fff';
  const [r, g, b] = m.slice(1).map((x) => parseInt(x, 16) / 255);
  const lin = (c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
  const lum = 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
  return lum > 0.4 ? '#111' : '#fff';
}

/** A zone's name in the UI language. */
export function zoneName(zone) {
  if (!zone) return '';
  return lang() === 'zh' ? zone.name || zone.name_en || '' : zone.name_en || zone.name || '';
}

/**
 * A zone chip: the code on the zone's colour, its name as the tooltip (or beside it with
 * `withName`). Colours are set through the CSSOM so a strict CSP would still allow them.
 */
export function zoneChip(code, zones, { withName = false, cls = '' } = {}) {
  const zone = zones && zones.get(code);
  const chip = h(
    'span',
    { class: `zone-chip ${cls}`.trim(), dataset: { zone: code }, title: zone ? zoneName(zone) : null },
    h('span', { class: 'zone-code' }, code),
    withName && zone ? h('span', { class: 'zone-name' }, zoneName(zone)) : null,
  );
  if (zone && zone.color) {
    chip.style.backgroundColor = zone.color;
    chip.style.color = inkOn(zone.color);
  }
  return chip;
}

export function zoneChips(codes, zones, opts) {
  const list = Array.isArray(codes) ? codes : [];
  if (list.length === 0) return h('span', { class: 'muted' }, t('common.none'));
  return h('span', { class: 'zone-chips' }, list.map((c) => zoneChip(c, zones, opts)));
}

// ---------- vehicles ----------

/**
 * A Chinese plate as painted: "川A·12345" (the dot after the province and the issuing
 * letter). Anything else is shown as typed.
 */
export function plateText(plate) {
  const p = String(plate || '').trim();
  if (/^[\u4e00-\u9fff][A-Z][A-Z0-9]{5,6}$/.test(p)) return `${p.slice(0, 2)}·${p.slice(2)}`;
  return p;
}

/** New-energy plates have 8 characters and are green; the rest are blue. */
export function plateClass(plate) {
  const p = String(plate || '').replace(/[·\s]/g, '');
  return p.length === 8 ? 'plate plate-green' : 'plate';
}

// ---------- scan verdicts ----------

/** The reason a scan was rejected, in plain words; the server's message as a fallback. */
export function reasonText(verdict, pointName = (code) => code) {
  if (!verdict) return '';
  const reason = verdict.reason;
  if (!reason) return verdict.verdict === 'accept' ? '' : verdict.message || '';
  if (reason === 'already_used' && verdict.first_use) {
    const at = eventTimeShort(verdict.first_use.at) || t('common.none');
    const point = verdict.first_use.point ? pointName(verdict.first_use.point) : t('common.none');
    return t('reason.already_used_at', { at, point });
  }
  if (has(`reason.${reason}`)) return t(`reason.${reason}`);
  return verdict.message || reason;
}

/** The photo URL of a pass's guest, busting the cache when the photo changes. */
export function guestPhotoUrl(pass) {
  const g = pass && pass.guest;
  if (!g || !g.id || g.has_photo === false) return null;
  const v = pass.photo_hash ? `?v=${encodeURIComponent(pass.photo_hash)}` : '';
  return `/api/v1/guests/${encodeURIComponent(g.id)}/photo${v}`;
}

// ---------- small async helpers ----------

/**
 * Run `fn(item)` for every item, `limit` at a time, and never throw: resolves to
 * `{ok: [{item, value}], failed: [{item, error}]}` so a bulk action can report each failure.
 */
export async function eachLimited(items, limit, fn) {
  const ok = [];
  const failed = [];
  let next = 0;
  async function worker() {
    while (next < items.length) {
      const item = items[next++];
      try {
        ok.push({ item, value: await fn(item) });
      } catch (error) {
        failed.push({ item, error });
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return { ok, failed };
}

/** Fetch one pass per id (for the print pages), in the order given. */
export async function loadPasses(ids) {
  const { ok, failed } = await eachLimited(ids, 6, (id) => api(`/api/v1/passes/${encodeURIComponent(id)}`));
  const byId = new Map(ok.map(({ item, value }) => [String(item), value]));
  return { passes: ids.map((id) => byId.get(String(id))).filter(Boolean), failed };
}

/** `YYYY-MM-DD` for a Date, in the device's calendar. */
export function isoDate(d) {
  const pad = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** Ids from "1,2,3" (the print pages' `?ids=`). */
export function parseIds(text) {
  return String(text || '')
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter((s) => /^\d+$/.test(s));
}
