// The inspectors (name, unit, phone, certificate, languages) and the roster's rules. Health
// and admin add and edit; reception reads the list.

import { api } from '../js/api.js';
import { clear, h, say } from '../js/dom.js';
import { t } from '../js/i18n.js';
import { orNone } from '../js/format.js';
import { can } from './shared.js';

const $ = (id) => document.getElementById(id);
const SETTINGS = { 'set-max': 'max_minutes_per_day', 'set-rest': 'min_rest_minutes', 'set-travel': 'travel_minutes', 'set-lead': 'lead_minutes' };
const FIELDS = { 'insp-name': 'name', 'insp-unit': 'unit', 'insp-phone': 'phone', 'insp-cert': 'certificate_no' };

let ctx = null;
let editId = null;

function cell(key, ...content) {
  return h('td', { dataset: { label: t(key) } }, h('span', { class: 'cell' }, ...content));
}

function render() {
  const list = ctx.inspectors;
  const manage = can(ctx.user, 'manage');
  clear($('inspector-table').tBodies[0]).append(
    ...list.map((i) =>
      h(
        'tr',
        { dataset: { inspectorId: i.id } },
        cell('hy.name', h('strong', {}, i.name)),
        cell('hy.unit', orNone(i.unit)),
        cell('hy.phone', i.phone ? h('a', { href: `tel:${i.phone}` }, i.phone) : t('common.none')),
        cell('hy.certificate', orNone(i.certificate_no)),
        cell('hy.languages', (i.languages || []).join(', ') || t('common.none')),
        manage ? cell('meals.col_actions', h('button', { type: 'button', class: 'btn', dataset: { act: 'edit' } }, t('hy.edit'))) : null,
      ),
    ),
  );
  $('inspector-count').textContent = String(list.length);
  $('inspectors-empty').hidden = list.length > 0;
  $('inspector-form-title').textContent = editId ? t('hy.inspector_edit', { name: list.find((i) => i.id === editId)?.name || '' }) : t('hy.inspector_new');
  $('inspector-cancel').hidden = !editId;
}

async function loadInspectors() {
  try {
    const list = await api('/api/v1/inspectors');
    ctx.inspectors = (Array.isArray(list) ? list : []).sort((a, b) => String(a.name).localeCompare(String(b.name), 'zh-CN'));
    say($('inspectors-error'), '');
  } catch (err) {
    say($('inspectors-error'), err.message);
  }
  render();
  for (const fn of ctx.onInspectors) fn();
}

function edit(id) {
  const i = ctx.inspectors.find((x) => x.id === id);
  if (!i) return;
  editId = id;
  for (const [el, key] of Object.entries(FIELDS)) $(el).value = i[key] || '';
  $('insp-langs').value = (i.languages || []).join(', ');
  $('inspector-form-card').open = true;
  say($('inspector-error'), '');
  say($('inspector-ok'), '');
  render();
  $('insp-name').focus();
}

function resetForm() {
  editId = null;
  $('inspector-form').reset();
  render();
}

async function saveInspector(e) {
  e.preventDefault();
  const json = {};
  for (const [el, key] of Object.entries(FIELDS)) json[key] = $(el).value.trim();
  json.phone = json.phone || null;
  json.languages = $('insp-langs').value.split(/[,，、\s]+/).map((s) => s.trim()).filter(Boolean);
  if (!json.name) return say($('inspector-error'), t('hy.inspector_incomplete'));
  const btn = $('inspector-submit');
  btn.disabled = true;
  say($('inspector-error'), '');
  try {
    const saved = editId
      ? await api(`/api/v1/inspectors/${editId}`, { method: 'PATCH', json })
      : await api('/api/v1/inspectors', { method: 'POST', json });
    say($('inspector-ok'), t(editId ? 'hy.inspector_updated' : 'hy.inspector_added', { name: (saved && saved.name) || json.name }));
    resetForm();
    await loadInspectors();
  } catch (err) {
    say($('inspector-error'), err.message);
  } finally {
    btn.disabled = false;
  }
}

async function loadSettings() {
  try {
    const s = await api('/api/v1/hygiene/settings');
    for (const [el, key] of Object.entries(SETTINGS)) $(el).value = s && s[key] != null ? s[key] : '';
  } catch (err) {
    say($('settings-error'), err.message);
  }
}

async function saveSettings(e) {
  e.preventDefault();
  const json = {};
  for (const [el, key] of Object.entries(SETTINGS)) {
    const n = Number($(el).value);
    if ($(el).value === '' || !Number.isInteger(n) || n < 0) return say($('settings-error'), t('hy.settings_bad'));
    json[key] = n;
  }
  say($('settings-error'), '');
  say($('settings-ok'), '');
  try {
    await api('/api/v1/hygiene/settings', { method: 'PUT', json });
    say($('settings-ok'), t('hy.settings_saved'));
  } catch (err) {
    say($('settings-error'), err.message);
  }
}

export function initPeople(c) {
  ctx = c;
  $('inspector-form').addEventListener('submit', saveInspector);
  $('inspector-cancel').addEventListener('click', resetForm);
  $('inspector-table').tBodies[0].addEventListener('click', (e) => {
    const btn = e.target.closest('button[data-act="edit"]');
    if (btn) edit(Number(btn.closest('tr').dataset.inspectorId));
  });
  loadInspectors();
  if (can(ctx.user, 'manage')) {
    $('settings-form').addEventListener('submit', saveSettings);
    loadSettings();
  }
}

export function rerenderPeople() {
  render();
}
