// Browser end-to-end test of the built page in Debian's Chromium (headless, driven by npm playwright-core):
// serves the page on a free local port, waits for window.labReady, clicks every tab and a gallery image,
// drops a PNG, and reads the input image back through lab.query("input") after each change. Any console
// error, page error, failed request or request to another origin fails the test. Screenshots go to the
// output folder; --docs FILE also saves the README screenshot.
// usage: node tests/browser/lab_test.mjs <page folder, e.g. build-wasm/web> <output folder> [--docs FILE]
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';
import { encodeGrayPng } from './png.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const require = createRequire(path.join(ROOT, 'web/package.json'));
const { chromium } = require('playwright-core');

const READY_TIMEOUT_MS = 180000;  // wasm compile + software WebGL on a 2-core machine
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

// python3 -m http.server on port 0 (the OS picks a free one); it prints the port it got.
function startServer(dir) {
  const server = spawn('python3', ['-u', '-m', 'http.server', '0', '--bind', '127.0.0.1', '--directory', dir],
                       { stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error('http.server did not start: ' + seen)), 20000);
    server.stdout.on('data', (chunk) => {
      seen += chunk;
      const match = /port (\d+)/.exec(seen);
      if (match) {
        clearTimeout(timer);
        resolve({ server, origin: `http://127.0.0.1:${match[1]}` });
      }
    });
    server.stderr.on('data', () => {});  // request log
    server.on('exit', (code) => reject(new Error('http.server exited with ' + code)));
  });
}

// The n-th image of the Fashion-MNIST test set the page serves, as 784 values in [0, 1].
function testSetImage(n) {
  const idx = zlib.gunzipSync(fs.readFileSync(path.join(pageDir, 'assets/data/t10k-images-idx3-ubyte.gz')));
  return Array.from(idx.subarray(16 + n * 784, 16 + (n + 1) * 784), (v) => v / 255);
}

const maxDiff = (a, b) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);

const failures = [];
function check(ok, what) {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
  if (!ok) failures.push(what);
}

async function run() {
  const { server, origin } = await startServer(pageDir);
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'vitcnn-chromium-'));
  let context;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: '/usr/bin/chromium',
      headless: true,
      viewport: { width: 1280, height: 800 },
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
             '--disable-component-update', '--disable-sync'],
    });
    const page = context.pages()[0] || (await context.newPage());
    const problems = [];
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push('console error: ' + message.text());
    });
    page.on('pageerror', (error) => problems.push('page error: ' + error.message));
    page.on('requestfailed', (request) => problems.push('failed request: ' + request.url()));
    page.on('response', (response) => {
      if (response.status() >= 400) problems.push(`HTTP ${response.status()}: ${response.url()}`);
    });
    page.on('request', (request) => {
      const url = new URL(request.url());
      if (url.protocol !== 'data:' && url.origin !== origin) problems.push('request to another origin: ' + url);
    });

    const started = Date.now();
    await page.goto(origin + '/index.html');
    await page.waitForFunction(() => window.labReady === true || !!window.labError, null,
                               { timeout: READY_TIMEOUT_MS });
    const pageError = await page.evaluate(() => window.labError || '');
    check(!pageError, 'the page reports no error' + (pageError ? ': ' + pageError : ''));
    if (pageError) return;
    console.log(`ready after ${((Date.now() - started) / 1000).toFixed(1)} s`);
    await page.screenshot({ path: path.join(outDir, 'ready.png') });
    if (docsFile) await page.screenshot({ path: docsFile });

    const query = (what) => page.evaluate((w) => window.lab.query(w), what);
    const state = () => query('state');
    const inputImage = async () => (await query('input')).image;
    const clickRect = async (name) => {
      const rect = (await query('rects'))[name];
      if (!rect) throw new Error(`no widget rectangle '${name}' in lab.query("rects")`);
      await page.mouse.click(rect[0] + rect[2] / 2, rect[1] + rect[3] / 2);
    };
    const waitFor = (fn, arg) => page.waitForFunction(fn, arg, { timeout: STEP_TIMEOUT_MS });

    // Every tab: click it, wait until the lab drew it, keep a screenshot.
    const tabs = Object.keys(await query('rects')).filter((k) => k.startsWith('tab.')).map((k) => k.slice(4));
    check(tabs.length >= 6, `the tab bar has ${tabs.length} tabs`);
    for (const tab of [...tabs.slice(1), tabs[0]]) {
      await clickRect('tab.' + tab);
      await waitFor((key) => window.lab.query('state').tab === key, tab);
      await page.screenshot({ path: path.join(outDir, `tab-${tab}.png`) });
      check(true, `tab '${tab}' opens`);
    }

    // A gallery image: the input becomes exactly that test-set image.
    const gallery = await query('gallery');
    check(gallery.status === 'ready' && gallery.indices.length > 0, 'the gallery is loaded');
    const pick = Math.min(7, gallery.indices.length - 1);
    const before = await state();
    await clickRect('gallery.' + pick);
    await waitFor((v) => window.lab.query('state').input_version !== v, before.input_version);
    const picked = await inputImage();
    check(maxDiff(picked, testSetImage(gallery.indices[pick])) < 1e-3,
          `clicking gallery.${pick} loads test image #${gallery.indices[pick]} as the input`);

    // A dropped PNG (dark background, so used as is): the input becomes its pixels.
    const side = 28;
    const gray = new Uint8Array(side * side).map((_, i) => ((i % side) > 8 && (i % side) < 20 && i > 5 * side &&
                                                              i < 22 * side ? 40 + (i % side) * 9 : 0));
    const png = encodeGrayPng(side, side, gray).toString('base64');
    const version = (await state()).input_version;
    await page.evaluate((b64) => {
      const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      const transfer = new DataTransfer();
      transfer.items.add(new File([bytes], 'bars.png', { type: 'image/png' }));
      document.getElementById('canvas').dispatchEvent(
          new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
    }, png);
    await waitFor((v) => window.lab.query('state').input_version !== v, version);
    const dropped = await inputImage();
    check(maxDiff(dropped, Array.from(gray, (v) => v / 255)) < 1e-3, 'a dropped PNG becomes the input image');
    await page.screenshot({ path: path.join(outDir, 'dropped.png') });

    // The same page in Korean (?lang=ko): Hangul comes from the merged Nanum Gothic font.
    await page.goto(origin + '/index.html?lang=ko');
    await page.waitForFunction(() => window.labReady === true || !!window.labError, null,
                               { timeout: READY_TIMEOUT_MS });
    check((await state()).language === 'ko', '?lang=ko opens the lab in Korean');
    await page.screenshot({ path: path.join(outDir, 'ready-ko.png') });
    for (const problem of problems) check(false, problem);
    check(problems.length === 0, 'no console error, failed request or request to another origin');
  } finally {
    if (context) await context.close();
    server.kill();
    fs.rmSync(profile, { recursive: true, force: true });
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
