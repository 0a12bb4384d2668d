// The scanner's IndexedDB, as promises: the kits, the queue of offline verdicts waiting for
// upload, and the device-local first-use table. One database per browser profile; every
// record names the device it belongs to.

const NAME = 'yingbin-offline';
const VERSION = 1;

let opening = null;

/** The database, opened (and created) once. */
export function db() {
  if (!opening) {
    opening = new Promise((resolve, reject) => {
      if (!globalThis.indexedDB) {
        reject(new Error('IndexedDB is not available'));
        return;
      }
      const req = indexedDB.open(NAME, VERSION);
      req.onupgradeneeded = () => {
        const d = req.result;
        if (!d.objectStoreNames.contains('kits')) d.createObjectStore('kits', { keyPath: 'device_id' });
        if (!d.objectStoreNames.contains('queue')) {
          const q = d.createObjectStore('queue', { keyPath: 'nonce' });
          q.createIndex('state', 'state');
        }
        if (!d.objectStoreNames.contains('first_use')) d.createObjectStore('first_use', { keyPath: 'key' });
      };
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
      req.onblocked = () => reject(new Error('IndexedDB blocked'));
    }).catch((err) => {
      opening = null;
      throw err;
    });
  }
  return opening;
}

const done = (req) =>
  new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });

/** Run `fn(store)` in one transaction on `name`; resolves with fn's result once committed. */
export async function withStore(name, mode, fn) {
  const d = await db();
  return new Promise((resolve, reject) => {
    const tx = d.transaction(name, mode);
    let result;
    tx.oncomplete = () => resolve(result);
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error || new Error('transaction aborted'));
    Promise.resolve(fn(tx.objectStore(name))).then((r) => {
      result = r;
    }, reject);
  });
}

export const get = (name, key) => withStore(name, 'readonly', (s) => done(s.get(key)));
export const put = (name, value) => withStore(name, 'readwrite', (s) => done(s.put(value)));
export const all = (name) => withStore(name, 'readonly', (s) => done(s.getAll()));
export const byIndex = (name, index, value) => withStore(name, 'readonly', (s) => done(s.index(index).getAll(value)));
export const countBy = (name, index, value) => withStore(name, 'readonly', (s) => done(s.index(index).count(value)));
export const remove = (name, key) => withStore(name, 'readwrite', (s) => done(s.delete(key)));

/** Put many values in one transaction. */
export function putAll(name, values) {
  return withStore(name, 'readwrite', (s) => Promise.all(values.map((v) => done(s.put(v)))));
}
