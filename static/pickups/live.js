// The live feed (Server-Sent Events on /api/v1/board/events[?hub=ID]) and the "last heard from
// the server" line that the greeter board and the pickups page show.
//
// EventSource reconnects by itself after a network drop (readyState CONNECTING) and resumes
// with Last-Event-ID. It gives up for good (CLOSED) when the server answers with an error
// status — a restart behind a proxy, an expired session — so we reopen it ourselves with a
// growing pause. A reopened stream has lost its place: `onChange` is called once on every
// (re)open so the page refetches and misses nothing.
//
// The server's `: ping` comments never reach JavaScript (EventSource drops comments), so
// silence is not proof of a dead line: the page refetches when it has heard nothing for a
// while (`onQuiet`), which both checks the line and moves the clock.

import { t } from '../js/i18n.js';
import { eventClockAt } from './shared.js';

const STALE_MS = 30000; // the line turns amber after this much silence (brief: 30 s)
const QUIET_MS = 25000; // refetch after this much silence, so a healthy page never turns amber
const RETRY_MS = [2000, 5000, 10000, 30000];

/**
 * Watch the hubs given to `watch(ids)`.
 * @param {object} o
 * @param {(event: {kind?: string, id?: *, hub_id?: *}|null) => void} o.onChange  a change, or null after a (re)open
 * @param {() => void} o.onHeard   anything arrived from the server
 * @param {(state: 'live'|'connecting'|'closed'|'off') => void} o.onState
 */
export function createFeed({ onChange, onHeard, onState }) {
  const streams = new Map(); // hub id → {es, tries, timer}
  let state = 'off';

  function report() {
    const all = [...streams.values()];
    let next = 'off';
    if (all.length) {
      if (all.some((s) => !s.es || s.es.readyState === EventSource.CLOSED)) next = 'closed';
      else if (all.some((s) => s.es.readyState === EventSource.CONNECTING)) next = 'connecting';
      else next = 'live';
    }
    if (next !== state) {
      state = next;
      onState(state);
    }
  }

  function open(id) {
    const s = streams.get(id);
    if (!s) return;
    // No hub: every hub's changes on one connection (admin, reception, transport, office).
    const es = new EventSource(id ? `/api/v1/board/events?hub=${encodeURIComponent(id)}` : '/api/v1/board/events');
    s.es = es;
    es.addEventListener('open', () => {
      s.tries = 0;
      onHeard();
      report();
      onChange(null);
    });
    es.addEventListener('change', (e) => {
      onHeard();
      let data = null;
      try {
        data = JSON.parse(e.data);
      } catch {
        data = {}; // an unreadable change is still a change: refetch everything
      }
      onChange(data || {});
    });
    // A named ping or an unnamed message, should the server send them, also mean "alive".
    es.addEventListener('ping', onHeard);
    es.addEventListener('message', onHeard);
    es.addEventListener('error', () => {
      if (es.readyState === EventSource.CLOSED && streams.get(id) === s) {
        const wait = RETRY_MS[Math.min(s.tries, RETRY_MS.length - 1)];
        s.tries += 1;
        clearTimeout(s.timer);
        s.timer = setTimeout(() => {
          if (streams.get(id) === s) open(id);
        }, wait);
      }
      report();
    });
    report();
  }

  function drop(id) {
    const s = streams.get(id);
    if (!s) return;
    clearTimeout(s.timer);
    if (s.es) s.es.close();
    streams.delete(id);
  }

  return {
    /** Follow exactly these hubs (ids; '' is every hub); streams for other hubs are closed. */
    watch(ids) {
      const wanted = new Set(ids.map(String));
      for (const id of [...streams.keys()]) if (!wanted.has(id)) drop(id);
      for (const id of wanted) {
        if (streams.has(id)) continue;
        streams.set(id, { es: null, tries: 0, timer: 0 });
        open(id);
      }
      report();
    },
    /** Reopen streams the browser gave up on now (the phone woke up, the network came back). */
    revive() {
      for (const [id, s] of streams) {
        if (!s.es || s.es.readyState === EventSource.CLOSED) {
          clearTimeout(s.timer);
          s.tries = 0;
          open(id);
        }
      }
    },
    get state() {
      return state;
    },
  };
}

/**
 * The "最后更新 14:35:02" line in `el`: green while fresh, amber after 30 s of silence,
 * with the feed's state (reconnecting, offline) when it is not live. `onQuiet` runs after
 * 25 s of silence (the page refetches, which counts as hearing from the server).
 */
export function createHeard(el, { onQuiet } = {}) {
  let last = 0;
  let feedState = 'off';
  let quietAsked = Date.now(); // the page has just fetched: the first quiet check is 25 s away

  function render() {
    const age = last ? Date.now() - last : Infinity;
    const stale = age > STALE_MS;
    el.dataset.stale = stale ? 'true' : 'false';
    el.dataset.state = feedState;
    el.classList.toggle('is-stale', stale);
    el.classList.toggle('is-down', feedState === 'closed' || feedState === 'connecting');
    const parts = [last ? t('live.last_heard', { time: eventClockAt(last) }) : t('live.never')];
    if (feedState === 'connecting') parts.push(t('live.connecting'));
    if (feedState === 'closed') parts.push(t('live.offline'));
    // Only a real change touches the DOM: a screen reader should not hear the line every second.
    const text = parts.join(' · ');
    if (el.textContent !== text) el.textContent = text;
    if (el.title !== t('live.title')) el.title = t('live.title');
    if (onQuiet && age > QUIET_MS && Date.now() - quietAsked > QUIET_MS) {
      quietAsked = Date.now();
      onQuiet();
    }
  }

  setInterval(render, 1000);
  render();
  return {
    heard() {
      last = Date.now();
      render();
    },
    state(next) {
      feedState = next;
      render();
    },
    render,
  };
}
