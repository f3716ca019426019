// Browser parity test of the Predictions view (headless Debian Chromium, npm playwright-core): the
// probabilities the page computes in WebAssembly for three gallery images must equal the native CLI's
// (`vitcnn predict --test-index N`) within 1e-4 for the four p100 models (vit, cnn, hybrid, rvit), and the page's
// accuracy job on the
// first 1000 test images must count exactly as many correct answers as `vitcnn eval --limit 1000`, in the threaded
// module and again in the single-thread one (the page served without isolation), each printing its wall time against
// the time of its steps.
// Any console error, page error or failed request fails the test.
// usage: node tests/browser/predictions.mjs <page folder, e.g. build-wasm/web> <vitcnn binary> <output folder>
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { ROOT, check, computeMode, openLab, runPageTest, serve } from './harness.mjs';

const MODELS = ['vit_p100', 'cnn_p100', 'hybrid_p100', 'rvit_p100'];
const THUMBNAILS = [4, 13, 25];  // gallery positions: three different classes
const TOLERANCE = 1e-4;          // native AVX2 vs wasm simd128: different summation orders
const ACCURACY_IMAGES = 1000;

const [pageDir, vitcnn, outDir] = process.argv.slice(2);
if (!pageDir || !vitcnn || !outDir) {
  console.error('usage: node tests/browser/predictions.mjs <page folder> <vitcnn binary> <output folder>');
  process.exit(2);
}
fs.mkdirSync(outDir, { recursive: true });

const native = (...args) => JSON.parse(execFileSync(vitcnn, args, { encoding: 'utf8' }));
const modelFile = (name) => path.join(ROOT, 'assets/models', name + '.safetensors');

async function run(lab) {
  const { page, query, waitFor, click } = lab;
  await click('tab.predictions');
  await waitFor(() => window.lab.query('state').tab === 'predictions');

  const gallery = await query('gallery');
  for (const position of THUMBNAILS) {
    const index = gallery.indices[position];
    await click('gallery.' + position);
    // Wait for this input's predictions from every model.
    await waitFor((i) => {
      const state = window.lab.query('state');
      return state.gallery_index === i && window.lab.query('predictions').models.every(
          (m) => m.ready && m.input_version === state.input_version);
    }, index);
    const shown = (await query('predictions')).models;
    for (const name of MODELS) {
      const mine = shown.find((m) => m.name === name);
      const expected = native('predict', '--model', modelFile(name), '--test-index', String(index)).probs;
      const diff = Math.max(...expected.map((p, k) => Math.abs(p - mine.probs[k])));
      check(diff <= TOLERANCE, `${name}, test image #${index}: max |p_page - p_native| = ${diff.toExponential(2)}`);
    }
  }
  await page.screenshot({ path: path.join(outDir, 'predictions.png') });

  await accuracyRun(lab, 'accuracy.png', true);
}

// The accuracy job over the first 1000 test images: the same counts as `vitcnn eval`, and how its wall time compares
// with the time of its steps (the forwards and the counting alone: the rest went to drawing frames).
async function accuracyRun(lab, screenshot, threaded) {
  const { page, query, waitFor, click } = lab;
  const started = Date.now();
  await click('button.accuracy');
  await waitFor(() => window.lab.query('accuracy').models.every((m) => m.done), null, 600000);
  const seconds = (Date.now() - started) / 1000;
  const accuracy = (await query('accuracy')).models;
  for (const name of MODELS) {
    const mine = accuracy.find((m) => m.name === name);
    const expected = nativeAccuracy(name);
    check(mine.n === ACCURACY_IMAGES && mine.correct === expected.correct,
          `${name}: ${mine.correct} / ${mine.n} correct in the page, ${expected.correct} / ${expected.n} natively`);
  }
  const forwards = accuracy.reduce((sum, m) => sum + m.compute_ms, 0) / 1000;
  const state = await query('state');
  check(state.job_thread === threaded && state.threads_need_isolation === !threaded,
        `the accuracy job ran in the ${threaded ? 'threaded' : 'single-thread'} module`);
  console.log(`accuracy job: ${ACCURACY_IMAGES} images x ${MODELS.length} models in ${seconds.toFixed(1)} s, ` +
              `${forwards.toFixed(1)} s of it in the jobs' steps (wall / steps ${(seconds / forwards).toFixed(2)}); ` +
              computeMode(state));
  await page.screenshot({ path: path.join(outDir, screenshot) });
}

const nativeCounts = new Map();
function nativeAccuracy(name) {
  if (!nativeCounts.has(name))
    nativeCounts.set(name, native('eval', '--model', modelFile(name), '--limit', String(ACCURACY_IMAGES)));
  return nativeCounts.get(name);
}

// The single-thread floor (issue #12 item 6): served without isolation the page runs its single-thread module, where
// the jobs share the UI thread in time slices; the printed wall / steps ratio is the one the frame budget aims at
// (at most 1.3).
async function singleThreadRun() {
  const { server, origin } = await serve(pageDir, { isolated: false });
  try {
    const lab = await openLab(origin, '/index.html', { width: 1280, height: 800 });
    try {
      await lab.click('tab.predictions');
      await lab.waitFor(() => window.lab.query('state').tab === 'predictions');
      await accuracyRun(lab, 'accuracy-single-thread.png', false);
    } finally {
      await lab.close();
    }
  } finally {
    server.kill();
  }
}

await runPageTest(pageDir, '/index.html', { width: 1280, height: 800 }, async (lab) => {
  await run(lab);
  await singleThreadRun();
});
