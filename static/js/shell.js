// The frame every signed-in page shares: translated static text, the language toggle,
// the current user's name and the sign-out button.

import { api } from './api.js';
import { h } from './dom.js';
import { codeLabel, learnEventOffset } from './format.js';
import { initI18n, onLangChange, t } from './i18n.js';
import { mountSearch } from './search.js';

let user = null;

// Every screen, in menu order, with the roles that may open it (docs/api.md) and the menu
// group it sits in. A page's HTML carries its own link; the rest are added here once the
// user's role is known, so each person sees only the screens they can use.
const REGISTRY_READERS = ['admin', 'reception', 'department', 'security', 'transport', 'office', 'committee'];
const NAV = [
  { id: 'nav-today', href: '/reception/today.html', key: 'nav.today', roles: ['admin', 'reception', 'committee'], match: /^\/reception\/today\.html$/ },
  { id: 'nav-guests', group: 'guests', href: '/reception/', key: 'nav.guests', roles: REGISTRY_READERS, match: /^\/reception\/(index\.html|guest\.html)?$/ },
  { id: 'nav-import', group: 'guests', href: '/reception/import.html', key: 'nav.import', roles: ['admin', 'reception', 'department'], match: /^\/reception\/import\.html$/ },
  { id: 'nav-passes', group: 'guests', href: '/passes/', key: 'nav.passes', roles: [...REGISTRY_READERS], match: /^\/(passes|print)\// },
  { id: 'nav-report', group: 'guests', href: '/print/report.html', key: 'nav.report', roles: ['admin', 'reception', 'committee'], match: /^\/print\/report\.html$/ },
  { id: 'nav-mail', group: 'guests', href: '/mail/', key: 'nav.mail', roles: ['admin', 'reception'], match: /^\/mail\// },
  { id: 'nav-hotels', group: 'stay', href: '/hotels/', key: 'nav.hotels', roles: ['admin', 'reception', 'committee'], match: /^\/hotels\/(index\.html|hotel\.html)?$/ },
  { id: 'nav-allocation', group: 'stay', href: '/hotels/plan.html', key: 'nav.allocation', roles: ['admin', 'reception', 'committee'], match: /^\/hotels\/plan\.html$/ },
  { id: 'nav-desk', group: 'stay', href: '/desk/', key: 'nav.desk', roles: ['admin', 'reception', 'hotel_desk'], match: /^\/desk\// },
  { id: 'nav-greeter', group: 'transport', href: '/greeter/', key: 'nav.greeter', roles: ['admin', 'reception', 'transport', 'greeter'], match: /^\/greeter\// },
  { id: 'nav-pickups', group: 'transport', href: '/pickups/', key: 'nav.pickups', roles: ['admin', 'reception', 'transport', 'office'], match: /^\/pickups\// },
  { id: 'nav-meals', group: 'dining', href: '/meals/', key: 'nav.meals', roles: ['admin', 'reception', 'committee'], match: /^\/meals\// },
  { id: 'nav-canteen', group: 'dining', href: '/canteen/', key: 'nav.canteen', roles: ['admin', 'canteen'], match: /^\/canteen\// },
  { id: 'nav-hygiene', group: 'dining', href: '/hygiene/', key: 'nav.hygiene', roles: ['admin', 'health', 'reception'], match: /^\/hygiene\// },
  { id: 'nav-inspector', group: 'dining', href: '/inspector/', key: 'nav.inspector', roles: ['inspector'], match: /^\/inspector\// },
  { id: 'nav-scans', group: 'security', href: '/scans/', key: 'nav.scans', roles: ['admin', 'reception', 'security'], match: /^\/scans\/(index\.html)?$/ },
  { id: 'nav-devices', group: 'security', href: '/scans/devices.html', key: 'nav.devices', roles: ['admin', 'reception', 'security'], match: /^\/scans\/devices\.html$/ },
  { id: 'nav-conflicts', group: 'security', href: '/scans/conflicts.html', key: 'nav.conflicts', roles: ['admin', 'security', 'canteen'], match: /^\/scans\/conflicts\.html$/ },
  { id: 'nav-checkpoint', group: 'security', href: '/checkpoint/', key: 'nav.checkpoint', roles: ['admin', 'security', 'checkpoint', 'hotel_desk', 'canteen'], match: /^\/checkpoint\// },
  { id: 'nav-users', href: '/users/', key: 'nav.users', roles: ['admin'], match: /^\/users\// },
];

/** Where a role without the guest list lands after signing in (the login page sends everyone to /reception/). */
const HOME = { checkpoint: '/checkpoint/', hotel_desk: '/desk/', canteen: '/canteen/', greeter: '/greeter/', inspector: '/inspector/', health: '/hygiene/' };

// ---------- the menu ----------
//
// Roles with many screens get them in a few groups, each a disclosure button with its links
// under it (a group with one screen for this role is a plain link). When even the groups do
// not fit the bar (a phone, or a long language), the whole menu folds behind one button that
// names the current screen and opens every group as a list. Which form fits is measured,
// not guessed from a breakpoint: a new screen or a longer word cannot bring the sideways
// scroll back.

let navRoot = null;

function closeGroups(except = null) {
  if (!navRoot) return;
  for (const group of navRoot.querySelectorAll('.nav-group.is-open')) {
    if (group === except) continue;
    group.classList.remove('is-open', 'is-right');
    group.querySelector('.nav-group-btn').setAttribute('aria-expanded', 'false');
  }
}

function setPanel(open) {
  if (!navRoot) return;
  navRoot.classList.toggle('is-open', open);
  const toggle = navRoot.querySelector('.nav-toggle');
  if (toggle) toggle.setAttribute('aria-expanded', open ? 'true' : 'false');
}

function openGroup(group, focusFirst = false) {
  closeGroups(group);
  group.classList.add('is-open');
  group.querySelector('.nav-group-btn').setAttribute('aria-expanded', 'true');
  // A group near the right edge opens leftwards, so its menu stays on the screen.
  const menu = group.querySelector('.nav-menu');
  group.classList.remove('is-right');
  if (menu.getBoundingClientRect().right > document.documentElement.clientWidth - 4) group.classList.add('is-right');
  if (focusFirst) {
    const first = menu.querySelector('a:not([hidden])');
    if (first) first.focus();
  }
}

function toggleGroup(group) {
  if (group.classList.contains('is-open')) closeGroups();
  else openGroup(group);
}

/**
 * Fold the menu behind one button when its groups do not fit the bar. The search box gives
 * way first: the whole menu and a search icon beat a folded menu beside a search box; with
 * the menu folded anyway, the box comes back if the menu's button keeps its whole label.
 */
function fitNav() {
  if (!navRoot) return;
  const items = navRoot.querySelector('.nav-items');
  const search = document.getElementById('topsearch');
  const wide = search && window.matchMedia('(min-width: 760px)').matches;
  const wasOpen = navRoot.classList.contains('is-open');
  navRoot.classList.remove('is-collapsed');
  if (search) search.classList.remove('is-icon');
  setPanel(false);
  closeGroups();
  const over = () => items.scrollWidth > items.clientWidth + 1 || navRoot.scrollWidth > navRoot.clientWidth + 1;
  let tooWide = over();
  if (tooWide && wide) {
    search.classList.add('is-icon');
    tooWide = over();
    if (tooWide) search.classList.remove('is-icon');
  }
  navRoot.classList.toggle('is-collapsed', tooWide);
  if (tooWide && wide) {
    const label = navRoot.querySelector('.nav-toggle-label');
    if (label && label.scrollWidth > label.clientWidth + 1) search.classList.add('is-icon');
  }
  if (tooWide && wasOpen) setPanel(true);
}

function labelToggle() {
  if (!navRoot) return;
  const label = navRoot.querySelector('.nav-toggle-label');
  if (!label) return;
  const current = navRoot.querySelector('a[aria-current="page"]:not([hidden])');
  label.textContent = current ? current.textContent : t('nav.menu');
}

function wireNav(nav) {
  nav.addEventListener('click', (e) => {
    const toggle = e.target.closest('.nav-toggle');
    if (toggle) {
      setPanel(!nav.classList.contains('is-open'));
      return;
    }
    const btn = e.target.closest('.nav-group-btn');
    if (btn) toggleGroup(btn.closest('.nav-group'));
  });
  nav.addEventListener('keydown', (e) => {
    const group = e.target.closest('.nav-group');
    if (e.key === 'Escape') {
      if (group && group.classList.contains('is-open')) {
        closeGroups();
        group.querySelector('.nav-group-btn').focus();
      } else if (nav.classList.contains('is-open')) {
        setPanel(false);
        nav.querySelector('.nav-toggle').focus();
      }
      return;
    }
    if (!group || nav.classList.contains('is-collapsed')) return;
    const links = [...group.querySelectorAll('.nav-menu a:not([hidden])')];
    const at = links.indexOf(e.target);
    if (e.key === 'ArrowDown') {
      e.preventDefault();
      if (at < 0) openGroup(group, true);
      else links[(at + 1) % links.length].focus();
    } else if (e.key === 'ArrowUp' && at >= 0) {
      e.preventDefault();
      links[(at - 1 + links.length) % links.length].focus();
    }
  });
  // Focus or a tap elsewhere closes an open group (and the folded menu).
  nav.addEventListener('focusout', (e) => {
    const to = e.relatedTarget;
    if (!to) return;
    const group = e.target.closest('.nav-group');
    if (group && !group.contains(to) && !nav.classList.contains('is-collapsed')) closeGroups();
    if (!nav.contains(to)) {
      closeGroups();
      setPanel(false);
    }
  });
  document.addEventListener('click', (e) => {
    if (!nav.contains(e.target)) {
      closeGroups();
      setPanel(false);
    }
  });
  let frame = 0;
  window.addEventListener('resize', () => {
    cancelAnimationFrame(frame);
    frame = requestAnimationFrame(fitNav);
  });
  onLangChange(() => {
    labelToggle();
    fitNav();
  });
}

function buildNav() {
  const nav = document.querySelector('.topbar .nav');
  if (!nav || !user || !user.role) return;
  const links = new Map();
  for (const a of nav.querySelectorAll('a[id]')) links.set(a.id, a);
  const known = new Set(NAV.map((item) => item.id));
  const others = [...links.values()].filter((a) => !known.has(a.id)); // a page's own extra link

  const allowed = NAV.filter((item) => item.roles.includes(user.role));
  const linkFor = (item) => {
    let link = links.get(item.id);
    if (!link) {
      link = h('a', { id: item.id, href: item.href, dataset: { i18n: item.key } }, t(item.key));
      if (item.match.test(location.pathname)) link.setAttribute('aria-current', 'page');
    }
    link.hidden = false;
    return link;
  };
  const count = {};
  for (const item of allowed) if (item.group) count[item.group] = (count[item.group] || 0) + 1;

  const entries = [];
  const groups = {};
  for (const item of allowed) {
    if (!item.group || count[item.group] < 2) {
      entries.push(linkFor(item));
      continue;
    }
    if (!groups[item.group]) {
      const key = `nav.group.${item.group}`;
      const menuId = `nav-group-${item.group}`;
      const menu = h('div', { class: 'nav-menu', id: menuId });
      groups[item.group] = h(
        'div',
        { class: 'nav-group', dataset: { group: item.group } },
        h(
          'button',
          { type: 'button', class: 'nav-group-btn', 'aria-expanded': 'false', 'aria-controls': menuId },
          h('span', { dataset: { i18n: key } }, t(key)),
          h('span', { class: 'nav-caret', 'aria-hidden': 'true' }),
        ),
        h('span', { class: 'nav-group-title', dataset: { i18n: key } }, t(key)),
        menu,
      );
      entries.push(groups[item.group]);
    }
    groups[item.group].querySelector('.nav-menu').append(linkFor(item));
  }
  for (const group of Object.values(groups)) {
    if (group.querySelector('a[aria-current="page"]')) group.classList.add('is-current');
  }
  // Links in the page's HTML that this role may not open stay out of sight.
  const hiddenLinks = [...links.values()].filter((a) => known.has(a.id) && !allowed.some((item) => item.id === a.id));
  for (const a of hiddenLinks) a.hidden = true;

  const toggle = h(
    'button',
    { type: 'button', class: 'nav-toggle', 'aria-expanded': 'false', 'aria-controls': 'nav-items', dataset: { i18nTitle: 'nav.menu_label' }, title: t('nav.menu_label') },
    h('span', { class: 'nav-burger', 'aria-hidden': 'true' }),
    h('span', { class: 'nav-toggle-label' }),
  );
  const items = h('div', { class: 'nav-items', id: 'nav-items' }, entries, others, hiddenLinks);
  nav.replaceChildren(toggle, items);
  nav.classList.add('nav-built');
  if (!navRoot) wireNav(nav);
  navRoot = nav;
  labelToggle();
  fitNav();
}

function showUser() {
  const el = document.getElementById('user-name');
  if (!el || !user) return;
  const role = user.role ? codeLabel('role', user.role) : '';
  // The role is dropped on a narrow phone (CSS) but stays in the tooltip.
  el.replaceChildren(
    user.display_name || user.username || '',
    role ? h('span', { class: 'user-role' }, ` · ${role}`) : '',
  );
  el.title = [user.username, role].filter(Boolean).join(' · ');
}

const ME_KEY = 'yingbin.me';

/** The user last signed in on this browser, for a scan screen opened without a network. */
function rememberedUser() {
  try {
    return JSON.parse(localStorage.getItem(ME_KEY) || 'null');
  } catch {
    return null;
  }
}

function rememberUser(me) {
  try {
    if (me) localStorage.setItem(ME_KEY, JSON.stringify(me));
  } catch {
    // Private mode: the scan screens just need the network to start.
  }
}

/**
 * Set up the page frame. Resolves to the current user (or null on pages without sign-in).
 * The user call also checks the session early: an expired one goes to the login page
 * before the user starts typing. With `offline`, a scan screen opened without a network gets
 * the user last signed in here (the service checks the session again on every upload).
 */
export async function initShell({ signedIn = true, offline = false } = {}) {
  initI18n();
  onLangChange(showUser);

  const logout = document.getElementById('logout');
  if (logout) {
    logout.addEventListener('click', async () => {
      logout.disabled = true;
      try {
        localStorage.removeItem(ME_KEY);
      } catch {
        // nothing remembered
      }
      try {
        await api('/api/v1/auth/logout', { method: 'POST' });
      } catch {
        // Signed out already or the server is gone: the login page is right either way.
      }
      location.assign('/login/');
    });
  }

  if (!signedIn) return null;
  try {
    const me = await api('/api/v1/auth/me');
    user = me && me.user ? me.user : me;
    // The event's clock, kept on the device for the screens that show times offline.
    if (user) learnEventOffset(user.event_utc_offset);
    rememberUser(user);
    showUser();
    if (user && HOME[user.role] && location.pathname === '/reception/') {
      location.replace(HOME[user.role]);
      return user;
    }
    // The search box first: the menu then measures what room is left for it.
    mountSearch(user);
    buildNav();
  } catch (err) {
    // A 401 has already redirected; other failures show on the page's own calls.
    if (offline && err && err.status === 0) {
      user = rememberedUser();
      showUser();
      buildNav();
    }
  }
  return user;
}
