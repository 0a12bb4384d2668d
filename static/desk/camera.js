// The desk tablet's camera as a second scanner, for desks without a handheld one.
//
// The same two decoders as the checkpoint (static/checkpoint/checkpoint.js): the browser's
// own BarcodeDetector where it reads QR, else jsQR vendored at /vendor/jsQR.js (no CDN: the
// hotel network may be closed), loaded only then. A code held in front of the lens is read
// many times a second: the same text within 3 s is passed on once.

const JSQR_SRC = '/vendor/jsQR.js';
const JSQR_MAX_SIDE = 640;
const INTERVAL_MS = 150;
const REPEAT_MS = 3000;

let jsQrLoading = null;

function loadJsQr() {
  if (typeof window.jsQR === 'function') return Promise.resolve(window.jsQR);
  if (!jsQrLoading) {
    jsQrLoading = new Promise((resolve, reject) => {
      const el = document.createElement('script');
      el.src = JSQR_SRC;
      el.async = true;
      el.onload = () => (typeof window.jsQR === 'function' ? resolve(window.jsQR) : reject(new Error('jsQR did not load')));
      el.onerror = () => {
        el.remove();
        reject(new Error('jsQR did not load'));
      };
      document.head.append(el);
    }).catch((err) => {
      jsQrLoading = null; // the next start tries again
      throw err;
    });
  }
  return jsQrLoading;
}

async function nativeReader() {
  if (!('BarcodeDetector' in window)) return null;
  try {
    if (typeof BarcodeDetector.getSupportedFormats === 'function' && !(await BarcodeDetector.getSupportedFormats()).includes('qr_code')) return null;
    const detector = new BarcodeDetector({ formats: ['qr_code'] });
    return async (video) => (await detector.detect(video)).map((c) => c && c.rawValue).filter(Boolean);
  } catch {
    return null;
  }
}

function jsQrReader(jsQR) {
  const canvas = document.createElement('canvas');
  let ctx = null;
  return async (video) => {
    const vw = video.videoWidth;
    const vh = video.videoHeight;
    if (!vw || !vh) return [];
    // 640 px on the long side still resolves a pass held in the frame, at a quarter of the work.
    const scale = Math.min(1, JSQR_MAX_SIDE / Math.max(vw, vh));
    const width = Math.max(1, Math.round(vw * scale));
    const height = Math.max(1, Math.round(vh * scale));
    if (canvas.width !== width || canvas.height !== height) {
      canvas.width = width;
      canvas.height = height;
      ctx = null;
    }
    if (!ctx) ctx = canvas.getContext('2d', { willReadFrequently: true });
    ctx.drawImage(video, 0, 0, width, height);
    const code = jsQR(ctx.getImageData(0, 0, width, height).data, width, height, { inversionAttempts: 'dontInvert' });
    return code && code.data ? [code.data] : [];
  };
}

/**
 * A camera switch. `onCode(text)` gets each new code; `onNote(key)` an i18n key to show when
 * the camera cannot start (null clears it); `onState(on)` follows the switch.
 */
export function createCamera({ video, box, onCode, onNote, onState }) {
  let stream = null;
  let read = null;
  let timer = null;
  let gen = 0; // bumped on stop: a loop from an earlier start ends itself
  const lastSeen = new Map();

  function seen(text) {
    const now = Date.now();
    const before = lastSeen.get(text);
    lastSeen.set(text, now);
    for (const [k, at] of lastSeen) if (now - at > REPEAT_MS * 4) lastSeen.delete(k);
    return before && now - before < REPEAT_MS;
  }

  async function loop(my) {
    if (my !== gen || !stream) return;
    if (video.readyState >= 2) {
      try {
        for (const text of await read(video)) if (my === gen && !seen(text)) onCode(text);
      } catch {
        // A frame that cannot be read (camera switching): try the next.
      }
    }
    if (my === gen && stream) timer = setTimeout(() => loop(my), INTERVAL_MS);
  }

  async function start() {
    if (stream) return;
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) return onNote('cp.camera_insecure');
    const my = ++gen;
    let media;
    try {
      media = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' }, audio: false });
    } catch (err) {
      return onNote(err && err.name === 'NotAllowedError' ? 'cp.camera_denied' : 'cp.camera_failed');
    }
    try {
      read = (await nativeReader()) || jsQrReader(await loadJsQr());
    } catch {
      for (const track of media.getTracks()) track.stop();
      return onNote('cp.camera_decoder_failed');
    }
    if (my !== gen) {
      for (const track of media.getTracks()) track.stop(); // switched off meanwhile
      return;
    }
    stream = media;
    onNote(null);
    video.srcObject = stream;
    box.hidden = false;
    video.play().catch(() => {});
    onState(true);
    loop(my);
  }

  function stop() {
    gen += 1;
    clearTimeout(timer);
    if (stream) for (const track of stream.getTracks()) track.stop();
    stream = null;
    video.srcObject = null;
    box.hidden = true;
    onState(false);
  }

  // A tablet put to sleep should not keep the camera on; it comes back with the page.
  let resume = false;
  document.addEventListener('visibilitychange', () => {
    if (document.hidden && stream) {
      resume = true;
      stop();
    } else if (!document.hidden && resume) {
      resume = false;
      start();
    }
  });

  return { start, stop, toggle: () => (stream ? stop() : start()), isOn: () => Boolean(stream) };
}
