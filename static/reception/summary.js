// The guest's whole story on the guest page, from the one summary request
// (`GET /api/v1/guests/{id}/summary`): passes with their QR and last scans, the room and
// roommates, the rides, the meals, the emails (resend a failed one), the scan history and the
// timeline of who changed what. Each section is a card; on a phone they stack, and long values
// wrap instead of pushing the page sideways.

import { api } from '../js/api.js';
import { clear, h, say } from '../js/dom.js';
import { codeLabel, eventTime, eventTimeShort, orNone } from '../js/format.js';
import { onLangChange, t } from '../js/i18n.js';

let root = null;
let summary = null;
let onChanged = () => {};
const SECTIONS = ['passes', 'room', 'rides', 'meals', 'emails', 'scans', 'timeline'];
/** Sections that are one thing, not a list: no count in the heading. */
const SINGLE = ['room', 'meals'];

/** Mount into `el`; `changed()` reloads the page after an action here (a resend). */
export function mountSummary(el, changed) {
  root = el;
  onChanged = changed;
  onLangChange(() => render());
}

/** Show a summary (called each time the page reloads it). */
export function showSummary(s) {
  summary = s;
  render();
}

function render() {
  if (!root || !summary) return;
  clear(root).append(
    h('p', { id: 'sum-error', class: 'alert alert-error', role: 'alert', hidden: true }),
    ...SECTIONS.map((key) => section(key)),
  );
}

/** One card: a heading with a count, and its body (or "nothing yet"). */
function section(key) {
  const [count, body] = BODIES[key](summary);
  return h(
    'section',
    { class: 'card sum-section', id: `sum-${key}`, dataset: { count: String(count) }, 'aria-labelledby': `sum-${key}-title` },
    h('h2', { id: `sum-${key}-title` }, t(`sum.${key}`), count && !SINGLE.includes(key) ? h('span', { class: 'sum-count' }, String(count)) : null),
    count ? body : h('p', { class: 'muted sum-empty' }, t(`sum.${key}_none`)),
  );
}

const BODIES = {
  passes: (s) => [s.passes.length, h('ul', { class: 'sum-list' }, s.passes.map(pass))],
  room: (s) => [s.room.stay || s.room.planned ? 1 : 0, room(s.room)],
  rides: (s) => {
    const rides = s.rides.filter((r) => r.run || r.steps.length || hasTrip(s.guest, r.direction));
    return [rides.length, h('ul', { class: 'sum-list' }, rides.map((r) => ride(r, s.guest)))];
  },
  meals: (s) => [s.meals.entitlement || s.meals.taken.length ? 1 : 0, meals(s.meals)],
  emails: (s) => [s.emails.length, h('ul', { class: 'sum-list' }, s.emails.map(email))],
  scans: (s) => [s.scans.length, h('ul', { class: 'sum-list sum-compact' }, s.scans.map((x) => scanItem(x, true)))],
  timeline: (s) => [s.timeline.length, h('ol', { class: 'sum-list sum-compact' }, s.timeline.map(change))],
};

function hasTrip(guest, direction) {
  return direction === 'arrival' ? Boolean(guest.arrival_time || guest.arrival_hub) : Boolean(guest.departure_time || guest.departure_hub);
}

/** A label: value line. */
function line(label, ...value) {
  return h('div', { class: 'sum-line' }, h('span', { class: 'sum-label' }, t(label)), h('span', { class: 'sum-value' }, ...value));
}

function badge(prefix, code, extra = '') {
  return h('span', { class: `badge status-badge st-${code} ${extra}`.trim() }, codeLabel(prefix, code));
}

function dates(from, to, nights) {
  return `${eventTime(from)} – ${eventTime(to)} · ${t('sum.nights_n', { n: nights })}`;
}

// ---------- passes ----------

function pass(p) {
  return h(
    'li',
    { class: 'sum-item sum-pass', dataset: { passId: String(p.id) } },
    p.qr
      ? h('img', {
        class: 'sum-qr',
        src: `/api/v1/passes/${p.id}/qr.png?size=240`,
        width: 120,
        height: 120,
        alt: t('sum.qr_alt', { no: p.number }),
      })
      : null,
    h(
      'div',
      { class: 'sum-main' },
      h('div', { class: 'sum-head' },
        h('strong', { class: 'mono sum-number' }, p.number),
        h('span', {}, codeLabel('kind', p.kind)),
        badge('status', p.status)),
      p.zones.length
        ? line('sum.zones', h('span', { class: 'zone-chips' }, p.zones.map((z) => h('span', { class: 'zone-chip' }, z))))
        : null,
      p.session ? line('sum.session', p.session) : null,
      line('sum.valid', `${eventTime(p.valid_from)} – ${eventTime(p.valid_to)}`),
      p.missing.length ? line('sum.missing', h('span', { class: 'missing' }, p.missing.map((m) => t(`sum.missing.${m}`)).join(t('sum.sep')))) : null,
      p.revoked_reason ? line('sum.revoked_reason', p.revoked_reason) : null,
      line('sum.last_scans', p.last_scans.length
        ? h('ul', { class: 'sum-sublist' }, p.last_scans.map((x) => scanItem(x, false)))
        : t('sum.no_scans')),
    ),
  );
}

function scanItem(x, withNumber) {
  const why = x.reason ? codeLabel('reason', x.reason) : '';
  return h(
    'li',
    { class: 'sum-item sum-scan' },
    h('span', { class: 'sum-time' }, eventTimeShort(x.at)),
    ' ',
    h('span', {}, x.point_name || x.point),
    ' ',
    h('span', { class: 'muted' }, codeLabel('point_kind', x.point_kind)),
    withNumber && x.number ? h('span', { class: 'mono muted' }, ` ${x.number}`) : null,
    ' ',
    h('span', { class: `badge sum-verdict v-${x.verdict}` }, codeLabel('verdict', x.verdict)),
    why ? h('span', { class: 'muted' }, ` ${why}`) : null,
  );
}

// ---------- room ----------

function mates(list) {
  if (!list.length) return t('sum.no_roommates');
  return list.map((m, i) => [i ? t('sum.sep') : '', h('a', { href: `/reception/guest.html?id=${m.guest_id}` }, m.name)]);
}

function room(r) {
  const out = [];
  if (r.stay) {
    const s = r.stay;
    out.push(h('div', { class: 'sum-item sum-stay' },
      h('div', { class: 'sum-head' }, h('strong', {}, s.hotel_name), badge('stay_status', s.status)),
      line('sum.room_type', codeLabel('room_type', s.room_type)),
      line('sum.room_no', orNone(s.room_no)),
      line('sum.nights', dates(s.nights_from, s.nights_to, s.nights)),
      line('sum.self_paid', s.self_paid_nights.length ? s.self_paid_nights.map(eventTime).join(t('sum.sep')) : t('sum.self_paid_none')),
      s.checked_in_at ? line('sum.checked_in', eventTime(s.checked_in_at)) : null,
      s.checked_out_at ? line('sum.checked_out', eventTime(s.checked_out_at)) : null,
      line('sum.roommates', mates(s.roommates))));
  }
  const p = r.planned;
  if (p && (!r.stay || r.pending_change)) {
    out.push(h('div', { class: 'sum-item sum-planned' },
      h('div', { class: 'sum-head' }, h('strong', {}, p.hotel_name),
        h('span', { class: 'badge status-badge' }, t(r.pending_change ? 'sum.plan_pending' : 'sum.plan_published', { rev: p.revision }))),
      line('sum.room_type', codeLabel('room_type', p.room_type)),
      line('sum.plan_room', String(p.room)),
      line('sum.nights', dates(p.nights_from, p.nights_to, p.nights)),
      line('sum.self_paid', p.self_paid_nights.length ? p.self_paid_nights.map(eventTime).join(t('sum.sep')) : t('sum.self_paid_none')),
      line('sum.roommates', mates(p.roommates))));
  } else if (!p && r.pending_change) {
    out.push(h('p', { class: 'alert alert-warn' }, t('sum.plan_released')));
  }
  return h('div', { class: 'sum-list' }, out);
}

// ---------- rides ----------

function ride(r, guest) {
  const run = r.run;
  const car = run?.vehicle;
  const trip = r.direction === 'arrival'
    ? [guest.arrival_no, guest.arrival_hub, eventTimeShort(guest.arrival_time)]
    : [guest.departure_no, guest.departure_hub, eventTimeShort(guest.departure_time)];
  return h(
    'li',
    { class: 'sum-item sum-ride', dataset: { direction: r.direction } },
    h('div', { class: 'sum-head' }, h('strong', {}, t(`sum.ride_${r.direction}`)), badge('pickup_status', r.status)),
    line('sum.trip', trip.filter(Boolean).join(' · ') || t('common.none')),
    run
      ? [
        line('sum.run', `#${run.id} · ${run.hub} · ${eventTimeShort(run.depart_at)}`, ' ', badge('run_status', run.status)),
        line('sum.car', car
          ? [h('span', { class: 'plate' }, car.plate), ' ', [car.driver_name, car.driver_phone].filter(Boolean).join(' ')]
          : t('sum.no_car')),
        line('sum.greeter', orNone(run.greeter)),
        run.hotel_name ? line('sum.run_hotel', run.hotel_name) : null,
      ]
      : line('sum.run', t('sum.no_run')),
  );
}

// ---------- meals ----------

function meals(m) {
  const e = m.entitlement;
  return h('div', { class: 'sum-list' },
    e
      ? h('div', { class: 'sum-item sum-entitlement' },
        line('sum.meal_mode', codeLabel('meal_mode', e.mode), e.halal ? [' ', h('span', { class: 'badge halal' }, t('halal.badge'))] : null),
        line('sum.meal_services', e.services.map((s) => codeLabel('service', s)).join(t('sum.sep')) || t('common.none')),
        e.points.length ? line('sum.meal_points', e.points.join(t('sum.sep'))) : null,
        line('sum.meal_days', e.days ? `${eventTime(e.days[0])} – ${eventTime(e.days[1])}` : t('common.none')),
        line('sum.meals_eaten', String(e.eaten)))
      : h('p', { class: 'muted' }, t('sum.meal_no_entitlement')),
    m.taken.length
      ? h('ul', { class: 'sum-sublist sum-taken' }, m.taken.map((x) => h('li', { class: 'sum-item' },
        h('span', { class: 'sum-time' }, eventTimeShort(x.at)), ' ',
        codeLabel('service', x.service), ' · ', x.point_name || x.point)))
      : h('p', { class: 'muted' }, t('sum.meals_taken_none')),
  );
}

// ---------- emails ----------

function email(m) {
  return h(
    'li',
    { class: 'sum-item sum-email', dataset: { status: m.status } },
    h('div', { class: 'sum-head' },
      h('strong', {}, codeLabel('mail.kind', m.kind)),
      badge('mail.status', m.status)),
    m.subject ? h('div', { class: 'sum-subject' }, m.subject) : null,
    line('sum.mail_to', m.to),
    line('sum.mail_created', eventTime(m.created_at)),
    m.sent_at ? line('sum.mail_sent', eventTime(m.sent_at)) : null,
    m.last_error ? line('sum.mail_error', h('span', { class: 'missing' }, m.last_error)) : null,
    m.resendable
      ? h('button', { type: 'button', class: 'btn btn-ghost sum-resend', onclick: (e) => resend(m.id, e.target) }, t('sum.resend'))
      : null,
  );
}

async function resend(id, button) {
  button.disabled = true;
  try {
    await api(`/api/v1/mail/messages/${id}/retry`, { method: 'POST' });
    await onChanged();
  } catch (err) {
    say(document.getElementById('sum-error'), err.message);
    button.disabled = false;
  }
}

// ---------- timeline ----------

// Audit rows whose id is the guest's own: the id says nothing on the guest's page.
const GUEST_KEYED = ['guest', 'guest_photo', 'stay', 'allocation', 'pickup'];

function detailText(d) {
  if (d === null || d === undefined) return '';
  if (typeof d !== 'object') return String(d);
  return Object.entries(d)
    .filter(([, v]) => v !== null && v !== undefined && v !== '')
    .map(([k, v]) => `${k}: ${typeof v === 'object' ? JSON.stringify(v) : v}`)
    .join(' · ');
}

function change(c) {
  const detail = detailText(c.detail);
  return h(
    'li',
    { class: 'sum-item sum-change' },
    h('span', { class: 'sum-time' }, eventTimeShort(c.at)),
    ' ',
    h('strong', {}, c.who),
    ' ',
    h('span', {}, codeLabel('sum.action', c.action)),
    ' ',
    h('span', { class: 'muted' }, `${codeLabel('sum.entity', c.entity)} ${GUEST_KEYED.includes(c.entity) ? '' : c.entity_id}`.trim()),
    detail ? h('div', { class: 'sum-detail muted' }, detail) : null,
  );
}
