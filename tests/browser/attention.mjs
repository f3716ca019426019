// Browser test of the Attention view (headless Debian Chromium, npm playwright-core): for a gallery image, the
// per-head mean attention distances, the CLS map of the enlarged cell and the rollout the page computes in
// WebAssembly must equal the native CLI's (`vitcnn attention --test-index N`) within 1e-4 (relative for distances,
// absolute for attention weights), for the vit, hybrid and rvit p100 models and rvit's control (rvitzero_p100);
// hovering a patch of the enlarged map must switch it to that patch's own attention; rvit's locality line must count
// the CLI's distances below its threshold; the averaging job over the first 100 test images must match
// `vitcnn attention --images 100`. Any console error, page error or failed request fails the test.
// usage: node tests/browser/attention.mjs <page folder, e.g. build-wasm/web> <vitcnn binary> <output folder>
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { ROOT, check, runPageTest } from './harness.mjs';

const THUMBNAIL = 13;     // gallery position (class 4, coat)
const TOLERANCE = 1e-4;   // native AVX2 vs wasm simd128: different summation orders
const AVERAGE_IMAGES = 100;

const [pageDir, vitcnn, outDir] = process.argv.slice(2);
if (!pageDir || !vitcnn || !outDir) {
  console.error('usage: node tests/browser/attention.mjs <page folder> <vitcnn binary> <output folder>');
  process.exit(2);
}
fs.mkdirSync(outDir, { recursive: true });

const native = (...args) => JSON.parse(execFileSync(vitcnn, ['attention', ...args], { encoding: 'utf8' }));
const modelFile = (name) => path.join(ROOT, 'assets/models', name + '.safetensors');
const flat = (nested) => nested.flat(Infinity);
const maxAbs = (a, b) => Math.max(...a.map((v, i) => Math.abs(v - b[i])));
const maxRel = (a, b) => Math.max(...a.map((v, i) => Math.abs(v - b[i]) / Math.max(Math.abs(b[i]), 1e-12)));

// The page's distances (and the enlarged cell's map) for the current input against the CLI's.
function compareImage(shown, expected, what) {
  check(shown.distance_px.length === expected.layers && shown.distance_px[0].length === expected.heads,
        `${what}: ${shown.distance_px.length} layers x ${shown.distance_px[0].length} heads, as the CLI`);
  const px = maxRel(flat(shown.distance_px), flat(expected.distance_px));
  check(px <= TOLERANCE, `${what}: distances in px within ${px.toExponential(2)} (relative) of the CLI`);
  const patches = maxRel(flat(shown.distance_patches), flat(expected.distance_patches));
  check(patches <= TOLERANCE, `${what}: distances in patches within ${patches.toExponential(2)} of the CLI`);
  check(shown.tokens === expected.tokens && shown.grid === expected.grid,
        `${what}: ${shown.grid} x ${shown.grid} grid, ${shown.tokens} tokens (CLI: ${expected.tokens})`);
  const map = maxAbs(shown.cls_map, flat(expected.cls_maps[shown.layer][shown.head]));
  check(map <= TOLERANCE, `${what}: CLS map of layer ${shown.layer + 1}, head ${shown.head + 1} within ` +
                          `${map.toExponential(2)} of the CLI`);
}

async function run(lab) {
  const attention = () => lab.query('attention');
  // Ready for the current input: the query answers for app.input.version only.
  const waitReady = (model) => lab.waitFor((m) => {
    const a = window.lab.query('attention');
    return a.status === 'ready' && a.model === m;
  }, model);
  const index = (await lab.query('gallery')).indices[THUMBNAIL];
  await lab.click('gallery.' + THUMBNAIL);
  await lab.waitFor((i) => window.lab.query('state').gallery_index === i, index);
  await lab.click('tab.attention');
  await lab.waitFor(() => window.lab.query('state').tab === 'attention');
  await waitReady('vit_p100');

  const vitNative = native('--model', modelFile('vit_p100'), '--test-index', String(index));
  compareImage(await attention(), vitNative, `vit_p100, test image #${index}`);

  // Enlarge another cell, then hover the centre of the enlarged map: its own patch's attention replaces the CLS row.
  await lab.click('attention.cell.2.1');
  await lab.page.mouse.move(5, 5);
  await lab.waitFor(() => {
    const a = window.lab.query('attention');
    return a.layer === 2 && a.head === 1 && a.hover_patch === -1;
  });
  const cell = await attention();
  compareImage(cell, vitNative, 'vit_p100, enlarged cell');
  const r = await lab.rect('attention.map');
  const col = 5, row = 2;  // a patch of the 8 x 8 grid, away from the centre
  await lab.page.mouse.move(r[0] + (col + 0.5) * r[2] / cell.grid, r[1] + (row + 0.5) * r[3] / cell.grid);
  await lab.waitFor(() => window.lab.query('attention').hover_patch >= 0);
  const hovered = await attention();
  check(hovered.hover_patch === row * cell.grid + col,
        `hovering patch (row ${row}, column ${col}) reports hover_patch ${hovered.hover_patch}`);
  const change = maxAbs(hovered.cls_map, cell.cls_map);
  check(change > 1e-3, `the shown map changes on hover (max change ${change.toExponential(2)})`);
  const mass = hovered.cls_map.reduce((s, v) => s + v, 0);
  check(mass > 0 && mass <= 1 + 1e-5, `the hovered patch's weights over the patches sum to ${mass.toFixed(4)}`);
  await lab.page.screenshot({ path: path.join(outDir, 'attention-hover.png') });

  // Rollout through the last layer equals the CLI's rollout.
  await lab.page.mouse.move(5, 5);
  await lab.click(`attention.cell.${vitNative.layers - 1}.0`);
  await lab.click('attention.rollout');
  await lab.page.mouse.move(5, 5);
  await lab.waitFor((last) => {
    const a = window.lab.query('attention');
    return a.rollout && a.layer === last && a.hover_patch === -1;
  }, vitNative.layers - 1);
  const roll = maxAbs((await attention()).cls_map, flat(vitNative.rollout_cls_map));
  check(roll <= TOLERANCE, `rollout through layer ${vitNative.layers}: within ${roll.toExponential(2)} of the CLI`);
  await lab.click('attention.rollout');

  // The hybrid's transformer blocks.
  await lab.click('attention.model.hybrid');
  await waitReady('hybrid_p100');
  await lab.page.mouse.move(5, 5);
  await lab.waitFor(() => window.lab.query('attention').hover_patch === -1);
  compareImage(await attention(), native('--model', modelFile('hybrid_p100'), '--test-index', String(index)),
               `hybrid_p100, test image #${index}`);

  // rvit: its maps and distances, its 6 x 4 bias kernels, the position-embedding similarity (1 at its own patch),
  // the locality lines of vit and rvit against the CLI's distances, and the control overlaid.
  await lab.click('attention.model.rvit');
  await waitReady('rvit_p100');
  await lab.page.mouse.move(5, 5);
  await lab.waitFor(() => window.lab.query('attention').hover_patch === -1);
  const rvitNative = native('--model', modelFile('rvit_p100'), '--test-index', String(index));
  const rvit = await attention();
  compareImage(rvit, rvitNative, `rvit_p100, test image #${index}`);
  const side = 2 * rvit.grid - 1;
  check(rvit.kernels.length === rvitNative.layers && rvit.kernels.every(
            (l) => l.length === rvitNative.heads && l.every((k) => k.length === side * side)),
        `rvit_p100: ${rvit.kernels.length} x ${rvit.kernels[0].length} bias kernels of ${side} x ${side}`);
  const self = rvit.position_similarity[rvit.position_patch];
  check(Math.abs(self - 1) <= 1e-5, `position-embedding similarity of patch ${rvit.position_patch} with itself: ${self}`);
  await lab.waitFor(() => {
    const l = window.lab.query('attention').locality;
    return l && l.vit && l.rvit;
  });
  const lines = (await attention()).locality;
  for (const [family, expected] of [['vit', vitNative], ['rvit', rvitNative]]) {
    const line = lines[family];
    const below = flat(expected.distance_px).filter((d) => d < line.threshold_px).length;
    check(line.local_heads === below && line.heads === expected.layers * expected.heads,
          `${line.model}: ${line.local_heads} of ${line.heads} heads local in the page, ${below} by the CLI's distances`);
  }
  await lab.click('attention.control.p100');
  await lab.waitFor(() => {
    const c = window.lab.query('attention').control;
    return c && c.distance_px;
  });
  const control = (await attention()).control;
  const controlNative = native('--model', modelFile('rvitzero_p100'), '--test-index', String(index));
  const controlRel = maxRel(flat(control.distance_px), flat(controlNative.distance_px));
  check(control.model === 'rvitzero_p100' && controlRel <= TOLERANCE,
        `${control.model} overlaid: distances within ${controlRel.toExponential(2)} (relative) of the CLI`);
  await lab.page.screenshot({ path: path.join(outDir, 'attention-rvit.png'), fullPage: true });
  await lab.click('attention.control.none');

  await lab.click('attention.model.cnn');
  await lab.waitFor(() => window.lab.query('attention').status === 'no_attention');
  check(true, 'the cnn has no attention, and the view says so');
  await lab.page.screenshot({ path: path.join(outDir, 'attention-cnn.png') });

  // The averaging job (first 100 test images), with the 1 % checkpoint overlaid.
  await lab.click('attention.model.vit');
  await waitReady('vit_p100');
  const started = Date.now();
  await lab.click('attention.source.average');
  await lab.waitFor(() => {
    const a = window.lab.query('attention');
    return a.average && a.average.finished && a.compare && a.compare.average && a.compare.average.finished;
  }, null, 300000);
  const seconds = (Date.now() - started) / 1000;
  const shown = await attention();
  for (const [name, avg] of [['vit_p100', shown.average], [shown.compare.model, shown.compare.average]]) {
    const expected = native('--model', modelFile(name), '--images', String(AVERAGE_IMAGES));
    const rel = maxRel(flat(avg.distance_px), flat(expected.distance_px));
    check(avg.done === AVERAGE_IMAGES && rel <= TOLERANCE,
          `${name}: mean over ${avg.done} test images within ${rel.toExponential(2)} (relative) of the CLI`);
  }
  console.log(`averaging job: ${AVERAGE_IMAGES} images x 2 checkpoints in ${seconds.toFixed(1)} s`);
  await lab.page.screenshot({ path: path.join(outDir, 'attention-average.png') });
}

await runPageTest(pageDir, '/index.html', { width: 1280, height: 800 }, run);
