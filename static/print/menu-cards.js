// Dish name cards for the buffet (每道菜标明品名): /print/menu-cards.html?day=Y&service=Z&point=P
// — eight cards of 105 × 74 mm to an A4 portrait sheet: the Chinese name big, the English name,
// the 清真 mark, the allergens. The halal counter's cards start on a sheet of their own, so
// they go to the halal counter in one pile.
//
// Without `point` the cards are the unified menu (dishes for every point); with it, that
// point's own dishes too.

import { api } from '../js/api.js';
import { clear, h, say } from '../js/dom.js';
import { t } from '../js/i18n.js';
import { initShell } from '../js/shell.js';
import { ALLERGEN_BI, SERVICE_BI, loadPoints } from '../meals/shared.js';
import { fitText, setPage, showLoading } from './print.js';

const PER_SHEET = 8;
const $ = (id) => document.getElementById(id);

function allergenText(list) {
  return list.map((a) => (ALLERGEN_BI[a] ? ALLERGEN_BI[a].join(' ') : a)).join(' · ');
}

function card(d, top) {
  const allergens = Array.isArray(d.allergens) ? d.allergens : [];
  return h(
    'article',
    { class: `menu-card${d.halal ? ' is-halal' : ''}`, dataset: { dishId: d.id } },
    h('header', { class: 'mc-top' }, top),
    h('p', { class: 'mc-zh', lang: 'zh-CN', dataset: { fitMm: '15', fitMin: '6' } }, d.name_zh || ''),
    h('p', { class: 'mc-en', lang: 'en', dataset: { fitMm: '6.5', fitMin: '3.2' } }, d.name_en || ''),
    h(
      'footer',
      { class: 'mc-foot' },
      d.halal ? h('span', { class: 'mc-halal' }, h('span', { class: 'mc-halal-zh' }, '清真'), h('span', { class: 'mc-halal-en' }, 'HALAL')) : null,
      allergens.length ? h('p', { class: 'mc-allergens' }, h('strong', {}, '含 Contains: '), allergenText(allergens)) : null,
    ),
  );
}

function sheets(cards) {
  const out = [];
  for (let i = 0; i < cards.length; i += PER_SHEET) out.push(h('section', { class: 'mc-sheet' }, cards.slice(i, i + PER_SHEET)));
  return out;
}

async function main() {
  setPage('A4 portrait');
  const params = new URLSearchParams(location.search);
  const day = params.get('day') || '';
  const service = params.get('service') || '';
  const point = params.get('point') || '';
  await initShell();
  if (!day || !service) {
    say($('print-error'), t('menu.print_missing'));
    showLoading(false);
    $('print-button').disabled = true;
    return;
  }
  try {
    const q = new URLSearchParams({ day, service, ...(point ? { point } : {}) });
    const [list, points] = await Promise.all([api(`/api/v1/menu?${q}`), loadPoints().catch(() => [])]);
    const dishes = Array.isArray(list) ? list.filter((d) => !d.point || d.point === point) : [];
    const [zh, en] = SERVICE_BI[service] || [service, ''];
    const when = `${zh} ${en} · ${day.slice(5)}`;
    const name = (code) => points.find((p) => p.code === code)?.name || code;
    const top = (d) => [when, d.halal_counter ? '清真窗口 Halal counter' : d.point ? name(d.point) : ''].filter(Boolean).join(' · ');
    const regular = dishes.filter((d) => !d.halal_counter).map((d) => card(d, top(d)));
    const halal = dishes.filter((d) => d.halal_counter).map((d) => card(d, top(d)));
    const area = $('cards');
    clear(area).append(...sheets(regular), ...sheets(halal));
    $('print-count').textContent = t('menu.print_count', { n: dishes.length, sheets: area.childElementCount });
    document.title = `${when}${point ? ` · ${name(point)}` : ''} · ${t('menu.print_title')}`;
    if (!dishes.length) say($('print-error'), t('menu.empty'));
    fitText(area.querySelectorAll('[data-fit-mm]'));
    showLoading(false);
    $('print-button').disabled = !dishes.length;
    $('print-button').onclick = () => window.print();
  } catch (err) {
    say($('print-error'), err.message);
    showLoading(false);
    $('print-button').disabled = true;
  }
}

main();
