// 就餐 Meals, reception's page: the dining points with their service windows and tomorrow's
// kitchen sheets, the event's default windows, the meal policy per category, forecast against
// actual (forecast.js), meal coupons (coupons.js) and the unified menu (menu.js).
//
// Reception and admin edit; the committee reads points, the forecast and the menu. Each part
// loads on its own, so one failing call leaves the rest usable.

import { api } from '../js/api.js';
import { clear, h, say } from '../js/dom.js';
import { onLangChange, t } from '../js/i18n.js';
import { initShell } from '../js/shell.js';
import { ask, cell, hotelOption, loadHotels, wireDialogs } from '../hotels/shared.js';
import { initCoupons, rerenderCoupons } from './coupons.js';
import { initForecast, rerenderForecast } from './forecast.js';
import { initMenu, rerenderMenu } from './menu.js';
import { initPolicy, rerenderPolicy } from './policy.js';
import { SERVICES, addDays, can, halalMark, isTime, links, loadPoints, serviceLabel, todayIso, windowText, windowsBy } from './shared.js';

const $ = (id) => document.getElementById(id);

let user = null;
let points = [];
let defaults = []; // the event's windows
let hotels = [];
let editing = null; // the code of the dining point the form changes; null: the form adds one
const listeners = []; // parts that offer the points in a menu

// ---------- windows ----------

function windowLines(list, isDefault) {
  const by = windowsBy(list);
  return h(
    'ul',
    { class: `meal-windows${isDefault ? ' is-default' : ''}` },
    SERVICES.filter((s) => by.has(s)).map((s) =>
      h('li', { dataset: { service: s } }, h('span', { class: 'mw-service' }, serviceLabel(s)), ' ', windowText(by.get(s))),
    ),
    isDefault ? h('li', { class: 'muted' }, t('meals.by_default')) : null,
  );
}

function renderDefaults() {
  const by = windowsBy(defaults);
  $('defaults-text').textContent = SERVICES.filter((s) => by.has(s))
    .map((s) => `${serviceLabel(s)} ${windowText(by.get(s))}`)
    .join(' · ') || t('common.none');
}

function windowRow(service, w) {
  const id = (k) => `win-${service}-${k}`;
  return h(
    'tr',
    { dataset: { service } },
    h('th', {}, h('label', { class: 'chip-option' }, h('input', { type: 'checkbox', id: id('on'), checked: Boolean(w) }), h('span', {}, serviceLabel(service)))),
    ...['start', 'end'].map((k) =>
      h(
        'td',
        {},
        h('input', {
          id: id(k),
          type: 'text',
          class: 'time-input',
          inputmode: 'numeric',
          maxlength: '5',
          placeholder: 'HH:MM',
          value: w ? w[k] : '',
          'aria-label': `${serviceLabel(service)} ${t(`meals.${k}`)}`,
        }),
      ),
    ),
  );
}

/** What the dialog says, or an error key. */
function readWindows() {
  const list = [];
  for (const service of SERVICES) {
    if (!$(`win-${service}-on`).checked) continue;
    const start = $(`win-${service}-start`).value.trim();
    const end = $(`win-${service}-end`).value.trim();
    if (!isTime(start) || !isTime(end) || start === '24:00') return { error: t('meals.bad_time', { service: serviceLabel(service) }) };
    list.push({ service, start, end });
  }
  return { list };
}

/** Edit the windows of `point`, or the event defaults when `point` is null. */
async function editWindows(point) {
  const current = point ? (point.windows && point.windows.length ? point.windows : defaults) : defaults;
  const by = windowsBy(current);
  $('windows-title').textContent = point ? t('meals.windows_of', { name: point.name || point.code }) : t('meals.defaults_title');
  clear($('windows-rows')).append(...SERVICES.map((s) => windowRow(s, by.get(s))));
  $('windows-reset').hidden = !point;
  say($('windows-error'), '');
  for (;;) {
    const answer = await ask($('windows-dialog'));
    if (answer !== 'ok' && answer !== 'reset') return;
    const { list, error } = answer === 'reset' ? { list: [] } : readWindows();
    if (error) {
      say($('windows-error'), error);
      continue;
    }
    try {
      if (point) {
        await api(`/api/v1/dining-points/${encodeURIComponent(point.code)}/windows`, { method: 'PUT', json: list });
        say($('points-ok'), t('meals.windows_saved', { name: point.name || point.code }));
      } else {
        const saved = await api('/api/v1/meal-windows', { method: 'PUT', json: list });
        defaults = Array.isArray(saved) ? saved : list;
        renderDefaults();
        say($('points-ok'), t('meals.defaults_saved'));
      }
      await loadPointList();
      return;
    } catch (err) {
      say($('windows-error'), err.message);
    }
  }
}

// ---------- dining points ----------

function pointRow(p) {
  const day = $('kitchen-day').value;
  const own = Array.isArray(p.windows) && p.windows.length > 0;
  return h(
    'tr',
    { dataset: { point: p.code } },
    cell(
      'meals.col_point',
      'c-name',
      h('strong', { class: 'name' }, p.name || p.code),
      h('span', { class: 'sub' }, p.code),
      halalMark(p.halal),
      p.name_en ? h('span', { class: 'hz-address', lang: 'en' }, p.name_en) : null,
    ),
    cell('meals.col_hotel', '', p.hotel ? p.hotel_name || p.hotel : t('meals.standalone')),
    cell('meals.col_seats', 'c-num', p.seats != null ? String(p.seats) : ''),
    cell('meals.col_windows', '', windowLines(own ? p.windows : defaults, !own)),
    cell(
      'meals.col_kitchen',
      '',
      day
        ? h(
            'span',
            { class: 'row-actions' },
            h('a', { class: 'btn kitchen-print', href: links.kitchen(p.code, day), dataset: { point: p.code } }, t('meals.kitchen_print')),
            h('a', { class: 'btn btn-ghost kitchen-csv', href: links.kitchenCsv(p.code, day), download: '', dataset: { point: p.code } }, 'CSV'),
          )
        : '',
    ),
    can(user, 'edit')
      ? cell(
          'meals.col_actions',
          '',
          h(
            'span',
            { class: 'row-actions' },
            h('button', { type: 'button', class: 'btn point-windows', dataset: { point: p.code }, onclick: () => editWindows(p) }, t('meals.windows_edit')),
            h('button', { type: 'button', class: 'btn point-edit', dataset: { point: p.code }, onclick: () => editPoint(p) }, t('meals.point_edit')),
          ),
        )
      : null,
  );
}

function renderPoints() {
  $('point-count').textContent = String(points.length);
  clear($('point-table').querySelector('tbody')).append(...points.map(pointRow));
  $('point-empty').hidden = points.length > 0;
}

async function loadPointList() {
  try {
    points = await loadPoints();
    say($('points-error'), '');
  } catch (err) {
    say($('points-error'), err.message);
  }
  renderPoints();
  for (const fn of listeners) fn(points);
}

async function loadDefaults() {
  try {
    const list = await api('/api/v1/meal-windows');
    defaults = Array.isArray(list) ? list : [];
  } catch (err) {
    say($('points-error'), err.message);
  }
  renderDefaults();
}

function fillHotels() {
  const select = $('point-hotel');
  const keep = select.value;
  clear(select).append(h('option', { value: '' }, t('meals.standalone')), ...hotels.map((x) => h('option', { value: x.code }, hotelOption(x))));
  select.value = keep;
}

/** The form's title and buttons: adding a point, or changing `editing`. */
function drawPointForm() {
  const point = editing ? points.find((p) => p.code === editing) : null;
  $('point-form-title').textContent = editing ? t('meals.point_edit_title', { name: point ? point.name || point.code : editing }) : t('meals.point_new');
  $('point-cancel').hidden = !editing;
  $('point-code').readOnly = Boolean(editing); // the server keeps a point's code
}

/** Fill the form with point `p`; saving then changes it instead of adding one. */
function editPoint(p) {
  editing = p.code;
  $('point-code').value = p.code;
  $('point-name').value = p.name || '';
  $('point-name-en').value = p.name_en || '';
  $('point-hotel').value = p.hotel || '';
  $('point-seats').value = p.seats ?? '';
  $('point-halal').checked = Boolean(p.halal);
  say($('point-error'), '');
  drawPointForm();
  $('point-form-card').open = true;
  $('point-form-card').scrollIntoView({ behavior: 'smooth', block: 'start' });
  $('point-name').focus({ preventScroll: true });
}

function stopEditing() {
  editing = null;
  $('point-form').reset();
  drawPointForm();
}

async function submitPoint(e) {
  e.preventDefault();
  const body = {
    code: $('point-code').value.trim(),
    name: $('point-name').value.trim(),
    name_en: $('point-name-en').value.trim(),
    hotel: $('point-hotel').value || null,
    seats: Number($('point-seats').value),
    halal: $('point-halal').checked,
  };
  if (!body.code || !body.name || !(body.seats >= 1)) {
    say($('point-error'), t('meals.point_incomplete'));
    return;
  }
  const code = editing;
  // A change sends an emptied English name as "" (cleared); a new point leaves it out (none).
  if (code) delete body.code;
  else if (!body.name_en) delete body.name_en;
  $('point-submit').disabled = true;
  try {
    if (code) {
      await api(`/api/v1/dining-points/${encodeURIComponent(code)}`, { method: 'PATCH', json: body });
      stopEditing();
      say($('point-error'), '');
      say($('points-ok'), t('meals.point_saved', { name: body.name }));
      await loadPointList();
      return;
    }
    await api('/api/v1/dining-points', { method: 'POST', json: body });
    say($('point-error'), '');
    say($('points-ok'), t('meals.point_created', { name: body.name }));
    $('point-form').reset();
    await loadPointList();
  } catch (err) {
    say($('point-error'), err.message);
  } finally {
    $('point-submit').disabled = false;
  }
}

// ---------- page ----------

function showByRole() {
  for (const el of document.querySelectorAll('[data-role]')) el.hidden = !can(user, el.dataset.role);
}

onLangChange(() => {
  renderDefaults();
  renderPoints();
  fillHotels();
  drawPointForm();
  rerenderPolicy();
  rerenderForecast();
  rerenderCoupons();
  rerenderMenu();
});

async function main() {
  wireDialogs();
  $('kitchen-day').value = addDays(todayIso(), 1); // the kitchen plans tomorrow
  user = await initShell();
  showByRole();
  if (!user || !can(user, 'read')) {
    if (user) say($('page-error'), t('meals.not_allowed'));
    return;
  }
  $('kitchen-day').addEventListener('change', renderPoints);
  $('defaults-edit').addEventListener('click', () => editWindows(null));
  $('point-form').addEventListener('submit', submitPoint);
  $('point-cancel').addEventListener('click', () => {
    stopEditing();
    say($('point-error'), '');
  });
  if (can(user, 'edit')) {
    loadHotels()
      .then((list) => {
        hotels = list;
        fillHotels();
      })
      .catch(() => fillHotels());
    initPolicy();
  }
  listeners.push(initForecast(), initMenu({ canEdit: can(user, 'edit') }));
  if (can(user, 'edit')) listeners.push(initCoupons());
  await loadDefaults();
  await loadPointList();
}

main();
