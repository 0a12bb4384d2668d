// Sign-in: POST /api/v1/auth/login, then back to where the user was sent from.

import { api } from '../js/api.js';
import { initI18n, onLangChange, t } from '../js/i18n.js';
import { say, sayT } from '../js/dom.js';

const DEFAULT_NEXT = '/reception/';
// Reception and the committee start their day on "today at a glance".
const LANDING = { reception: '/reception/today.html', committee: '/reception/today.html' };

/**
 * The page to open after signing in: where the user was sent from, else the role's first
 * screen. Only a path on this site is accepted ("/x", not "//evil.example" or "https://…"),
 * so a crafted link cannot bounce users elsewhere.
 */
function nextPage(role) {
  const fallback = LANDING[role] || DEFAULT_NEXT;
  const next = new URLSearchParams(location.search).get('next');
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return fallback;
  if (next.startsWith('/login')) return fallback;
  return next;
}

initI18n();

const form = document.getElementById('login-form');
const username = document.getElementById('username');
const password = document.getElementById('password');
const submit = document.getElementById('login-submit');
const error = document.getElementById('login-error');

onLangChange(() => {
  if (submit.disabled) submit.textContent = t('login.busy');
});

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  if (submit.disabled) return;
  const user = username.value.trim();
  if (!user || !password.value) {
    sayT(error, 'login.missing');
    (user ? password : username).focus();
    return;
  }
  say(error, '');
  submit.disabled = true;
  submit.textContent = t('login.busy');
  try {
    const answer = await api('/api/v1/auth/login', { method: 'POST', json: { username: user, password: password.value } });
    location.assign(nextPage(answer?.user?.role));
  } catch (err) {
    say(error, err.message);
    password.select();
    submit.disabled = false;
    submit.textContent = t('login.submit');
  }
});
