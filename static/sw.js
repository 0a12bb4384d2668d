// The scanner app's service worker (served at /sw.js, scope /): the checkpoint, canteen and
// desk screens open with no network once they have been opened online.
//
// Everything the three screens load is precached at install (PRECACHE; the dev check
// static/js/offline/check-precache.mjs fails when a screen imports a file missing here).
// Those files are answered cache-first, and the cache is refreshed from the network in the
// background (a changed page is used from the next opening). Nothing else is touched: /api/
// is never cached (verdicts, kits and uploads must be live), and other pages go to the network
// as if there were no worker. Bump VERSION when this list or the strategy changes: the new
// worker installs a fresh cache and deletes the old ones.

const VERSION = 'yingbin-scanner-v4';

const PRECACHE = [
  '/checkpoint/',
  '/canteen/',
  '/desk/',
  '/manifest.webmanifest',
  '/css/app.css',
  '/img/favicon.svg',
  '/img/no-photo.svg',
  '/img/icon.svg',
  '/img/icon-192.png',
  '/img/icon-512.png',
  '/vendor/jsQR.js',
  '/vendor/noble-ed25519.js',
  '/js/api.js',
  '/js/dom.js',
  '/js/format.js',
  '/js/i18n.js',
  '/js/shell.js',
  '/js/search.js',
  '/js/lookup.js',
  '/js/offline/bytes.js',
  '/js/offline/decide.js',
  '/js/offline/device.js',
  '/js/offline/ed25519.js',
  '/js/offline/idb.js',
  '/js/offline/kit.js',
  '/js/offline/queue.js',
  '/js/offline/scanner.js',
  '/js/offline/status.js',
  '/js/offline/token.js',
  '/js/offline/verdict.js',
  '/checkpoint/checkpoint.js',
  '/canteen/canteen.js',
  '/desk/camera.js',
  '/desk/desk.js',
  '/desk/scan.js',
  '/desk/stay-dialogs.js',
  '/passes/shared.js',
  '/meals/shared.js',
  '/hotels/shared.js',
];

const CACHED = new Set(PRECACHE);

/** The cache key of a request: /checkpoint/index.html is /checkpoint/; the query is ignored. */
function keyOf(url) {
  let path = url.pathname;
  if (path.endsWith('/index.html')) path = path.slice(0, -'index.html'.length);
  return path;
}

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches
      .open(VERSION)
      .then((cache) => cache.addAll(PRECACHE.map((url) => new Request(url, { cache: 'reload' }))))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) => Promise.all(names.filter((n) => n.startsWith('yingbin-scanner-') && n !== VERSION).map((n) => caches.delete(n))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener('fetch', (event) => {
  const req = event.request;
  if (req.method !== 'GET') return;
  const url = new URL(req.url);
  if (url.origin !== self.location.origin || url.pathname.startsWith('/api/')) return;
  const key = keyOf(url);
  if (!CACHED.has(key)) return;
  event.respondWith(
    caches.open(VERSION).then(async (cache) => {
      const hit = await cache.match(key);
      const fresh = fetch(req)
        .then((res) => {
          // Only a whole, successful answer replaces what works offline.
          if (res.ok && res.status === 200 && !res.redirected) cache.put(key, res.clone());
          return res;
        })
        .catch(() => null);
      if (hit) {
        event.waitUntil(fresh);
        return hit;
      }
      return (await fresh) || Response.error();
    }),
  );
});
