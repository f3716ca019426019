// Runs the model benchmark (tools/bench/model_bench.cpp) natively and then as a page in headless Debian Chromium,
// one after the other on this machine, and prints both sets of medians side by side with their ratio. A benchmark
// prints numbers; it asserts nothing (the exit status is non-zero only when a side fails to run).
//   node tools/bench/chromium_bench.mjs [--native build/model_bench] [--page build-wasm/bench] [--out FILE.json]
//                                       [--peers]
//                                       [model_bench flags: --runs N --only forward|attention|trace|rf|cka --model NAME ...]
// Build first: ./build_wasm.sh build (the page is the wasm tree's model_bench target, in build-wasm/bench/).
// --peers then times the same p100 models with onnxruntime-web and tfjs-wasm in Chromium (tools/bench/peers/peers.mjs)
// and prints a second table: our Chromium simd medians beside theirs.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { ROOT, runPageToEnd } from '../../tests/browser/harness.mjs';
import { runPeers } from './peers/peers.mjs';

const BENCH_TIMEOUT_MS = 90 * 60 * 1000;  // ref at batch 64, 50 runs per model: most of the time

function parseArgs(argv) {
  const opts = { native: path.join(ROOT, 'build/model_bench'), page: path.join(ROOT, 'build-wasm/bench'),
                 out: '', benchArgs: [] };
  for (let i = 0; i < argv.length; ++i) {
    const key = { '--native': 'native', '--page': 'page', '--out': 'out' }[argv[i]];
    if (key && i + 1 < argv.length) opts[key] = path.resolve(argv[++i]);
    else if (argv[i] === '--peers') opts.peers = true;
    else opts.benchArgs.push(argv[i]);
  }
  return opts;
}

// model_bench --json prints one object per measurement; anything else is a message.
function parseLines(lines, side) {
  const rows = [];
  for (const line of lines) {
    if (line.startsWith('{')) rows.push(JSON.parse(line));
    else if (line.trim()) console.error(`${side}: ${line}`);
  }
  return rows;
}

function runNative(opts) {
  const r = spawnSync(opts.native, [...opts.benchArgs, '--json'], { cwd: ROOT, encoding: 'utf8',
                                                                   maxBuffer: 1 << 26 });
  if (r.error || r.status !== 0)
    throw new Error(`${opts.native} failed (${r.error ? r.error.message : 'exit ' + r.status}): ${r.stderr}`);
  if (r.stderr.trim()) console.error(`native: ${r.stderr.trim()}`);
  return parseLines(r.stdout.split('\n'), 'native');
}

async function runChromium(opts) {
  const query = [...opts.benchArgs, '--json'].map((a) => 'arg=' + encodeURIComponent(a)).join('&');
  const { lines, userAgent } = await runPageToEnd(opts.page, `model_bench.html?${query}`, BENCH_TIMEOUT_MS);
  return { rows: parseLines(lines, 'chromium'), chromium: /Chrome\/([\d.]+)/.exec(userAgent)?.[1] ?? userAgent };
}

const KINDS = { forward: 'forward', attention_distance: 'mean attention distance, end to end',
                attention_analysis: 'mean attention distance, analysis of recorded traces',
                erf_map: 'ERF map, one unit and image', erf_mean: 'mean ERF',
                cka: 'CKA matrix, minibatches of 100' };
const key = (r) => [r.kind, r.model, r.backend, r.batch ?? r.images].join(' ');
const fmt = (ms) => (ms === undefined ? '-' : ms.toFixed(ms < 10 ? 3 : 1));

function printTable(native, chromium) {
  const byKey = new Map(chromium.map((r) => [key(r), r]));
  console.log('| measurement | model | backend | batch / images | runs | native median ms | Chromium median ms |' +
              ' Chromium / native |');
  console.log('|---|---|---|---|---|---|---|---|');
  for (const n of native.filter((r) => r.median_ms !== undefined)) {  // timings only (not trace_memory)
    const c = byKey.get(key(n));
    // ERF rows carry their model's batch-1 forward time on each side.
    const what = (KINDS[n.kind] ?? n.kind) +
                 (n.forward_ms === undefined ? '' : ` (forward ${fmt(n.forward_ms)} / ${fmt(c?.forward_ms)} ms)`);
    const ratio = c ? (c.median_ms / n.median_ms).toFixed(2) : '-';
    console.log(`| ${what} | ${n.model} | ${n.backend} | ${n.batch ?? n.images} | ${n.runs} | ${fmt(n.median_ms)} |` +
                ` ${fmt(c?.median_ms)} | ${ratio} |`);
  }
}

// --peers: the p100 models' forward with the peer runtimes beside ours in Chromium (simd), same runs and model filter.
function benchFlag(opts, flag) {
  const i = opts.benchArgs.indexOf(flag);
  return i < 0 ? undefined : opts.benchArgs[i + 1];
}

function printPeerTable(chromium, peers) {
  const backends = [...new Set(peers.map((r) => r.backend))];
  const ours = chromium.filter((r) => r.kind === 'forward' && r.backend === 'simd' && r.model.endsWith('_p100'));
  console.log(`\n| model | batch | ours in Chromium (simd) median ms |` +
              backends.map((b) => ` ${b} median ms | ${b} / ours |`).join(''));
  console.log('|---|---|---|' + backends.map(() => '---|---|').join(''));
  for (const o of ours) {
    const cells = backends.map((b) => {
      const p = peers.find((r) => key(r) === key({ ...o, backend: b }));
      return ` ${fmt(p?.median_ms)} | ${p ? (p.median_ms / o.median_ms).toFixed(2) : '-'} |`;
    });
    console.log(`| ${o.model} | ${o.batch} | ${fmt(o.median_ms)} |${cells.join('')}`);
  }
}

async function runPeerBench(opts, chromium) {
  console.log('\npeers run (one thread: served without cross-origin isolation, so no SharedArrayBuffer)...');
  const peers = await runPeers({ runs: benchFlag(opts, '--runs') ?? 50, model: benchFlag(opts, '--model') ?? '' });
  for (const p of peers.filter((r) => r.kind === 'parity'))
    console.log(`parity ${p.model} ${p.backend}: max |logit - PyTorch's| ${p.max_abs_diff.toExponential(1)}`);
  printPeerTable(chromium, peers);
  return peers;
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  for (const f of [opts.native, path.join(opts.page, 'model_bench.html')])
    if (!fs.existsSync(f)) throw new Error(`${f} not found: build first (./build_wasm.sh build)`);
  console.log(`CPU: ${os.cpus()[0].model} (${os.cpus().length} cores); model_bench ${opts.benchArgs.join(' ')}`);
  console.log('native run...');
  const native = runNative(opts);
  console.log('Chromium run...');
  const { rows: chromium, chromium: version } = await runChromium(opts);
  console.log(`Chromium ${version}; timer resolution in the page: 0.1 ms (no cross-origin isolation)\n`);
  printTable(native, chromium);
  const peers = opts.peers ? await runPeerBench(opts, chromium) : undefined;
  if (opts.out) fs.writeFileSync(opts.out, JSON.stringify({ cpu: os.cpus()[0].model, chromium: version,
                                                            native, chromium_rows: chromium, peers }, null, 1));
}

main().catch((e) => {
  console.error(`chromium_bench: ${e.message}`);
  process.exit(1);
});
