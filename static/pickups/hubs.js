// The airports and stations with their meeting points: a table every reader of the page sees,
// and, for admin and reception, a dialog that renames a hub and sets where greeters stand —
// in Chinese, and in English for English-speaking guests' itineraries (PATCH /hubs/{id}).
//
// The list is the page's own `hubs` (loaded once by pickups.js); after a change it is
// reloaded in place, so the runs' hub menu and the chart read the new names too.

import { api } from '../js/api.js';
import { h, say } from '../js/dom.js';
import { t } from '../js/i18n.js';
import { cell, wireDialogs } from '../hotels/shared.js';
import { can, label, loadHubs } from './shared.js';

const $ = (id) => document.getElementById(id);

let state = null; // {user, hubs} from pickups.js
let onChanged = () => {};
let editing = null; // the hub the dialog changes

/** Two lines, the second in English when there is one: "T2 到达厅 B 出口 / T2 Arrivals, exit B". */
function twoNames(zh, en) {
  return [zh ? h('span', {}, zh) : null, en ? h('span', { class: 'hz-address', lang: 'en' }, en) : null];
}

function hubRow(x) {
  const edit = can(state.user, 'hubs');
  return h(
    'tr',
    { dataset: { hubId: x.id, hub: x.code } },
    cell('gr.hub', 'c-name', h('strong', { class: 'name' }, x.name || x.code), x.name && x.name !== x.code ? h('span', { class: 'sub' }, x.code) : null, x.name_en ? h('span', { class: 'hz-address', lang: 'en' }, x.name_en) : null),
    cell('pk.hub_kind', '', x.kind ? label('hub_kind', x.kind) : ''),
    cell('gr.meeting_point', '', x.meeting_point || x.meeting_point_en ? twoNames(x.meeting_point, x.meeting_point_en) : ''),
    edit ? cell('pk.col_actions', 'c-actions', h('button', { type: 'button', class: 'btn hub-edit', dataset: { hubId: x.id }, onclick: () => openHub(x) }, t('pk.hub_edit'))) : null,
  );
}

export function render() {
  if (!state) return;
  const list = state.hubs;
  $('hub-table').querySelector('tbody').replaceChildren(...list.map(hubRow));
  $('hub-empty').hidden = list.length > 0;
  $('hub-count').textContent = String(list.length);
  $('hub-col-actions').hidden = !can(state.user, 'hubs');
  if (editing && $('hub-dialog').open) $('hub-title').textContent = t('pk.hub_edit_title', { name: editing.name || editing.code });
}

function openHub(x) {
  editing = x;
  say($('hub-error'), '');
  $('hub-title').textContent = t('pk.hub_edit_title', { name: x.name || x.code });
  $('hub-name').value = x.name || '';
  $('hub-name-en').value = x.name_en || '';
  $('hub-meeting').value = x.meeting_point || '';
  $('hub-meeting-en').value = x.meeting_point_en || '';
  $('hub-dialog').showModal();
  $('hub-name').focus();
}

async function saveHub(e) {
  e.preventDefault();
  const x = editing;
  if (!x) return;
  say($('hub-error'), '');
  const value = (id) => $(id).value.trim();
  const wanted = {
    name: value('hub-name'),
    name_en: value('hub-name-en'),
    meeting_point: value('hub-meeting'),
    meeting_point_en: value('hub-meeting-en'),
  };
  if (!wanted.name) {
    $('hub-name').focus();
    return say($('hub-error'), t('pk.hub_need_name'));
  }
  // Mails name the English meeting point in place of the Chinese one: without it, none.
  if (wanted.meeting_point_en && !wanted.meeting_point) {
    $('hub-meeting').focus();
    return say($('hub-error'), t('pk.hub_meeting_en_alone'));
  }
  // Only what changed; an emptied field is sent as "" (cleared), an untouched one is left out.
  const json = {};
  for (const [key, v] of Object.entries(wanted)) if (v !== (x[key] || '')) json[key] = v;
  if (Object.keys(json).length === 0) return $('hub-dialog').close('cancel');
  $('hub-submit').disabled = true;
  try {
    await api(`/api/v1/hubs/${encodeURIComponent(x.id)}`, { method: 'PATCH', json });
    $('hub-dialog').close('ok');
    editing = null;
    say($('hub-ok'), t('pk.hub_saved', { name: wanted.name }));
    await loadHubList();
    onChanged();
  } catch (err) {
    say($('hub-error'), err.message);
  } finally {
    $('hub-submit').disabled = false;
  }
}

/** Reload the hubs into the page's shared list, keeping the array the other parts hold. */
export async function loadHubList() {
  try {
    const list = await loadHubs();
    state.hubs.splice(0, state.hubs.length, ...(Array.isArray(list) ? list : []));
    say($('hub-list-error'), '');
  } catch (err) {
    say($('hub-list-error'), err.message);
  }
  render();
}

export function initHubs(shared, { onChange }) {
  state = shared;
  onChanged = onChange;
  wireDialogs();
  $('hub-form').addEventListener('submit', saveHub);
  $('hub-dialog').addEventListener('close', () => {
    editing = null;
  });
  render();
}
