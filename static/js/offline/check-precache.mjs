// Dev aid: every file the three scan screens load (HTML, their module graph, CSS, icons,
// jsQR) must be in sw.js's PRECACHE list, or the app would not open offline.
//   node static/js/offline/check-precache.mjs
import { readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const need = new Set(['/manifest.webmanifest', '/vendor/jsQR.js']);
const seen = new Set();
function walk(url) {
  if (seen.has(url)) return;
  seen.add(url);
  need.add(url);
  const text = readFileSync(join(root, url), 'utf8');
  for (const m of text.matchAll(/(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g)) {
    const spec = m[1] || m[2];
    walk(normalize(join(dirname(url), spec)));
  }
}
for (const page of ['/checkpoint/', '/canteen/', '/desk/']) {
  need.add(page);
  const html = readFileSync(join(root, page, 'index.html'), 'utf8');
  // What the page loads (link and script tags), not where its links lead.
  for (const m of html.matchAll(/<(?:link|script)\b[^>]*?(?:src|href)="(\/[^"]+)"/g)) {
    if (m[1].startsWith('/api/') || m[1].endsWith('/')) continue;
    if (/\.js$/.test(m[1])) walk(m[1]);
    else need.add(m[1]);
  }
}
const sw = readFileSync(join(root, 'sw.js'), 'utf8');
const list = JSON.parse(/PRECACHE = (\[[\s\S]*?\]);/.exec(sw)[1].replace(/'/g, '"').replace(/,\s*\]/, ']'));
const missing = [...need].filter((u) => !list.includes(u)).sort();
const extra = list.filter((u) => !need.has(u) && !u.startsWith('/img/'));
if (missing.length) console.log('missing from sw.js PRECACHE:\n  ' + missing.join('\n  '));
if (extra.length) console.log('in PRECACHE but not loaded by the screens (ok if intended):\n  ' + extra.join('\n  '));
console.log(`${need.size} files needed, ${list.length} precached`);
process.exit(missing.length ? 1 : 0);
