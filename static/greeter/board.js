// Drawing the greeter board: one card per flight or train in time order, its guests grouped
// by the car (run) taking them, each guest with photo, badges, phone and the three taps.
// A card's header (number, time, status, count) folds its guests away: the flight at hand is
// open, the rest are one line each, so 137 guests are not one 4,000-px list. A search
// (name in Chinese or Latin, flight/train number, phone, delegation) keeps only the guests
// that match, their cards open.
// Pure rendering: greeter.js owns the data and the clicks (delegated on #board).

import { h } from '../js/dom.js';
import { categoryLabel } from '../js/format.js';
import { t } from '../js/i18n.js';
import { clock, clockOn, dayOf, label, phoneIcon, plateBadge, statusBadge, telLink, wallMinutes } from '../pickups/shared.js';

const PLACEHOLDER = '/img/no-photo.svg';
/** Statuses after which the greeter's job for the guest is done. */
const DONE = new Set(['met', 'in_vehicle', 'at_hotel', 'own_transport']);
/** Runs that may still be marked departed. */
const WAITING_RUN = new Set(['planned', 'at_hub']);

// Which taps the server accepts (src/pickups/rules.rs `may_move`, mirrored so a button the
// server would refuse is greyed out instead of answering with an error): forward along the
// chain, one step back to undo a wrong tap, aside (no-show, own transport) before the guest
// is in a car, and back from aside when the guest turns up after all.
const CHAIN = { arrival: ['expected', 'landed', 'met', 'in_vehicle', 'at_hotel'], departure: ['expected', 'in_vehicle', 'at_hub'] };
const ASIDE = ['no_show', 'own_transport'];

export function mayMove(direction, from, to) {
  const steps = CHAIN[direction] || CHAIN.arrival;
  const a = steps.indexOf(from || 'expected');
  const b = steps.indexOf(to);
  const seated = steps.indexOf('in_vehicle');
  if (from === to) return true;
  if (a >= 0 && b >= 0) return b > a || b + 1 === a;
  if (a >= 0 && ASIDE.includes(to)) return a < seated;
  if (ASIDE.includes(from) && b >= 0) return b < seated;
  return ASIDE.includes(from) && ASIDE.includes(to);
}

/** The time a trip is expected (or was scheduled): the board's order. */
const tripTime = (trip) => trip.expected_at || trip.scheduled_at;

export function sortTrips(trips) {
  return [...trips].sort((a, b) => wallMinutes(tripTime(a)) - wallMinutes(tripTime(b)) || String(a.number).localeCompare(String(b.number)));
}

// ---------- search ----------

/** Lower case without spaces, dots or dashes: "Zhou Jing", "zhoujing" and "ZHOU-JING" agree. */
export function normalize(text) {
  return String(text ?? '').toLowerCase().replace(/[\s.·\-_/]+/g, '');
}

const digits = (text) => String(text ?? '').replace(/\D+/g, '');

/** Does guest `g` on `trip` match the (normalized) query `q`? */
export function matches(q, g, trip) {
  if (!q) return true;
  const fields = [g.name, g.name_latin, g.ref, g.delegation, g.organization, trip.number];
  if (fields.some((f) => f && normalize(f).includes(q))) return true;
  // A phone number typed with spaces or a country code: compare the digits (three at least).
  const d = digits(q);
  return d.length >= 3 && d === q.replace(/^\+/, '') && Boolean(g.phone) && digits(g.phone).includes(d);
}

/** Counts for the header: still to meet, met (or later), no-show. */
export function countGuests(trips) {
  const n = { waiting: 0, met: 0, no_show: 0 };
  for (const trip of trips) {
    if (trip.status === 'cancelled') continue;
    for (const g of trip.guests || []) {
      if (DONE.has(g.status)) n.met += 1;
      else if (g.status === 'no_show') n.no_show += 1;
      else n.waiting += 1;
    }
  }
  return n;
}

// ---------- one guest ----------

// One <img> per guest and photo, reused across redraws: a refetch every few seconds must not
// make the photos blink or load again.
const photos = new Map();

function photo(g) {
  const src = g.photo_url || PLACEHOLDER;
  const key = `${g.guest_id}|${src}`;
  let img = photos.get(key);
  if (!img) {
    img = h('img', { class: 'bg-photo', src, alt: '', loading: 'lazy', decoding: 'async', width: 72, height: 96 });
    // A broken photo link shows the silhouette instead of a torn image.
    img.addEventListener('error', () => {
      if (!img.src.endsWith(PLACEHOLDER)) img.src = PLACEHOLDER;
    }, { once: true });
    photos.set(key, img);
  }
  img.alt = t('gr.photo_of', { name: g.name || '' });
  return img;
}

function flags(g) {
  return [
    // A VIP by category already wears the red-and-gold badge; the star marks VIPs of other categories.
    g.vip && g.category !== 'vip' ? h('span', { class: 'badge pk-flag pk-vip', title: t('gr.vip') }, `★ ${t('gr.vip')}`) : null,
    g.halal ? h('span', { class: 'badge halal', title: t('halal.badge') }, t('halal.badge')) : null,
    g.diet ? h('span', { class: 'badge pk-flag pk-diet', title: t('gr.diet') }, g.diet) : null,
    g.accessible ? h('span', { class: 'badge pk-flag pk-accessible', title: t('gr.accessible') }, `♿ ${t('gr.accessible')}`) : null,
  ];
}

/** The tap the greeter most likely wants next: it gets the accent colour. */
function nextStep(status) {
  if (!status || ['expected', 'landed', 'no_show'].includes(status)) return 'met';
  return status === 'met' ? 'in_vehicle' : '';
}

function markButton(g, status, cls, key, busy, direction) {
  const current = g.status === status;
  const allowed = mayMove(direction, g.status, status);
  const primary = nextStep(g.status) === status ? ' btn-primary' : '';
  return h(
    'button',
    { type: 'button', class: `btn ${cls}${primary}${current ? ' is-current' : ''}`, 'aria-pressed': current ? 'true' : 'false', disabled: busy || current || !allowed, dataset: { mark: status } },
    t(key),
  );
}

function actions(g, ctx) {
  const pending = ctx.pending.get(String(g.guest_id));
  if (pending) {
    // No-show waits a few seconds before it is sent: one tap undoes a slip of the thumb.
    const left = Math.max(0, Math.ceil((pending.until - Date.now()) / 1000));
    return h(
      'div',
      { class: 'bg-actions bg-pending', role: 'status' },
      h('span', { class: 'bg-pending-text' }, t('gr.no_show_pending', { n: left })),
      h('button', { type: 'button', class: 'btn undo-no-show' }, t('gr.undo')),
      h('button', { type: 'button', class: 'btn btn-danger confirm-no-show' }, t('gr.confirm_now')),
    );
  }
  if (!ctx.canMark) return null;
  const busy = ctx.busy.has(`g${g.guest_id}`);
  return h(
    'div',
    { class: 'bg-actions' },
    markButton(g, 'met', 'mark-met', 'gr.mark_met', busy, ctx.direction),
    markButton(g, 'in_vehicle', 'mark-in-vehicle', 'gr.mark_in_vehicle', busy, ctx.direction),
    markButton(g, 'no_show', 'mark-no-show', 'gr.mark_no_show', busy, ctx.direction),
  );
}

function guestCard(g, ctx) {
  const error = ctx.errors.get(`g${g.guest_id}`);
  return h(
    'li',
    { class: `board-guest cat-${g.category || 'none'}${g.vip ? ' is-vip' : ''}`, dataset: { guestId: g.guest_id, status: g.status || '' } },
    h(
      'div',
      { class: 'bg-main' },
      photo(g),
      h(
        'div',
        { class: 'bg-who' },
        h('p', { class: 'bg-name' }, g.name || `#${g.guest_id}`, g.name_latin ? h('span', { class: 'name-latin' }, g.name_latin) : null),
        h(
          'p',
          { class: 'bg-meta' },
          g.category ? h('span', { class: `badge cat cat-${g.category}` }, categoryLabel(g.category)) : null,
          g.delegation || g.organization ? h('span', { class: 'bg-delegation' }, g.delegation || g.organization) : null,
          g.ref ? h('span', { class: 'bg-ref' }, g.ref) : null,
        ),
        h('p', { class: 'bg-flags' }, flags(g), statusBadge('pickup_status', g.status)),
        g.phone ? telLink(g.phone, { class: 'btn bg-phone', 'aria-label': t('gr.call_guest', { name: g.name || '' }) }, phoneIcon(), h('span', {}, g.phone)) : null,
      ),
    ),
    actions(g, ctx),
    error ? h('p', { class: 'row-error alert alert-error', role: 'alert' }, error) : null,
  );
}

// ---------- the car of a group of guests ----------

function runHeader(run, hotel, ctx) {
  if (!run) {
    return h('div', { class: 'run-car is-none' }, h('span', { class: 'run-none' }, t('gr.no_run')), hotel ? h('span', { class: 'run-hotel' }, `→ ${hotel}`) : null);
  }
  const busy = ctx.busy.has(`r${run.id}`);
  const error = ctx.errors.get(`r${run.id}`);
  const waiting = WAITING_RUN.has(run.status) || !run.status;
  return h(
    'div',
    { class: 'run-car', dataset: { runId: run.id, status: run.status || '' } },
    h(
      'div',
      { class: 'run-car-line' },
      run.plate ? plateBadge(run.plate) : h('span', { class: 'run-none' }, t('gr.no_vehicle')),
      run.driver_name ? h('span', { class: 'run-driver' }, run.driver_name) : null,
      run.depart_at ? h('span', { class: 'run-time' }, t('gr.departs', { time: clockOn(run.depart_at, ctx.day) })) : null,
      hotel ? h('span', { class: 'run-hotel' }, `→ ${hotel}`) : null,
      statusBadge('run_status', run.status),
    ),
    h(
      'div',
      { class: 'run-car-actions' },
      run.driver_phone
        ? telLink(run.driver_phone, { class: 'btn call-driver', 'aria-label': t('gr.call_driver', { name: run.driver_name || '' }) }, phoneIcon(), h('span', {}, t('gr.driver')))
        : null,
      ctx.canDepart
        ? h(
            'button',
            { type: 'button', class: `btn run-departed${waiting ? ' btn-primary' : ''}`, disabled: busy || !waiting, dataset: { runId: run.id } },
            waiting ? t('gr.mark_departed') : label('run_status', run.status),
          )
        : null,
    ),
    error ? h('p', { class: 'row-error alert alert-error', role: 'alert' }, error) : null,
  );
}

/** Guests of a trip grouped by run, in first-seen order; guests without a run come last. */
function groupByRun(guests) {
  const groups = new Map();
  for (const g of guests) {
    const key = g.run && g.run.id != null ? `r${g.run.id}` : `h${g.hotel || ''}`;
    if (!groups.has(key)) groups.set(key, { run: g.run || null, hotels: [], guests: [] });
    const group = groups.get(key);
    group.guests.push(g);
    // A car may drop guests at several hotels: name them all, not just the first guest's.
    if (g.hotel && !group.hotels.includes(g.hotel)) group.hotels.push(g.hotel);
  }
  return [...groups.values()]
    .map((group) => ({ ...group, hotel: group.hotels.join(' · ') }))
    .sort((a, b) => (a.run ? 0 : 1) - (b.run ? 0 : 1));
}

// ---------- one trip ----------

function tripTimes(trip, day) {
  const sched = clockOn(trip.scheduled_at, day);
  const expected = clockOn(trip.expected_at, day);
  const moved = expected && expected !== sched;
  return h(
    'span',
    { class: 'trip-times' },
    h('span', { class: `trip-sched${moved ? ' is-moved' : ''}`, title: t('gr.scheduled') }, sched || t('common.none')),
    moved ? h('span', { class: 'trip-expected', title: t('gr.expected') }, ` → ${expected}`) : null,
  );
}

/** A trip still has someone to meet. */
const hasWaiting = (trip) => trip.status !== 'cancelled' && (trip.guests || []).some((g) => !DONE.has(g.status) && g.status !== 'no_show');

/**
 * Which cards are open before the greeter touches them: the next trip with someone to meet,
 * and every trip with someone to meet that has landed or is due within 45 minutes.
 */
// A card once opened by itself stays open until the greeter folds it: marking the last guest
// met must not whisk the card (and the button just tapped) away.
const openedOnce = new Set();

function autoOpen(trips, now) {
  const open = new Set(openedOnce);
  const nowMin = wallMinutes(now);
  const first = trips.find(hasWaiting);
  if (first) open.add(String(first.id));
  for (const trip of trips) {
    if (!hasWaiting(trip)) continue;
    if (trip.status === 'landed' || wallMinutes(tripTime(trip)) - nowMin <= 45) open.add(String(trip.id));
  }
  for (const id of open) openedOnce.add(id);
  return open;
}

function tripCard(trip, guests, ctx) {
  const all = Array.isArray(trip.guests) ? trip.guests : [];
  const met = all.filter((g) => DONE.has(g.status)).length;
  const id = String(trip.id);
  const bodyId = `trip-body-${id.replace(/[^\w-]/g, '_')}`;
  const open = ctx.searching || (ctx.open.has(id) ? ctx.open.get(id) : ctx.auto.has(id));
  const count = ctx.searching ? t('gr.trip_found', { found: guests.length, n: all.length }) : t('gr.trip_count', { n: all.length, met });
  return h(
    'section',
    { class: `trip trip-${trip.status || 'scheduled'}${open ? ' is-open' : ''}`, dataset: { tripId: trip.id, status: trip.status || '' }, 'aria-label': `${trip.number} ${clock(tripTime(trip))}` },
    h(
      'header',
      { class: 'trip-head' },
      h(
        'button',
        { type: 'button', class: 'trip-toggle', 'aria-expanded': open ? 'true' : 'false', 'aria-controls': bodyId, disabled: ctx.searching, dataset: { tripId: trip.id } },
        h('span', { class: 'trip-caret', 'aria-hidden': 'true' }),
        h('span', { class: 'trip-number' }, trip.number),
        tripTimes(trip, ctx.day),
        statusBadge('trip_status', trip.status),
        trip.direction === 'departure' ? h('span', { class: 'badge pk-flag' }, t('pk.dir_departure')) : null,
        h('span', { class: 'trip-count' }, count),
      ),
      ctx.canReport ? h('button', { type: 'button', class: 'btn btn-ghost trip-report', dataset: { tripId: trip.id } }, t('gr.report')) : null,
    ),
    open
      ? h(
          'div',
          { class: 'trip-body', id: bodyId },
          guests.length
            ? groupByRun(guests).map((group) =>
                h('div', { class: 'run-group' }, runHeader(group.run, group.hotel, ctx), h('ul', { class: 'board-guests' }, group.guests.map((g) => guestCard(g, { ...ctx, direction: trip.direction || 'arrival' })))),
              )
            : h('p', { class: 'muted trip-empty' }, t('gr.trip_no_guests')),
        )
      : null,
  );
}

/**
 * Draw `board` into `root`: the trips whose guests match `ctx.query` (all without a query).
 * @param ctx {pending: Map, busy: Set, errors: Map, open: Map, query, canMark, canDepart, canReport}
 * @returns {{trips: number, guests: number}} what is shown
 */
export function renderBoard(root, board, ctx) {
  const trips = sortTrips(Array.isArray(board?.trips) ? board.trips : []);
  const day = dayOf(board?.now);
  const q = normalize(ctx.query);
  const shown = [];
  let guests = 0;
  for (const trip of trips) {
    const list = (Array.isArray(trip.guests) ? trip.guests : []).filter((g) => matches(q, g, trip));
    if (q && list.length === 0) continue;
    shown.push([trip, list]);
    guests += list.length;
  }
  const cardCtx = { ...ctx, day, searching: Boolean(q), auto: autoOpen(trips, board?.now) };
  root.replaceChildren(...shown.map(([trip, list]) => tripCard(trip, list, cardCtx)));
  return { trips: shown.length, guests };
}
