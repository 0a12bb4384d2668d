// The transport department's vehicle pool: a table of cars and drivers, a form to add one,
// and removal (asked twice). The runs' vehicle menus read the same list.

import { api } from '../js/api.js';
import { h, say } from '../js/dom.js';
import { eventTimeShort } from '../js/format.js';
import { has, t } from '../js/i18n.js';
import { cell } from '../hotels/shared.js';
import { armed, learnOffset, plateBadge, telLink, withOffset } from './shared.js';

const $ = (id) => document.getElementById(id);

let state = null; // {vehicles, canEdit}
let onChanged = () => {};

function availability(v) {
  if (!v.available_from && !v.available_to) return '';
  return `${v.available_from ? eventTimeShort(v.available_from) : '…'} → ${v.available_to ? eventTimeShort(v.available_to) : '…'}`;
}

function passBadge(status) {
  if (!status || status === 'none') return h('span', { class: 'muted' }, t('pk.pass_none'));
  return h('span', { class: `badge status-badge st-${status}` }, has(`status.${status}`) ? t(`status.${status}`) : status);
}

function vehicleRow(v) {
  return h(
    'tr',
    { dataset: { vehicleId: v.id } },
    cell('pk.col_plate', 'c-name', plateBadge(v.plate)),
    cell('pk.col_seats', 'c-num', v.seats ?? ''),
    cell('pk.col_type', '', v.vehicle_type ? (has(`vtype.${v.vehicle_type}`) ? t(`vtype.${v.vehicle_type}`) : v.vehicle_type) : ''),
    cell('pk.col_driver', '', v.driver_name || ''),
    cell('pk.col_phone', '', telLink(v.driver_phone)),
    cell('pk.col_available', '', availability(v)),
    cell('pk.col_pass', '', passBadge(v.pass_status)),
    state.canEdit ? cell('pk.col_actions', 'c-actions', h('button', { type: 'button', class: 'btn vehicle-delete' }, t('pk.vehicle_delete'))) : null,
  );
}

export function render() {
  if (!state) return;
  const list = state.vehicles;
  $('vehicle-table').querySelector('tbody').replaceChildren(...list.map(vehicleRow));
  $('vehicle-empty').hidden = list.length > 0;
  $('vehicle-count').textContent = String(list.length);
  $('vehicle-col-actions').hidden = !state.canEdit;
}

export async function loadVehicles() {
  try {
    const list = await api('/api/v1/vehicles');
    state.vehicles.splice(0, state.vehicles.length, ...(Array.isArray(list) ? list : []));
    for (const v of state.vehicles) learnOffset(v.available_from);
    say($('vehicle-list-error'), '');
  } catch (err) {
    say($('vehicle-list-error'), err.message);
  }
  render();
}

function readForm() {
  const text = (id) => $(id).value.trim();
  const body = {
    plate: text('veh-plate').toUpperCase(),
    seats: Number(text('veh-seats')),
    vehicle_type: text('veh-type'),
    driver_name: text('veh-driver'),
    driver_phone: text('veh-phone'),
    available_from: withOffset($('veh-from').value),
    available_to: withOffset($('veh-to').value),
  };
  // Empty optional fields are left out rather than sent as "".
  for (const key of Object.keys(body)) if (body[key] === '') delete body[key];
  return body;
}

function validate(body) {
  for (const id of ['veh-plate', 'veh-seats']) $(id).removeAttribute('aria-invalid');
  if (!body.plate) {
    $('veh-plate').setAttribute('aria-invalid', 'true');
    return t('vehicle.plate_required');
  }
  if (!Number.isInteger(body.seats) || body.seats < 1) {
    $('veh-seats').setAttribute('aria-invalid', 'true');
    return t('pk.seats_required');
  }
  if (body.available_from && body.available_to && body.available_to <= body.available_from) return t('pk.available_order');
  return '';
}

async function submit(e) {
  e.preventDefault();
  say($('vehicle-error'), '');
  say($('vehicle-ok'), '');
  const body = readForm();
  const problem = validate(body);
  if (problem) return say($('vehicle-error'), problem);
  $('vehicle-submit').disabled = true;
  try {
    const created = await api('/api/v1/vehicles', { method: 'POST', json: body });
    say($('vehicle-ok'), t('pk.vehicle_created', { plate: created?.plate || body.plate }));
    $('vehicle-form').reset();
    await loadVehicles();
    onChanged();
  } catch (err) {
    say($('vehicle-error'), err.message);
  } finally {
    $('vehicle-submit').disabled = false;
  }
}

function onTableClick(e) {
  const btn = e.target.closest('button.vehicle-delete');
  if (!btn || btn.disabled) return;
  const id = btn.closest('tr').dataset.vehicleId;
  armed(btn, 'pk.vehicle_delete_confirm', async () => {
    btn.disabled = true;
    try {
      await api(`/api/v1/vehicles/${encodeURIComponent(id)}`, { method: 'DELETE' });
      say($('vehicle-list-error'), '');
      await loadVehicles();
      onChanged();
    } catch (err) {
      say($('vehicle-list-error'), err.message);
      btn.disabled = false;
    }
  });
}

export function initVehicles(shared, { onChange }) {
  state = shared;
  onChanged = onChange;
  $('vehicle-form-card').hidden = !state.canEdit;
  $('vehicle-form').addEventListener('submit', submit);
  $('vehicle-table').addEventListener('click', onTableClick);
}
