// Vehicle windscreen passes: /print/windscreen.html?ids=1,2,3 — A5 landscape (210 × 148 mm),
// one per page, placed behind the windscreen. Read from a guard's position beside the lane:
// the plate in very large type, the stream as a coloured band, the zones, the validity, the QR.
// Bilingual whatever the screen language. The driver's phone is not printed: the card is
// visible to anyone walking past the car.

import { clear, h, say, sayT } from '../js/dom.js';
import { initShell } from '../js/shell.js';
import { loadPasses, loadZones, parseIds, plateText, serialText, zoneChip } from '../passes/shared.js';
import { fitText, imagesReady, setPage, showLoading, toolbar } from './print.js';

/** The stream band, in both languages. */
const STREAM = {
  transport_pool: ['交通保障车辆', 'TRANSPORT POOL'],
  delegation_car: ['代表团车辆', 'DELEGATION CAR'],
  leader_car: ['领导车辆', 'LEADER CAR'],
  supply_medical: ['供餐/医疗保障车辆', 'SUPPLY & MEDICAL'],
};
const VTYPE = {
  sedan: '轿车 Sedan',
  suv: 'SUV',
  mpv: '商务车 MPV',
  minibus: '中巴 Minibus',
  bus: '大巴 Coach',
  truck: '货车 Truck',
  ambulance: '救护车 Ambulance',
  other: '其他 Other',
};

const $ = (id) => document.getElementById(id);

function card(p, zones) {
  const v = p.vehicle || {};
  const [zh, en] = STREAM[v.stream] || [v.stream || '', ''];
  const codes = Array.isArray(p.zones) ? p.zones : [];
  return h(
    'article',
    { class: `ws-card stream-${v.stream || 'none'}`, dataset: { passId: p.id } },
    h(
      'header',
      { class: 'ws-band' },
      h('span', { class: 'ws-stream' }, h('span', { class: 'ws-stream-zh' }, zh), h('span', { class: 'ws-stream-en' }, en)),
      h('span', { class: 'ws-title' }, h('span', {}, '车辆通行证'), h('span', {}, 'VEHICLE PASS')),
    ),
    h('p', { class: `ws-plate${String(v.plate || '').length === 8 ? ' ws-plate-green' : ''}`, dataset: { fitMm: '34', fitMin: '14' } }, plateText(v.plate)),
    h(
      'div',
      { class: 'ws-bottom' },
      h(
        'div',
        { class: 'ws-info' },
        h('p', { class: 'ws-label' }, '通行区域 Zones'),
        h('div', { class: 'ws-zones' }, codes.length ? codes.map((c) => zoneChip(c, zones, { withName: true, cls: 'ws-zone' })) : '—'),
        h('p', { class: 'ws-label' }, '有效期 Valid'),
        h('p', { class: 'ws-valid' }, `${p.valid_from || ''} – ${p.valid_to || ''}`),
        h('p', { class: 'ws-small' }, [VTYPE[v.vehicle_type] || v.vehicle_type, serialText(p)].filter(Boolean).join(' · ')),
      ),
      h('img', { class: 'ws-qr', src: `/api/v1/passes/${encodeURIComponent(p.id)}/qr.svg`, alt: '' }),
    ),
  );
}

async function main() {
  setPage('A5 landscape');
  document.body.classList.add('layout-windscreen');
  const userPromise = initShell();
  let passes = [];
  let failed = [];
  const ids = parseIds(new URLSearchParams(location.search).get('ids'));
  if (!ids.length) sayT($('print-error'), 'print.no_ids');
  else {
    try {
      ({ passes, failed } = await loadPasses(ids));
    } catch (err) {
      say($('print-error'), err.message);
    }
  }
  const zones = await loadZones();
  const user = await userPromise;
  const printable = passes.filter((p) => p.vehicle && p.token !== null && p.status !== 'requested' && p.status !== 'revoked');
  const skipped = passes.filter((p) => !printable.includes(p)).map((p) => `${plateText(p.vehicle?.plate) || ''} ${serialText(p)}`.trim());
  const area = $('windscreens');
  clear(area).append(...printable.map((p) => card(p, zones)));
  toolbar({ user, passes: printable, skipped, failed: failed.map((f) => f.item) });
  showLoading(true);
  fitText(area.querySelectorAll('[data-fit-mm]'));
  await imagesReady(area);
  fitText(area.querySelectorAll('[data-fit-mm]'));
  showLoading(false);
  $('print-button').disabled = printable.length === 0;
}

main();
