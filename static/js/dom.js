import { t } from './i18n.js';

// Tiny DOM helpers. Data from the server goes in through textContent only, never innerHTML,
// so a guest named "<script>" is just a strange name.

/**
 * Build an element: h('td', {class: 'x', dataset: {label: 'y'}}, 'text', childNode, …).
 * `on*` keys add listeners; false/null/undefined children are skipped.
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') el.className = value;
    else if (key === 'dataset') Object.assign(el.dataset, value);
    else if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2), value);
    else if (value === true) el.setAttribute(key, '');
    else el.setAttribute(key, String(value));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children) {
    if (child === undefined || child === null || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else el.append(child instanceof Node ? child : String(child));
  }
}

/** Remove every child of `el`. */
export function clear(el) {
  el.replaceChildren();
  return el;
}

/**
 * Show `message` in `el` (an error or status line); hide it when empty. Use this for text
 * from the server, which is already in the user's language.
 */
export function say(el, message) {
  if (!el) return;
  delete el.dataset.i18n;
  el.textContent = message || '';
  el.hidden = !message;
}

/**
 * Show the page's own message `key` in `el`. It carries `data-i18n`, so a language switch
 * re-translates it like the static text.
 */
export function sayT(el, key) {
  if (!el) return;
  el.dataset.i18n = key;
  el.textContent = t(key);
  el.hidden = false;
}

/** Call `fn` once input has been quiet for `ms`. */
export function debounce(fn, ms) {
  let timer;
  return (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
}
