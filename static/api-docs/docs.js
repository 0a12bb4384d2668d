// A small OpenAPI renderer: /api/v1/openapi.json grouped by tag, one collapsible block per
// operation, schemas linked by name. Written here rather than pulled from a CDN because the
// event network may be offline.

import { api } from '../js/api.js';
import { clear, debounce, h, say } from '../js/dom.js';
import { initI18n, onLangChange, t } from '../js/i18n.js';

const METHODS = ['get', 'post', 'put', 'patch', 'delete', 'head', 'options'];
const $ = (id) => document.getElementById(id);

let spec = null;

const refName = (ref) => decodeURIComponent(String(ref).split('/').pop());
const slug = (text) => String(text).replace(/[^A-Za-z0-9_-]+/g, '-');

/** A schema as a short type expression, with referenced schemas as links. */
/**
 * Prose from the spec with `backticks` as code: split on pairs of backticks into text and
 * <code> nodes (text only, never HTML, so a description cannot inject markup). An unpaired
 * backtick stays as it is.
 */
function prose(text) {
  const out = [];
  const re = /`([^`\n]+)`/g;
  let at = 0;
  let m;
  const src = String(text ?? '');
  while ((m = re.exec(src))) {
    if (m.index > at) out.push(src.slice(at, m.index));
    out.push(h('code', {}, m[1]));
    at = m.index + m[0].length;
  }
  if (at < src.length) out.push(src.slice(at));
  return out;
}

function schemaNode(schema) {
  if (!schema || typeof schema !== 'object') return h('span', { class: 'muted' }, '—');
  if (schema.$ref) {
    const name = refName(schema.$ref);
    return h('a', { class: 'schema-link', href: `#schema-${slug(name)}` }, name);
  }
  for (const key of ['oneOf', 'anyOf', 'allOf']) {
    if (Array.isArray(schema[key])) {
      const sep = key === 'allOf' ? ' & ' : ' | ';
      return h('span', {}, schema[key].flatMap((s, i) => (i ? [sep, schemaNode(s)] : [schemaNode(s)])));
    }
  }
  const types = Array.isArray(schema.type) ? schema.type : [schema.type || (schema.properties ? 'object' : 'any')];
  const nullable = types.includes('null') || schema.nullable === true;
  const main = types.filter((x) => x !== 'null');
  if (main.includes('array')) {
    return h('span', {}, '[', schemaNode(schema.items), ']', nullable ? '?' : '');
  }
  let text = main.join(' | ') || 'null';
  if (schema.format) text += ` (${schema.format})`;
  if (nullable) text += '?';
  const node = h('code', { class: 'type' }, text);
  if (Array.isArray(schema.enum)) {
    return h('span', {}, node, ' ', h('span', { class: 'enum' }, schema.enum.map((v) => JSON.stringify(v)).join(' | ')));
  }
  return node;
}

function paramTable(params) {
  if (!params.length) return null;
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      { class: 'table docs-table' },
      h('thead', {}, h('tr', {}, ['docs.name', 'docs.in', 'docs.type', 'docs.description'].map((k) => h('th', {}, t(k))))),
      h(
        'tbody',
        {},
        params.map((p) =>
          h(
            'tr',
            {},
            h('td', { dataset: { label: t('docs.name') } }, h('code', {}, p.name),
              p.required ? h('span', { class: 'req' }, ' *', h('span', { class: 'visually-hidden' }, t('docs.required'))) : null),
            h('td', { dataset: { label: t('docs.in') } }, p.in || ''),
            h('td', { dataset: { label: t('docs.type') } }, schemaNode(p.schema)),
            h('td', { dataset: { label: t('docs.description') } }, prose(p.description)),
          ),
        ),
      ),
    ),
  );
}

function contentList(content) {
  if (!content || typeof content !== 'object') return null;
  return h(
    'ul',
    { class: 'content-list' },
    Object.entries(content).map(([type, media]) => h('li', {}, h('code', { class: 'media' }, type), ' ', schemaNode(media?.schema))),
  );
}

function resolve(obj) {
  // Request bodies and responses may themselves be $refs into components.
  if (obj && obj.$ref && spec) {
    const parts = obj.$ref.replace(/^#\//, '').split('/');
    let target = spec;
    for (const p of parts) target = target?.[decodeURIComponent(p)];
    return target || obj;
  }
  return obj;
}

function operation(path, method, op, shared) {
  const params = [...shared, ...(op.parameters || [])].map(resolve);
  const body = resolve(op.requestBody);
  const responses = Object.entries(op.responses || {});
  const id = `op-${slug(op.operationId || `${method}-${path}`)}`;
  const search = [method, path, op.summary, op.description, op.operationId, ...(op.tags || [])].join(' ').toLowerCase();
  return h(
    'details',
    { class: `op op-${method}${op.deprecated ? ' is-deprecated' : ''}`, id, dataset: { search } },
    h(
      'summary',
      {},
      h('span', { class: `method method-${method}` }, method.toUpperCase()),
      h('code', { class: 'path' }, path),
      h('span', { class: 'op-summary' }, prose(op.summary)),
    ),
    h(
      'div',
      { class: 'op-body' },
      op.description ? h('p', { class: 'op-desc' }, prose(op.description)) : null,
      params.length ? [h('h4', {}, t('docs.parameters')), paramTable(params)] : null,
      body
        ? [
            h('h4', {}, t('docs.request'), ' ', h('small', { class: 'muted' }, body.required ? t('docs.required') : t('docs.optional'))),
            body.description ? h('p', {}, prose(body.description)) : null,
            contentList(body.content),
          ]
        : null,
      responses.length
        ? [
            h('h4', {}, t('docs.responses')),
            h(
              'ul',
              { class: 'responses' },
              responses.map(([status, raw]) => {
                const r = resolve(raw) || {};
                const cls = status.startsWith('2') ? 'ok' : status.startsWith('4') || status.startsWith('5') ? 'bad' : '';
                return h(
                  'li',
                  {},
                  h('span', { class: `status status-${cls}` }, status),
                  ' ',
                  prose(r.description),
                  contentList(r.content),
                );
              }),
            ),
          ]
        : null,
    ),
  );
}

function schemaBlock(name, raw) {
  const schema = resolve(raw) || {};
  const required = new Set(schema.required || []);
  const props = Object.entries(schema.properties || {});
  return h(
    'details',
    { class: 'schema', id: `schema-${slug(name)}`, dataset: { search: name.toLowerCase() } },
    h('summary', {}, h('code', {}, name), schema.description ? h('span', { class: 'op-summary' }, prose(schema.description)) : null),
    h(
      'div',
      { class: 'op-body' },
      props.length
        ? h(
            'div',
            { class: 'table-wrap' },
            h(
              'table',
              { class: 'table docs-table' },
              h('thead', {}, h('tr', {}, ['docs.name', 'docs.type', 'docs.description'].map((k) => h('th', {}, t(k))))),
              h(
                'tbody',
                {},
                props.map(([prop, s]) =>
                  h(
                    'tr',
                    {},
                    h('td', { dataset: { label: t('docs.name') } }, h('code', {}, prop),
                      required.has(prop) ? h('span', { class: 'req' }, ' *') : null),
                    h('td', { dataset: { label: t('docs.type') } }, schemaNode(s)),
                    h('td', { dataset: { label: t('docs.description') } }, prose(s?.description)),
                  ),
                ),
              ),
            ),
          )
        : h('p', {}, schemaNode(schema)),
    ),
  );
}

function render() {
  if (!spec) return;
  const root = $('docs');
  // Keep what the reader had open across a language switch.
  const open = new Set([...root.querySelectorAll('details[open]')].map((d) => d.id));

  const info = spec.info || {};
  $('docs-info').textContent = [info.title, info.version && `v${info.version}`, spec.openapi && `OpenAPI ${spec.openapi}`]
    .filter(Boolean)
    .join(' · ');

  const untagged = t('docs.untagged');
  const groups = new Map((spec.tags || []).map((tag) => [tag.name, { description: tag.description, ops: [] }]));
  for (const [path, item] of Object.entries(spec.paths || {})) {
    const shared = item.parameters || [];
    for (const method of METHODS) {
      const op = item[method];
      if (!op) continue;
      for (const tag of op.tags?.length ? op.tags : [untagged]) {
        if (!groups.has(tag)) groups.set(tag, { description: null, ops: [] });
        groups.get(tag).ops.push(operation(path, method, op, shared));
      }
    }
  }

  const sections = [];
  for (const [name, group] of groups) {
    if (!group.ops.length) continue;
    sections.push(
      h(
        'details',
        { class: 'tag-group', id: `tag-${slug(name)}`, open: true },
        h('summary', {}, h('h2', {}, name), group.description ? h('span', { class: 'muted' }, prose(group.description)) : null),
        group.ops,
      ),
    );
  }
  const schemas = Object.entries(spec.components?.schemas || {}).sort(([a], [b]) => a.localeCompare(b));
  if (schemas.length) {
    sections.push(
      h(
        'details',
        { class: 'tag-group', id: 'tag-schemas' },
        h('summary', {}, h('h2', {}, t('docs.schemas'))),
        schemas.map(([name, s]) => schemaBlock(name, s)),
      ),
    );
  }
  clear(root).append(...sections, h('p', { id: 'docs-none', class: 'empty', hidden: true }, t('docs.no_ops')));
  for (const id of open) document.getElementById(id)?.setAttribute('open', '');
  root.removeAttribute('aria-busy');
  applyFilter();
  openHash();
}

function applyFilter() {
  const words = $('docs-filter').value.trim().toLowerCase().split(/\s+/).filter(Boolean);
  let shown = 0;
  for (const group of $('docs').querySelectorAll('.tag-group')) {
    let visible = 0;
    for (const block of group.querySelectorAll(':scope > details')) {
      const hit = words.every((w) => block.dataset.search.includes(w));
      block.hidden = !hit;
      if (hit) visible += 1;
    }
    group.hidden = visible === 0;
    if (words.length && visible) group.open = true;
    shown += visible;
  }
  const none = $('docs-none');
  if (none) none.hidden = shown > 0;
}

/** A link to #schema-X or #op-Y opens that block and the group around it. */
function openHash() {
  const id = decodeURIComponent(location.hash.slice(1));
  const target = id && document.getElementById(id);
  if (!target) return;
  for (let el = target; el; el = el.parentElement?.closest('details')) el.open = true;
  target.scrollIntoView({ block: 'start' });
}

function setAll(open) {
  for (const d of $('docs').querySelectorAll('details')) d.open = open;
  if (!open) for (const g of $('docs').querySelectorAll('.tag-group')) g.open = true;
}

async function load() {
  try {
    spec = await api('/api/v1/openapi.json');
    render();
  } catch (err) {
    say($('docs-error'), err.message);
    clear($('docs')).removeAttribute('aria-busy');
  }
}

initI18n();
onLangChange(render);
$('docs-filter').addEventListener('input', debounce(applyFilter, 150));
$('docs-expand').addEventListener('click', () => setAll(true));
$('docs-collapse').addEventListener('click', () => setAll(false));
window.addEventListener('hashchange', openHash);
load();
