// Browser end-to-end test of the built page in Debian's Chromium (headless, driven by npm playwright-core):
// serves the page on a free local port, waits for window.labReady, checks the start card of a first visit and
// walks the tour's first steps forth and back, clicks every tab and a gallery image,
// drops a PNG, and reads the input image back through lab.query("input") after each change; checks the
// Content-Security-Policy is in force; then, at devicePixelRatio 2, checks canvas sizing, resizing, the URL hash
// and the file picker; then the two threading modes (served cross-origin isolated or not: docs/threads.md). Any
// console error, page error, failed request, request to another origin or non-GET request fails the test.
// Screenshots go to the output folder; --docs FILE also saves the README screenshot.
// usage: node tests/browser/lab_test.mjs <page folder, e.g. build-wasm/web> <output folder> [--docs FILE]
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { READY_TIMEOUT_MS, check, failures, labControls, launch, serve } from './harness.mjs';
import { encodeGrayPng } from './png.mjs';

const STEP_TIMEOUT_MS = 30000;

const args = process.argv.slice(2);
const docsIndex = args.indexOf('--docs');
const docsFile = docsIndex >= 0 ? args.splice(docsIndex, 2)[1] : '';
const [pageDir, outDir] = args;
if (!pageDir || !outDir || (docsIndex >= 0 && !docsFile)) {
  console.error('usage: node tests/browser/lab_test.mjs <page folder> <output folder> [--docs FILE]');
  process.exit(2);
}
fs.mkdirSync(outDir, { recursive: true });

// The n-th image of the Fashion-MNIST test set the page serves, as 784 values in [0, 1].
function testSetImage(n) {
  const idx = zlib.gunzipSync(fs.readFileSync(path.join(pageDir, 'assets/data/t10k-images-idx3-ubyte.gz')));
  return Array.from(idx.subarray(16 + n * 784, 16 + (n + 1) * 784), (v) => v / 255);
}

const maxDiff = (a, b) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);

// One browser session: Chromium with its own profile, a page that records every problem (all of them fail
// the test unless the session provokes failures on purpose), and helpers that talk to the lab through window.lab.
async function openSession(origin, contextOptions, { provokesFailures = false } = {}) {
  const browser = await launch(contextOptions, origin);
  const { page, problems } = browser;

  const { query, click } = labControls(page);
  const session = {
    page,
    problems,
    query,
    click,
    state: () => query('state'),
    inputImage: async () => (await query('input')).image,
    waitFor: (fn, arg) => page.waitForFunction(fn, arg, { timeout: STEP_TIMEOUT_MS }),
    // Loads the page (once the page shown has no download in flight) and waits until the lab reports its first
    // frame with data drawn; false on a page error.
    async load(url) {
      await browser.settled();
      const started = Date.now();
      await page.goto(origin + url);
      await page.waitForFunction(() => window.labReady === true || !!window.labError, null,
                                 { timeout: READY_TIMEOUT_MS });
      const pageError = await page.evaluate(() => window.labError || '');
      check(!pageError, `${url} becomes ready without a page error ${pageError ? ': ' + pageError : ''}` +
                        `(${((Date.now() - started) / 1000).toFixed(1)} s)`);
      return !pageError;
    },
    async openTab(tab) {
      await session.click('tab.' + tab);
      await session.waitFor((key) => window.lab.query('state').tab === key, tab);
    },
    // Runs change() and waits until the lab's input image changed.
    async changeInput(change) {
      const version = (await session.state()).input_version;
      await change();
      await session.waitFor((v) => window.lab.query('state').input_version !== v, version);
      return session.inputImage();
    },
    async close() {
      if (!provokesFailures) {
        for (const problem of problems) check(false, problem);
        check(problems.length === 0, 'no console error, failed request or request to another origin');
      }
      await browser.close();
    },
  };
  return session;
}

// A 28x28 PNG with a dark background (so the lab uses it as is): its pixels in [0, 1] and its bytes.
function testPng() {
  const side = 28;
  const gray = new Uint8Array(side * side).map((_, i) => {
    const x = i % side, y = Math.floor(i / side);
    return x > 8 && x < 20 && y > 5 && y < 22 ? 40 + x * 9 : 0;
  });
  return { pixels: Array.from(gray, (v) => v / 255), bytes: encodeGrayPng(side, side, gray) };
}

// The page's Content-Security-Policy (web/index.html) is in force: the lab ran under it without a violation (any
// would have been a console error), a string is not run as code (a string timer: DevTools' own evaluation, which
// this test uses, is exempt from the policy), an inline script is refused, and a fetch to another origin is blocked
// before it leaves. The three violations provoked here are the only console errors this step may add.
async function checkContentPolicy(s) {
  const before = s.problems.length;
  const outcome = await s.page.evaluate(async () => {
    const violations = [];
    document.addEventListener('securitypolicyviolation', (e) => violations.push(e.effectiveDirective));
    setTimeout('window.cspStringRan = true', 0);
    const inline = document.createElement('script');
    inline.textContent = 'window.cspInlineRan = true';
    document.body.appendChild(inline);
    let fetched = false;
    try { await fetch('http://192.0.2.1/steal'); fetched = true; } catch (e) { fetched = false; }
    await new Promise((r) => setTimeout(r, 200));
    return { stringRan: !!window.cspStringRan, inlineRan: !!window.cspInlineRan, fetched, violations };
  });
  check(!outcome.stringRan, 'the Content-Security-Policy refuses to run a string as code');
  check(!outcome.inlineRan, 'the Content-Security-Policy refuses an inline script');
  check(!outcome.fetched, 'the Content-Security-Policy blocks a fetch to another origin');
  check(['script-src', 'script-src-elem', 'connect-src'].every((d) => outcome.violations.includes(d)),
        `each was reported as a policy violation (${outcome.violations.join(', ')})`);
  const provoked = s.problems.splice(before);
  check(provoked.every((p) => /Content Security Policy|192\.0\.2\.1/.test(p)),
        `the provoked violations are the only problems they added (${provoked.length})`);
}

// The first visit shows the start card; "Start the tour" opens step 1 (the Input view), Next the Attention view of
// step 2, Back step 1 again; the end hides the tour and localStorage remembers the visit.
async function tourSteps(s) {
  const tour = () => s.query('tour');
  check((await tour()).card && !!(await s.query('rects'))['tour.card'], 'the first visit shows the start card');
  const at = (step, tab) => s.waitFor(([n, key]) => window.lab.query('tour').step === n &&
                                                    window.lab.query('state').tab === key, [step, tab]);
  await s.click('tour.start');
  await at(0, 'input');
  await s.page.screenshot({ path: path.join(outDir, 'tour-step1.png') });
  await s.click('tour.next');
  await at(1, 'attention');
  check(true, 'Next opens step 2 in the Attention view');
  await s.click('tour.back');
  await at(0, 'input');
  check(true, 'Back returns to step 1 in the Input view');
  await s.click('tour.end');
  await s.waitFor(() => window.lab.query('tour').step === -1);
  check(!(await tour()).card, 'the tour ends and the card stays closed');
  check(await s.page.evaluate(() => localStorage.getItem('vitcnn.start_card_seen')) === '1',
        'localStorage remembers the visit');
}

// 1280x800 at devicePixelRatio 1: every tab, a gallery image, a dropped PNG, then the Korean page.
async function mainSession(origin) {
  const s = await openSession(origin, { viewport: { width: 1280, height: 800 } });
  try {
    if (!(await s.load('/index.html'))) return;
    await s.page.screenshot({ path: path.join(outDir, 'ready.png') });
    if (docsFile) await s.page.screenshot({ path: docsFile });
    await tourSteps(s);

    const tabs = Object.keys(await s.query('rects')).filter((k) => k.startsWith('tab.')).map((k) => k.slice(4));
    check(tabs.length >= 6, `the tab bar has ${tabs.length} tabs`);
    for (const tab of [...tabs.filter((t) => t !== 'input'), 'input']) {
      await s.openTab(tab);
      await s.page.screenshot({ path: path.join(outDir, `tab-${tab}.png`) });
      check(true, `tab '${tab}' opens`);
    }

    const gallery = await s.query('gallery');
    check(gallery.status === 'ready' && gallery.indices.length > 0, 'the gallery is loaded');
    const pick = Math.min(7, gallery.indices.length - 1);
    const picked = await s.changeInput(() => s.click('gallery.' + pick));
    check(maxDiff(picked, testSetImage(gallery.indices[pick])) < 1e-3,
          `clicking gallery.${pick} loads test image #${gallery.indices[pick]} as the input`);

    // The drop goes through the page's own drop handler, as a file dragged from the desktop would.
    const png = testPng();
    const dropped = await s.changeInput(() => s.page.evaluate((b64) => {
      const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      const transfer = new DataTransfer();
      transfer.items.add(new File([bytes], 'bars.png', { type: 'image/png' }));
      document.getElementById('canvas').dispatchEvent(
          new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
    }, png.bytes.toString('base64')));
    check(maxDiff(dropped, png.pixels) < 1e-3, 'a dropped PNG becomes the input image');
    await s.page.screenshot({ path: path.join(outDir, 'dropped.png') });
    await checkContentPolicy(s);

    // Hangul comes from the Nanum Gothic font merged into the atlas.
    if (await s.load('/index.html?lang=ko')) {
      check((await s.state()).language === 'ko', '?lang=ko opens the lab in Korean');
      check(!(await s.query('tour')).card && !(await s.query('rects'))['tour.card'],
            'the second visit shows no start card (localStorage remembers the first)');
      await s.page.screenshot({ path: path.join(outDir, 'ready-ko.png') });
    }
  } finally {
    await s.close();
  }
}

// devicePixelRatio 2: a sharp canvas that follows resizes, clicks still land, the URL hash follows the view
// and reopens it, and the file picker loads a file.
async function highDpiSession(origin) {
  const s = await openSession(origin, { viewport: { width: 1000, height: 700 }, deviceScaleFactor: 2 });
  try {
    if (!(await s.load('/index.html'))) return;
    const canvasSize = () => s.page.evaluate(() => [canvas.width, canvas.height]);
    check(JSON.stringify(await canvasSize()) === '[2000,1400]', 'the canvas has 2 device pixels per CSS pixel');
    await s.page.setViewportSize({ width: 800, height: 600 });
    await s.waitFor(() => canvas.width === 1600 && canvas.height === 1200);
    check(true, 'the canvas follows a window resize');

    await s.openTab('attention');
    // The page writes the hash at most every 200 ms (web/lab.js).
    await s.waitFor(() => location.hash.includes('attention')).catch(() => {});
    const hash = await s.page.evaluate(() => location.hash);
    check(hash.includes('attention'), `the URL hash follows the view (${hash})`);
    // A new query string makes it a fresh page load, not a jump within the page.
    await s.openTab('input');
    if (await s.load('/index.html?shared=1' + hash)) {
      check((await s.state()).tab === 'attention', 'opening the link reopens the view');
    }

    await s.openTab('input');
    const png = testPng();
    const file = path.join(outDir, 'picked.png');
    fs.writeFileSync(file, png.bytes);
    const picked = await s.changeInput(async () => {
      const chooser = s.page.waitForEvent('filechooser', { timeout: STEP_TIMEOUT_MS });
      await s.click('button.load');
      await (await chooser).setFiles(file);
    });
    check(maxDiff(picked, png.pixels) < 1e-3, 'the file picker loads the chosen PNG');
    await s.page.screenshot({ path: path.join(outDir, 'high-dpi.png') });
  } finally {
    await s.close();
  }
}

// A browser without WebAssembly SIMD or WebGL2, and a download that fails: each gets a plain message.
async function failureSession(origin) {
  const cases = [
    ['no WebAssembly SIMD', /SIMD/, (page) => page.addInitScript(() => { WebAssembly.validate = () => false; })],
    ['no WebGL2', /WebGL2/, (page) => page.addInitScript(() => {
      const getContext = HTMLCanvasElement.prototype.getContext;
      HTMLCanvasElement.prototype.getContext = function (type, ...rest) {
        return type === 'webgl2' ? null : getContext.call(this, type, ...rest);
      };
    })],
    ['a failed download', /Cannot download/, (page) => page.route('**/vitcnn-lab*.wasm', (route) => route.abort())],
  ];
  for (const [what, expected, provoke] of cases) {
    const s = await openSession(origin, { viewport: { width: 800, height: 600 } }, { provokesFailures: true });
    try {
      await provoke(s.page);
      await s.page.goto(origin + '/index.html');
      await s.waitFor(() => !!window.labError);
      const shown = await s.page.locator('#error').innerText();
      check(expected.test(shown) && (await s.page.locator('#error').isVisible()),
            `${what}: the page says so ("${shown.slice(0, 60)}…")`);
    } finally {
      await s.close();
    }
  }
}

// The two threading modes (docs/threads.md): served cross-origin isolated (as ./build_wasm.sh does) the page runs its
// threaded module, every core of the browser's, and its job thread; served without the headers (a plain static host)
// the single-thread module, which says why in Help -> About. Both compute the same predictions, bit for bit.
async function threadModesSession(isolatedOrigin) {
  const plain = await serve(pageDir, { isolated: false });
  const seen = {};
  try {
    for (const [mode, origin] of [['isolated', isolatedOrigin], ['not isolated', plain.origin]]) {
      const s = await openSession(origin, { viewport: { width: 1280, height: 800 } });
      try {
        if (!(await s.load('/index.html#tab=predictions'))) continue;
        const cores = await s.page.evaluate(() => Math.min(navigator.hardwareConcurrency || 1, 16));
        const threaded = await s.page.evaluate(() => window.lab.threaded);
        const state = await s.state();
        const want = mode === 'isolated'
          ? { threaded: true, kernel_threads: cores, job_thread: true, threads_need_isolation: false }
          : { threaded: false, kernel_threads: 1, job_thread: false, threads_need_isolation: true };
        const got = { threaded, kernel_threads: state.kernel_threads, job_thread: state.job_thread,
                      threads_need_isolation: state.threads_need_isolation };
        check(JSON.stringify(got) === JSON.stringify(want), `${mode}: ${JSON.stringify(got)}`);
        await s.waitFor(() => window.lab.query('predictions').models.every((m) => m.probs));
        seen[mode] = (await s.query('predictions')).models.map((m) => m.probs);
        await s.click('menu.help');
        await s.waitFor(() => !!window.lab.query('rects')['menu.about.threads']);
        await s.page.screenshot({ path: path.join(outDir, `about-${mode.replace(' ', '-')}.png`) });
        check(true, `${mode}: Help -> About shows how the lab computes (about-${mode.replace(' ', '-')}.png)`);
      } finally {
        await s.close();
      }
    }
  } finally {
    plain.server.kill();
  }
  const a = (seen.isolated || []).flat(), b = (seen['not isolated'] || []).flat();
  check(a.length > 0 && a.length === b.length && a.every((v, i) => v === b[i]),
        `both modes predict the same probabilities, bit for bit (${a.length} values)`);
}

async function run() {
  const { server, origin } = await serve(pageDir);
  try {
    await mainSession(origin);
    await highDpiSession(origin);
    await threadModesSession(origin);
    await failureSession(origin);
  } finally {
    server.kill();
  }
}

run().then(
    () => {
      console.log(failures.length ? `browser test: ${failures.length} failure(s)` : 'browser test: all checks passed');
      process.exit(failures.length ? 1 : 0);
    },
    (error) => {
      console.error('browser test: ' + (error.stack || error));
      process.exit(1);
    });
