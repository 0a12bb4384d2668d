// The one fetch wrapper every page uses.
//
// It sends the UI language so the server's `message` comes back in it, sends the session
// cookie, turns the error envelope {"error","message","details"} into a thrown ApiError,
// and sends the user to the login page when the session has ended.

import { locale, t } from './i18n.js';

/** An HTTP failure with the server's envelope taken apart. */
export class ApiError extends Error {
  constructor({ status, code, message, details, body }) {
    super(message);
    this.name = 'ApiError';
    /** HTTP status; 0 when the server could not be reached. */
    this.status = status;
    /** The envelope's snake_case `error` code, e.g. `validation_failed`. */
    this.code = code;
    /** The envelope's `details` (array or object), or null. */
    this.details = details;
    /** The whole parsed body: the import's 422 carries counts and `errors` next to the envelope. */
    this.body = body;
  }
}

const LOGIN_PATH = '/api/v1/auth/login';
let redirecting = false;

/** Where the login page should send the user back to. */
export function loginUrl() {
  const here = location.pathname + location.search;
  return '/login/?next=' + encodeURIComponent(here);
}

/**
 * Call the API.
 *
 * @param {string} path  e.g. `/api/v1/guests?limit=50`
 * @param {object} [opts]
 * @param {string} [opts.method='GET']
 * @param {*} [opts.json]     sent as JSON (sets Content-Type)
 * @param {BodyInit} [opts.body]  sent as is (file bytes, Blob …)
 * @param {object} [opts.headers]
 * @param {number} [opts.timeout]  give up after this many ms: an ApiError with status 0, code `timeout`
 * @returns {Promise<*>} the parsed JSON, the text for non-JSON bodies, or null for 204
 * @throws {ApiError}
 */
export async function api(path, { method = 'GET', json, body, headers = {}, timeout } = {}) {
  const h = new Headers(headers);
  h.set('Accept-Language', locale());
  if (!h.has('Accept')) h.set('Accept', 'application/json');
  let payload = body;
  if (json !== undefined) {
    h.set('Content-Type', 'application/json');
    payload = JSON.stringify(json);
  }

  let res;
  const abort = timeout ? new AbortController() : null;
  const timer = abort ? setTimeout(() => abort.abort(), timeout) : 0;
  try {
    res = await fetch(path, { method, headers: h, body: payload, credentials: 'same-origin', signal: abort ? abort.signal : undefined });
  } catch (cause) {
    const timedOut = Boolean(abort && abort.signal.aborted);
    throw new ApiError({ status: 0, code: timedOut ? 'timeout' : 'network', message: t('error.network'), details: null, body: null });
  } finally {
    clearTimeout(timer);
  }

  // A 401 from the login call means "wrong password" and is shown on the form; from anything
  // else it means the session is gone, and the only useful next step is the login page.
  if (res.status === 401 && !path.startsWith(LOGIN_PATH) && !location.pathname.startsWith('/login/')) {
    // A page fires several calls at once; one navigation is enough.
    if (!redirecting) location.assign(loginUrl());
    redirecting = true;
  }

  if (res.status === 204) return null;

  const type = res.headers.get('Content-Type') || '';
  let data = null;
  if (type.includes('json')) {
    try {
      data = await res.json();
    } catch {
      data = null;
    }
  } else {
    data = await res.text().catch(() => null);
  }

  if (!res.ok) {
    const envelope = data && typeof data === 'object' ? data : {};
    // The server's message is already in the user's language; the fallbacks cover errors
    // raised before our handlers run (a proxy, a body-size limit) that carry no envelope.
    const fallback = t(`error.status.${res.status}`);
    const message =
      typeof envelope.message === 'string' && envelope.message
        ? envelope.message
        : fallback !== `error.status.${res.status}`
          ? fallback
          : `${t('error.generic')} (HTTP ${res.status})`;
    throw new ApiError({
      status: res.status,
      code: typeof envelope.error === 'string' ? envelope.error : `http_${res.status}`,
      message,
      details: envelope.details ?? null,
      body: data,
    });
  }
  return data;
}

/**
 * Every item of a registry (departments, delegations, hubs) for the filter menus.
 * The registries answer with a plain array today; a `{"total","items"}` page (the list
 * convention) is followed page by page too, so the menus survive the registries growing paging.
 */
export async function listAll(path) {
  const first = await api(path);
  if (Array.isArray(first)) return first;
  const items = Array.isArray(first?.items) ? [...first.items] : [];
  const total = Number(first?.total ?? items.length);
  const sep = path.includes('?') ? '&' : '?';
  while (items.length < total) {
    const page = await api(`${path}${sep}limit=200&offset=${items.length}`);
    const got = Array.isArray(page?.items) ? page.items : [];
    if (got.length === 0) break;
    items.push(...got);
  }
  return items;
}
