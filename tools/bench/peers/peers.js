// The peer benchmark page: times the three p100 models' forward pass with onnxruntime-web (wasm execution provider,
// one thread, SIMD; the exported NAME.onnx) and with tfjs on its wasm backend (SIMD; the ops of tfjs_models.js on
// the lab's safetensors) under the measurement convention of tools/bench/model_bench.cpp, and prints one JSON line
// per measurement to console.log in model_bench --json's shape. Before timing a model it checks the logits of the
// first 4 test images against PyTorch's (NAME.ref.json) and fails when they differ by more than 1e-3.
// Served from build-wasm/peers (tools/bench/peers/peers.mjs prepares the folder: ort/, tfjs/, data/, models/,
// NAME.onnx, NAME.ref.json). Query: ?runs=N (default 50) &model=NAME (default: all three) &threads=N (default 1:
// served without cross-origin isolation, no SharedArrayBuffer, so neither runtime can start threads; N > 1: served
// isolated, onnxruntime-web's numThreads and tfjs's thread count set to N). Sets window.benchExit = 0 when done,
// window.benchError = message on failure.
/* global tf */
import * as ort from './ort/ort.wasm.min.mjs';
import { buildModel } from './tfjs_models.js';

const MODELS = ['vit_p100', 'cnn_p100', 'hybrid_p100'];
const BATCHES = [1, 64];
const PARITY_TOLERANCE = 1e-3;
const INPUT = { size: 32, pad: 2, mean: 0.2860, std: 0.3530 };  // tools/train/checkpoint.py INPUT
const IMAGE = 28;
const IDX_HEADER = 16;  // gzip IDX of images: magic, count, rows, cols (big-endian int32), then uint8 pixels

function log(line) {
  console.log(line);
  document.getElementById('log').textContent += line + '\n';
}

async function fetchOk(url) {
  const r = await fetch(url);
  if (!r.ok) throw new Error(`${url}: HTTP ${r.status}`);
  return r;
}

// The test images, uint8 [N, 28, 28] flattened.
async function loadTestImages() {
  const r = await fetchOk('data/t10k-images-idx3-ubyte.gz');
  const raw = new Uint8Array(await new Response(r.body.pipeThrough(new DecompressionStream('gzip'))).arrayBuffer());
  return raw.subarray(IDX_HEADER);
}

// uint8 images [N, 28, 28] -> the first `batch`, zero padded and normalized: float32 [batch, 1, 32, 32].
function preprocess(images, batch) {
  const s = INPUT.size;
  const x = new Float32Array(batch * s * s).fill((0 - INPUT.mean) / INPUT.std);
  for (let b = 0; b < batch; ++b)
    for (let r = 0; r < IMAGE; ++r)
      for (let c = 0; c < IMAGE; ++c) {
        const v = images[(b * IMAGE + r) * IMAGE + c] / 255;
        x[(b * s + r + INPUT.pad) * s + c + INPUT.pad] = (v - INPUT.mean) / INPUT.std;
      }
  return x;
}

function configureOrt(threads) {
  ort.env.wasm.wasmPaths = new URL('ort/', location.href).href;
  ort.env.wasm.numThreads = threads;
  ort.env.wasm.simd = true;
  ort.env.wasm.proxy = false;
}

// A model's forward with onnxruntime-web: float32 [B, 1, 32, 32] -> logits float32 [B, 10]. `prepare` builds the
// input feed outside the timed region; `run` is session.run alone.
async function openOrt(name) {
  const session = await ort.InferenceSession.create(`${name}.onnx`, { executionProviders: ['wasm'] });
  return {
    prepare: (x, batch) => ({ x: new ort.Tensor('float32', x, [batch, 1, INPUT.size, INPUT.size]) }),
    run: async (feed) => (await session.run(feed)).logits.data,
  };
}

async function configureTfjs(threads) {
  tf.wasm.setWasmPaths(new URL('tfjs/', location.href).href);
  if (threads > 1) tf.wasm.setThreadsCount(threads);
  if (!(await tf.setBackend('wasm'))) throw new Error('tfjs: the wasm backend did not initialize');
}

// A model's forward with tfjs: float32 [B, 32, 32, 1] -> logits float32 [B, 10]. `run` includes reading the logits
// back (tfjs computes asynchronously; data() is where it finishes).
async function openTfjs(name) {
  const forward = buildModel(await (await fetchOk(`models/${name}.safetensors`)).arrayBuffer());
  return {
    prepare: (x, batch) => tf.tensor(x, [batch, INPUT.size, INPUT.size, 1]),
    run: async (x) => {
      const logits = forward(x);
      const data = await logits.data();
      logits.dispose();
      return data;
    },
  };
}

const PEERS = [{ backend: 'onnxruntime-web', open: openOrt }, { backend: 'tfjs-wasm', open: openTfjs }];

// max |logits - PyTorch's| over the first ref.images test images; throws past PARITY_TOLERANCE.
async function checkParity(name, backend, model, images) {
  const ref = await (await fetchOk(`${name}.ref.json`)).json();
  const logits = await model.run(model.prepare(preprocess(images, ref.images), ref.images));
  const expected = ref.logits.flat();
  let maxDiff = 0;
  expected.forEach((v, i) => (maxDiff = Math.max(maxDiff, Math.abs(logits[i] - v))));
  if (!(maxDiff <= PARITY_TOLERANCE) || logits.length !== expected.length)
    throw new Error(`${name} ${backend}: logits differ from PyTorch's by ${maxDiff} (> ${PARITY_TOLERANCE})`);
  console.log(JSON.stringify({ kind: 'parity', model: name, backend, images: ref.images, max_abs_diff: maxDiff }));
}

// model_bench's time_runs: warm-up of >= 0.5 s and >= 3 calls, then `runs` timed calls -> median and min, ms.
async function timeRuns(fn, runs) {
  const w0 = performance.now();
  for (let i = 0; i < 3 || performance.now() - w0 < 500; ++i) await fn();
  const t = [];
  for (let i = 0; i < runs; ++i) {
    const t0 = performance.now();
    await fn();
    t.push(performance.now() - t0);
  }
  t.sort((a, b) => a - b);
  const mid = runs >> 1;
  return { median: runs % 2 ? t[mid] : 0.5 * (t[mid - 1] + t[mid]), min: t[0] };
}

const round4 = (ms) => Number(ms.toFixed(4));  // model_bench --json prints %.4f

async function benchModel(name, backend, model, images, runs, threads) {
  await checkParity(name, backend, model, images);
  for (const batch of BATCHES) {
    const feed = model.prepare(preprocess(images, batch), batch);
    const t = await timeRuns(() => model.run(feed), runs);
    log(JSON.stringify({ kind: 'forward', model: name, backend, batch, threads, runs, median_ms: round4(t.median),
                         min_ms: round4(t.min), per_image_ms: round4(t.median / batch) }));
  }
}

async function main() {
  const query = new URLSearchParams(location.search);
  const runs = Math.max(1, parseInt(query.get('runs') ?? '50', 10) || 50);
  const only = query.get('model');
  const threads = Math.max(1, parseInt(query.get('threads') ?? '1', 10) || 1);
  if ((threads > 1) !== window.crossOriginIsolated)
    throw new Error(`threads=${threads} wants a page ${threads > 1 ? '' : 'not '}served cross-origin isolated`);
  configureOrt(threads);
  await configureTfjs(threads);
  const images = await loadTestImages();
  for (const name of MODELS.filter((m) => !only || m === only))
    for (const { backend, open } of PEERS) await benchModel(name, backend, await open(name), images, runs, threads);
  window.benchExit = 0;
}

main().catch((e) => {
  window.benchError = String(e?.message ?? e);
  log('peers: ' + window.benchError);
});
