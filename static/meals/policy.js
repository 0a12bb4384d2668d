// The meal policy: for each guest category, where they eat (their hotel's point, any point,
// or no meals) and which services. Edited in place and saved whole with one PUT, like the
// lodging policy (static/hotels/policy.js). Per-guest overrides live on the guest.

import { api } from '../js/api.js';
import { clear, h, say } from '../js/dom.js';
import { CATEGORIES, categoryLabel } from '../js/format.js';
import { t } from '../js/i18n.js';
import { MODES, SERVICES, label, serviceLabel } from './shared.js';

const $ = (id) => document.getElementById(id);

let rows = []; // [{category, mode, services}]

/** Every category gets a row, in the plan's order; a category without policy eats nowhere. */
function normalize(list) {
  const byCat = new Map((Array.isArray(list) ? list : []).map((p) => [p.category, p]));
  const cats = [...CATEGORIES, ...[...byCat.keys()].filter((c) => !CATEGORIES.includes(c))];
  return cats.map((category) => {
    const p = byCat.get(category) || {};
    return { category, mode: MODES.includes(p.mode) ? p.mode : 'none', services: Array.isArray(p.services) ? [...p.services] : [] };
  });
}

function policyRow(row) {
  const services = h(
    'div',
    { class: 'policy-hotels' },
    SERVICES.map((s) =>
      h(
        'label',
        { class: 'chip-option' },
        h('input', {
          type: 'checkbox',
          checked: row.services.includes(s),
          disabled: row.mode === 'none',
          dataset: { category: row.category, service: s },
          onchange: (e) => {
            row.services = SERVICES.filter((x) => (x === s ? e.target.checked : row.services.includes(x)));
          },
        }),
        h('span', {}, serviceLabel(s)),
      ),
    ),
  );
  const mode = h(
    'select',
    {
      dataset: { category: row.category, field: 'mode' },
      'aria-label': t('meals.col_mode'),
      onchange: (e) => {
        row.mode = e.target.value;
        for (const box of services.querySelectorAll('input')) box.disabled = row.mode === 'none';
      },
    },
    MODES.map((m) => h('option', { value: m, selected: m === row.mode }, label('meal_mode', m))),
  );
  return h(
    'tr',
    { dataset: { category: row.category } },
    h('td', { class: 'c-cat', dataset: { label: t('policy.col_category') } }, h('span', { class: 'cell' }, h('span', { class: `badge cat cat-${row.category}` }, categoryLabel(row.category)))),
    h('td', { dataset: { label: t('meals.col_mode') } }, mode),
    h('td', { dataset: { label: t('meals.col_services') } }, services),
  );
}

export function rerenderPolicy() {
  clear($('meal-policy-table').querySelector('tbody')).append(...rows.map(policyRow));
}

async function save() {
  const btn = $('meal-policy-save');
  say($('policy-error'), '');
  say($('policy-ok'), '');
  const empty = rows.filter((r) => r.mode !== 'none' && !r.services.length);
  if (empty.length) {
    say($('policy-error'), t('meals.policy_no_services', { list: empty.map((r) => categoryLabel(r.category)).join('、') }));
    return;
  }
  btn.disabled = true;
  try {
    const body = rows.map((r) => ({ category: r.category, mode: r.mode, services: r.mode === 'none' ? [] : r.services }));
    const saved = await api('/api/v1/meal-policy', { method: 'PUT', json: body });
    rows = normalize(Array.isArray(saved) ? saved : body);
    rerenderPolicy();
    say($('policy-ok'), t('meals.policy_saved'));
  } catch (err) {
    say($('policy-error'), err.message);
  } finally {
    btn.disabled = false;
  }
}

export async function initPolicy() {
  $('meal-policy-save').addEventListener('click', save);
  try {
    rows = normalize(await api('/api/v1/meal-policy'));
  } catch (err) {
    rows = normalize([]);
    say($('policy-error'), err.message);
    $('meal-policy-save').disabled = true; // saving now would overwrite a policy we could not read
  }
  rerenderPolicy();
}
