// The kitchen sheet of one dining point for one day: /print/kitchen.html?code=X&day=Y — A4
// portrait, one row per service: regular, halal, each special diet, total; a total row.
//
// The sheet goes to the kitchen, so it is bilingual whatever the screen language (the
// toolbar follows the screen). The day defaults to tomorrow: the kitchen plans ahead.

import { api } from '../js/api.js';
import { clear, h, say } from '../js/dom.js';
import { eventClockTime } from '../js/format.js';
import { t } from '../js/i18n.js';
import { initShell } from '../js/shell.js';
import { SERVICES, SERVICE_BI, addDays, links, loadPoints, todayIso } from '../meals/shared.js';
import { showLoading } from './print.js';

const $ = (id) => document.getElementById(id);

/** English beside the diets the event plan names; any other diet is printed as entered. */
const DIET_EN = { 素食: 'Vegetarian', 病号饭: 'Sick diet', 清淡: 'Light', 无麸质: 'Gluten-free', 糖尿病餐: 'Diabetic' };

function setPaper() {
  const style = document.createElement('style');
  style.textContent = '@page { size: A4 portrait; margin: 12mm 10mm; }';
  document.head.append(style);
}

const bi = (zh, en) => [h('span', {}, zh), h('span', { class: 'rp-latin' }, en)];
const n = (v) => Number(v) || 0;

function windowText(w) {
  if (!w) return '';
  if (typeof w === 'string') return w;
  return w.start && w.end ? `${w.start}–${w.end}` : '';
}

function render(sheet, pointName, halalRoom) {
  const services = (Array.isArray(sheet?.services) ? sheet.services : [])
    .slice()
    .sort((a, b) => (SERVICES.indexOf(a.service) + 1 || 99) - (SERVICES.indexOf(b.service) + 1 || 99));
  // Every diet any service has, in the order they first appear: one column each.
  const diets = [];
  for (const s of services) for (const k of Object.keys(s.diets || {})) if (!diets.includes(k)) diets.push(k);

  const table = $('kitchen-table');
  clear(table.tHead).append(
    h(
      'tr',
      {},
      h('th', {}, bi('餐次', 'Service')),
      h('th', {}, bi('供餐时间', 'Window')),
      h('th', { class: 'c-num' }, bi('普通', 'Regular')),
      h('th', { class: 'c-num c-halal' }, bi('清真', 'Halal')),
      diets.map((d) => h('th', { class: 'c-num', dataset: { diet: d } }, bi(d, DIET_EN[d] || ''))),
      h('th', { class: 'c-num c-total' }, bi('合计', 'Total')),
    ),
  );
  clear(table.tBodies[0]).append(
    ...services.map((s) => {
      const [zh, en] = SERVICE_BI[s.service] || [s.service, ''];
      return h(
        'tr',
        { dataset: { service: s.service } },
        h('th', {}, bi(zh, en)),
        h('td', {}, windowText(s.window)),
        h('td', { class: 'c-num' }, String(n(s.regular))),
        h('td', { class: 'c-num c-halal' }, String(n(s.halal))),
        diets.map((d) => h('td', { class: 'c-num', dataset: { diet: d } }, String(n(s.diets?.[d])))),
        h('td', { class: 'c-num c-total' }, String(n(s.total))),
      );
    }),
  );
  const sum = (f) => String(services.reduce((a, s) => a + n(f(s)), 0));
  clear(table.tFoot).append(
    h(
      'tr',
      {},
      h('th', { colspan: '2' }, bi('全天合计', 'Day total')),
      h('td', { class: 'c-num' }, sum((s) => s.regular)),
      h('td', { class: 'c-num c-halal' }, sum((s) => s.halal)),
      diets.map((d) => h('td', { class: 'c-num' }, sum((s) => s.diets?.[d]))),
      h('td', { class: 'c-num c-total' }, sum((s) => s.total)),
    ),
  );
  $('kitchen-halal-note').hidden = !(halalRoom || services.some((s) => n(s.halal) > 0));
  $('kitchen-point').textContent = pointName;
  $('kitchen-day').textContent = sheet?.day || '';
  // Printed on the event's clock, whatever zone the printing computer is set to.
  $('kitchen-printed').textContent = eventClockTime();
  $('print-count').textContent = t('kitchen.print_count', { n: services.length });
  $('kitchen').hidden = false;
  document.title = `${pointName} · ${t('kitchen.print_title')}`;
}

async function main() {
  setPaper();
  const params = new URLSearchParams(location.search);
  const user = await initShell();
  const code = (params.get('code') || (user && user.role === 'canteen' ? user.scope || '' : '')).trim();
  const day = params.get('day') || addDays(todayIso(), 1);
  if (!code) {
    say($('print-error'), t('kitchen.no_code'));
    showLoading(false);
    $('print-button').disabled = true;
    return;
  }
  const csv = $('kitchen-csv');
  csv.href = links.kitchenCsv(code, day);
  csv.hidden = false;
  try {
    const [sheet, points] = await Promise.all([
      api(`/api/v1/dining-points/${encodeURIComponent(code)}/kitchen-sheet?day=${encodeURIComponent(day)}`),
      loadPoints().catch(() => []), // the name only
    ]);
    const point = points.find((p) => p.code === code);
    render({ ...sheet, day: sheet?.day || day }, `${point?.name || code}（${code}）`, Boolean(point?.halal));
    showLoading(false);
    $('print-button').onclick = () => window.print();
  } catch (err) {
    say($('print-error'), err.message);
    showLoading(false);
    $('print-button').disabled = true;
  }
}

main();
