// The frame every signed-in page shares: translated static text, the language toggle,
// the current user's name and the sign-out button.

import { api } from './api.js';
import { h } from './dom.js';
import { codeLabel } from './format.js';
import { initI18n, onLangChange, t } from './i18n.js';

let user = null;

// Every screen, in menu order, with the roles that may open it (docs/api.md). A page's HTML
// carries its own link; the rest are added here once the user's role is known, so each
// person sees only the screens they can use.
const REGISTRY_READERS = ['admin', 'reception', 'department', 'security', 'transport', 'office', 'committee'];
const NAV = [
  { id: 'nav-today', href: '/reception/today.html', key: 'nav.today', roles: ['admin', 'reception', 'committee'], match: /^\/reception\/today\.html$/ },
  { id: 'nav-guests', href: '/reception/', key: 'nav.guests', roles: REGISTRY_READERS, match: /^\/reception\/(index\.html|guest\.html)?$/ },
  { id: 'nav-import', href: '/reception/import.html', key: 'nav.import', roles: ['admin', 'reception', 'department'], match: /^\/reception\/import\.html$/ },
  { id: 'nav-passes', href: '/passes/', key: 'nav.passes', roles: [...REGISTRY_READERS], match: /^\/(passes|print)\// },
  { id: 'nav-scans', href: '/scans/', key: 'nav.scans', roles: ['admin', 'reception', 'security'], match: /^\/scans\/(index\.html)?$/ },
  { id: 'nav-devices', href: '/scans/devices.html', key: 'nav.devices', roles: ['admin', 'reception', 'security'], match: /^\/scans\/devices\.html$/ },
  { id: 'nav-conflicts', href: '/scans/conflicts.html', key: 'nav.conflicts', roles: ['admin', 'security', 'canteen'], match: /^\/scans\/conflicts\.html$/ },
  { id: 'nav-checkpoint', href: '/checkpoint/', key: 'nav.checkpoint', roles: ['admin', 'security', 'checkpoint', 'hotel_desk', 'canteen'], match: /^\/checkpoint\// },
  { id: 'nav-hotels', href: '/hotels/', key: 'nav.hotels', roles: ['admin', 'reception', 'committee'], match: /^\/hotels\/(index\.html|hotel\.html)?$/ },
  { id: 'nav-allocation', href: '/hotels/plan.html', key: 'nav.allocation', roles: ['admin', 'reception', 'committee'], match: /^\/hotels\/plan\.html$/ },
  { id: 'nav-desk', href: '/desk/', key: 'nav.desk', roles: ['admin', 'reception', 'hotel_desk'], match: /^\/desk\// },
  { id: 'nav-greeter', href: '/greeter/', key: 'nav.greeter', roles: ['admin', 'reception', 'transport', 'greeter'], match: /^\/greeter\// },
  { id: 'nav-pickups', href: '/pickups/', key: 'nav.pickups', roles: ['admin', 'reception', 'transport', 'office'], match: /^\/pickups\// },
  { id: 'nav-meals', href: '/meals/', key: 'nav.meals', roles: ['admin', 'reception', 'committee'], match: /^\/meals\// },
  { id: 'nav-canteen', href: '/canteen/', key: 'nav.canteen', roles: ['admin', 'canteen'], match: /^\/canteen\// },
  { id: 'nav-hygiene', href: '/hygiene/', key: 'nav.hygiene', roles: ['admin', 'health', 'reception'], match: /^\/hygiene\// },
  { id: 'nav-mail', href: '/mail/', key: 'nav.mail', roles: ['admin', 'reception'], match: /^\/mail\// },
  { id: 'nav-inspector', href: '/inspector/', key: 'nav.inspector', roles: ['inspector'], match: /^\/inspector\// },
  { id: 'nav-users', href: '/users/', key: 'nav.users', roles: ['admin'], match: /^\/users\// },
];

/** Where a role without the guest list lands after signing in (the login page sends everyone to /reception/). */
const HOME = { checkpoint: '/checkpoint/', hotel_desk: '/desk/', canteen: '/canteen/', greeter: '/greeter/', inspector: '/inspector/', health: '/hygiene/' };

function buildNav() {
  const nav = document.querySelector('.topbar .nav');
  if (!nav || !user || !user.role) return;
  for (const item of NAV) {
    let link = document.getElementById(item.id);
    const allowed = item.roles.includes(user.role);
    if (!link && !allowed) continue;
    if (!link) {
      link = h('a', { id: item.id, href: item.href, dataset: { i18n: item.key } }, t(item.key));
      if (item.match.test(location.pathname)) link.setAttribute('aria-current', 'page');
    }
    link.hidden = !allowed;
    nav.append(link); // appending an existing link moves it: the menu ends up in NAV order
  }
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
    rememberUser(user);
    showUser();
    if (user && HOME[user.role] && location.pathname === '/reception/') {
      location.replace(HOME[user.role]);
      return user;
    }
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
