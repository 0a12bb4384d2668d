// Badge printing: /print/badges.html?ids=1,2,3 or the credential list's filters
// (?organization=新华社&status=issued …), one card per page or ?layout=sheet for A4 sheets.
//
// Card size: CR80 (ISO/IEC 7810 ID-1, the credit-card size card printers take), portrait,
// 54 × 86 mm. Chosen over A6 because accreditation cards go through PVC card printers and
// lanyard sleeves are made for it; on A4 (landscape) eight of them fit, 4 × 2, with cut marks.
//
// The card face is bilingual whatever the screen language: a guard from anywhere reads it.

import { listAll } from '../js/api.js';
import { clear, h, say } from '../js/dom.js';
import { eventTime, eventTimeShort } from '../js/format.js';
import { initShell } from '../js/shell.js';
import { guestPhotoUrl, loadPasses, loadZones, parseIds, plateText, serialText, zoneChip } from '../passes/shared.js';
import { fitText, imagesReady, setPage, showLoading, toolbar } from './print.js';

const FILTERS = ['status', 'category', 'department_id', 'delegation_id', 'organization', 'q'];
const PER_SHEET = 8;
const NO_PHOTO = '/img/no-photo.svg';

/** The category band, in both languages. */
const CATEGORY = {
  vip: ['贵宾', 'VIP'],
  entourage: ['随行人员', 'ENTOURAGE'],
  journalist: ['新闻记者', 'MEDIA'],
  staff: ['工作人员', 'STAFF'],
  delegate: ['代表团成员', 'DELEGATE'],
};

const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(location.search);
const sheet = params.get('layout') === 'sheet';

function layoutLinks() {
  const card = new URLSearchParams(params);
  card.delete('layout');
  const sheetParams = new URLSearchParams(params);
  sheetParams.set('layout', 'sheet');
  $('layout-card').href = `?${card}`;
  $('layout-sheet').href = `?${sheetParams}`;
  ($(sheet ? 'layout-sheet' : 'layout-card')).setAttribute('aria-current', 'page');
}

async function fetchPasses() {
  const ids = parseIds(params.get('ids'));
  if (ids.length) return loadPasses(ids);
  const query = new URLSearchParams();
  for (const key of FILTERS) if (params.get(key)) query.set(key, params.get(key));
  const passes = await listAll(`/api/v1/credentials${query.toString() ? `?${query}` : ''}`);
  return { passes, failed: [] };
}

function who(p) {
  if (p.guest) return p.guest.name || '';
  if (p.admission) return p.admission.invitee_name || '';
  if (p.vehicle) return plateText(p.vehicle.plate);
  return '';
}

function band(p) {
  if (p.kind === 'admission' && p.admission?.session) {
    const s = p.admission.session;
    return h('header', { class: 'bc-band bc-band-session' }, h('span', { class: 'bc-band-zh' }, s.name || s.code || ''), h('span', { class: 'bc-band-en' }, s.name_en || ''));
  }
  const cat = p.guest?.category;
  const [zh, en] = CATEGORY[cat] || [cat || '', ''];
  return h('header', { class: `bc-band cat-${cat || 'none'}` }, h('span', { class: 'bc-band-zh' }, zh), h('span', { class: 'bc-band-en' }, en));
}

function middle(p, zones) {
  if (p.kind === 'admission') {
    const a = p.admission || {};
    const s = a.session || {};
    const gates = (Array.isArray(s.gates) ? s.gates : String(s.gates || '').split(',')).map((g) => String(g).trim()).filter(Boolean);
    const seat = [a.section ? `${a.section}区` : '', a.seat ? `${a.seat}座` : ''].filter(Boolean).join(' ');
    const seatEn = [a.section ? `Section ${a.section}` : '', a.seat ? `Seat ${a.seat}` : ''].filter(Boolean).join(' · ');
    return h(
      'div',
      { class: 'bc-zones bc-seat' },
      seat ? h('span', { class: 'bc-seat-main' }, seat) : null,
      seatEn ? h('span', { class: 'bc-seat-sub' }, seatEn) : null,
      gates.length ? h('span', { class: 'bc-seat-sub' }, `入口 Gate ${gates.join(' / ')}`) : null,
      s.starts_at ? h('span', { class: 'bc-seat-sub' }, eventTime(s.starts_at)) : null,
    );
  }
  const codes = Array.isArray(p.zones) ? p.zones : [];
  const box = h('div', { class: `bc-zones n-${Math.min(codes.length, 6)}` }, codes.map((c) => zoneChip(c, zones, { cls: 'bc-zone' })));
  return box;
}

const CJK = /[\u3400-\u9fff\uf900-\ufaff]/;

function card(p, zones) {
  const g = p.guest;
  const photo = guestPhotoUrl(p);
  const withPhoto = !(p.kind === 'admission' && !g);
  const org = g ? [g.delegation, g.organization].filter(Boolean).join(' · ') : p.admission?.invitee_org || '';
  const name = who(p);
  // A Chinese name stays on one line and shrinks; a Latin-script name may wrap at a space.
  // When the name is already in Latin script, the Latin line would only repeat it.
  const cjk = CJK.test(name);
  return h(
    'article',
    { class: `badge-card kind-${p.kind || 'credential'}${withPhoto ? '' : ' no-photo'}`, dataset: { passId: p.id } },
    band(p),
    h(
      'div',
      { class: 'bc-main' },
      withPhoto ? h('img', { class: 'bc-photo', src: photo || NO_PHOTO, alt: '' }) : null,
      h(
        'div',
        { class: 'bc-who' },
        h('p', { class: `bc-name ${cjk ? 'is-cjk' : 'is-latin'}`, dataset: { fitMm: '7', fitMin: cjk ? '3.5' : '2.6' } }, name),
        g?.name_latin && cjk ? h('p', { class: 'bc-latin', dataset: { fitMm: '3.2', fitMin: '2.2' } }, g.name_latin) : null,
        org ? h('p', { class: 'bc-org' }, org) : null,
      ),
    ),
    middle(p, zones),
    h(
      'footer',
      { class: 'bc-foot' },
      h('img', { class: 'bc-qr', src: `/api/v1/passes/${encodeURIComponent(p.id)}/qr.svg`, alt: '' }),
      h(
        'div',
        { class: 'bc-meta' },
        h('p', { class: 'bc-serial' }, serialText(p)),
        h('p', { class: 'bc-valid-label' }, '有效期 Valid'),
        h('p', { class: 'bc-valid' }, p.valid_from || p.valid_to ? `${eventTimeShort(p.valid_from)} – ${eventTimeShort(p.valid_to)}` : '—'),
      ),
    ),
  );
}

/** Eight cards per A4 sheet, each with cut marks at its corners. */
function sheets(cards) {
  const out = [];
  for (let i = 0; i < cards.length; i += PER_SHEET) {
    out.push(
      h(
        'section',
        { class: 'sheet' },
        cards.slice(i, i + PER_SHEET).map((c) =>
          h('div', { class: 'sheet-cell' }, c, ['tl', 'tr', 'bl', 'br'].map((k) => h('span', { class: `cut cut-${k}`, 'aria-hidden': 'true' }))),
        ),
      ),
    );
  }
  return out;
}

async function main() {
  layoutLinks();
  setPage(sheet ? 'A4 landscape' : '54mm 86mm');
  document.body.classList.add(sheet ? 'layout-sheet' : 'layout-card');
  if (sheet) $('print-help').dataset.i18n = 'print.help_sheet';
  const userPromise = initShell();
  let passes = [];
  let failed = [];
  try {
    ({ passes, failed } = await fetchPasses());
  } catch (err) {
    say($('print-error'), err.message);
  }
  const zones = await loadZones();
  const user = await userPromise;

  // Only a signed pass has a QR worth printing; a revoked one must never be printed again.
  // Vehicle passes have their own page (windscreen.html).
  const printable = passes.filter(
    (p) => p.kind !== 'vehicle' && p.token !== null && p.status !== 'requested' && p.status !== 'revoked',
  );
  const skipped = passes.filter((p) => !printable.includes(p)).map((p) => `${who(p)} ${serialText(p)}`);
  const cards = printable.map((p) => card(p, zones));
  const area = $('badges');
  clear(area).append(...(sheet ? sheets(cards) : cards));
  toolbar({ user, passes: printable, skipped, failed: failed.map((f) => f.item) });
  showLoading(true);
  fitText(area.querySelectorAll('[data-fit-mm]'));
  await imagesReady(area);
  // Photos change the layout of nothing, but fonts may have arrived meanwhile: fit again.
  fitText(area.querySelectorAll('[data-fit-mm]'));
  showLoading(false);
  $('print-button').disabled = printable.length === 0;
}

main();
