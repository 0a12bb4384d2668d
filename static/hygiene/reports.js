// Incidents (open first; health records the follow-up until closed) and the inspections of a
// day, per dining point, failed items highlighted, with the CSV export. Both are refetched by
// hygiene.js when the live feed says an incident or an inspection changed.

import { api } from '../js/api.js';
import { clear, h, say } from '../js/dom.js';
import { eventTime } from '../js/format.js';
import { t } from '../js/i18n.js';
import { clock } from '../pickups/shared.js';
import { can, itemLabel, kindBadge, label, pointText } from './shared.js';

const $ = (id) => document.getElementById(id);

let ctx = null;
let incidents = [];
let incSeq = 0;
const drafts = new Map(); // incident id → follow-up note being typed (survives live redraws)
const incErrors = new Map();
const incBusy = new Set();
let inspections = [];
let inspSeq = 0;

// ---------- incidents ----------

function followUpForm(i) {
  const id = `fu-note-${i.id}`;
  return h(
    'form',
    { class: 'hy-follow-up', dataset: { incidentId: i.id }, novalidate: true },
    h('label', { class: 'field' }, h('span', {}, t('hy.follow_up_note')), h('textarea', { id, rows: 2, required: true }, drafts.get(i.id) || '')),
    h(
      'div',
      { class: 'actions' },
      h('button', { type: 'submit', class: 'btn', value: 'note', disabled: incBusy.has(i.id) }, t('hy.follow_up')),
      h('button', { type: 'submit', class: 'btn btn-primary', value: 'close', disabled: incBusy.has(i.id) }, t('hy.follow_up_close')),
    ),
  );
}

function incidentItem(i) {
  const open = i.status !== 'closed';
  const err = incErrors.get(i.id);
  return h(
    'li',
    { class: `hy-incident${open ? ' is-open' : ' is-closed'}${i.stops_service ? ' stops-service' : ''}`, dataset: { incidentId: i.id, status: i.status || 'open' } },
    h(
      'p',
      { class: 'hy-inc-head' },
      kindBadge(i.kind),
      i.stops_service ? h('span', { class: 'badge hy-stops' }, t('hy.stops_service')) : null,
      h('span', { class: `badge hy-status hy-status-${open ? 'open' : 'closed'}` }, label('hy.status', i.status)),
      h('strong', { class: 'hy-inc-point' }, pointText(i.point, i.point_name)),
    ),
    h('p', { class: 'hy-inc-desc' }, i.description),
    h('p', { class: 'hy-inc-meta muted' }, t('hy.raised', { by: i.raised_by || t('common.none'), at: eventTime(i.created_at) }), i.closed_at ? ` · ${t('hy.closed_at', { at: eventTime(i.closed_at) })}` : ''),
    i.follow_up && i.follow_up.length
      ? h('ol', { class: 'hy-follow-list' }, i.follow_up.map((f) => h('li', {}, h('span', { class: 'muted' }, `${eventTime(f.at)} · ${f.by} `), f.note)))
      : null,
    err ? h('p', { class: 'row-error alert alert-error', role: 'alert' }, err) : null,
    open && can(ctx.user, 'manage') ? followUpForm(i) : null,
  );
}

function renderIncidents() {
  const list = [...incidents].sort(
    (a, b) => (a.status === 'closed') - (b.status === 'closed') || String(b.created_at).localeCompare(String(a.created_at)),
  );
  // A live redraw must not take the note field from under the typing hand.
  const active = document.activeElement && document.activeElement.id.startsWith('fu-note-') ? document.activeElement : null;
  const caret = active ? [active.id, active.selectionStart, active.selectionEnd] : null;
  clear($('incidents')).append(...list.map(incidentItem));
  const again = caret && $(caret[0]);
  if (again) {
    again.focus();
    again.setSelectionRange(caret[1], caret[2]);
  }
  const open = incidents.filter((i) => i.status !== 'closed').length;
  $('incident-count').textContent = t('hy.incident_count', { open });
  $('incidents-empty').hidden = list.length > 0;
}

export async function loadIncidents() {
  const my = ++incSeq;
  const all = $('incidents-closed').checked;
  try {
    const list = await api(all ? '/api/v1/incidents' : '/api/v1/incidents?status=open');
    if (my !== incSeq) return;
    incidents = Array.isArray(list) ? list : [];
    say($('incidents-error'), '');
  } catch (err) {
    if (my === incSeq) say($('incidents-error'), err.message);
  }
  renderIncidents();
}

async function followUp(e) {
  const form = e.target.closest('form.hy-follow-up');
  if (!form) return;
  e.preventDefault();
  const id = Number(form.dataset.incidentId);
  const close = (e.submitter && e.submitter.value) === 'close';
  const note = (drafts.get(id) || '').trim();
  if (!note) {
    incErrors.set(id, t('hy.follow_up_empty'));
    return renderIncidents();
  }
  incErrors.delete(id);
  incBusy.add(id);
  renderIncidents();
  try {
    await api(`/api/v1/incidents/${id}/follow-up`, { method: 'POST', json: { note, close } });
    drafts.delete(id);
  } catch (err) {
    incErrors.set(id, err.message);
  } finally {
    incBusy.delete(id);
  }
  loadIncidents();
}

// ---------- inspections ----------

function itemRow(it) {
  return h(
    'li',
    { class: it.ok ? 'is-ok' : 'is-failed', dataset: { item: it.item, ok: it.ok ? 'true' : 'false' } },
    h('span', { class: 'hy-mark', 'aria-hidden': 'true' }, it.ok ? '✓' : '✗'),
    h('span', { class: 'hy-item-name' }, itemLabel(it.item)),
    h('span', { class: 'visually-hidden' }, it.ok ? t('hy.pass') : t('hy.fail')),
    it.note ? h('span', { class: 'hy-item-note' }, it.note) : null,
    // The inspector's photo of the item, opened full size in a new tab.
    it.photo_url ? h('a', { class: 'hy-item-photo', href: it.photo_url, target: '_blank', rel: 'noopener' }, `📷 ${t('in.photo')}`) : null,
  );
}

function inspectionCard(x) {
  const failed = Number(x.failed) || (x.items || []).filter((it) => !it.ok).length;
  return h(
    'li',
    { class: `hy-inspection${failed ? ' has-failed' : ''}`, dataset: { inspectionId: x.id, failed } },
    h(
      'p',
      { class: 'hy-insp-head' },
      h('strong', {}, clock(x.arrived_at) || eventTime(x.arrived_at)),
      ' ',
      x.inspector,
      failed ? h('span', { class: 'badge hy-failed' }, t('hy.failed_n', { n: failed })) : h('span', { class: 'badge hy-passed' }, t('hy.all_passed')),
    ),
    h('ul', { class: 'hy-items' }, (x.items || []).map(itemRow)),
    x.note ? h('p', { class: 'hy-insp-note' }, x.note) : null,
  );
}

function renderInspections() {
  const only = $('insp-point').value;
  const by = new Map();
  for (const x of inspections) {
    if (!by.has(x.point)) by.set(x.point, []);
    by.get(x.point).push(x);
  }
  // Every point, so one nobody inspected that day shows too; then any point not in the list.
  const codes = ctx.points.map((p) => p.code).filter((c) => !only || c === only);
  for (const c of by.keys()) if (!codes.includes(c)) codes.push(c);
  const name = (code) => ctx.points.find((p) => p.code === code)?.name;
  clear($('inspections')).append(
    ...codes.map((code) => {
      const list = (by.get(code) || []).sort((a, b) => String(a.arrived_at).localeCompare(String(b.arrived_at)));
      const failed = list.reduce((n, x) => n + (Number(x.failed) || 0), 0);
      return h(
        'section',
        { class: `hy-point${list.length ? '' : ' is-missing'}${failed ? ' has-failed' : ''}`, dataset: { point: code, count: list.length } },
        h(
          'h3',
          { class: 'hy-point-head' },
          pointText(code, name(code)),
          h('span', { class: 'muted' }, ` · ${list.length ? t('hy.inspections_n', { n: list.length }) : t('hy.not_inspected')}`),
        ),
        list.length ? h('ul', { class: 'hy-insp-list' }, list.map(inspectionCard)) : null,
      );
    }),
  );
  $('inspection-count').textContent = String(inspections.length);
  $('inspections-empty').hidden = codes.length > 0;
}

function inspectionQuery() {
  const day = $('insp-day').value;
  const point = $('insp-point').value;
  return new URLSearchParams({ from: day, to: day, ...(point ? { point } : {}) });
}

export async function loadInspections() {
  if (!$('insp-day').value) return;
  const my = ++inspSeq;
  const q = inspectionQuery();
  $('insp-csv').href = `/api/v1/inspections.csv?${q}`;
  try {
    const list = await api(`/api/v1/inspections?${q}`);
    if (my !== inspSeq) return;
    inspections = Array.isArray(list) ? list : [];
    say($('inspections-error'), '');
  } catch (err) {
    if (my === inspSeq) say($('inspections-error'), err.message);
  }
  renderInspections();
}

function fillPoints() {
  const keep = $('insp-point').value;
  clear($('insp-point')).append(
    h('option', { value: '' }, t('meals.all_points')),
    ...ctx.points.map((p) => h('option', { value: p.code, selected: p.code === keep }, pointText(p.code, p.name))),
  );
}

export function initReports(c, today) {
  ctx = c;
  $('incidents-closed').addEventListener('change', loadIncidents);
  $('incidents').addEventListener('submit', followUp);
  $('incidents').addEventListener('input', (e) => {
    const m = /^fu-note-(\d+)$/.exec(e.target.id || '');
    if (m) drafts.set(Number(m[1]), e.target.value);
  });
  $('insp-day').value = today;
  fillPoints();
  $('insp-day').addEventListener('change', loadInspections);
  $('insp-point').addEventListener('change', loadInspections);
  loadIncidents();
  loadInspections();
}

export function rerenderReports() {
  fillPoints();
  renderIncidents();
  renderInspections();
}
