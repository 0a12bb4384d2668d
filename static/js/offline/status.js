// The field kit's state on a scan screen: the chip "在线 / 离线 · 名单 N 分钟前更新"
// (#net-status, #lists-age), the scans waiting for upload (#queue-count), the refusal banner
// when the lists are older than the point's limit (#stale-banner), a note for what else stops
// offline checking (#offline-note), and the "离线 offline" band of an offline verdict.

import { onLangChange, t } from '../i18n.js';
import { ageText } from './scanner.js';

const $ = (id) => document.getElementById(id);

function setText(el, text) {
  if (!el) return;
  el.textContent = text || '';
  el.hidden = !text;
}

/** What keeps this device from checking offline, other than stale lists; '' when nothing. */
function blocker(s) {
  if (!s.point) return '';
  if (s.retired) return t('offline.device_retired');
  if (s.cryptoOk === false) return t(globalThis.isSecureContext === false ? 'offline.insecure' : 'offline.crypto_unavailable');
  if (!s.device && s.registering) return t('offline.registering');
  if (!s.device && s.registerError) return t('offline.register_failed', { message: s.registerError.message || '' });
  if (s.device && !s.kit) return t('offline.no_kit');
  return '';
}

/** Render `status` (scanner.status()) into the screen's elements. */
export function renderStatus(s) {
  const chip = $('net-status');
  if (chip) {
    chip.dataset.state = s.net;
    chip.textContent = t(s.net === 'online' ? 'offline.online' : 'offline.offline');
  }
  const age = $('lists-age');
  if (age) {
    age.dataset.ageSeconds = s.age_seconds ?? '';
    age.dataset.stale = s.stale ? 'true' : 'false';
    age.textContent = s.age_seconds === null ? (s.point ? t('offline.no_lists') : '') : t('offline.lists_age', { age: ageText(s.age_seconds) });
    age.classList.toggle('is-stale', s.stale);
  }
  const q = $('queue-count');
  if (q) {
    const n = s.queue.pending || 0;
    q.dataset.count = String(n);
    q.textContent = t('offline.queue', { n });
    q.classList.toggle('is-waiting', n > 0);
    q.title = s.queue.refused ? t('offline.refused', { n: s.queue.refused }) : '';
  }
  const banner = $('stale-banner');
  if (banner) {
    banner.dataset.stale = s.stale ? 'true' : 'false';
    setText(banner, s.stale ? t('offline.stale', { age: ageText(s.age_seconds), limit: ageText(s.max_age_seconds) }) : '');
  }
  const note = $('offline-note');
  if (note) {
    const parts = [blocker(s), s.queue.refused ? t('offline.refused', { n: s.queue.refused }) : ''].filter(Boolean);
    setText(note, parts.join(' '));
  }
  const name = $('device-name');
  if (name) setText(name, s.device ? t('offline.device', { name: s.device.name || `#${s.device.id}` }) : '');
}

/** Follow `scanner` on the screen, in the user's language. */
export function mountStatus(scanner) {
  scanner.subscribe(renderStatus);
  onLangChange(() => renderStatus(scanner.status()));
}

/** The band of an offline verdict (#verdict-offline, #verdict-lists-age); hidden for an online one. */
export function renderOfflineBand(result) {
  const band = $('verdict-offline');
  if (!band) return;
  const offline = Boolean(result && result.offline && result.lists_age_seconds !== undefined);
  band.hidden = !offline;
  const age = $('verdict-lists-age');
  if (age) age.textContent = offline ? t('offline.verdict_age', { age: ageText(result.lists_age_seconds) }) : '';
}
