// Meal coupons (餐券): reception issues a batch for a point, a day and a service — single-use
// signed passes, printed ten to an A4 sheet (print/coupons.html). Below the form, what has
// been issued for the chosen point and day, per service, with a link to print the unused.

import { api } from '../js/api.js';
import { clear, h, say } from '../js/dom.js';
import { t } from '../js/i18n.js';
import { SERVICES, addDays, links, pointOption, serviceLabel, todayIso } from './shared.js';

const $ = (id) => document.getElementById(id);
const MAX = 500;

let points = [];
let issued = []; // GET /meal-coupons for the chosen point and day
let lastBatch = null; // {ids, point, day, service}
let seq = 0;

const isUsed = (c) => Boolean(c.used_at) || c.status === 'used';

function fillSelects() {
  const point = $('coupon-point');
  const keep = point.value;
  clear(point).append(h('option', { value: '' }, t('meals.pick_point')), ...points.map((p) => h('option', { value: p.code }, pointOption(p))));
  point.value = points.some((p) => p.code === keep) ? keep : points.length === 1 ? points[0].code : '';
  const service = $('coupon-service');
  const keepService = service.value || 'lunch';
  clear(service).append(...SERVICES.map((s) => h('option', { value: s }, serviceLabel(s))));
  service.value = keepService;
}

function renderDone() {
  const done = $('coupon-done');
  if (!lastBatch) {
    say(done, '');
    return;
  }
  const b = lastBatch;
  const name = points.find((p) => p.code === b.point)?.name || b.point;
  clear(done).append(
    t('coupon.done', { n: b.ids.length, point: name, day: b.day.slice(5), service: serviceLabel(b.service) }),
    ' ',
    h('a', { id: 'coupon-print-link', class: 'btn', href: links.coupons(b.ids, b) }, t('coupon.print')),
  );
  done.hidden = false;
}

function renderList() {
  const point = $('coupon-point').value;
  const day = $('coupon-day').value;
  const rows = SERVICES.map((service) => {
    const mine = issued.filter((c) => c.service === service);
    if (!mine.length) return null;
    const unused = mine.filter((c) => !isUsed(c) && c.status !== 'revoked').map((c) => c.id);
    return h(
      'tr',
      { dataset: { service } },
      h('th', {}, serviceLabel(service)),
      h('td', {}, String(mine.length)),
      h('td', {}, String(mine.filter(isUsed).length)),
      h('td', {}, unused.length ? h('a', { href: links.coupons(unused, { point, day, service }), class: 'coupon-print-unused' }, t('coupon.print_unused', { n: unused.length })) : t('common.none')),
    );
  }).filter(Boolean);
  clear($('coupon-table').querySelector('tbody')).append(...rows);
  $('coupon-table').hidden = !rows.length;
  $('coupon-empty').hidden = rows.length > 0 || !point;
  $('coupon-issued-head').hidden = !point;
}

async function loadList() {
  const point = $('coupon-point').value;
  const day = $('coupon-day').value;
  const my = ++seq;
  issued = [];
  if (point && day) {
    try {
      const list = await api(`/api/v1/meal-coupons?${new URLSearchParams({ point, day })}`);
      if (my !== seq) return;
      issued = Array.isArray(list) ? list : [];
      say($('coupon-list-error'), '');
    } catch (err) {
      if (my !== seq) return;
      say($('coupon-list-error'), err.message);
    }
  }
  renderList();
}

async function submit(e) {
  e.preventDefault();
  const body = {
    point: $('coupon-point').value,
    day: $('coupon-day').value,
    service: $('coupon-service').value,
    count: Number($('coupon-count').value),
  };
  say($('coupon-done'), '');
  if (!body.point || !body.day || !body.service) {
    say($('coupon-error'), t('coupon.incomplete'));
    return;
  }
  if (!Number.isInteger(body.count) || body.count < 1 || body.count > MAX) {
    say($('coupon-error'), t('coupon.bad_count', { max: MAX }));
    $('coupon-count').focus();
    return;
  }
  $('coupon-submit').disabled = true;
  try {
    const answer = await api('/api/v1/meal-coupons', { method: 'POST', json: body });
    const ids = Array.isArray(answer?.ids) ? answer.ids : [];
    lastBatch = { ids, point: body.point, day: body.day, service: body.service };
    say($('coupon-error'), '');
    renderDone();
    loadList();
  } catch (err) {
    say($('coupon-error'), err.message);
  } finally {
    $('coupon-submit').disabled = false;
  }
}

export function rerenderCoupons() {
  fillSelects();
  renderDone();
  renderList();
}

/** Wire the form; returns the callback that receives the dining points. */
export function initCoupons() {
  $('coupon-day').value = addDays(todayIso(), 1);
  fillSelects();
  $('coupon-form').addEventListener('submit', submit);
  $('coupon-point').addEventListener('change', loadList);
  $('coupon-day').addEventListener('change', loadList);
  return (list) => {
    points = list;
    fillSelects();
    loadList();
  };
}
