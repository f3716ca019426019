// Browser test of the Compare view (headless Debian Chromium, npm playwright-core): table (b), measured in the page
// in WebAssembly after a click on its button, must equal the native `vitcnn compare`'s table row by row (all but the
// forward time, which each measures on its own machine), the data-scale points must equal the accuracies recorded in
// the checkpoint files, the table's Markdown export must hold the CLI's rows, and the view must draw at 1280x800 and
// 1920x1080 (screenshots not blank, the plot beside the cited table on the wide screen). Prints how long the page took to measure the table. Any console error, page
// error or failed request fails the test.
// usage: node tests/browser/compare.mjs <page folder, e.g. build-wasm/web> <vitcnn binary> <output folder>
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { ROOT, check, runPageTest } from './harness.mjs';
import { decodePng, imageStats } from './png.mjs';

// Tolerances of the page (wasm simd128, no FMA) against the CLI (native AVX2 with FMA): the same definitions summed
// in other orders. Counts, sizes and recorded numbers are exact. Float rows: attention distances and CKA are sums of
// products of probabilities / features over 20 images (relative rounding ~1e-6), the equivariance error a ratio of
// such sums; ERF r90 is the distance of the pixel where the sorted gradient mass crosses 90 % (a pixel step if
// rounding moved it: the Receptive field view's test holds it within 1e-4 for 100-image means). Top-1 changes count
// images: exact unless a logit tie flipped, which the CLI and page would then show as one image (5 %).
const EXACT = new Set(['params', 'macs', 'trf_last_px', 'accuracy_p001', 'accuracy_p003', 'accuracy_p010',
                       'accuracy_p030', 'accuracy_p100', 'top1_changed_k4']);
const TOLERANCE = 1e-4;

const [pageDir, vitcnn, outDir] = process.argv.slice(2);
if (!pageDir || !vitcnn || !outDir) {
  console.error('usage: node tests/browser/compare.mjs <page folder> <vitcnn binary> <output folder>');
  process.exit(2);
}
fs.mkdirSync(outDir, { recursive: true });

// The native table, started now: it runs while the page loads.
const cliDir = path.join(outDir, 'cli');
const cli = promisify(execFile)(vitcnn, ['compare', '--out', cliDir, '--models-dir', path.join(ROOT, 'assets/models')],
                                { encoding: 'utf8' }).then(({ stdout }) => JSON.parse(stdout));

// The "vitcnn" metadata of a checkpoint file: the safetensors header's __metadata__.
function recorded(name) {
  const bytes = fs.readFileSync(path.join(ROOT, 'assets/models', name + '.safetensors'));
  const header = JSON.parse(bytes.subarray(8, 8 + Number(bytes.readBigUInt64LE(0))).toString('utf8'));
  return JSON.parse(header.__metadata__.vitcnn);
}

async function screenshot(page, file, what) {
  const shot = path.join(outDir, file);
  await page.screenshot({ path: shot });
  const stats = imageStats(decodePng(fs.readFileSync(shot)));
  check(stats.variance > 100 && stats.colours > 50,
        `${what}: screenshot not blank (luma variance ${stats.variance.toFixed(0)}, ${stats.colours} colours)`);
}

async function run(lab) {
  const { page, query, click, download, waitFor } = lab;
  await click('tab.compare');
  await waitFor(() => !!window.lab.query('rects')['compare.measure']);
  const started = Date.now();
  await click('compare.measure');
  await waitFor(() => {
    const q = window.lab.query('compare');
    return q.finished === q.pieces || q.errors.length > 0;
  }, null, 120000);
  const seconds = (Date.now() - started) / 1000;
  const shown = await query('compare');
  check(shown.errors.length === 0 && shown.finished === shown.pieces,
        `the page measured all ${shown.pieces} pieces of the table in ${seconds.toFixed(1)} s ` +
        `(${(shown.busy_ms / 1000).toFixed(1)} s in their jobs)${shown.errors.length ? ': ' + shown.errors : ''}`);

  const native = await cli;
  const want = native.table, got = shown.table;
  check(got.images === want.images && JSON.stringify(got.checkpoints) === JSON.stringify(want.checkpoints) &&
        got.rows.length === want.rows.length,
        `the same table: ${got.rows.length} rows, ${JSON.stringify(got.checkpoints)}, ${got.images} test images`);
  for (let r = 0; r < want.rows.length; ++r) {
    const { key, values } = want.rows[r];
    const mine = got.rows[r];
    if (key === 'forward_ms') {
      check(mine.key === key && mine.values.every((v) => v > 0),
            `forward ms in this browser: ${mine.values.map((v) => v.toFixed(2)).join(', ')} ` +
            `(natively ${values.map((v) => v.toFixed(2)).join(', ')})`);
      continue;
    }
    const tolerance = EXACT.has(key) ? 0 : TOLERANCE;
    const same = mine.key === key && values.every((v, f) =>
      v === null ? mine.values[f] === null : Math.abs(mine.values[f] - v) <= tolerance);
    const worst = Math.max(0, ...values.map((v, f) => (v === null ? 0 : Math.abs(mine.values[f] - v))));
    check(same, `${key}: ${mine.values.map((v) => (v === null ? '—' : +v.toFixed(4))).join(', ')} ` +
                `(CLI within ${tolerance ? worst.toExponential(1) : 'exact'})`);
  }

  // The data-scale points: the accuracies recorded in the files, as the CLI reads them.
  const scale = shown.data_scale;
  let points = 0, equal = true;
  scale.families.forEach((family, f) => scale.shares_percent.forEach((percent, s) => {
    const meta = recorded(`${family}_p${String(percent).padStart(3, '0')}`);
    equal &&= scale.accuracy[f][s] === meta.test_accuracy && scale.samples[f][s] === meta.test_samples;
    ++points;
  }));
  check(equal && points === 20 && JSON.stringify(scale) === JSON.stringify(native.data_scale),
        `the ${points} data-scale points equal the files' recorded accuracies and the CLI's`);

  // Export: the table's Markdown holds the CLI's rows (all but the forward time).
  const md = await download('export.compare_measured.md');
  const pageRows = fs.readFileSync(await md.path(), 'utf8').split('\n').filter((l) => !l.startsWith('| forward ms'));
  const cliText = fs.readFileSync(path.join(cliDir, 'compare.md'), 'utf8');
  const missing = pageRows.filter((l) => l.startsWith('|') && !cliText.includes(l + '\n'));
  check(md.suggestedFilename() === 'compare_measured.md' && missing.length === 0,
        `Markdown export: ${md.suggestedFilename()}, ${pageRows.length - 1} lines, each in the CLI's compare.md` +
        (missing.length ? `; not there: ${missing.join(' / ')}` : ''));

  // The view at the sizes of a laptop and a projector (the tall window above kept every control on screen).
  await page.mouse.move(5, 5);
  for (const [width, height] of [[1280, 800], [1920, 1080]]) {
    await page.setViewportSize({ width, height });
    await waitFor((w) => window.innerWidth === w[0] && window.innerHeight === w[1], [width, height]);
    await page.waitForTimeout(500);  // a few frames at the new size
    const measured = await lab.rect('compare.measured');
    check(measured[2] > 0.5 * (width - 250) && measured[0] + measured[2] <= width,
          `${width}x${height}: table (b) spans ${Math.round(measured[2])} px of the view's width`);
    await screenshot(page, `compare-${width}x${height}.png`, `${width}x${height}`);
  }
  const plot = await lab.rect('compare.data_scale'), cited = await lab.rect('compare.cited');
  check(plot[0] >= cited[0] + cited[2] && plot[0] + plot[2] <= 1920,
        `1920x1080: the data-scale plot beside the cited table (${plot.map(Math.round).join(', ')})`);
  console.log(`table (b) in the page: ${seconds.toFixed(1)} s wall`);
}

// A tall window: every control of the view on screen without scrolling.
await runPageTest(pageDir, '/index.html', { width: 1280, height: 1800 }, run);
