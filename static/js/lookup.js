// "Forgot the pass? Find by name": a guard or the canteen finds a guest by name
// (POST /api/v1/scans/lookup) and compares the face with up to five people of that name, each
// with the verdict a scan of their card would get at this point now.
//
// It is a lookup, not a scan: nothing is claimed, no passage or meal is recorded (the service
// writes the lookup to the audit log). The panel says so, and each verdict band reads "if
// their pass were scanned". A lookup runs on Enter or the button only, never as one types:
// every one is logged.
//
// The panel is a modal <dialog>: the scan screens pull the focus back to their scanner field
// after every tap, and the page behind a modal dialog cannot take it from the name field.

import { api } from './api.js';
import { clear, h, say } from './dom.js';
import { categoryLabel, eventTimeShort } from './format.js';
import { has, onLangChange, t } from './i18n.js';
import { label, loadZones, reasonText, serialText, statusBadge, zoneChips } from '../passes/shared.js';

const NO_PHOTO = '/img/no-photo.svg';
const MAX = 50; // the service's limit on q
// A QR token typed by the handheld scanner into the name field (base32, far longer than a name).
const TOKEN = /^[A-Z2-7]{60,}$/;

/**
 * Put the lookup on a scan screen.
 *
 * @param {object} o
 * @param {HTMLElement} o.button       opens the panel
 * @param {() => ({code: string, name?: string, kind?: string}|null)} o.point  the scan point in use
 * @param {(code: string) => string} [o.pointName]  a point's name, for reasons that name one
 * @param {(candidate) => string} [o.reason]  the screen's own words for a rejection
 * @param {(text: string) => void} [o.onScanText]  a QR the handheld scanner typed into the field
 * @param {() => void} [o.onClose]  back to scanning (the screen's own refocus)
 */
export function mountLookup(o) {
  let zones = new Map();
  let answer = null; // {q, candidates} last shown
  let busy = false;

  const q = h('input', {
    id: 'lookup-q',
    type: 'search',
    autocomplete: 'off',
    autocapitalize: 'off',
    spellcheck: 'false',
    enterkeyhint: 'search',
    maxlength: String(MAX * 4), // a scanned token must fit, to be recognised (it is never sent)
    required: true,
    dataset: { i18nPlaceholder: 'lookup.placeholder' },
    placeholder: t('lookup.placeholder'),
  });
  const submit = h('button', { id: 'lookup-submit', type: 'submit', class: 'btn btn-primary', dataset: { i18n: 'lookup.find' } }, t('lookup.find'));
  const error = h('p', { id: 'lookup-error', class: 'alert alert-error', role: 'alert', hidden: true });
  const status = h('p', { id: 'lookup-status', class: 'lookup-status', role: 'status', 'aria-live': 'polite', hidden: true });
  const results = h('ul', { id: 'lookup-results', class: 'lookup-results' });
  const where = h('p', { id: 'lookup-where', class: 'lookup-where' });
  const dialog = h(
    'dialog',
    { id: 'lookup-dialog', class: 'dialog lookup-dialog', 'aria-labelledby': 'lookup-title' },
    h(
      'div',
      { class: 'lookup-head' },
      h('h2', { id: 'lookup-title', dataset: { i18n: 'lookup.title' } }, t('lookup.title')),
      h('button', { id: 'lookup-close', type: 'button', class: 'btn btn-ghost lookup-close', dataset: { i18nAriaLabel: 'lookup.close' }, 'aria-label': t('lookup.close') }, '×'),
    ),
    h('p', { class: 'lookup-note', dataset: { i18n: 'lookup.not_a_scan' } }, t('lookup.not_a_scan')),
    where,
    h(
      'form',
      { id: 'lookup-form', class: 'lookup-form', role: 'search', autocomplete: 'off' },
      h('label', { class: 'visually-hidden', for: 'lookup-q', dataset: { i18n: 'lookup.label' } }, t('lookup.label')),
      q,
      submit,
    ),
    error,
    status,
    results,
  );
  document.body.append(dialog);

  function renderWhere() {
    const p = o.point();
    where.textContent = p ? t('lookup.at', { point: p.name && p.name !== p.code ? `${p.name}（${p.code}）` : p.code }) : t('lookup.no_point');
    where.classList.toggle('is-unset', !p);
  }

  function reasonOf(c) {
    if (c.verdict === 'accept') return '';
    if (o.reason) {
      const own = o.reason(c);
      if (own) return own;
    }
    if (c.reason && has(`lookup.reason.${c.reason}`)) return t(`lookup.reason.${c.reason}`);
    return reasonText(c, o.pointName || ((code) => code));
  }

  function mealFacts(m) {
    if (!m) return null;
    const next = m.next;
    const facts = [
      m.service ? [t('ct.fact_service'), `${label('service', m.service)}${m.day ? ` · ${eventTimeShort(m.day)}` : ''}`] : null,
      m.right_point ? [t('ct.fact_right_point'), m.right_point_name || m.right_point] : null,
      next ? [t('ct.fact_next'), [label('service', next.service), eventTimeShort(next.day), next.start].filter(Boolean).join(' ')] : null,
      m.diet ? [t('lookup.diet'), m.diet] : null,
    ].filter(Boolean);
    return h(
      'div',
      { class: 'lookup-meal' },
      m.halal ? h('span', { class: 'badge halal lookup-halal' }, t('lookup.halal')) : null,
      facts.length ? h('dl', { class: 'lookup-facts' }, facts.map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)])) : null,
    );
  }

  function candidateItem(c) {
    const ok = c.verdict === 'accept';
    const reason = reasonOf(c);
    // The service's message adds what the code alone does not say (the right point, the next
    // window); "no pass" it only repeats.
    const message = !ok && c.reason !== 'no_pass' && c.message && c.message !== reason ? c.message : '';
    const pass = c.pass;
    const photo = h('img', {
      class: 'lookup-photo',
      src: c.photo_url || NO_PHOTO,
      alt: c.photo_url ? t('cp.photo_alt', { name: c.name || '' }) : t('guest.photo_none'),
      loading: 'lazy',
    });
    photo.addEventListener('error', () => {
      if (!photo.src.endsWith(NO_PHOTO)) photo.src = NO_PHOTO;
    });
    return h(
      'li',
      { class: `lookup-item is-${ok ? 'accept' : 'reject'}`, dataset: { guestId: c.guest_id, verdict: c.verdict, reason: c.reason || '' } },
      h(
        'div',
        { class: 'lookup-band' },
        h('span', { class: 'lookup-if' }, t('lookup.if_scanned')),
        h('strong', { class: 'lookup-verdict' }, t(ok ? 'verdict.accept' : 'verdict.reject')),
        reason ? h('span', { class: 'lookup-reason' }, reason) : null,
        message ? h('span', { class: 'lookup-message' }, message) : null,
      ),
      h(
        'div',
        { class: 'lookup-person' },
        photo,
        h(
          'div',
          { class: 'lookup-who' },
          c.category ? h('span', { class: `badge cat cat-${c.category}` }, categoryLabel(c.category)) : null,
          h('p', { class: 'lookup-name' }, h('span', {}, c.name || ''), c.name_latin ? h('span', { class: 'name-latin' }, c.name_latin) : null),
          h('p', { class: 'lookup-ref mono' }, c.ref || ''),
          h('p', { class: 'lookup-org' }, [c.delegation, c.organization].filter(Boolean).join(' · ')),
          pass
            ? h(
                'p',
                { class: 'lookup-pass' },
                h('span', { class: 'mono' }, serialText(pass)),
                ` ${label('kind', pass.kind)} `,
                statusBadge(pass),
                pass.zones && pass.zones.length ? zoneChips(pass.zones, zones) : null,
              )
            : c.reason !== 'no_pass' // the band says so already
              ? h('p', { class: 'lookup-pass muted' }, t('lookup.no_pass_on_file'))
              : null,
        ),
      ),
      mealFacts(c.meal),
    );
  }

  function render() {
    renderWhere();
    if (!answer) return;
    const list = Array.isArray(answer.candidates) ? answer.candidates : [];
    clear(results).append(...list.map(candidateItem));
    status.textContent = list.length ? t('lookup.found', { n: list.length }) : t('lookup.none', { q: answer.q });
    status.hidden = false;
  }

  async function find(e) {
    if (e) e.preventDefault();
    const text = q.value.trim();
    say(error, '');
    if (TOKEN.test(text) && o.onScanText) {
      // The handheld scanner fired into the name field: that was a pass, scan it as one.
      q.value = '';
      dialog.close();
      o.onScanText(text);
      return;
    }
    if (!text) return;
    if (text.length > MAX) {
      say(error, t('lookup.too_long', { n: MAX }));
      return;
    }
    const p = o.point();
    if (!p) {
      say(error, t('lookup.no_point'));
      return;
    }
    if (busy) return;
    busy = true;
    submit.disabled = true;
    status.textContent = t('lookup.searching');
    status.hidden = false;
    try {
      const got = await api('/api/v1/scans/lookup', { method: 'POST', json: { point: p.code, q: text } });
      answer = { q: text, candidates: got && Array.isArray(got.candidates) ? got.candidates : [] };
      render();
    } catch (err) {
      answer = null;
      clear(results);
      status.hidden = true;
      say(error, err.message);
    } finally {
      busy = false;
      submit.disabled = false;
    }
  }

  function open() {
    renderWhere();
    if (!zones.size) {
      loadZones().then((z) => {
        zones = z;
        if (answer) render();
      });
    }
    if (!dialog.open) dialog.showModal();
    q.focus();
    q.select();
  }

  function close() {
    dialog.close();
  }

  o.button.addEventListener('click', open);
  // Escape in a search field only clears it; here it closes the panel at once.
  q.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') {
      e.preventDefault();
      close();
    }
  });
  dialog.querySelector('#lookup-form').addEventListener('submit', find);
  dialog.querySelector('#lookup-close').addEventListener('click', close);
  // A tap on the dimmed page around the sheet closes it.
  dialog.addEventListener('click', (e) => {
    if (e.target === dialog) {
      const r = dialog.getBoundingClientRect();
      const inside = e.clientX >= r.left && e.clientX <= r.right && e.clientY >= r.top && e.clientY <= r.bottom;
      if (!inside) close();
    }
  });
  // The next guest is someone else: a closed panel forgets the last one.
  dialog.addEventListener('close', () => {
    answer = null;
    q.value = '';
    clear(results);
    status.hidden = true;
    say(error, '');
    if (o.onClose) o.onClose();
    else o.button.focus({ preventScroll: true });
  });
  onLangChange(render);

  return { open, close, dialog };
}
