// One search box in the top bar (GET /api/v1/search): guests, passes and cars, each list only
// for the roles the service gives it to. Typing searches after a short pause (one Chinese
// character is enough, Latin text needs two); the answer drops down grouped 来宾 / 证件 / 车辆,
// each line with what tells two people of one name apart (ref, delegation or organization,
// the photo). ↑/↓ move through the hits, Enter opens the one marked (or the first), Escape
// closes. On a phone, or where the menu needs the room, the box is an icon that opens a
// full-width search over the bar.
//
// The field is a WAI-ARIA combobox: focus stays in the input, the marked hit is named by
// aria-activedescendant, and every hit is a real link (a middle click opens a new tab).

import { api } from './api.js';
import { h } from './dom.js';
import { categoryLabel } from './format.js';
import { onLangChange, t } from './i18n.js';
import { ROLES, label, plateClass, plateText, serialText, statusBadge } from '../passes/shared.js';

/** Roles the service answers with at least one list (src/reception/search.rs). */
export const SEARCH_ROLES = ['admin', 'reception', 'department', 'security', 'transport', 'office', 'committee'];

const MAX = 100; // the service's limit on q
const EACH = 8; // the service's page per list: a full list may have more behind it
const CJK = /[\u3400-\u9fff\uf900-\ufaff]/;

let root = null;
let input = null;
let panel = null;
let list = null;
let status = null;
let role = '';
let last = null; // the last answer shown
let seq = 0;
let timer = 0;
let pending = null; // the search in flight, for an Enter pressed before it answers
let active = -1;

/** The box is an icon opening over the bar: on a phone (app.css), or where the menu needs the room (shell.js). */
function iconMode() {
  return root.classList.contains('is-icon') || window.matchMedia('(max-width: 759px)').matches;
}

/** Long enough to search: one CJK character, or two of anything else. */
function searchable(q) {
  return CJK.test(q) ? q.length >= 1 : q.length >= 2;
}

function options() {
  return list ? [...list.querySelectorAll('[role="option"]')] : [];
}

/** Mark hit `i` (wrapping round the ends); -1 marks none. */
function setActive(i) {
  const opts = options();
  active = opts.length && i !== -1 ? (i + opts.length) % opts.length : -1;
  opts.forEach((o, n) => {
    o.classList.toggle('is-active', n === active);
    o.setAttribute('aria-selected', n === active ? 'true' : 'false');
  });
  if (active >= 0) {
    input.setAttribute('aria-activedescendant', opts[active].id);
    opts[active].scrollIntoView({ block: 'nearest' });
  } else {
    input.removeAttribute('aria-activedescendant');
  }
}

function showPanel(open) {
  panel.hidden = !open;
  input.setAttribute('aria-expanded', open ? 'true' : 'false');
  if (!open) {
    setActive(-1);
    return;
  }
  // Under a box near the left edge the drop-down (right-aligned) could start off the screen.
  panel.style.right = '';
  const left = panel.getBoundingClientRect().left;
  if (left < 8 && !iconMode()) panel.style.right = `${left - 8}px`;
}

/** Open the full-width search (a phone) or just focus the box. */
function expand() {
  root.classList.add('is-open');
  root.querySelector('.topsearch-open').setAttribute('aria-expanded', 'true');
  input.focus();
  if (last && searchable(input.value.trim())) showPanel(true);
}

function collapse({ focusIcon = false } = {}) {
  showPanel(false);
  if (!root.classList.contains('is-open')) return;
  root.classList.remove('is-open');
  const icon = root.querySelector('.topsearch-open');
  icon.setAttribute('aria-expanded', 'false');
  if (focusIcon && iconMode()) icon.focus();
}

// ---------- where a hit leads ----------

const TAB = { credential: ['credentials', 'readCredentials'], vehicle: ['vehicles', 'vehicles'], admission: ['admissions', 'admissions'] };

function guestHref(id) {
  return `/reception/guest.html?id=${encodeURIComponent(id)}`;
}

/** The pass desk showing just this pass, on its tab; the holder's page when the tab is not this role's. */
function passHref(p) {
  const [tab, right] = TAB[p.kind] || [];
  if (tab && ROLES[right].includes(role)) return `/passes/?ids=${encodeURIComponent(p.id)}#${tab}`;
  return p.guest && p.guest.id ? guestHref(p.guest.id) : null;
}

// ---------- one line per hit ----------

function photoOf(g) {
  if (g.photo_url) return g.photo_url;
  return g.has_photo ? `/api/v1/guests/${encodeURIComponent(g.id)}/photo` : null;
}

function thumb(g) {
  const src = g && photoOf(g);
  const cat = g && g.category ? ` cat-${g.category}` : '';
  if (src) return h('span', { class: `ts-thumb${cat}` }, h('img', { src, alt: '', loading: 'lazy', decoding: 'async' }));
  // No photo: the surname on the category's colour, so the column still lines up.
  const initial = g && (g.name || g.name_latin) ? Array.from(g.name || g.name_latin)[0] : '';
  return h('span', { class: `ts-thumb ts-initial${cat}`, 'aria-hidden': 'true' }, initial);
}

function unit(g) {
  return g.delegation || g.organization || g.department || '';
}

let optionId = 0;

function option(href, ...content) {
  const id = `ts-opt-${++optionId}`;
  if (!href) return h('div', { class: 'ts-item is-plain', id }, content);
  return h('a', { class: 'ts-item', id, href, role: 'option', 'aria-selected': 'false', tabindex: '-1' }, content);
}

function guestItem(g) {
  return option(
    guestHref(g.id),
    thumb(g),
    h(
      'span',
      { class: 'ts-main' },
      h('span', { class: 'ts-title' }, h('strong', {}, g.name || g.name_latin || ''), g.name && g.name_latin ? h('span', { class: 'name-latin' }, g.name_latin) : null),
      h('span', { class: 'ts-sub' }, [g.ref, unit(g)].filter(Boolean).join(' · ')),
    ),
    h(
      'span',
      { class: 'ts-side' },
      g.category ? h('span', { class: `badge cat cat-${g.category}` }, categoryLabel(g.category)) : null,
      g.withdrawn_at ? h('span', { class: 'badge ts-withdrawn' }, t('search.withdrawn')) : null,
    ),
  );
}

function passItem(p) {
  const g = p.guest;
  const a = p.admission;
  const who = g ? g.name || g.name_latin || '' : a ? a.invitee_name || '' : p.vehicle ? plateText(p.vehicle.plate) : '';
  const sub = [label('kind', p.kind), g ? g.ref : a && a.invitee_org, g ? unit(g) : ''].filter(Boolean).join(' · ');
  return option(
    passHref(p),
    thumb(g),
    h(
      'span',
      { class: 'ts-main' },
      h('span', { class: 'ts-title' }, h('strong', {}, who), h('span', { class: 'ts-serial mono' }, serialText(p))),
      h('span', { class: 'ts-sub' }, sub),
    ),
    h('span', { class: 'ts-side' }, statusBadge(p)),
  );
}

function carItem(p) {
  const v = p.vehicle || {};
  const sub = [label('stream', v.stream), v.driver_name, serialText(p)].filter(Boolean).join(' · ');
  return option(
    passHref(p),
    h('span', { class: 'ts-main' }, h('span', { class: 'ts-title' }, h('span', { class: plateClass(v.plate) }, plateText(v.plate))), h('span', { class: 'ts-sub' }, sub)),
    h('span', { class: 'ts-side' }, statusBadge(p)),
  );
}

/** "See every match" at the end of a full list. */
function moreItem(href, key) {
  return option(href, h('span', { class: 'ts-main ts-more' }, t(key)));
}

function group(name, items, more) {
  if (!items.length) return null;
  const headId = `ts-head-${name}`;
  return h(
    'div',
    { class: 'ts-group', role: 'group', 'aria-labelledby': headId },
    h('div', { class: 'ts-head', id: headId, role: 'presentation' }, t(`search.group.${name}`), h('span', { class: 'ts-count' }, String(items.length >= EACH ? `${EACH}+` : items.length))),
    items,
    more,
  );
}

function render() {
  if (!last) return;
  const q = last.q || '';
  const guests = Array.isArray(last.guests) ? last.guests : [];
  const passes = Array.isArray(last.passes) ? last.passes : [];
  const cars = Array.isArray(last.cars) ? last.cars : [];
  const qs = encodeURIComponent(q);
  list.replaceChildren(
    ...[
      group('guests', guests.map(guestItem), guests.length >= EACH ? moreItem(`/reception/?q=${qs}`, 'search.more_guests') : null),
      group('passes', passes.map(passItem), passes.length >= EACH && ROLES.readCredentials.includes(role) ? moreItem(`/passes/?q=${qs}#credentials`, 'search.more_passes') : null),
      group('cars', cars.map(carItem)),
    ].filter(Boolean),
  );
  const n = guests.length + passes.length + cars.length;
  status.textContent = n ? '' : t('search.none', { q });
  status.hidden = n > 0;
  setActive(-1);
}

function say(text) {
  list.replaceChildren();
  last = null;
  status.textContent = text;
  status.hidden = !text;
}

// ---------- searching ----------

async function run(q) {
  clearTimeout(timer);
  const mine = ++seq;
  showPanel(true);
  if (!last || last.q !== q) {
    status.textContent = t('search.searching');
    status.hidden = false;
  }
  pending = api(`/api/v1/search?q=${encodeURIComponent(q)}`)
    .then((answer) => {
      if (mine !== seq) return;
      last = answer && typeof answer === 'object' ? { ...answer, q } : { q };
      render();
    })
    .catch((err) => {
      if (mine === seq) say(err.message);
    });
  await pending;
  if (mine === seq) pending = null;
}

function typed() {
  clearTimeout(timer);
  const q = input.value.trim().slice(0, MAX);
  if (!searchable(q)) {
    seq++; // an answer still on its way is for older text
    pending = null;
    last = null;
    list.replaceChildren();
    showPanel(false);
    return;
  }
  timer = setTimeout(() => run(q), 220);
}

async function enter() {
  const q = input.value.trim().slice(0, MAX);
  if (!searchable(q)) return;
  const opts = options();
  if (active >= 0 && opts[active]) {
    location.assign(opts[active].href);
    return;
  }
  // Enter before the pause ran out, or while the answer is on its way: search now, then go.
  if (!last || last.q !== q) {
    if (timer || !pending) await run(q);
    else await pending;
  }
  const first = options()[0];
  if (first && last && last.q === q) location.assign(first.href);
}

function onKey(e) {
  if (e.isComposing || e.keyCode === 229) return; // the IME is choosing characters
  if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
    if (!options().length) return;
    e.preventDefault();
    if (panel.hidden) showPanel(true);
    const n = options().length;
    if (e.key === 'ArrowDown') setActive(active < 0 ? 0 : active + 1);
    else setActive(active < 0 ? n - 1 : active - 1 < 0 ? n - 1 : active - 1);
  } else if (e.key === 'Enter') {
    e.preventDefault();
    enter();
  } else if (e.key === 'Escape') {
    e.preventDefault();
    if (!panel.hidden) showPanel(false);
    else if (root.classList.contains('is-open')) collapse({ focusIcon: true });
    else if (input.value) {
      input.value = '';
      typed();
    }
  }
}

// ---------- mounting ----------

function build() {
  input = h('input', {
    id: 'topsearch-q',
    type: 'search',
    role: 'combobox',
    'aria-autocomplete': 'list',
    'aria-expanded': 'false',
    'aria-controls': 'topsearch-list',
    autocomplete: 'off',
    autocapitalize: 'off',
    spellcheck: 'false',
    enterkeyhint: 'search',
    maxlength: String(MAX),
    dataset: { i18nPlaceholder: 'search.placeholder', i18nAriaLabel: 'search.label' },
    placeholder: t('search.placeholder'),
    'aria-label': t('search.label'),
  });
  status = h('p', { class: 'ts-status', role: 'status', 'aria-live': 'polite' });
  list = h('div', { id: 'topsearch-list', class: 'ts-list', role: 'listbox', dataset: { i18nAriaLabel: 'search.results' }, 'aria-label': t('search.results') });
  panel = h('div', { class: 'ts-panel', id: 'topsearch-panel', hidden: true }, status, list);
  root = h(
    'div',
    { class: 'topsearch', id: 'topsearch' },
    h(
      'button',
      { type: 'button', class: 'topsearch-open', 'aria-expanded': 'false', 'aria-controls': 'topsearch-box', dataset: { i18nTitle: 'search.open', i18nAriaLabel: 'search.open' }, title: t('search.open'), 'aria-label': t('search.open') },
      h('span', { class: 'search-icon', 'aria-hidden': 'true' }),
    ),
    h(
      'div',
      { class: 'topsearch-box', id: 'topsearch-box', role: 'search' },
      h('span', { class: 'search-icon', 'aria-hidden': 'true' }),
      input,
      h('button', { type: 'button', class: 'topsearch-close', dataset: { i18nTitle: 'search.close', i18nAriaLabel: 'search.close' }, title: t('search.close'), 'aria-label': t('search.close') }, '×'),
      panel,
    ),
  );
  return root;
}

function wire() {
  input.addEventListener('input', typed);
  // The IME's last choice lands in an `input` event too; nothing to do on compositionend.
  input.addEventListener('keydown', onKey);
  input.addEventListener('focus', () => {
    if (last && searchable(input.value.trim()) && list.childElementCount) showPanel(true);
  });
  root.querySelector('.topsearch-open').addEventListener('click', expand);
  root.querySelector('.topsearch-close').addEventListener('click', () => collapse({ focusIcon: true }));
  // Hovering marks a hit the way the arrow keys do, so Enter and the mouse agree.
  list.addEventListener('mousemove', (e) => {
    const opt = e.target.closest('[role="option"]');
    if (opt) {
      const i = options().indexOf(opt);
      if (i !== active) setActive(i);
    }
  });
  // A tap or focus elsewhere closes the list (and the phone's full-width search).
  document.addEventListener('click', (e) => {
    // The dimmed page behind the open search is the root's own ::before.
    if (!root.contains(e.target) || e.target === root) collapse();
  });
  root.addEventListener('focusout', (e) => {
    if (e.relatedTarget && !root.contains(e.relatedTarget)) collapse();
  });
  onLangChange(render);
}

/** Put the search box in the top bar when `user`'s role gets anything from the search. */
export function mountSearch(user) {
  if (root || !user || !SEARCH_ROLES.includes(user.role)) return;
  const bar = document.querySelector('.topbar');
  if (!bar) return;
  role = user.role;
  bar.insertBefore(build(), bar.querySelector('.topbar-end'));
  bar.classList.add('has-search');
  wire();
}
