// Shared pieces of the browser tests: serve a page folder on a free local port, open it in Debian's Chromium
// (headless, npm playwright-core) with every console error, page error and failed request recorded, talk to the
// lab through window.lab, and report checks.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const { chromium } = createRequire(path.join(ROOT, 'web/package.json'))('playwright-core');

export const READY_TIMEOUT_MS = 180000;  // wasm compile + software WebGL on a 2-core machine

// Checks print one line each; failures are collected for the exit code.
export const failures = [];
export function check(ok, what) {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
  if (!ok) failures.push(what);
}

// tools/serve.py on port 0 (the OS picks a free one); it prints the port it got. Cross-origin isolated, as
// ./build_wasm.sh serves the lab (the page runs its threaded module), unless isolated is false (a plain static host:
// the single-thread module).
export function serve(dir, { isolated = true } = {}) {
  const server = spawn('python3', ['-u', path.join(ROOT, 'tools/serve.py'), '--port', '0', dir,
                                   ...(isolated ? [] : ['--no-isolation'])],
                       { stdio: ['ignore', 'pipe', 'ignore'] });
  return new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error('http.server did not start: ' + seen)), 20000);
    server.stdout.on('data', (chunk) => {
      seen += chunk;
      const port = /port (\d+)/.exec(seen);
      if (port) {
        clearTimeout(timer);
        resolve({ server, origin: `http://127.0.0.1:${port[1]}` });
      }
    });
    server.on('exit', (code) => reject(new Error(`http.server exited with ${code}`)));
  });
}

// Debian's Chromium, headless, in a fresh profile, with playwright context options (viewport, deviceScaleFactor...).
// Every console error, page error, failed request and HTTP error lands in `problems`, and so does every request to
// another origin than `origin` when it is given, and every request that is not a GET. close() closes the browser and
// removes the profile (`profile`: its folder, named on the browser's command line). settled() waits until no request
// of the page is in flight: a test that leaves a page (a new URL) waits for it first, so a download the page started
// (a checkpoint the last view asked for) is not cut off by the test and reported as a failed request.
export async function launch(contextOptions, origin = '') {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'vitcnn-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium', headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
           '--disable-component-update', '--disable-sync'],
    ...contextOptions,
  });
  const page = context.pages()[0] || (await context.newPage());
  const problems = [];
  page.on('console', (m) => m.type() === 'error' && problems.push('console error: ' + m.text()));
  page.on('pageerror', (e) => problems.push('page error: ' + e.message));
  const inFlight = new Set();
  page.on('requestfinished', (r) => inFlight.delete(r));
  page.on('requestfailed', (r) => {
    inFlight.delete(r);
    problems.push('failed request: ' + r.url());
  });
  page.on('response', (r) => r.status() >= 400 && problems.push(`HTTP ${r.status()}: ${r.url()}`));
  page.on('request', (r) => {
    const url = new URL(r.url());
    if (origin && url.protocol !== 'data:' && url.origin !== origin) problems.push('request to another origin: ' + url);
    // The page only reads: nothing the user draws or drops is ever sent (docs/robustness.md).
    if (r.method() !== 'GET') problems.push(`${r.method()} request (the page must only read): ${url}`);
    inFlight.add(r);
  });
  return {
    page,
    problems,
    profile,
    async settled(timeoutMs = 60000) {
      for (const end = Date.now() + timeoutMs; inFlight.size > 0 && Date.now() < end;)
        await new Promise((resolve) => setTimeout(resolve, 50));
    },
    async close() {
      await context.close();
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}

// How a test talks to the lab in `page`: lab.query(what), a widget's rectangle [x, y, w, h] from
// lab.query("rects"), and a mouse click on its centre.
export function labControls(page) {
  const query = (what) => page.evaluate((w) => window.lab.query(w), what);
  const rect = async (name) => {
    const r = (await query('rects'))[name];
    if (!r) throw new Error(`no widget rectangle '${name}' in lab.query("rects")`);
    return r;
  };
  return {
    query,
    rect,
    async click(name) {
      const r = await rect(name);
      await page.mouse.click(r[0] + r[2] / 2, r[1] + r[3] / 2);
    },
    // Clicks an export button and returns its download once the page has laid out what the save changed: the
    // "saved" line above the views moves every widget below it down a line, and a click aimed at a rectangle from
    // the frame before would miss. Waits for two frames drawn since, woken by a mouse move (an idle page draws none).
    async download(name) {
      const r = await rect(name);
      const [file] = await Promise.all([page.waitForEvent('download'),
                                        page.mouse.click(r[0] + r[2] / 2, r[1] + r[3] / 2)]);
      const drawn = (await query('state')).frames;
      await page.mouse.move(5, 5);
      await page.waitForFunction((n) => window.lab.query('state').frames > n + 1, drawn, { polling: 100 });
      return file;
    },
  };
}

// Opens origin + url in a fresh browser as a returning visitor (localStorage says the start card was seen, so the
// views' layout is the everyday one; lab_test.mjs checks the first visit) and waits for window.labReady; returns
// helpers. close() reports every recorded problem as a failed check.
export async function openLab(origin, url, viewport) {
  const browser = await launch({ viewport }, origin);
  const { page, problems } = browser;
  await page.addInitScript(() => localStorage.setItem('vitcnn.start_card_seen', '1'));
  const lab = {
    page,
    problems,
    profile: browser.profile,
    ...labControls(page),
    waitFor: (fn, arg, timeout = 60000) => page.waitForFunction(fn, arg, { timeout, polling: 100 }),
    async close() {
      for (const problem of problems) check(false, problem);
      check(problems.length === 0, 'no console error, page error, failed request or request to another origin');
      await browser.close();
    },
  };
  await page.goto(origin + url);
  await lab.waitFor(() => window.labReady === true || !!window.labError, null, READY_TIMEOUT_MS);
  const error = await page.evaluate(() => window.labError || '');
  check(!error, `${url} becomes ready${error ? ': ' + error : ''}`);
  return lab;
}

// A test of the lab page: serves `pageDir`, opens `url` at `viewport` and runs `body(lab)` (lab: openLab's helpers);
// an exception is a failed check. Then closes the browser (its recorded problems are failed checks), stops the
// server, prints the summary and exits with 1 when any check failed.
export async function runPageTest(pageDir, url, viewport, body) {
  const { server, origin } = await serve(pageDir);
  try {
    const lab = await openLab(origin, url, viewport);
    try {
      await body(lab);
    } catch (error) {
      check(false, 'the test ran to the end: ' + error.message);
    } finally {
      await lab.close();
    }
  } finally {
    server.kill();
  }
  console.log(failures.length ? `${failures.length} FAILED` : 'ALL PASSED');
  process.exit(failures.length ? 1 : 0);
}

// Serves `dir`, opens `url` (relative to it) and waits for a page that reports its end itself, as the benchmark
// pages do: window.benchExit = 0 on success, window.benchError = message on failure. Returns the lines the page
// logged (console.log and console.warn) and its user agent; throws on failure or on any recorded problem. Served
// without cross-origin isolation unless `isolated`: the benchmark pages run one thread unless asked.
export async function runPageToEnd(dir, url, timeoutMs, { isolated = false } = {}) {
  const { server, origin } = await serve(dir, { isolated });
  const browser = await launch({ viewport: { width: 800, height: 600 } }, origin);
  try {
    const lines = [];
    browser.page.on('console', (m) => (m.type() === 'log' || m.type() === 'warning') && lines.push(m.text()));
    await browser.page.goto(`${origin}/${url}`);
    await browser.page.waitForFunction(() => window.benchExit !== undefined || window.benchError !== undefined,
                                       null, { timeout: timeoutMs, polling: 1000 });
    const { exit, error, userAgent } = await browser.page.evaluate(
        () => ({ exit: window.benchExit, error: window.benchError, userAgent: navigator.userAgent }));
    if (error !== undefined || exit !== 0 || browser.problems.length)
      throw new Error(`${url} failed: ${error ?? 'exit ' + exit} ${browser.problems.join('; ')} ${lines.join('\n')}`);
    return { lines, userAgent };
  } finally {
    await browser.close();
    server.kill();
  }
}

// How the page computed, from lab.query("state"), for a timing line: the module, its kernel threads, whether jobs ran
// on the job thread, and the UI thread's time per frame while jobs ran (docs/threads.md; the goal: p95 <= 16.7 ms).
export function computeMode(state) {
  const f = state.busy_frames || {};
  const frames = f.count ? `p50 ${f.p50_ms.toFixed(1)} ms, p95 ${f.p95_ms.toFixed(1)} ms over ${f.count} frames` : 'none';
  return `${state.threads_need_isolation ? 'single-thread module' : 'threaded module'}, ` +
         `${state.kernel_threads} kernel thread(s), jobs ${state.job_thread ? 'on the job thread' : 'in time slices'}; ` +
         `UI thread per frame while jobs ran: ${frames}`;
}

// Counts the page's animation frames (the lab draws one per requestAnimationFrame); returns a function that reads
// the count so far.
export async function countFrames(page) {
  await page.evaluate(() => {
    window.framesSeen = 0;
    const tick = () => {
      window.framesSeen += 1;
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
  return () => page.evaluate(() => window.framesSeen);
}
