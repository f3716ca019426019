// Browser test of the idle page (issue #12 item 6; headless Debian Chromium, npm playwright-core): a page nobody
// touches costs nothing. After loading and settling, the page is left alone for 5 s and its CPU use is measured two
// ways, each as a share of one core (CPU seconds per wall-clock second):
// - the page's main thread, where the WebAssembly lab, its GL calls and the browser's work for the page (style,
//   layout, animation frames, canvas commits) run: the growth of CDP Performance.getMetrics' TaskDuration, the summed
//   duration of the thread's tasks, over the growth of its Timestamp. Asserted <= 2 %.
// - the renderer processes, every thread (main, compositor, raster, IO): utime + stime from /proc/<pid>/stat of the
//   browser's processes started with --type=renderer, over the wall-clock time. Also asserted <= 2 % (it includes
//   the browser's own housekeeping of an idle tab, ~0 here).
// The lab's own frame counter (lab.query("state").frames, one per lab_frame) must not move meanwhile. Then: a mouse
// move over the canvas wakes the page (frames are drawn again), a click on a gallery thumbnail changes the input, the
// page settles again, and a running job (the Predictions view's accuracy run) keeps frames coming (frames per second
// printed and asserted >= MIN_JOB_FPS) until it is cancelled. Any console error, page error or failed request fails.
// usage: node tests/browser/idle.mjs <page folder, e.g. build-wasm/web>
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { check, runPageTest } from './harness.mjs';

const IDLE_SECONDS = 5;
const MAX_IDLE_PERCENT = 2;   // of one core
const SETTLE_TIMEOUT_MS = 15000;
const JOB_SECONDS = 4;
const MIN_JOB_FPS = 2;        // frames per second while a job runs (software WebGL: a frame costs ~20-50 ms here)
const THUMBNAIL = 7;          // a gallery position

const [pageDir] = process.argv.slice(2);
if (!pageDir) {
  console.error('usage: node tests/browser/idle.mjs <page folder>');
  process.exit(2);
}

const TICKS_PER_SECOND = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }));

// The CPU seconds used so far by the renderer processes of the browser started with `profile` (the processes below
// the one whose command line names the profile).
function rendererCpuSeconds(profile) {
  const procs = [];
  for (const pid of fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');  // from field 3 (state) on
      // Chromium rewrites its processes' titles: the arguments may be one string with spaces.
      const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
      const ticks = Number(fields[11]) + Number(fields[12]);  // utime + stime
      procs.push({ pid: Number(pid), ppid: Number(fields[1]), ticks, cmdline });
    } catch {
      // the process ended meanwhile
    }
  }
  const inBrowser = new Set(procs.filter((p) => p.cmdline.includes(profile)).map((p) => p.pid));
  for (let grew = true; grew;) {
    grew = false;
    for (const p of procs) {
      if (inBrowser.has(p.pid) || !inBrowser.has(p.ppid)) continue;
      inBrowser.add(p.pid);
      grew = true;
    }
  }
  const renderers = procs.filter((p) => inBrowser.has(p.pid) && p.cmdline.includes(' --type=renderer'));
  return { count: renderers.length, seconds: renderers.reduce((sum, p) => sum + p.ticks, 0) / TICKS_PER_SECOND };
}

async function run(lab) {
  const { page, query, click, waitFor } = lab;
  const frames = async () => (await query('state')).frames;
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  const metrics = async () =>
    Object.fromEntries((await cdp.send('Performance.getMetrics')).metrics.map((m) => [m.name, m.value]));

  // Waits until the frame counter holds still for a second; returns the milliseconds that took (-1: it never did).
  async function settle() {
    const started = Date.now();
    let last = await frames();
    while (Date.now() - started < SETTLE_TIMEOUT_MS) {
      await page.waitForTimeout(1000);
      const now = await frames();
      if (now === last) return Date.now() - started;
      last = now;
    }
    return -1;
  }

  let settled = await settle();
  check(settled >= 0, `after loading the page stops drawing (settled within ${settled} ms)`);

  const m0 = await metrics();
  const f0 = await frames();
  const cpu0 = rendererCpuSeconds(lab.profile);
  const wall0 = Date.now();
  await page.waitForTimeout(IDLE_SECONDS * 1000);
  const cpu1 = rendererCpuSeconds(lab.profile);
  const wall1 = Date.now();
  const m1 = await metrics();
  const f1 = await frames();
  const seconds = m1.Timestamp - m0.Timestamp;
  const mainThread = (100 * (m1.TaskDuration - m0.TaskDuration)) / seconds;
  const script = (100 * (m1.ScriptDuration - m0.ScriptDuration)) / seconds;
  const renderer = (100 * (cpu1.seconds - cpu0.seconds)) / ((wall1 - wall0) / 1000);
  console.log(`idle ${seconds.toFixed(1)} s: page main thread ${mainThread.toFixed(2)} % of one core ` +
              `(script ${script.toFixed(2)} %), ${cpu1.count} renderer processes ${renderer.toFixed(2)} %, ` +
              `${f1 - f0} frames drawn`);
  check(mainThread <= MAX_IDLE_PERCENT,
        `idle: the page's main thread uses ${mainThread.toFixed(2)} % of one core (at most ${MAX_IDLE_PERCENT} %)`);
  check(cpu1.count > 0 && renderer <= MAX_IDLE_PERCENT,
        `idle: the browser's ${cpu1.count} renderer processes use ${renderer.toFixed(2)} % of one core ` +
        `(at most ${MAX_IDLE_PERCENT} %)`);
  check(f1 === f0, `idle: no frame drawn in ${IDLE_SECONDS} s (${f1 - f0})`);

  // Input wakes it: a mouse move over the canvas draws frames again; clicks act.
  const tab = await lab.rect('tab.predictions');
  await page.mouse.move(tab[0] + tab[2] / 2, tab[1] + tab[3] / 2);
  const woke = await waitFor((f) => window.lab.query('state').frames > f, f1, 5000).then(() => true, () => false);
  check(woke, `a mouse move wakes the page (${(await frames()) - f1} frames drawn since)`);
  await click('tab.predictions');
  await waitFor(() => window.lab.query('state').tab === 'predictions');
  const index = (await query('gallery')).indices[THUMBNAIL];
  await click('gallery.' + THUMBNAIL);
  await waitFor((i) => window.lab.query('state').gallery_index === i, index);
  check((await query('state')).gallery_index === index,
        `clicks on a page that was idle act: the Predictions tab, then gallery image #${index}`);
  settled = await settle();
  check(settled >= 0, `the page settles again after the clicks (within ${settled} ms)`);

  // A running job keeps frames coming.
  await click('button.accuracy');
  await waitFor(() => window.lab.query('accuracy').models.some((m) => m.n > 0));
  const j0 = await frames();
  const t0 = Date.now();
  await page.waitForTimeout(JOB_SECONDS * 1000);
  const j1 = await frames();
  const jobSeconds = (Date.now() - t0) / 1000;
  const { job_budget_ms: budget } = await query('state');
  const fps = (j1 - j0) / jobSeconds;
  console.log(`while the accuracy job runs: ${j1 - j0} frames in ${jobSeconds.toFixed(1)} s (${fps.toFixed(1)} ` +
              `frames/s), job budget ${budget.toFixed(0)} ms per frame`);
  check(fps >= MIN_JOB_FPS, `a running job keeps frames coming: ${fps.toFixed(1)} frames/s (at least ${MIN_JOB_FPS})`);
  await click('button.accuracy_cancel');
  await waitFor(() => !window.lab.query('accuracy').requested);
  settled = await settle();
  check(settled >= 0, `once the job is cancelled the page settles again (within ${settled} ms)`);
}

const started = Date.now();
await runPageTest(pageDir, '/index.html', { width: 1280, height: 800 }, async (lab) => {
  await run(lab);
  console.log(`idle test: ${((Date.now() - started) / 1000).toFixed(1)} s wall`);
});
