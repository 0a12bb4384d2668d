// One guest: find them (the guest list's `q` search), preview an email exactly as the server
// would render it now, send it to them alone, and see every email they have been sent.

import { api } from '../js/api.js';
import { clear, debounce, h, say, sayT } from '../js/dom.js';
import { codeLabel } from '../js/format.js';
import { t } from '../js/i18n.js';
import { $, messagesOf, renderMessages, wireRetry } from './shared.js';

let ctx = null;
let found = null; // the last search's guests; null when nothing was searched
let chosen = null;
let preview = null;
let sentOne = null; // { name, answer } of the last single send
let history = null;
let historySig = '';
let searchSeq = 0; // older answers are dropped, so fast typing never shows stale guests
let previewSeq = 0;

// ---------- search and pick ----------

function renderFound() {
  const list = clear($('preview-results'));
  if (!found) return;
  list.append(
    ...found.map((g) =>
      h(
        'li',
        {},
        h(
          'button',
          { type: 'button', class: 'pick', dataset: { guestId: g.id } },
          h('span', { class: `dot cat-${g.category}` }),
          h('strong', {}, g.name || ''),
          g.name_latin ? h('span', { class: 'name-latin' }, g.name_latin) : '',
          h('span', { class: 'sub' }, [g.ref, g.email].filter(Boolean).join(' · ')),
        ),
      ),
    ),
  );
  if (!found.length) list.append(h('li', { class: 'muted' }, t('list.empty')));
}

async function search() {
  const q = $('preview-search').value.trim();
  const seq = ++searchSeq;
  if (!q) {
    found = null;
    return renderFound();
  }
  try {
    const page = await api(`/api/v1/guests?q=${encodeURIComponent(q)}&limit=8`);
    if (seq !== searchSeq) return;
    found = Array.isArray(page?.items) ? page.items : [];
    say($('preview-error'), '');
  } catch (err) {
    if (seq !== searchSeq) return;
    say($('preview-error'), err.message);
  }
  renderFound();
}

function renderChosen() {
  const el = $('preview-guest');
  el.hidden = !chosen;
  if (!chosen) return;
  el.replaceChildren(
    h('span', { class: 'chosen-label' }, t('mail.chosen')),
    h('strong', {}, chosen.name || ''),
    chosen.name_latin ? h('span', { class: 'name-latin' }, chosen.name_latin) : '',
    h('span', { class: 'sub' }, chosen.ref || ''),
  );
}

function pick(guest) {
  chosen = guest;
  found = null;
  // Emptied, so a search still on its way (or a debounced one) cannot reopen the list.
  $('preview-search').value = '';
  searchSeq++;
  renderFound();
  renderChosen();
  history = null;
  historySig = '';
  loadPreview();
  loadHistory();
}

// ---------- preview ----------

function size(n) {
  const b = Number(n) || 0;
  return b < 1024 ? `${b} B` : `${(b / 1024).toFixed(1)} KB`;
}

function renderPreview() {
  $('preview-box').hidden = !preview;
  if (!preview) return;
  $('preview-subject').textContent = preview.subject || t('common.none');
  const to = $('preview-to');
  to.textContent = preview.to || t('mail.no_email');
  to.classList.toggle('missing', !preview.to);
  $('preview-language').textContent = codeLabel('language', preview.language);
  const files = Array.isArray(preview.attachments) ? preview.attachments : [];
  clear($('preview-attachments')).append(
    ...files.map((a) => h('li', {}, h('span', { class: 'mono' }, a.filename || ''), ` · ${a.content_type || ''} · ${size(a.size)}`)),
  );
  if (!files.length) $('preview-attachments').append(h('li', { class: 'muted' }, t('mail.no_attachments')));
  $('preview-text').textContent = preview.text || '';
  $('preview-send').disabled = !preview.to;
  renderSentOne();
}

async function loadPreview() {
  if (!chosen) return;
  const seq = ++previewSeq;
  const url = `/api/v1/mail/preview?guest_id=${encodeURIComponent(chosen.id)}&kind=${encodeURIComponent($('preview-kind').value)}`;
  say($('preview-error'), '');
  sentOne = null;
  try {
    const answer = await api(url);
    if (seq !== previewSeq) return;
    preview = answer;
  } catch (err) {
    if (seq !== previewSeq) return;
    preview = null; // a 404 (no such guest) or 422 (nothing to tell yet): the server says which
    say($('preview-error'), err.message);
  }
  // Set here, not in renderPreview: a new srcdoc reloads the frame, a language switch must not.
  $('preview-frame').srcdoc = preview ? preview.html || '' : '';
  renderPreview();
}

function toggleText() {
  const pre = $('preview-text');
  pre.hidden = !pre.hidden;
  const btn = $('preview-text-toggle');
  btn.setAttribute('aria-expanded', String(!pre.hidden));
  sayT(btn, pre.hidden ? 'mail.show_text' : 'mail.hide_text');
}

// ---------- send to this guest ----------

function renderSentOne() {
  const el = $('preview-result');
  if (!sentOne) return say(el, '');
  const queued = Number(sentOne.answer?.queued) || 0;
  say(el, t(queued ? 'mail.sent_one' : 'mail.one_no_email', { name: sentOne.name }));
  el.classList.toggle('alert-ok', queued > 0);
  el.classList.toggle('alert-warn', !queued);
}

async function sendOne() {
  if (!chosen) return say($('preview-error'), t('mail.pick_guest'));
  const btn = $('preview-send');
  btn.disabled = true;
  say($('preview-error'), '');
  const json = { kind: $('preview-kind').value, filter: { guest_ids: [chosen.id] }, unsent_only: false };
  try {
    const answer = await api('/api/v1/mail/send', { method: 'POST', json });
    sentOne = { name: chosen.name || chosen.ref || `#${chosen.id}`, answer };
    renderSentOne();
    ctx.changed();
  } catch (err) {
    say($('preview-error'), err.message);
  } finally {
    btn.disabled = !(preview && preview.to);
  }
}

// ---------- history ----------

function renderHistory() {
  $('history-guest').textContent = chosen ? chosen.name || chosen.ref || '' : '';
  renderMessages($('history-table').tBodies[0], history || []);
  const empty = $('history-empty');
  sayT(empty, chosen ? 'mail.history_empty' : 'mail.history_pick');
  empty.hidden = Boolean(history && history.length);
}

export async function loadHistory() {
  if (!chosen) return renderHistory();
  const id = chosen.id;
  try {
    const answer = await api(`/api/v1/mail/messages?guest_id=${encodeURIComponent(id)}`);
    if (!chosen || chosen.id !== id) return;
    say($('history-error'), '');
    // Unchanged answers leave the rows (and a Resend under the pointer) alone.
    const sig = JSON.stringify(answer);
    if (sig === historySig) return;
    historySig = sig;
    history = messagesOf(answer);
  } catch (err) {
    if (!chosen || chosen.id !== id) return;
    say($('history-error'), err.message);
  }
  renderHistory();
}

// ---------- start ----------

export function initGuest(c) {
  ctx = c;
  const input = $('preview-search');
  input.addEventListener('input', debounce(search, 300));
  // Enter searches at once, and picks the guest when only one matches: quick at a desk.
  input.addEventListener('keydown', async (e) => {
    if (e.key !== 'Enter') return;
    e.preventDefault();
    await search();
    if (found && found.length === 1) pick(found[0]);
  });
  $('preview-results').addEventListener('click', (e) => {
    const btn = e.target.closest('button[data-guest-id]');
    const guest = btn && found ? found.find((g) => String(g.id) === btn.dataset.guestId) : null;
    if (guest) pick(guest);
  });
  $('preview-kind').addEventListener('change', loadPreview);
  $('preview-text-toggle').addEventListener('click', toggleText);
  $('preview-send').addEventListener('click', sendOne);
  wireRetry($('history-table'), $('history-error'), () => ctx.changed());
  // The message's own layout decides its width; the frame only needs room to show it.
  const frame = $('preview-frame');
  Object.assign(frame.style, { width: '100%', height: '480px', border: '1px solid var(--border)', borderRadius: '8px', background: '#fff' });
  Object.assign($('preview-text').style, { whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' });
  renderHistory();
}

export function rerenderGuest() {
  renderFound();
  renderChosen();
  renderPreview();
  renderHistory();
}
