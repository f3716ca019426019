// How many bytes the lab page downloads before it is ready to use (issue #12 item 7, goal <= 3 MB): serves the page
// folder (python3 http.server, tests/browser/harness.mjs), opens it in headless Debian Chromium with a fresh profile
// (nothing cached) and, once window.labReady holds (the loading overlay goes away: the first interactive frame), sums
// the bytes of every response that had ended by then, as the browser's Resource Timing reports them (transferSize:
// body + headers as received). Prints one row per file and the total, for an English and a Korean session. The
// "gzip -9" column is what the same file would weigh compressed (measured here on the file itself: http.server sends
// no Content-Encoding), for a server that compresses. A benchmark prints numbers; it asserts nothing.
//   node tools/bench/page_bytes.mjs [page folder, default build-wasm/web] [--lang en|ko (default: both)]
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

import { READY_TIMEOUT_MS, ROOT, launch, serve } from '../../tests/browser/harness.mjs';

const GOAL_BYTES = 3e6;

function parseArgs(argv) {
  const opts = { dir: path.join(ROOT, 'build-wasm/web'), langs: ['en', 'ko'] };
  for (let i = 0; i < argv.length; ++i) {
    if (argv[i] === '--lang' && i + 1 < argv.length) opts.langs = [argv[++i]];
    else opts.dir = path.resolve(argv[i]);
  }
  return opts;
}

// The page's responses that ended before window.labReady became true (an init script notes the time it did).
async function bytesUntilReady(origin, lang) {
  const browser = await launch({ viewport: { width: 1280, height: 800 } }, origin);
  try {
    const { page } = browser;
    await page.addInitScript(() => {
      let ready = false;
      Object.defineProperty(window, 'labReady', {
        configurable: true,
        get: () => ready,
        set: (value) => {
          if (value && !ready) window.labReadyAt = performance.now();
          ready = value;
        },
      });
    });
    await page.goto(`${origin}/index.html?lang=${lang}`);
    await page.waitForFunction(() => window.labReady === true || !!window.labError, null,
                               { timeout: READY_TIMEOUT_MS, polling: 100 });
    const error = await page.evaluate(() => window.labError || '');
    if (error) throw new Error(`the page did not become ready: ${error}`);
    return await page.evaluate(() => {
      const entries = [...performance.getEntriesByType('navigation'), ...performance.getEntriesByType('resource')];
      return {
        readyMs: window.labReadyAt,
        files: entries.filter((e) => e.responseEnd > 0 && e.responseEnd <= window.labReadyAt && e.name.startsWith('http'))
          .map((e) => ({ url: e.name, bytes: e.transferSize, body: e.decodedBodySize })),
      };
    });
  } finally {
    await browser.close();
  }
}

const mb = (n) => (n / 1e6).toFixed(2).padStart(6) + ' MB';

function report(dir, origin, lang, { readyMs, files }) {
  console.log(`\n${lang === 'ko' ? 'Korean' : 'English'} session (?lang=${lang}): ready after ` +
              `${(readyMs / 1000).toFixed(1)} s, ${files.length} responses`);
  console.log(`${'file'.padEnd(44)} ${'received'.padStart(9)} ${'gzip -9'.padStart(9)}`);
  let total = 0, gzipped = 0;
  for (const f of files.sort((a, b) => b.bytes - a.bytes)) {
    const rel = new URL(f.url).pathname.replace(/^\//, '') || 'index.html';
    const onDisk = path.join(dir, rel);
    const gz = fs.existsSync(onDisk) && fs.statSync(onDisk).isFile()
      ? zlib.gzipSync(fs.readFileSync(onDisk), { level: 9 }).length : f.bytes;
    total += f.bytes;
    gzipped += Math.min(gz, f.bytes);
    console.log(`${rel.padEnd(44)} ${mb(f.bytes)} ${mb(Math.min(gz, f.bytes))}`);
  }
  console.log(`${'total before the first interactive frame'.padEnd(44)} ${mb(total)} ${mb(gzipped)}` +
              `   (goal <= ${mb(GOAL_BYTES).trim()})`);
}

const opts = parseArgs(process.argv.slice(2));
const { server, origin } = await serve(opts.dir);
try {
  for (const lang of opts.langs) report(opts.dir, origin, lang, await bytesUntilReady(origin, lang));
} finally {
  server.kill();
}
