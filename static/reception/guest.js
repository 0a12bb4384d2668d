// A guest's page: every field with its label, the photo and its upload, and the guest's whole
// story (passes, room, rides, meals, emails, scans, timeline) — all from one summary request.

import { api } from '../js/api.js';
import { clear, h, say, sayT } from '../js/dom.js';
import { categoryLabel, codeLabel, eventTime, orNone } from '../js/format.js';
import { onLangChange, t } from '../js/i18n.js';
import { initShell } from '../js/shell.js';
import { mountArrangements, showArrangements } from './arrangements.js';
import { mountSummary, showSummary } from './summary.js';

const PLACEHOLDER = '/img/no-photo.svg';
const PHOTO_TYPES = ['image/jpeg', 'image/png', 'image/webp'];

// Sections and their fields, in the order a receptionist reads them. Each field says how
// its value is shown; fields the server adds later simply do not appear until listed here.
const SECTIONS = [
  ['section.identity', [
    ['ref'], ['name'], ['name_latin'], ['category', (v) => categoryLabel(v)],
    ['gender', (v) => codeLabel('gender', v)], ['department'], ['delegation'], ['organization'],
    ['id_type', (v) => codeLabel('id_type', v)], ['id_number', null, 'mono'],
  ]],
  ['section.contact', [['phone', null, 'mono'], ['email'], ['language', (v) => codeLabel('language', v)]]],
  ['section.arrival', [
    ['arrival_mode', (v) => codeLabel('mode', v)], ['arrival_no', null, 'mono'], ['arrival_hub'],
    ['arrival_time', eventTime],
  ]],
  ['section.departure', [
    ['departure_mode', (v) => codeLabel('mode', v)], ['departure_no', null, 'mono'], ['departure_hub'],
    ['departure_time', eventTime],
  ]],
  ['section.stay', [
    ['stay_from', eventTime], ['stay_to', eventTime], ['halal', yesNo], ['diet'], ['notes'],
  ]],
  ['section.record', [['has_photo', yesNo], ['created_at', eventTime], ['updated_at', eventTime]]],
];

function yesNo(v) {
  return v ? t('common.yes') : t('common.no');
}

const $ = (id) => document.getElementById(id);
const id = new URLSearchParams(location.search).get('id');
let guest = null;
let photoVersion = Date.now(); // a new value after each upload defeats the browser's image cache

function photoUrl() {
  return `/api/v1/guests/${encodeURIComponent(id)}/photo?v=${photoVersion}`;
}

function renderPhoto() {
  const img = $('guest-photo');
  if (guest?.has_photo) {
    img.src = photoUrl();
    img.alt = t('guest.photo_alt');
  } else {
    img.src = PLACEHOLDER;
    img.alt = t('guest.photo_none');
  }
}

function render() {
  if (!guest) return;
  document.title = `${guest.name || guest.ref} · ${t('app.name')}`;
  $('guest-name').replaceChildren(
    h('span', {}, guest.name || ''),
    guest.name_latin ? h('span', { class: 'name-latin' }, guest.name_latin) : null,
  );
  $('guest-sub').textContent = [guest.ref, guest.department, guest.organization].filter(Boolean).join(' · ');
  const badge = $('guest-category');
  badge.className = `badge cat cat-${guest.category}`;
  badge.textContent = categoryLabel(guest.category);
  badge.hidden = !guest.category;

  clear($('guest-fields')).append(
    ...SECTIONS.map(([title, fields]) =>
      h(
        'section',
        { class: 'card field-section' },
        h('h2', {}, t(title)),
        h(
          'dl',
          { class: 'fields' },
          fields.map(([key, show, cls]) => {
            const value = guest[key];
            const text = show ? show(value) : orNone(value);
            return h(
              'div',
              { class: 'field-row', dataset: { field: key } },
              h('dt', {}, t(`field.${key}`)),
              h('dd', { class: cls || null, id: `field-${key.replaceAll('_', '-')}` }, text),
            );
          }),
        ),
      ),
    ),
  );
  $('guest').removeAttribute('aria-busy');
  renderPhoto();
}

async function load() {
  if (!id) {
    sayT($('guest-error'), 'guest.missing_id');
    $('guest-name').textContent = '';
    return;
  }
  try {
    // One request for the whole page: the record and every part of the guest's arrangements.
    const summary = await api(`/api/v1/guests/${encodeURIComponent(id)}/summary`);
    guest = summary.guest;
    say($('guest-error'), '');
    render();
    showArrangements(guest);
    showSummary(summary);
  } catch (err) {
    say($('guest-error'), err.message);
    $('guest-name').textContent = '';
    $('guest').removeAttribute('aria-busy');
  }
}

async function upload() {
  const file = $('photo-file').files[0];
  const button = $('photo-upload');
  say($('photo-status'), '');
  if (!file) {
    sayT($('photo-error'), 'guest.photo_pick_first');
    return;
  }
  say($('photo-error'), '');
  button.disabled = true;
  button.textContent = t('guest.photo_uploading');
  try {
    // The raw file goes as the body, typed as the browser saw it; the server decides what
    // it accepts (415), how big (413) and whether it decodes (422), and says why in `message`.
    const type = file.type || 'application/octet-stream';
    await api(`/api/v1/guests/${encodeURIComponent(id)}/photo`, {
      method: 'PUT',
      body: file,
      headers: { 'Content-Type': type },
    });
    photoVersion = Date.now();
    if (guest) guest.has_photo = true;
    $('photo-file').value = '';
    // Reload the record too: has_photo and updated_at changed.
    await load();
    sayT($('photo-status'), 'guest.photo_done');
  } catch (err) {
    say($('photo-error'), err.message);
  } finally {
    button.disabled = false;
    button.textContent = t('guest.photo_upload');
  }
}

// A photo the server lists but cannot send (deleted meanwhile) shows the placeholder, not a broken icon.
$('guest-photo').addEventListener('error', (e) => {
  if (!e.target.src.endsWith(PLACEHOLDER)) e.target.src = PLACEHOLDER;
});
$('photo-upload').addEventListener('click', upload);
$('photo-file').addEventListener('change', () => {
  say($('photo-error'), '');
  say($('photo-status'), '');
  const file = $('photo-file').files[0];
  // Say early what the server would refuse anyway, before a slow upload on a phone.
  if (file && file.type && !PHOTO_TYPES.includes(file.type)) sayT($('photo-error'), 'error.status.415');
});

// The back link returns to the list *with its filters* when the list is where we came from.
$('guest-back').addEventListener('click', (e) => {
  const ref = document.referrer ? new URL(document.referrer) : null;
  if (ref && ref.origin === location.origin && ref.pathname === '/reception/' && history.length > 1) {
    e.preventDefault();
    history.back();
  }
});

onLangChange(() => {
  if (guest) render();
  else if (!id) sayT($('guest-error'), 'guest.missing_id');
  // applyI18n has reset the button's label; keep "uploading" while an upload runs.
  const button = $('photo-upload');
  if (button.disabled) button.textContent = t('guest.photo_uploading');
});

initShell();
mountArrangements($('guest-arrangements'), load);
mountSummary($('guest-summary'), load);
load();
