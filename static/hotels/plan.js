// The allocation plan: every revision with its score, the one being looked at (per-hotel
// counts, unplaced guests, assignments), and the approval flow:
//   reception proposes → edits (move / swap / lock) → submits → the committee approves
//   (published) or returns it with a comment → reception edits again and resubmits.
//
// Which plan is shown lives in the address bar (?id=), so a link to a returned plan opens it.

import { api } from '../js/api.js';
import { clear, h, say } from '../js/dom.js';
import { categoryLabel, eventTimeShort } from '../js/format.js';
import { lang, onLangChange, t } from '../js/i18n.js';
import { initShell } from '../js/shell.js';
import { initAssignments, loadAssignments, placeGuest, renderAssignments, setPlan } from './assignments.js';
import { ask, can, cell, links, loadHotels, pageOf, pager, statusBadge, wireDialogs } from './shared.js';

const $ = (id) => document.getElementById(id);

const PENALTY_KEYS = ['total', 'split_delegations', 'empty_bed_nights', 'vip_minutes', 'crowded_room_nights'];
const OPEN = ['draft', 'returned'];
const UNPLACED_PER_PAGE = 25;

let user = null;
let plans = []; // [PlanSummary], newest first
let detail = null; // {plan, hotels, unplaced}
let hotels = [];
const unplacedState = { page: 1, perPage: UNPLACED_PER_PAGE, total: 0 };
let renderUnplacedPager = () => {};

function planId() {
  return detail && detail.plan ? detail.plan.id : null;
}

function editable() {
  return Boolean(detail && OPEN.includes(detail.plan.status) && can(user, 'editPlan'));
}

function writeUrl() {
  const params = new URLSearchParams(location.search);
  if (planId() != null) params.set('id', String(planId()));
  history.replaceState(null, '', `${location.pathname}?${params}`);
}

// ---------- the list of plans ----------

/** "132 · 基线 180（−27%）": lower is better, so a drop is good news. */
function penaltyText(p) {
  const ours = Number(p?.penalty?.total);
  const base = Number(p?.baseline_penalty?.total);
  if (!Number.isFinite(ours)) return t('common.none');
  if (!Number.isFinite(base)) return String(ours);
  const pct = base > 0 ? Math.round(((ours - base) / base) * 100) : 0;
  return t('plan.penalty_vs', { ours, base, pct: pct > 0 ? `+${pct}` : String(pct) });
}

function penaltyTitle(p) {
  return PENALTY_KEYS.map((k) => `${t(`penalty.${k}`)}: ${p?.penalty?.[k] ?? '—'} / ${p?.baseline_penalty?.[k] ?? '—'}`).join('\n');
}

function planRow(p) {
  const current = p.id === planId();
  return h(
    'tr',
    { class: current ? 'is-current' : '', dataset: { planId: p.id, status: p.status } },
    cell('plan.col_revision', 'c-rev', t('plan.revision', { n: p.revision })),
    cell('plan.col_status', 'c-status', statusBadge('plan_status', p.status)),
    cell('plan.col_created', 'c-who', [eventTimeShort(p.created_at), p.created_by].filter(Boolean).join(' · ')),
    cell('plan.col_placed', 'c-num', `${p.placed ?? 0} / ${p.unplaced ?? 0}`),
    cell('plan.col_penalty', 'c-penalty', h('span', { title: penaltyTitle(p) }, penaltyText(p))),
    cell('plan.col_decided', 'c-who', [eventTimeShort(p.decided_at), p.decided_by].filter(Boolean).join(' · ')),
    cell(
      'plan.col_view',
      'c-actions',
      current ? h('span', { class: 'muted' }, t('plan.viewing')) : h('button', { type: 'button', class: 'btn plan-view', onclick: () => openPlan(p.id) }, t('plan.view')),
    ),
  );
}

function renderPlans() {
  clear($('plans-table').querySelector('tbody')).append(...plans.map(planRow));
  $('plans-empty').hidden = plans.length > 0;
  $('plans-table').hidden = plans.length === 0;
}

async function loadPlans() {
  const list = await api('/api/v1/allocations');
  plans = (Array.isArray(list) ? list : []).sort((a, b) => (b.revision - a.revision) || (b.id - a.id));
  renderPlans();
}

/** Which plan to show first: the one asked for, else the one in work, else the published one, else the newest. */
function defaultPlanId() {
  const wanted = new URLSearchParams(location.search).get('id');
  if (wanted && plans.some((p) => String(p.id) === wanted)) return plans.find((p) => String(p.id) === wanted).id;
  const pick = plans.find((p) => [...OPEN, 'submitted'].includes(p.status)) || plans.find((p) => p.status === 'published') || plans[0];
  return pick ? pick.id : null;
}

// ---------- the chosen plan ----------

function renderHead() {
  const p = detail.plan;
  $('plan-name').textContent = t('plan.revision', { n: p.revision });
  clear($('plan-status')).append(statusBadge('plan_status', p.status));
  $('plan-meta').textContent = [
    t('plan.meta_placed', { placed: p.placed ?? 0, unplaced: p.unplaced ?? 0 }),
    boundText(p),
    p.submitted_at ? t('plan.meta_submitted', { at: eventTimeShort(p.submitted_at) }) : '',
    p.decided_at ? t('plan.meta_decided', { at: eventTimeShort(p.decided_at), by: p.decided_by || '' }) : '',
  ]
    .filter(Boolean)
    .join(' · ');

  // The committee's word: why it came back (or what it said when approving).
  const box = $('plan-comment');
  box.hidden = !p.comment;
  box.className = `alert ${p.status === 'returned' ? 'alert-warn' : 'alert-ok'}`;
  $('plan-comment-label').textContent = p.status === 'returned' ? t('plan.returned_comment') : t('plan.committee_comment');
  $('plan-comment-text').textContent = p.comment || '';

  $('plan-submit').hidden = !(OPEN.includes(p.status) && can(user, 'editPlan'));
  // A published plan is changed through a new revision: a draft copy of it.
  $('plan-revise').hidden = !(p.status === 'published' && can(user, 'editPlan') && !plans.some((x) => [...OPEN, 'submitted'].includes(x.status)));
  $('plan-approve').hidden = !(p.status === 'submitted' && can(user, 'decidePlan'));
  $('plan-return').hidden = $('plan-approve').hidden;
}

/**
 * The relaxation's bound beside what is placed: at the bound a shortage is real (ask the
 * hotels for rooms); below it, the plan can place more (the suggested moves below).
 */
function boundText(p) {
  if (p.bound == null) return '';
  const ff = p.first_fit_placed ?? '—';
  const key = (p.placed ?? 0) >= p.bound ? 'plan.meta_bound_real' : 'plan.meta_bound_more';
  return t(key, { bound: p.bound, ff, more: p.bound - (p.placed ?? 0) });
}

function renderPenalty() {
  const p = detail.plan;
  // The parts first, their total last, as on a bill.
  const keys = [...PENALTY_KEYS.slice(1), PENALTY_KEYS[0]];
  clear($('penalty-table').querySelector('tbody')).append(
    ...keys.map((k) => {
      const ours = Number(p.penalty?.[k]);
      const base = Number(p.baseline_penalty?.[k]);
      const better = Number.isFinite(ours) && Number.isFinite(base) && ours < base;
      const worse = Number.isFinite(ours) && Number.isFinite(base) && ours > base;
      return h(
        'tr',
        { class: k === 'total' ? 'is-total' : '', dataset: { penalty: k } },
        h('th', { scope: 'row' }, t(`penalty.${k}`)),
        h('td', { class: better ? 'is-better' : worse ? 'is-worse' : '' }, p.penalty?.[k] ?? t('common.none')),
        h('td', {}, p.baseline_penalty?.[k] ?? t('common.none')),
      );
    }),
  );
}

function renderHotelCounts() {
  const list = Array.isArray(detail.hotels) ? detail.hotels : [];
  clear($('plan-hotels').querySelector('tbody')).append(
    ...list.map((x) =>
      h(
        'tr',
        { dataset: { hotel: x.code } },
        h('th', { scope: 'row' }, h('a', { href: links.hotel(x.code) }, x.name || x.code)),
        h('td', {}, String(x.guests ?? 0)),
        h('td', {}, String(x.rooms ?? 0)),
      ),
    ),
  );
}

function unplacedRow(u) {
  return h(
    'tr',
    { dataset: { guestId: u.guest_id } },
    cell('col.name', 'c-name', h('span', { class: 'name' }, u.name || ''), h('span', { class: 'sub' }, `#${u.guest_id}`)),
    cell('col.category', 'c-cat', u.category ? h('span', { class: `badge cat cat-${u.category}` }, categoryLabel(u.category)) : ''),
    cell('col.delegation', 'c-deleg', u.delegation || u.organization || ''),
    // Both languages come along, so switching language needs no reload.
    cell(
      'plan.col_reason',
      'c-reason',
      h('span', { class: `badge unplaced-kind kind-${u.kind || 'none'}` }, t(`plan.kind_${u.kind || 'none'}`)),
      ' ',
      (lang() === 'en' ? u.reason_en : u.reason_zh) || u.reason || '',
      movesList(u.moves),
    ),
    cell(
      'plan.col_actions',
      'c-actions',
      // One click: the service places the guest, moving the guests it names first.
      editable() && u.kind !== 'no_room'
        ? h('button', { type: 'button', class: 'btn btn-primary unplaced-auto', dataset: { guestId: u.guest_id } }, t(u.kind === 'movable' ? 'plan.apply_moves' : 'plan.place_auto'))
        : null,
      editable() ? h('button', { type: 'button', class: 'btn unplaced-place', dataset: { guestId: u.guest_id } }, t('plan.place')) : null,
      h('p', { class: 'row-error', role: 'alert', hidden: true }),
    ),
  );
}

/** "张先生: HALAL → PLAIN (single)", one line a move, in the order they are made. */
function movesList(moves) {
  if (!Array.isArray(moves) || moves.length === 0) return null;
  return h(
    'ol',
    { class: 'moves' },
    ...moves.map((m) =>
      h('li', {}, t('plan.move_line', { name: m.name || `#${m.guest_id}`, from: m.from_hotel, to: m.to_hotel, type: t(`room_type.${m.room_type}`) })),
    ),
  );
}

async function placeAuto(button, guestId) {
  const row = button.closest('tr');
  const problem = row && row.querySelector('.row-error');
  if (problem) problem.hidden = true;
  button.disabled = true;
  try {
    const rows = await api(`/api/v1/allocations/${encodeURIComponent(planId())}/unplaced/${encodeURIComponent(guestId)}/place`, { method: 'POST' });
    say($('plan-ok'), t('plan.placed_auto', { n: Array.isArray(rows) ? rows.length : 1 }));
    await refreshDetail();
    loadAssignments();
  } catch (err) {
    if (problem) {
      problem.textContent = err.message;
      problem.hidden = false;
    } else {
      say($('plan-error'), err.message);
    }
    button.disabled = false;
  }
}

function renderUnplaced() {
  const list = Array.isArray(detail.unplaced) ? detail.unplaced : [];
  unplacedState.total = list.length;
  const pages = Math.max(1, Math.ceil(list.length / UNPLACED_PER_PAGE));
  unplacedState.page = Math.min(unplacedState.page, pages);
  $('unplaced-count').textContent = String(list.length);
  clear($('unplaced-table').querySelector('tbody')).append(...pageOf(list, unplacedState.page, UNPLACED_PER_PAGE).map(unplacedRow));
  $('unplaced-empty').hidden = list.length > 0;
  $('unplaced-table').hidden = list.length === 0;
  renderUnplacedPager();
}

function renderDetail() {
  if (!detail) return;
  $('plan-current').hidden = false;
  renderHead();
  renderPenalty();
  renderHotelCounts();
  renderUnplaced();
}

/** Reload the plan's numbers (after an edit they change) without touching the assignments. */
async function refreshDetail() {
  if (planId() == null) return;
  detail = await api(`/api/v1/allocations/${encodeURIComponent(planId())}`);
  const i = plans.findIndex((p) => p.id === detail.plan.id);
  if (i >= 0) plans[i] = detail.plan;
  renderPlans();
  renderDetail();
  setPlan(detail.plan, editable());
}

async function openPlan(id) {
  say($('plan-error'), '');
  try {
    detail = await api(`/api/v1/allocations/${encodeURIComponent(id)}`);
  } catch (err) {
    say($('plan-error'), err.message);
    return;
  }
  unplacedState.page = 1;
  writeUrl();
  renderPlans();
  renderDetail();
  setPlan(detail.plan, editable(), { reset: true });
  loadAssignments();
}

// ---------- actions ----------

async function busy(button, fn) {
  say($('plan-error'), '');
  say($('plan-ok'), '');
  button.disabled = true;
  try {
    await fn();
  } catch (err) {
    say($('plan-error'), err.message);
  } finally {
    button.disabled = false;
  }
}

async function confirmText(text) {
  $('confirm-text').textContent = text;
  return (await ask($('confirm-dialog'))) === 'ok';
}

async function propose() {
  // A new proposal replaces the open draft (its locked assignments survive): say so first.
  const open = plans.find((p) => OPEN.includes(p.status));
  if (open && !(await confirmText(t('plan.propose_replaces', { n: open.revision })))) return;
  await busy($('propose'), async () => {
    $('plan-busy').hidden = false;
    try {
      const plan = await api('/api/v1/allocations/propose', { method: 'POST', json: {} });
      await loadPlans();
      await openPlan(plan.id);
      say($('plan-ok'), t('plan.proposed', { n: plan.revision, placed: plan.placed ?? 0, unplaced: plan.unplaced ?? 0 }));
    } finally {
      $('plan-busy').hidden = true;
    }
  });
}

async function submitPlan() {
  if (!(await confirmText(t('plan.submit_confirm', { n: detail.plan.revision })))) return;
  await busy($('plan-submit'), async () => {
    await api(`/api/v1/allocations/${encodeURIComponent(planId())}/submit`, { method: 'POST', json: {} });
    await refreshDetail();
    say($('plan-ok'), t('plan.submitted'));
  });
}

async function revisePlan() {
  if (!(await confirmText(t('plan.revise_confirm', { n: detail.plan.revision })))) return;
  await busy($('plan-revise'), async () => {
    const plan = await api(`/api/v1/allocations/${encodeURIComponent(planId())}/revise`, { method: 'POST', json: {} });
    await loadPlans();
    await openPlan(plan.id);
    say($('plan-ok'), t('plan.revised'));
  });
}

/** Approve (comment optional) or return (comment required) — one dialog for both. */
async function decide(action) {
  const returning = action === 'return';
  $('decide-title').textContent = t(returning ? 'plan.return_title' : 'plan.approve_title');
  $('decide-summary').textContent = t(returning ? 'plan.return_help' : 'plan.approve_help', { n: detail.plan.revision });
  $('decide-comment-label').textContent = t(returning ? 'plan.comment_required' : 'plan.comment_optional');
  $('decide-submit').textContent = t(returning ? 'plan.return' : 'plan.approve');
  $('decide-submit').className = `btn ${returning ? 'btn-danger' : 'btn-primary'}`;
  $('decide-comment').value = '';
  $('decide-comment').required = returning;
  say($('decide-error'), '');
  if ((await ask($('decide-dialog'))) !== 'ok') return;
  const comment = $('decide-comment').value.trim();
  await busy($(returning ? 'plan-return' : 'plan-approve'), async () => {
    await api(`/api/v1/allocations/${encodeURIComponent(planId())}/${action}`, { method: 'POST', json: comment ? { comment } : {} });
    await loadPlans(); // approving supersedes the previous published plan: every row may change
    await refreshDetail();
    say($('plan-ok'), t(returning ? 'plan.returned' : 'plan.published'));
  });
}

function wireActions() {
  $('propose').addEventListener('click', propose);
  $('plan-submit').addEventListener('click', submitPlan);
  $('plan-revise').addEventListener('click', revisePlan);
  $('plan-approve').addEventListener('click', () => decide('approve'));
  $('plan-return').addEventListener('click', () => decide('return'));
  // A return without a comment stays open with the reason said under the field.
  $('decide-form').addEventListener('submit', (e) => {
    if ($('decide-comment').required && !$('decide-comment').value.trim()) {
      e.preventDefault();
      say($('decide-error'), t('plan.comment_missing'));
      $('decide-comment').focus();
    }
  });
}

// ---------- page ----------

onLangChange(() => {
  renderPlans();
  if (detail) renderDetail();
  renderAssignments();
});

async function main() {
  wireDialogs();
  renderUnplacedPager = pager(
    { prev: $('unplaced-prev'), next: $('unplaced-next'), info: $('unplaced-page') },
    unplacedState,
    (page) => {
      unplacedState.page = page;
      renderUnplaced();
    },
  );
  user = await initShell();
  for (const el of document.querySelectorAll('[data-role]')) el.hidden = !can(user, el.dataset.role);
  wireActions();
  try {
    hotels = await loadHotels();
  } catch {
    hotels = []; // the hotel filter and the move menu fall back to the plan's own hotels
  }
  initAssignments({
    hotels,
    onChanged: () => refreshDetail().catch((err) => say($('plan-error'), err.message)),
  });
  // "Place" on an unplaced guest opens the same move dialog as on an assignment.
  $('unplaced-table').addEventListener('click', (e) => {
    const auto = e.target.closest('.unplaced-auto');
    if (auto) {
      placeAuto(auto, auto.dataset.guestId);
      return;
    }
    const btn = e.target.closest('.unplaced-place');
    if (!btn) return;
    const u = detail.unplaced.find((x) => String(x.guest_id) === btn.dataset.guestId);
    if (u) placeGuest(u);
  });
  try {
    await loadPlans();
  } catch (err) {
    say($('plan-error'), err.message);
    return;
  }
  const id = defaultPlanId();
  if (id != null) await openPlan(id);
}

main();
