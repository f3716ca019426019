// Browser test of the user's own checkpoints (headless Debian Chromium, npm playwright-core): a small checkpoint of
// another config than the shipped ones (tests/data/tiny_vit.safetensors: depth 2, 2 heads, dim 32, 8 px patches; made
// by tools/train/test_checkpoint.py) dropped on the page joins the ViT's checkpoint choices; the Predictions view shows
// its probabilities, equal to the native CLI's (`vitcnn predict`) within 1e-4, and the Attention view its 2 x 2 maps;
// the same file through the file picker is added as "tiny_vit.safetensors (2)"; a truncated file gives a message
// naming it, and the page goes on. Any console error, page error or failed request fails the test.
// usage: node tests/browser/own_checkpoint.mjs <page folder, e.g. build-wasm/web> <vitcnn binary> <output folder>
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { ROOT, check, runPageTest } from './harness.mjs';

const CHECKPOINT = path.join(ROOT, 'tests/data/tiny_vit.safetensors');
const NAME = 'tiny_vit.safetensors';
const TOLERANCE = 1e-4;  // native AVX2 vs wasm simd128: different summation orders

const [pageDir, vitcnn, outDir] = process.argv.slice(2);
if (!pageDir || !vitcnn || !outDir) {
  console.error('usage: node tests/browser/own_checkpoint.mjs <page folder> <vitcnn binary> <output folder>');
  process.exit(2);
}
fs.mkdirSync(outDir, { recursive: true });

// Drops `bytes` as a file named `name` through the page's own drop handler, as a file dragged from the desktop.
const drop = (page, bytes, name) => page.evaluate(([b64, n]) => {
  const transfer = new DataTransfer();
  transfer.items.add(new File([Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))], n));
  document.getElementById('canvas').dispatchEvent(
      new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
}, [bytes.toString('base64'), name]);

async function run(lab) {
  const { page, query, waitFor, click } = lab;
  const started = Date.now();
  const bytes = fs.readFileSync(CHECKPOINT);
  await click('tab.predictions');
  await waitFor(() => window.lab.query('state').tab === 'predictions');
  await drop(page, bytes, NAME);
  await waitFor((n) => {
    const vit = window.lab.query('predictions').models[0];
    return vit.name === n && vit.ready;
  }, NAME);
  const state = await query('state');
  check(!state.message_is_error && state.message.includes(NAME), `the drop says it opened ${NAME}: ${state.message}`);
  const vit = (await query('predictions')).models[0];
  const expected = JSON.parse(execFileSync(vitcnn, ['predict', '--model', CHECKPOINT, '--test-index',
                                                    String(state.gallery_index)], { encoding: 'utf8' })).probs;
  const diff = Math.max(...expected.map((p, k) => Math.abs(p - vit.probs[k])));
  check(vit.probs.length === 10 && diff <= TOLERANCE,
        `the Predictions view shows ${NAME}'s probabilities (test image #${state.gallery_index}): ` +
        `max |p_page - p_native| = ${diff.toExponential(2)}`);
  await page.screenshot({ path: path.join(outDir, 'predictions.png') });

  // The Attention view takes its sizes from the model: 2 layers x 2 heads over a 4 x 4 grid of 8 px patches.
  await click('tab.attention');
  await waitFor(() => window.lab.query('state').tab === 'attention');
  await click('attention.scale.user1');
  await waitFor((n) => {
    const a = window.lab.query('attention');
    return a.model === n && a.status === 'ready';
  }, NAME);
  const attention = await query('attention');
  check(attention.layers === 2 && attention.heads === 2 && attention.grid === 4 && attention.cell_px === 8,
        `the Attention view shows ${NAME}: ${attention.layers} layers x ${attention.heads} heads, ` +
        `${attention.grid} x ${attention.grid} patches of ${attention.cell_px} px`);
  check(!(await page.evaluate(() => location.hash)).includes('user'), 'the link does not name the own checkpoint');
  await page.screenshot({ path: path.join(outDir, 'attention.png') });

  // The file picker takes checkpoints too; the same name again becomes "<name> (2)".
  await click('tab.input');
  await waitFor(() => window.lab.query('state').tab === 'input');
  const chooser = page.waitForEvent('filechooser', { timeout: 20000 });
  await click('button.load');
  await (await chooser).setFiles(CHECKPOINT);
  await waitFor((n) => window.lab.query('predictions').models[0].name === n + ' (2)', NAME);
  check(true, `the file picker opens ${NAME} as "${NAME} (2)"`);

  // A truncated checkpoint: a message that names the file, and the page goes on.
  await drop(page, bytes.subarray(0, 200), 'broken.safetensors');
  await waitFor(() => window.lab.query('state').message.includes('broken.safetensors'));
  const broken = await query('state');
  check(broken.message_is_error, `a truncated checkpoint is a visible message: ${broken.message}`);
  await click('tab.predictions');
  await waitFor(() => window.lab.query('state').tab === 'predictions');
  check((await query('predictions')).models[0].name === NAME + ' (2)', 'the page goes on with the checkpoints it has');
  await page.screenshot({ path: path.join(outDir, 'broken.png') });
  console.log(`own checkpoint test: ${((Date.now() - started) / 1000).toFixed(1)} s after the page was ready`);
}

runPageTest(pageDir, '/index.html', { width: 1280, height: 800 }, run);
