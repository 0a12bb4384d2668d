// What the two print pages share: the toolbar (hidden in print), the paper size, waiting for
// every photo and QR before printing, shrinking long names to fit, "mark as printed".

import { api } from '../js/api.js';
import { h, say } from '../js/dom.js';
import { t } from '../js/i18n.js';
import { can, eachLimited } from '../passes/shared.js';

const $ = (id) => document.getElementById(id);

/** The paper: one `@page` rule, set once the layout is known (CSS cannot switch @page by class). */
export function setPage(size) {
  const style = document.createElement('style');
  style.textContent = `@page { size: ${size}; margin: 0; }`;
  document.head.append(style);
}

/** Resolves when every <img> under `root` has loaded or failed (or after `ms`). */
export function imagesReady(root, ms = 20000) {
  const pending = [...root.querySelectorAll('img')].filter((img) => !img.complete);
  const each = pending.map(
    (img) =>
      new Promise((resolve) => {
        img.addEventListener('load', resolve, { once: true });
        img.addEventListener('error', resolve, { once: true });
      }),
  );
  return Promise.race([Promise.all(each), new Promise((resolve) => setTimeout(resolve, ms))]);
}

/**
 * Shrink each element's font (from `data-fit-mm` down to `data-fit-min`) until its text fits
 * its box (long foreign names, long plates). Sizes in mm, so screen and paper agree.
 */
export function fitText(elements) {
  for (const el of elements) {
    let size = parseFloat(el.dataset.fitMm || '0');
    const minMm = parseFloat(el.dataset.fitMin || '2');
    if (!size) continue;
    el.style.fontSize = `${size}mm`;
    while ((el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1) && size > minMm) {
      size -= 0.25;
      el.style.fontSize = `${size}mm`;
    }
  }
}

/**
 * The toolbar: count, skipped passes, print button (enabled once the images are in),
 * and "mark as printed" for the roles that may.
 */
export function toolbar({ user, passes, skipped, failed }) {
  $('print-count').textContent = t('print.count', { n: passes.length });
  const notes = [];
  if (skipped.length) notes.push(t('print.skipped', { n: skipped.length, list: skipped.slice(0, 12).join('、') + (skipped.length > 12 ? '…' : '') }));
  if (failed.length) notes.push(t('print.failed', { n: failed.length }));
  say($('print-note'), notes.join(' '));

  const mark = $('mark-printed');
  const issued = passes.filter((p) => p.status === 'issued');
  mark.hidden = !can(user, 'markPrinted') || issued.length === 0;
  mark.onclick = async () => {
    mark.disabled = true;
    const { ok, failed: bad } = await eachLimited(
      issued.map((p) => p.id),
      4,
      (id) => api(`/api/v1/passes/${encodeURIComponent(id)}/printed`, { method: 'POST', json: {} }),
    );
    say($('print-done'), t('passes.printed_n', { n: ok.length }) + (bad.length ? ` ${t('passes.failed', { n: bad.length })}` : ''));
    for (const { item } of ok) {
      const p = passes.find((x) => x.id === item);
      if (p) p.status = 'printed';
    }
    mark.hidden = true;
  };

  const print = $('print-button');
  print.disabled = passes.length === 0;
  print.onclick = () => window.print();
}

export function showLoading(on) {
  $('print-loading').hidden = !on;
  $('print-button').disabled = on;
}
