// Scanner devices (/scans/devices.html): every registered phone or tablet, its point, who
// registered it, when it last synced, and how old its offline lists are — red when older than
// the limit (the device then refuses to check offline). Admin and security retire a device
// (POST /api/v1/devices/{id}/retire): its kit and uploads are refused from then on.

import { api } from '../js/api.js';
import { clear, h, say } from '../js/dom.js';
import { eventTime } from '../js/format.js';
import { onLangChange, t } from '../js/i18n.js';
import { initShell } from '../js/shell.js';
import { ageText } from '../js/offline/scanner.js';

const $ = (id) => document.getElementById(id);
const DEFAULT_MAX_AGE_S = 1800; // YINGBIN_OFFLINE_MAX_AGE_MINUTES' default
const REFRESH_MS = 30000;

let user = null;
let devices = [];
let loadedAt = Date.now();
let retiring = null;

const canRetire = () => Boolean(user && ['admin', 'security'].includes(user.role));

/** How old the device's lists are (seconds) by the last kit it fetched, or null. */
function listAge(d) {
  const at = Date.parse(d.kit_generated_at || '');
  return Number.isNaN(at) ? null : Math.max(0, Math.floor((Date.now() - at) / 1000));
}

function cell(label, ...content) {
  return h('td', { dataset: { label } }, ...content);
}

function row(d) {
  const age = listAge(d);
  const limit = Number(d.max_age_seconds || DEFAULT_MAX_AGE_S);
  const stale = !d.retired_at && age !== null && age > limit;
  const status = d.retired_at
    ? t('devices.retired', { at: eventTime(d.retired_at) })
    : canRetire()
      ? h('button', { type: 'button', class: 'btn btn-danger', dataset: { retire: d.id } }, t('devices.retire'))
      : t('devices.active');
  return h(
    'tr',
    { class: d.retired_at ? 'is-retired' : '', dataset: { deviceId: d.id, stale: stale ? 'true' : 'false' } },
    cell(t('devices.col_name'), h('strong', {}, d.name || `#${d.id}`), d.pending_hint ? h('div', { class: 'muted' }, t('devices.pending', { n: d.pending_hint })) : null),
    cell(t('devices.col_point'), d.point_name && d.point_name !== d.point ? `${d.point_name}（${d.point}）` : d.point || ''),
    cell(t('devices.col_user'), d.user || ''),
    cell(t('devices.col_registered'), eventTime(d.registered_at)),
    cell(t('devices.col_last_sync'), d.last_sync_at ? eventTime(d.last_sync_at) : t('devices.never')),
    h(
      'td',
      { class: stale ? 'is-stale c-age' : 'c-age', dataset: { label: t('devices.col_age') } },
      age === null ? t('devices.never') : `${t('devices.age', { age: ageText(age) })}${stale ? ` · ${t('devices.stale')}` : ''}`,
    ),
    cell(t('devices.col_status'), status),
  );
}

function render() {
  const body = $('device-table').querySelector('tbody');
  clear(body).append(...devices.map(row));
  $('device-total').textContent = String(devices.length);
  $('device-empty').hidden = devices.length > 0;
}

async function load() {
  try {
    const answer = await api('/api/v1/devices');
    devices = Array.isArray(answer) ? answer : (answer && answer.devices) || [];
    loadedAt = Date.now();
    say($('device-error'), '');
  } catch (err) {
    say($('device-error'), err.message);
  }
  render();
}

function askRetire(id) {
  retiring = devices.find((d) => String(d.id) === String(id)) || null;
  if (!retiring) return;
  $('retire-text').textContent = t('devices.retire_confirm', { name: retiring.name || `#${retiring.id}` });
  $('retire-dialog').showModal();
}

async function retire() {
  const d = retiring;
  retiring = null;
  if (!d) return;
  try {
    await api(`/api/v1/devices/${encodeURIComponent(d.id)}/retire`, { method: 'POST' });
    say($('device-ok'), t('devices.retired_ok', { name: d.name || `#${d.id}` }));
    say($('device-error'), '');
  } catch (err) {
    say($('device-error'), err.message);
  }
  await load();
}

$('device-table').addEventListener('click', (e) => {
  const button = e.target.closest('button[data-retire]');
  if (button) askRetire(button.dataset.retire);
});
$('retire-dialog').addEventListener('close', () => {
  if ($('retire-dialog').returnValue === 'retire') retire();
  else retiring = null;
});
$('device-refresh').addEventListener('click', load);
onLangChange(render);
// Ages move on their own: redraw each half-minute, fetch again when visible.
setInterval(() => {
  if (document.hidden) return;
  if (Date.now() - loadedAt > REFRESH_MS) load();
  else render();
}, REFRESH_MS / 2);

initShell().then((u) => {
  user = u;
  if (user) load();
});
