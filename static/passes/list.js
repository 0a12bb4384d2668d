// A page of passes in a table with checkboxes: paging, selection, the bulk bar's buttons.
// The three tabs of the pass desk each make one.

import { api } from '../js/api.js';
import { clear, h } from '../js/dom.js';
import { t } from '../js/i18n.js';

const $ = (id) => document.getElementById(id);

/**
 * @param {object} o
 * @param {string} o.table      id of the <table>
 * @param {string} o.prefix     id prefix of the controls: `${prefix}-all`, -selected, -total, -empty, -prev, -next, -page
 * @param {() => string|null} o.path  the list URL without limit/offset; null = nothing to load
 * @param {(pass, cell) => Node[]} o.cells  the row's cells after the checkbox
 * @param {(pass) => object} [o.rowData]  extra data-* for the row
 * @param {number} [o.pageSize=50]
 * @param {(err) => void} o.onError
 */
export function passList(o) {
  const pageSize = o.pageSize || 50;
  const table = $(o.table);
  const tbody = table.querySelector('tbody');
  const all = $(`${o.prefix}-all`);
  const selected = new Set(); // ids as strings
  let items = [];
  const known = new Map(); // every pass seen, so a selection across pages can be named
  let total = 0;
  let offset = 0;
  let seq = 0;
  let shown = false; // nothing to re-render before the first answer
  let onSelection = () => {};

  /** A cell with its column label for the phone card layout. */
  function cell(labelKey, cls, ...content) {
    const empty = content.every((c) => c === '' || c === null || c === undefined);
    return h(
      'td',
      { class: empty ? `${cls} is-empty` : cls, dataset: { label: labelKey ? t(labelKey) : '' } },
      h('span', { class: 'cell' }, empty ? t('common.none') : content),
    );
  }

  function row(pass) {
    const id = String(pass.id);
    const check = h('input', {
      type: 'checkbox',
      class: 'row-check',
      dataset: { id },
      'aria-label': t('passes.select_one', { id }),
    });
    check.checked = selected.has(id);
    return h(
      'tr',
      {
        dataset: { passId: id, status: pass.status || '', ...(o.rowData ? o.rowData(pass) : {}) },
        class: selected.has(id) ? 'is-selected' : null,
      },
      h('td', { class: 'c-check' }, check),
      ...o.cells(pass, cell),
    );
  }

  function render() {
    shown = true;
    clear(tbody).append(...items.map(row));
    $(`${o.prefix}-empty`).hidden = items.length > 0;
    $(`${o.prefix}-total`).textContent = String(total);
    const from = items.length ? offset + 1 : 0;
    const to = offset + items.length;
    $(`${o.prefix}-page`).textContent = total ? t('list.page_info', { from, to, total }) : t('list.page_info_empty');
    $(`${o.prefix}-prev`).disabled = offset === 0;
    $(`${o.prefix}-next`).disabled = to >= total;
    syncSelection();
  }

  function syncSelection() {
    $(`${o.prefix}-selected`).textContent = String(selected.size);
    const onPage = items.filter((p) => selected.has(String(p.id))).length;
    all.checked = items.length > 0 && onPage === items.length;
    all.indeterminate = onPage > 0 && onPage < items.length;
    for (const tr of tbody.querySelectorAll('tr[data-pass-id]')) {
      const on = selected.has(tr.dataset.passId);
      tr.classList.toggle('is-selected', on);
      const box = tr.querySelector('.row-check');
      if (box) box.checked = on;
    }
    onSelection(selected.size);
  }

  async function load() {
    const path = o.path();
    const mine = ++seq;
    if (!path) {
      items = [];
      total = 0;
      render();
      return;
    }
    table.setAttribute('aria-busy', 'true');
    const sep = path.includes('?') ? '&' : '?';
    try {
      const page = await api(`${path}${sep}limit=${pageSize}&offset=${offset}`);
      if (mine !== seq) return;
      const list = Array.isArray(page) ? page : Array.isArray(page?.items) ? page.items : [];
      total = Array.isArray(page) ? list.length : Number(page?.total ?? list.length);
      items = list;
      for (const p of list) known.set(String(p.id), p);
      if (items.length === 0 && offset > 0 && total > 0) {
        offset = Math.floor((total - 1) / pageSize) * pageSize;
        return load();
      }
      render();
    } catch (err) {
      if (mine !== seq) return;
      o.onError(err);
    } finally {
      if (mine === seq) table.removeAttribute('aria-busy');
    }
  }

  tbody.addEventListener('change', (e) => {
    const box = e.target.closest('.row-check');
    if (!box) return;
    if (box.checked) selected.add(box.dataset.id);
    else selected.delete(box.dataset.id);
    syncSelection();
  });
  // On a phone the whole card is the target: a tap anywhere on it (not a link) toggles it.
  tbody.addEventListener('click', (e) => {
    if (e.target.closest('a, button, input, label, select')) return;
    const tr = e.target.closest('tr[data-pass-id]');
    if (!tr) return;
    const id = tr.dataset.passId;
    if (selected.has(id)) selected.delete(id);
    else selected.add(id);
    syncSelection();
  });
  all.addEventListener('change', () => {
    for (const p of items) {
      if (all.checked) selected.add(String(p.id));
      else selected.delete(String(p.id));
    }
    syncSelection();
  });
  $(`${o.prefix}-prev`).addEventListener('click', () => {
    offset = Math.max(0, offset - pageSize);
    load();
  });
  $(`${o.prefix}-next`).addEventListener('click', () => {
    offset += pageSize;
    load();
  });

  return {
    load,
    render() {
      if (shown) render();
    },
    /** Back to the first page, selection cleared (the filter changed). */
    reset() {
      offset = 0;
      selected.clear();
      return load();
    },
    /** The selected ids, in the order shown where possible. */
    selectedIds() {
      return [...selected];
    },
    clearSelection() {
      selected.clear();
      syncSelection();
    },
    /** The pass with this id, if it has been shown on some page. */
    find(id) {
      return known.get(String(id)) || null;
    },
    onSelection(fn) {
      onSelection = fn;
      syncSelection();
    },
    get total() {
      return total;
    },
  };
}
