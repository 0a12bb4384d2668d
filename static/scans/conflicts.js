// Offline conflicts (/scans/conflicts.html): two devices both accepted one single-use pass
// while offline (a ceremony ticket, a meal), or a revoked pass was accepted offline. The
// earliest scan keeps the use; the table shows both — device, point, time in the event's time
// zone — with the holder. It stays live over the live feed (../pickups/live.js): a
// `scan_conflict` event refetches; a poll every 30 s covers a feed this role cannot hear.

import { api } from '../js/api.js';
import { clear, h, say } from '../js/dom.js';
import { eventTime } from '../js/format.js';
import { has, onLangChange, t } from '../js/i18n.js';
import { initShell } from '../js/shell.js';
import { label } from '../passes/shared.js';
import { createFeed } from '../pickups/live.js';
import { eventClockAt, learnOffset } from '../pickups/shared.js';

const $ = (id) => document.getElementById(id);
const POLL_MS = 30000;

let conflicts = [];
let loadedAt = null;
let loading = false;

function scanCell(labelText, s) {
  if (!s) return h('td', { dataset: { label: labelText } }, t('common.none'));
  return h(
    'td',
    { dataset: { label: labelText } },
    h(
      'span',
      { class: 'conflict-scan' },
      h('strong', {}, s.device || t('common.none')),
      h('span', {}, s.point_name && s.point_name !== s.point ? `${s.point_name}（${s.point}）` : s.point || ''),
      h('span', { class: 'muted mono' }, eventTime(s.at)),
    ),
  );
}

function row(c) {
  const kindKey = `conflicts.kind.${c.kind}`;
  return h(
    'tr',
    { dataset: { conflictId: c.id, kind: c.kind } },
    h('td', { dataset: { label: t('conflicts.col_detected') } }, eventTime(c.detected_at)),
    h('td', { dataset: { label: t('conflicts.col_holder') } }, c.holder || t('common.none')),
    h('td', { dataset: { label: t('conflicts.col_pass') } }, `No. ${c.pass_id}`, c.pass_kind ? ` · ${label('kind', c.pass_kind)}` : ''),
    h('td', { dataset: { label: t('conflicts.col_kind') } }, h('span', { class: `conflict-kind kind-${c.kind}` }, has(kindKey) ? t(kindKey) : c.kind)),
    scanCell(t('conflicts.col_kept'), c.kept),
    scanCell(t('conflicts.col_lost'), c.lost),
  );
}

function render() {
  clear($('conflict-table').querySelector('tbody')).append(...conflicts.map(row));
  $('conflict-total').textContent = String(conflicts.length);
  $('conflict-empty').hidden = conflicts.length > 0;
  $('conflict-updated').textContent = loadedAt ? t('conflicts.updated', { time: eventClockAt(loadedAt.getTime()) }) : '';
}

async function load() {
  if (loading) return;
  loading = true;
  try {
    const answer = await api('/api/v1/scans/conflicts');
    conflicts = (answer && answer.conflicts) || [];
    if (conflicts[0]) learnOffset(conflicts[0].detected_at);
    loadedAt = new Date();
    say($('conflict-error'), '');
  } catch (err) {
    say($('conflict-error'), err.message);
  } finally {
    loading = false;
  }
  render();
}

const feed = createFeed({
  onChange: (event) => {
    if (!event || event.kind === 'scan_conflict' || !event.kind) load();
  },
  onHeard: () => {},
  onState: () => {},
});

$('conflict-refresh').addEventListener('click', load);
onLangChange(render);
setInterval(() => {
  if (!document.hidden) load();
}, POLL_MS);
document.addEventListener('visibilitychange', () => {
  if (!document.hidden) {
    feed.revive();
    load();
  }
});

initShell().then((user) => {
  if (!user) return;
  load();
  feed.watch(['']);
});
