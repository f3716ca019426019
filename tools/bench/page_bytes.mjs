// How many bytes the lab page downloads before its first interactive frame (issue #12 item 7, goal <= 3 MB): serves
// the page folder (tools/serve.py through tests/browser/harness.mjs) cross-origin isolated, as ./build_wasm.sh serves
// it (the threaded module and its worker script), and again without those headers (the single-thread module), and
// opens it in headless Debian Chromium with a fresh profile (nothing cached) over a link throttled to a classroom's
// 10 Mbit/s (CDP network emulation, 20 ms latency). Two moments are noted as the page reaches them: window.labShown
// (the first frame: the loading overlay goes away and the lab takes input while its test set and models still arrive)
// and window.labReady (the test set and the four default models are in). For the first it prints every response that
// had ended by then with the bytes received (Playwright's request sizes: body + headers, the page's and its workers'
// requests alike), and the total; for the second the total. An English and a Korean session per module. The
// "gzip -9" column is what the same file would weigh compressed (measured here on the file itself: the server sends
// no Content-Encoding), for a server that compresses. It asserts nothing.
//   node tools/bench/page_bytes.mjs [page folder, default build-wasm/web] [--lang en|ko (default: both)]
//                                   [--module threaded|single (default: both)]
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

import { READY_TIMEOUT_MS, ROOT, launch, serve } from '../../tests/browser/harness.mjs';

const GOAL_BYTES = 3e6;
const LINK = { offline: false, latency: 20, downloadThroughput: 10e6 / 8, uploadThroughput: 10e6 / 8 };

function parseArgs(argv) {
  const opts = { dir: path.join(ROOT, 'build-wasm/web'), langs: ['en', 'ko'], modules: ['threaded', 'single'] };
  for (let i = 0; i < argv.length; ++i) {
    if (argv[i] === '--lang' && i + 1 < argv.length) opts.langs = [argv[++i]];
    else if (argv[i] === '--module' && i + 1 < argv.length) opts.modules = [argv[++i]];
    else opts.dir = path.resolve(argv[i]);
  }
  return opts;
}

// Notes performance.now() in window.benchAt[name] when the page first sets window[name] to true.
function noteMoments(names) {
  window.benchAt = {};
  for (const name of names) {
    let value = false;
    Object.defineProperty(window, name, {
      configurable: true,
      get: () => value,
      set: (v) => {
        if (v && !value) window.benchAt[name] = performance.now();
        value = v;
      },
    });
  }
}

async function measure(origin, lang) {
  const browser = await launch({ viewport: { width: 1280, height: 800 } }, origin);
  try {
    const { page } = browser;
    // Every finished response, the workers' too (the page's Resource Timing leaves those out): bytes received and
    // when (Date.now(), made relative to the page's time origin below).
    const finished = [];
    page.context().on('requestfinished', async (request) => {
      const at = Date.now();
      const sizes = await request.sizes().catch(() => null);
      if (sizes) finished.push({ url: request.url(), bytes: sizes.responseBodySize + sizes.responseHeadersSize, at });
    });
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', LINK);
    await page.addInitScript(noteMoments, ['labShown', 'labReady']);
    await page.goto(`${origin}/index.html?lang=${lang}`);
    await page.waitForFunction(() => window.labReady === true || !!window.labError, null,
                               { timeout: READY_TIMEOUT_MS, polling: 100 });
    const error = await page.evaluate(() => window.labError || '');
    if (error) throw new Error(`the page did not become ready: ${error}`);
    const { at, timeOrigin, threaded } = await page.evaluate(
        () => ({ at: window.benchAt, timeOrigin: performance.timeOrigin, threaded: !!window.lab.threaded }));
    const files = finished.filter((f) => f.url.startsWith('http')).map((f) => ({ ...f, end: f.at - timeOrigin }));
    return { at, files, threaded };
  } finally {
    await browser.close();
  }
}

const mb = (n) => (n / 1e6).toFixed(2).padStart(6) + ' MB';
const sum = (files) => files.reduce((s, f) => s + f.bytes, 0);

function report(dir, lang, { at, files, threaded }) {
  // A page without window.labShown (before issue #12) hid its loading overlay only once ready.
  at.labShown ??= at.labReady;
  const shown = files.filter((f) => f.end > 0 && f.end <= at.labShown).sort((a, b) => b.bytes - a.bytes);
  const ready = files.filter((f) => f.end > 0 && f.end <= at.labReady);
  console.log(`\n${lang === 'ko' ? 'Korean' : 'English'} session (?lang=${lang}), ` +
              `${threaded ? 'threaded module (served isolated)' : 'single-thread module (served without isolation)'}, ` +
              `10 Mbit/s: first interactive ` +
              `frame after ${(at.labShown / 1000).toFixed(1)} s, ready after ${(at.labReady / 1000).toFixed(1)} s`);
  console.log(`${'file'.padEnd(44)} ${'received'.padStart(9)} ${'gzip -9'.padStart(9)}`);
  let gzipped = 0;
  for (const f of shown) {
    const rel = new URL(f.url).pathname.replace(/^\//, '') || 'index.html';
    const onDisk = path.join(dir, rel);
    const gz = Math.min(f.bytes, fs.existsSync(onDisk) && fs.statSync(onDisk).isFile()
      ? zlib.gzipSync(fs.readFileSync(onDisk), { level: 9 }).length : f.bytes);
    gzipped += gz;
    console.log(`${rel.padEnd(44)} ${mb(f.bytes)} ${mb(gz)}`);
  }
  console.log(`${'total before the first interactive frame'.padEnd(44)} ${mb(sum(shown))} ${mb(gzipped)}` +
              `   (goal <= ${mb(GOAL_BYTES).trim()})`);
  console.log(`${'total before ready (test set + 4 models)'.padEnd(44)} ${mb(sum(ready))}` +
              ` in ${ready.length} responses`);
}

const opts = parseArgs(process.argv.slice(2));
for (const module of opts.modules) {
  const { server, origin } = await serve(opts.dir, { isolated: module === 'threaded' });
  try {
    for (const lang of opts.langs) report(opts.dir, lang, await measure(origin, lang));
  } finally {
    server.kill();
  }
}
