// The peer benchmark: times the three p100 models' forward pass in headless Debian Chromium with onnxruntime-web
// (wasm execution provider, SIMD) and tfjs (wasm backend, SIMD), on one thread or --threads N, under the convention of
// tools/bench/model_bench.cpp, so that our engine's Chromium figures (tools/bench/chromium_bench.mjs --peers) can be
// set beside theirs. It prepares build-wasm/peers (npm ci here when node_modules is missing; export_onnx.py writes
// NAME.onnx and NAME.ref.json; the page, the runtimes' files, the test images and the safetensors are copied next to
// them), serves that folder (one thread: without cross-origin isolation, so no SharedArrayBuffer and no wasm threads;
// --threads N > 1: isolated, each runtime on N threads) and collects the page's JSON lines.
//   node tools/bench/peers/peers.mjs [--runs N] [--model NAME] [--threads N] [--out DIR]
// runPeers({ runs, model, threads }) returns the rows: {kind: "parity", model, backend, images, max_abs_diff} per
// model, then {kind: "forward", model, backend, batch, threads, runs, median_ms, min_ms, per_image_ms} per model and
// batch (1, 64).
// Exits non-zero when the page fails, parity included.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { ROOT, runPageToEnd } from '../../../tests/browser/harness.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ORT_DIST = path.join(HERE, 'node_modules/onnxruntime-web/dist');
const ORT_FILES = ['ort.wasm.min.mjs', 'ort-wasm-simd-threaded.mjs', 'ort-wasm-simd-threaded.wasm'];
const TFJS_FILES = ['tfjs-core/dist/tf-core.min.js', 'tfjs-backend-wasm/dist/tf-backend-wasm.min.js',
                    ...['', '-simd', '-threaded-simd'].map((v) => `tfjs-backend-wasm/dist/tfjs-backend-wasm${v}.wasm`)];
const MODELS = ['vit_p100', 'cnn_p100', 'hybrid_p100'];
const TEST_IMAGES = '/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz';
const PAGE_TIMEOUT_MS = 20 * 60 * 1000;

function runOrThrow(cmd, args, cwd) {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (r.error || r.status !== 0)
    throw new Error(`${cmd} ${args.join(' ')} failed (${r.error?.message ?? 'exit ' + r.status}): ${r.stderr}`);
}

function copyInto(dir, files) {
  fs.mkdirSync(dir, { recursive: true });
  for (const f of files) fs.copyFileSync(f, path.join(dir, path.basename(f)));
}

// build-wasm/peers: peers.html, peers.js, tfjs_models.js, NAME.onnx, NAME.ref.json, ort/ and tfjs/ (runtimes),
// data/ (test images), models/ (the safetensors, for tfjs).
function prepare(out) {
  if (!fs.existsSync(path.join(HERE, 'node_modules')))
    runOrThrow('npm', ['ci', '--no-audit', '--no-fund'], HERE);
  runOrThrow('/usr/bin/python3', [path.join(HERE, 'export_onnx.py'), '--out', out], ROOT);
  copyInto(out, ['peers.html', 'peers.js', 'tfjs_models.js'].map((f) => path.join(HERE, f)));
  copyInto(path.join(out, 'ort'), ORT_FILES.map((f) => path.join(ORT_DIST, f)));
  copyInto(path.join(out, 'tfjs'), TFJS_FILES.map((f) => path.join(HERE, 'node_modules/@tensorflow', f)));
  copyInto(path.join(out, 'data'), [TEST_IMAGES]);
  copyInto(path.join(out, 'models'), MODELS.map((m) => path.join(ROOT, 'assets/models', m + '.safetensors')));
}

// Opens peers.html in Chromium (cross-origin isolated when it asks for threads) and returns the JSON lines it logged,
// parsed.
async function runPage(out, query) {
  const { lines } = await runPageToEnd(out, `peers.html?${new URLSearchParams(query)}`, PAGE_TIMEOUT_MS,
                                       { isolated: Number(query.threads) > 1 });
  return lines.filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));
}

export async function runPeers({ runs = 50, model = '', threads = 1, out = path.join(ROOT, 'build-wasm/peers') } = {}) {
  prepare(out);
  return runPage(out, { runs, threads, ...(model ? { model } : {}) });
}

const USAGE = 'node tools/bench/peers/peers.mjs [--runs N] [--model NAME] [--threads N] [--out DIR]';

function parseArgs(argv) {
  const opts = {};
  for (let i = 0; i < argv.length; i += 2) {
    const key = { '--runs': 'runs', '--model': 'model', '--threads': 'threads', '--out': 'out' }[argv[i]];
    if (!key || i + 1 === argv.length) throw new Error(`bad flag ${argv[i]}; usage: ${USAGE}`);
    opts[key] = key === 'out' ? path.resolve(argv[i + 1]) : argv[i + 1];
  }
  return opts;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  runPeers(parseArgs(process.argv.slice(2)))
    .then((rows) => rows.forEach((r) => console.log(JSON.stringify(r))))
    .catch((e) => {
      console.error(`peers: ${e.message}`);
      process.exit(1);
    });
}
