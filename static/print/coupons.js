// Meal coupons (餐券): /print/coupons.html?ids=1,2,3[&point=P&day=Y&service=Z] — ten coupons of
// 105 × 59.4 mm to an A4 portrait sheet, each with its signed QR (the pass's qr.svg), the
// point, the day and the service.
//
// Where a coupon is good comes from GET /meal-coupons (the list the meals page shows); the
// point, day and service in the address (the batch the meals page just issued) fill in for
// a coupon the list does not return. A used or revoked coupon is not printed again.

import { api } from '../js/api.js';
import { clear, h, say } from '../js/dom.js';
import { t } from '../js/i18n.js';
import { initShell } from '../js/shell.js';
import { SERVICE_BI, loadPoints } from '../meals/shared.js';
import { parseIds } from '../passes/shared.js';
import { imagesReady, setPage, showLoading } from './print.js';

const PER_SHEET = 10;
const $ = (id) => document.getElementById(id);

function coupon(c, pointName) {
  const [zh, en] = SERVICE_BI[c.service] || [c.service || '', ''];
  return h(
    'article',
    { class: 'coupon', dataset: { passId: c.id } },
    h('img', { class: 'cpn-qr', src: `/api/v1/passes/${encodeURIComponent(c.id)}/qr.svg`, alt: '' }),
    h(
      'div',
      { class: 'cpn-info' },
      h('p', { class: 'cpn-title' }, h('span', {}, '餐券'), h('span', { class: 'cpn-title-en' }, 'MEAL COUPON')),
      h('p', { class: 'cpn-service' }, h('span', {}, zh), h('span', { class: 'cpn-service-en' }, en)),
      h('p', { class: 'cpn-day' }, c.day || ''),
      h('p', { class: 'cpn-point' }, pointName(c.point)),
      h('p', { class: 'cpn-foot' }, h('span', { class: 'cpn-no' }, `No. ${c.id}`), ' 限用一次 Single use'),
    ),
  );
}

function sheets(cards) {
  const out = [];
  for (let i = 0; i < cards.length; i += PER_SHEET) out.push(h('section', { class: 'mc-sheet coupon-sheet' }, cards.slice(i, i + PER_SHEET)));
  return out;
}

async function main() {
  setPage('A4 portrait');
  const params = new URLSearchParams(location.search);
  const ids = parseIds(params.get('ids'));
  const given = { point: params.get('point') || '', day: params.get('day') || '', service: params.get('service') || '' };
  await initShell();
  if (!ids.length) {
    say($('print-error'), t('coupon.no_ids'));
    showLoading(false);
    $('print-button').disabled = true;
    return;
  }
  let known = [];
  let points = [];
  try {
    // The list is per point (and day); without a point the address is all there is.
    const q = new URLSearchParams({ point: given.point, ...(given.day ? { day: given.day } : {}) });
    [known, points] = await Promise.all([given.point ? api(`/api/v1/meal-coupons?${q}`) : [], loadPoints().catch(() => [])]);
  } catch (err) {
    // Without the list the address still says where the batch is good; say what failed.
    say($('print-note'), err.message);
  }
  const byId = new Map((Array.isArray(known) ? known : []).map((c) => [String(c.id), c]));
  const all = ids.map((id) => ({ ...given, ...(byId.get(id) || {}), id }));
  const printable = all.filter((c) => !c.used_at && c.status !== 'used' && c.status !== 'revoked' && c.point && c.day && c.service);
  const skipped = all.filter((c) => !printable.includes(c));
  if (skipped.length) {
    const prev = $('print-note').hidden ? '' : `${$('print-note').textContent} `;
    say($('print-note'), `${prev}${t('coupon.skipped', { n: skipped.length, list: skipped.slice(0, 12).map((c) => c.id).join('、') })}`);
  }
  const name = (code) => {
    const p = points.find((x) => x.code === code);
    return p && p.name ? `${p.name}（${code}）` : code || '';
  };
  const area = $('coupons');
  clear(area).append(...sheets(printable.map((c) => coupon(c, name))));
  $('print-count').textContent = t('coupon.print_count', { n: printable.length, sheets: area.childElementCount });
  showLoading(true);
  await imagesReady(area);
  showLoading(false);
  $('print-button').disabled = printable.length === 0;
  $('print-button').onclick = () => window.print();
}

main();
