// The frame every signed-in page shares: translated static text, the language toggle,
// the current user's name and the sign-out button.

import { api } from './api.js';
import { h } from './dom.js';
import { codeLabel } from './format.js';
import { initI18n, onLangChange, t } from './i18n.js';

let user = null;

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

/**
 * Set up the page frame. Resolves to the current user (or null on pages without sign-in).
 * The user call also checks the session early: an expired one goes to the login page
 * before the user starts typing.
 */
export async function initShell({ signedIn = true } = {}) {
  initI18n();
  onLangChange(showUser);

  const logout = document.getElementById('logout');
  if (logout) {
    logout.addEventListener('click', async () => {
      logout.disabled = true;
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
    showUser();
  } catch {
    // A 401 has already redirected; other failures show on the page's own calls.
  }
  return user;
}
