// The unified menu (统一菜单): per day and service, the dishes every point serves, the halal
// counter's menu, and per-point exceptions (a point with dishes of its own for a service serves
// those instead), each with its Chinese and English name, the halal flag and allergens. Reception adds and removes dishes; everyone signed in reads. The buffet's
// name cards print from here (print/menu-cards.html).

import { api } from '../js/api.js';
import { clear, h, say } from '../js/dom.js';
import { t } from '../js/i18n.js';
import { ALLERGENS, SERVICES, addDays, allergenLabel, links, pointOption, serviceLabel, todayIso } from './shared.js';

const $ = (id) => document.getElementById(id);
const CONFIRM_MS = 3000;

let points = [];
let dishes = [];
let editable = false;
let seq = 0;

const pointName = (code) => points.find((p) => p.code === code)?.name || code;

function dishItem(d) {
  const allergens = Array.isArray(d.allergens) ? d.allergens : [];
  return h(
    'li',
    { class: 'dish', dataset: { dishId: d.id, halal: d.halal ? 'true' : 'false' } },
    h(
      'div',
      { class: 'dish-names' },
      h('span', { class: 'dish-zh', lang: 'zh-CN' }, d.name_zh || ''),
      h('span', { class: 'dish-en', lang: 'en' }, d.name_en || ''),
    ),
    h(
      'div',
      { class: 'dish-tags' },
      d.halal ? h('span', { class: 'badge halal' }, t('halal.badge')) : null,
      allergens.length ? h('span', { class: 'badge dish-allergens' }, t('menu.contains', { list: allergens.map(allergenLabel).join('、') })) : null,
    ),
    editable
      ? h('button', { type: 'button', class: 'btn btn-ghost dish-delete', dataset: { dishId: d.id }, onclick: (e) => remove(d, e.currentTarget) }, t('menu.delete'))
      : null,
  );
}

function group(key, title, list, extra = {}) {
  if (!list.length) return null;
  return h('section', { class: 'menu-group', dataset: { group: key, ...extra } }, h('h3', { class: 'meals-subhead' }, title, h('small', { class: 'count' }, String(list.length))), h('ul', { class: 'dish-list' }, list.map(dishItem)));
}

function render() {
  const filter = $('menu-point').value;
  const common = dishes.filter((d) => !d.point && !d.halal_counter);
  const halal = dishes.filter((d) => d.halal_counter);
  const own = dishes.filter((d) => d.point && !d.halal_counter);
  const byPoint = [...new Set(own.map((d) => d.point))];
  clear($('menu-list')).append(
    ...[
      group('all', t('menu.group_all'), common),
      group('halal_counter', t('menu.group_halal'), halal),
      ...byPoint.map((code) => group('point', t('menu.group_point', { name: pointName(code) }), own.filter((d) => d.point === code), { point: code })),
    ].filter(Boolean),
  );
  $('menu-count').textContent = String(dishes.length);
  $('menu-empty').hidden = dishes.length > 0;
  $('menu-cards-link').href = links.menuCards($('menu-day').value, $('menu-service').value, filter);
}

async function load() {
  const day = $('menu-day').value;
  const service = $('menu-service').value;
  if (!day || !service) return;
  const my = ++seq;
  try {
    // With a point, the server answers what that point serves: its own dishes for a service
    // replace the unified menu there.
    const point = $('menu-point').value;
    const list = await api(`/api/v1/menu?${new URLSearchParams({ day, service, ...(point ? { point } : {}) })}`);
    if (my !== seq) return;
    dishes = Array.isArray(list) ? list : [];
    say($('menu-error'), '');
  } catch (err) {
    if (my !== seq) return;
    dishes = [];
    say($('menu-error'), err.message);
  }
  render();
}

/** Delete on the second tap within 3 s: a buffet card list is no place for an "are you sure?" box. */
async function remove(dish, button) {
  if (button.dataset.confirm !== 'yes') {
    button.dataset.confirm = 'yes';
    button.textContent = t('menu.delete_confirm');
    setTimeout(() => {
      if (!button.isConnected) return;
      delete button.dataset.confirm;
      button.textContent = t('menu.delete');
    }, CONFIRM_MS);
    return;
  }
  button.disabled = true;
  try {
    await api(`/api/v1/menu/${encodeURIComponent(dish.id)}`, { method: 'DELETE' });
    dishes = dishes.filter((d) => d.id !== dish.id);
    render();
  } catch (err) {
    say($('menu-error'), err.message);
    button.disabled = false;
  }
}

function allergensPicked() {
  const ticked = [...$('dish-allergens').querySelectorAll('input:checked')].map((el) => el.value);
  const typed = $('dish-allergens-other')
    .value.split(/[,，、;；]/)
    .map((x) => x.trim())
    .filter(Boolean);
  return [...new Set([...ticked, ...typed])];
}

async function submit(e) {
  e.preventDefault();
  const body = {
    day: $('menu-day').value,
    service: $('menu-service').value,
    point: $('dish-point').value || null,
    halal_counter: $('dish-halal-counter').checked,
    name_zh: $('dish-name-zh').value.trim(),
    name_en: $('dish-name-en').value.trim(),
    halal: $('dish-halal').checked || $('dish-halal-counter').checked,
    allergens: allergensPicked(),
  };
  say($('dish-ok'), '');
  if (!body.name_zh || !body.name_en || !body.day) {
    say($('dish-error'), t('menu.incomplete'));
    return;
  }
  $('dish-submit').disabled = true;
  try {
    await api('/api/v1/menu', { method: 'POST', json: body });
    say($('dish-error'), '');
    say($('dish-ok'), t('menu.added', { name: body.name_zh, day: body.day.slice(5), service: serviceLabel(body.service) }));
    for (const id of ['dish-name-zh', 'dish-name-en', 'dish-allergens-other']) $(id).value = '';
    for (const box of $('dish-allergens').querySelectorAll('input')) box.checked = false;
    load(); // what a point serves depends on the whole menu: ask the server again
    $('dish-name-zh').focus();
  } catch (err) {
    say($('dish-error'), err.message);
  } finally {
    $('dish-submit').disabled = false;
  }
}

function fillControls() {
  const service = $('menu-service');
  const keepService = service.value || 'lunch';
  clear(service).append(...SERVICES.map((s) => h('option', { value: s }, serviceLabel(s))));
  service.value = keepService;
  for (const [id, all] of [
    ['menu-point', 'meals.all_points'],
    ['dish-point', 'menu.every_point'],
  ]) {
    const select = $(id);
    const keep = select.value;
    clear(select).append(h('option', { value: '' }, t(all)), ...points.map((p) => h('option', { value: p.code }, pointOption(p))));
    select.value = points.some((p) => p.code === keep) ? keep : '';
  }
  const picked = new Set([...$('dish-allergens').querySelectorAll('input:checked')].map((el) => el.value));
  clear($('dish-allergens')).append(
    ...ALLERGENS.map((a) => h('label', { class: 'zone-option' }, h('input', { type: 'checkbox', value: a, checked: picked.has(a) }), h('span', {}, allergenLabel(a)))),
  );
}

export function rerenderMenu() {
  fillControls();
  render();
}

/** Wire the editor; returns the callback that receives the dining points. */
export function initMenu({ canEdit }) {
  editable = canEdit;
  $('menu-day').value = addDays(todayIso(), 1);
  fillControls();
  $('menu-day').addEventListener('change', load);
  $('menu-service').addEventListener('change', load);
  $('menu-point').addEventListener('change', load);
  $('dish-form').addEventListener('submit', submit);
  // A dish for the halal counter is halal by definition.
  $('dish-halal-counter').addEventListener('change', (e) => {
    if (e.target.checked) $('dish-halal').checked = true;
    $('dish-halal').disabled = e.target.checked;
  });
  let first = true;
  return (list) => {
    points = list;
    fillControls();
    if (first) load();
    else render();
    first = false;
  };
}
