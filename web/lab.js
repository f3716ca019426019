// ViT vs CNN Lab, the page around the WebAssembly module: checks the browser, downloads the module with a
// progress bar, starts it, and connects it to the page (assets, file picker, drag and drop, URL hash).
// Tests and scripts use window.lab (query, openBytes, openFile, forgetResults, threaded) and wait for window.labReady
// (the test set and the default models are in; window.labShown: the first frame, the overlay gone).
'use strict';
(function () {
  const overlay = document.getElementById('overlay');
  const bar = document.querySelector('#bar > div');
  const statusLine = document.getElementById('status');
  const errorBox = document.getElementById('error');
  const canvas = document.getElementById('canvas');
  const fileInput = document.getElementById('file');
  window.labReady = false;

  function fail(message) {
    if (window.labError) return;
    window.labError = message;
    overlay.hidden = false;
    statusLine.hidden = true;
    document.getElementById('bar').hidden = true;
    errorBox.hidden = false;
    errorBox.textContent = message;
    console.error('vitcnn-lab: ' + message);
  }

  // A module with one function returning a v128 constant: valid only where WebAssembly SIMD is supported.
  const SIMD_PROBE = Uint8Array.from(atob('AGFzbQEAAAABBQFgAAF7AwIBAAoWARQA/QwAAAAAAAAAAAAAAAAAAAAACw=='),
                                     (c) => c.charCodeAt(0));
  function browserProblem() {
    if (typeof WebAssembly !== 'object') return 'This browser cannot run WebAssembly, which the lab needs.';
    if (!WebAssembly.validate(SIMD_PROBE)) {
      return 'This browser lacks WebAssembly SIMD, which the lab needs. Chrome 91+, Firefox 89+ and ' +
             'Safari 16.4+ have it.';
    }
    let gl = null;
    try { gl = document.createElement('canvas').getContext('webgl2'); } catch (e) { gl = null; }
    if (!gl) return 'This browser (or its settings) offers no WebGL2, which the lab needs to draw.';
    return '';
  }

  // Download progress: the module is the first half of the bar, the assets the lab asks for the second.
  const progress = { moduleLoaded: 0, moduleTotal: 0, assetLoaded: 0, assetTotal: 0, assetsPending: 0 };
  const megabytes = (n) => (n / 1048576).toFixed(1);
  function showProgress() {
    if (window.labReady || window.labError) return;
    const part = (loaded, total) => (total > 0 ? Math.min(loaded / total, 1) : 0);
    const moduleDone = progress.moduleTotal > 0 && progress.moduleLoaded >= progress.moduleTotal;
    bar.style.width = (50 * part(progress.moduleLoaded, progress.moduleTotal) +
                       50 * part(progress.assetLoaded, progress.assetTotal)).toFixed(1) + '%';
    if (!moduleDone) {
      statusLine.textContent = 'Downloading the lab… ' + megabytes(progress.moduleLoaded) + ' / ' +
                               megabytes(progress.moduleTotal) + ' MB';
    } else if (progress.assetsPending > 0) {
      statusLine.textContent = 'Loading fonts, data and models… ' + megabytes(progress.assetLoaded) + ' / ' +
                               megabytes(progress.assetTotal) + ' MB';
    } else {
      statusLine.textContent = 'Starting…';
    }
  }

  // Fetches a same-origin file, reporting received bytes; resolves to its bytes or rejects with a message.
  async function download(url, onTotal, onBytes) {
    const response = await fetch(url);
    if (!response.ok) throw new Error('HTTP ' + response.status + ' for ' + url);
    onTotal(Number(response.headers.get('Content-Length')) || 0);
    const reader = response.body.getReader();
    const chunks = [];
    let length = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      length += value.length;
      onBytes(value.length);
    }
    const bytes = new Uint8Array(length);
    let offset = 0;
    for (const chunk of chunks) {
      bytes.set(chunk, offset);
      offset += chunk.length;
    }
    return bytes;
  }

  // After the first visit the page works offline (web/sw.js.in). The worker starts once the lab is ready, so it takes
  // nothing from the first load; it is handed the files fetched before it ran (the browser's HTTP cache still has
  // them) and keeps the ones fetched later itself. window.labOffline = number of files kept, once it has them.
  function keepOffline() {
    if (!('serviceWorker' in navigator)) return;  // not a secure context (http to another host than this one)
    navigator.serviceWorker.register('sw.js')
      .then(() => navigator.serviceWorker.ready)
      .then((registration) => {
        const urls = [location.href].concat(performance.getEntriesByType('resource').map((entry) => entry.name));
        const channel = new MessageChannel();
        channel.port1.onmessage = (event) => { window.labOffline = event.data.cached; };
        registration.active.postMessage({ cache: urls }, [channel.port2]);
      })
      .catch((error) => console.warn('vitcnn-lab: no offline copy: ' + error.message));
  }

  // A new build's worker took over from the one that answered this load (from the old build's copy): load it again.
  if ('serviceWorker' in navigator && navigator.serviceWorker.controller) {
    navigator.serviceWorker.addEventListener('controllerchange', () => location.reload());
  }

  function openFile(file) {
    if (!file) return Promise.resolve();
    return file.arrayBuffer().then((buffer) => Module.labOpenFile(new Uint8Array(buffer), file.name));
  }

  // The hash holds the lab's view state; readable characters stay as they are so shared links stay legible.
  const encodeView = (state) => encodeURI(state).replace(/#/g, '%23');
  function decodeView(hash) {
    try { return decodeURI(hash.replace(/^#/, '')); } catch (e) { return ''; }
  }

  // The language of the first frame: a link's lang= (the hash, as Copy link writes it), then ?lang=, then the
  // browser's. The shell waits for the Korean font before a Korean first frame (src/platform/shell.cpp).
  function language() {
    for (const asked of [new URLSearchParams(location.hash.slice(1)).get('lang'),
                         new URLSearchParams(location.search).get('lang')]) {
      if (asked === 'en' || asked === 'ko') return asked;
    }
    return (navigator.language || '').toLowerCase().startsWith('ko') ? 'ko' : 'en';
  }

  // Threads need SharedArrayBuffer, which browsers give only to a cross-origin isolated page (served with the COOP
  // and COEP headers, as ./build_wasm.sh does): there the threaded module, elsewhere the single-thread one, which
  // says why in Help -> About (docs/threads.md).
  const threaded = window.crossOriginIsolated === true && typeof SharedArrayBuffer === 'function';
  const moduleName = threaded ? 'vitcnn-lab-mt' : 'vitcnn-lab';

  const Module = {
    canvas: canvas,
    arguments: ['--lang', language()],
    // The threaded module's workers, started before main (the kernel threads start from the main thread, which
    // cannot wait for a worker to load): one per core up to the lab's 16 kernel threads, or per ?threads=N (below):
    // N - 1 kernel workers and the job thread.
    labThreadPool: Math.min(navigator.hardwareConcurrency || 1, 16),
    print: (text) => console.log(text),
    printErr: (text) => console.warn(text),
    onAbort: (what) => fail('The lab stopped: ' + what),
    // Called by the module (src/platform/main_web.cpp).
    labFetch: function (id, path) {
      progress.assetsPending += 1;
      download('assets/' + path, (total) => { progress.assetTotal += total; showProgress(); },
               (n) => { progress.assetLoaded += n; showProgress(); })
        .then((bytes) => Module.labDeliver(id, bytes, ''),
              (error) => Module.labDeliver(id, new Uint8Array(0), 'cannot load ' + path + ': ' + error.message))
        .finally(() => { progress.assetsPending -= 1; showProgress(); });
    },
    labPickFile: () => fileInput.click(),
    labSaveFile: function (name, bytes) {
      const link = document.createElement('a');
      link.href = URL.createObjectURL(new Blob([bytes]));
      link.download = name;
      link.click();
      setTimeout(() => URL.revokeObjectURL(link.href), 60000);
    },
    // The first frame: the lab takes input while its test set and models arrive (it says what is loading).
    onLabShown: function () {
      window.labShown = true;
      overlay.hidden = true;
      canvas.focus();
    },
    onLabReady: function () {
      window.labReady = true;
      keepOffline();
    },
    onLabError: fail,
    // The hash follows the view state at most every 200 ms (browsers limit replaceState calls; drawing changes the
    // state every frame).
    onLabViewState: function (state) {
      hashState.latest = state;
      if (hashState.timer) return;
      const write = () => {
        const url = location.pathname + location.search + (hashState.latest ? '#' + encodeView(hashState.latest) : '');
        history.replaceState(null, '', url);
      };
      write();
      hashState.timer = setTimeout(() => { hashState.timer = null; write(); }, 200);
    },
    // "Copy link" (src/platform/main_web.cpp): this page's link to the state, put on the clipboard; '' without one.
    labShareLink: function (state) {
      if (!navigator.clipboard) return '';
      const link = location.origin + location.pathname + '#' + encodeView(state);
      // The clipboard answers later; a refusal (no permission, the page not focused) replaces the status line's
      // "Link copied".
      navigator.clipboard.writeText(link).catch((e) => Module.labLinkCopyFailed(e.message || String(e)));
      return link;
    },
  };
  const hashState = { latest: '', timer: null };
  // ?scale=1.5 is a view key like the hash's (a bad value is ignored there); the hash's own scale= wins.
  const scale = new URLSearchParams(location.search).get('scale');
  // The view state of this address with `hash`: the page opens it, and opens it again when only the hash changes.
  const linkView = (hash) => (scale ? 'scale=' + scale + '&' : '') + decodeView(hash);
  // ?threads=N: the threaded module's kernel threads (benchmarks compare counts); a bad value is the module's message.
  const threadCount = new URLSearchParams(location.search).get('threads');
  if (threaded && threadCount) {
    Module.arguments.push('--threads', threadCount);
    Module.labThreadPool = Math.max(Module.labThreadPool, Math.min(parseInt(threadCount, 10) || 1, 16));
  }
  const view = linkView(location.hash);
  if (view) Module.arguments.push('--view', view);
  window.Module = Module;

  window.lab = {
    query: (what) => JSON.parse(Module.labQuery(what)),
    openBytes: (bytes, name) => Module.labOpenFile(bytes, name),
    openFile: openFile,
    forgetResults: () => Module.labForgetResults(),
    threaded: threaded,
  };

  fileInput.addEventListener('change', () => {
    openFile(fileInput.files[0]);
    fileInput.value = '';
  });
  window.addEventListener('dragover', (event) => event.preventDefault());
  window.addEventListener('drop', (event) => {
    event.preventDefault();
    if (window.labShown && event.dataTransfer) openFile(event.dataTransfer.files[0]);
  });
  // A link pasted into this page's address bar changes only the hash: the lab opens it where it runs, exactly as a
  // fresh page would (Module.labOpenLink: the settings the link leaves out return to their defaults). The page's own
  // hash writer (onLabViewState) uses history.replaceState, which fires no hashchange, so it never resets anything.
  // The event's own URL, not location.hash: the writer may have replaced the hash before the event arrives.
  window.addEventListener('hashchange', (event) => {
    if (window.labShown) Module.labOpenLink(linkView(new URL(event.newURL).hash));
  });
  window.addEventListener('error', (event) => fail('Script error: ' + event.message));

  const problem = browserProblem();
  if (problem) {
    fail(problem);
    return;
  }
  showProgress();
  download(moduleName + '.wasm', (total) => { progress.moduleTotal = total; showProgress(); },
           (n) => { progress.moduleLoaded += n; showProgress(); })
    .then((bytes) => {
      progress.moduleTotal = progress.moduleLoaded = bytes.length;
      showProgress();
      Module.wasmBinary = bytes;
      const script = document.createElement('script');
      script.src = moduleName + '.js';
      script.onerror = () => fail('Cannot load ' + moduleName + '.js.');
      document.body.appendChild(script);
    }, (error) => fail('Cannot download the lab: ' + error.message));
})();
