// Runs the model benchmark (tools/bench/model_bench.cpp) natively and then as a page in headless Debian Chromium,
// one after the other on this machine, and prints both sets of medians side by side with their ratio. A benchmark
// prints numbers; it asserts nothing (the exit status is non-zero only when a side fails to run).
//   node tools/bench/chromium_bench.mjs [--native build/model_bench] [--page build-wasm/bench] [--out FILE.json]
//                                       [--peers] [--threads N]
//                                       [model_bench flags: --runs N --only forward|attention|trace|rf|cka --model NAME ...]
// Build first: ./build_wasm.sh build (the page is the wasm tree's model_bench target, in build-wasm/bench/).
// --peers then times the same p100 models with onnxruntime-web and tfjs-wasm in Chromium (tools/bench/peers/peers.mjs)
// and prints a second table: our Chromium simd medians beside theirs.
// --threads N (N > 1) then runs the threaded build's page (build-wasm-mt/bench: cmake --build build-wasm-mt --target
// model_bench), served cross-origin isolated: the batch-64 forwards on 1 and on N kernel threads natively and in
// Chromium (model_bench --only threads), the mean attention distance on N threads, and with --peers our simd forwards
// on N threads beside the peers' on N. --peers without --threads takes every core (up to 16) when that page is built.
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
    else if (argv[i] === '--threads' && i + 1 < argv.length) opts.threads = Math.max(1, parseInt(argv[++i], 10) || 1);
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

async function runChromium(opts, args = opts.benchArgs, page = opts.page, isolated = false) {
  const query = [...args, '--json'].map((a) => 'arg=' + encodeURIComponent(a)).join('&');
  const { lines, userAgent } = await runPageToEnd(page, `model_bench.html?${query}`, BENCH_TIMEOUT_MS, { isolated });
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

async function runPeerBench(opts, chromium, threads = 1) {
  console.log(threads > 1 ? `\npeers run (${threads} threads: served cross-origin isolated)...`
                          : '\npeers run (one thread: served without cross-origin isolation, so no SharedArrayBuffer)...');
  const peers = await runPeers({ runs: benchFlag(opts, '--runs') ?? 50, model: benchFlag(opts, '--model') ?? '',
                                 threads });
  for (const p of peers.filter((r) => r.kind === 'parity'))
    console.log(`parity ${p.model} ${p.backend}: max |logit - PyTorch's| ${p.max_abs_diff.toExponential(1)}`);
  printPeerTable(chromium, peers);
  return peers;
}

// --threads N: the threaded page (build-wasm-mt/bench, cross-origin isolated) beside the native program: batch-64
// forwards on one kernel thread and on N, the throughput ratio of each; with --peers, our forwards on N threads beside
// the peers' on N.
async function runThreadsBench(opts) {
  const n = opts.threads;
  const page = path.join(ROOT, 'build-wasm-mt/bench');
  if (!fs.existsSync(path.join(page, 'model_bench.html')))
    throw new Error(`${page}/model_bench.html not found: cmake --build build-wasm-mt --target model_bench`);
  const runs = benchFlag(opts, '--runs') ?? '30';
  const model = benchFlag(opts, '--model');
  const common = ['--runs', runs, '--threads', String(n), ...(model ? ['--model', model] : [])];
  console.log(`\nthreads run: model_bench --only threads ${common.join(' ')}, natively and in Chromium (isolated)...`);
  const native = runNative({ ...opts, benchArgs: ['--only', 'threads', ...common] });
  const { rows: chromium } = await runChromium(opts, ['--only', 'threads', ...common], page, true);
  console.log(`\n| model | batch | native 1 thread ms | native ${n} threads ms | native throughput | ` +
              `Chromium 1 thread ms | Chromium ${n} threads ms | Chromium throughput |`);
  console.log('|---|---|---|---|---|---|---|---|');
  for (const r of native) {
    const c = chromium.find((x) => x.model === r.model);
    console.log(`| ${r.model} | ${r.batch} | ${fmt(r.one_thread_ms)} | ${fmt(r.threads_ms)} | ${r.speedup.toFixed(2)}x |` +
                ` ${fmt(c?.one_thread_ms)} | ${fmt(c?.threads_ms)} | ${c ? c.speedup.toFixed(2) + 'x' : '-'} |`);
  }
  console.log(`\nthe 256-image mean attention distance on ${n} threads in Chromium (model_bench --only attention)...`);
  const { rows: attention } = await runChromium(opts, ['--only', 'attention', ...common], page, true);
  console.log(`\n| checkpoint | ${n} threads in Chromium: mean attention distance, 256 images, end to end, median ms |`);
  console.log('|---|---|');
  for (const r of attention.filter((x) => x.kind === 'attention_distance'))
    console.log(`| ${r.model} | ${fmt(r.median_ms)} |`);
  if (!opts.peers) return { native, chromium, attention };
  console.log(`\nour forwards on ${n} threads in Chromium (model_bench --only forward --backend simd)...`);
  const { rows: ours } = await runChromium(opts, ['--only', 'forward', '--backend', 'simd', ...common], page, true);
  const peers = await runPeerBench(opts, ours, n);
  return { native, chromium, attention, ours, peers };
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
  if (opts.peers && opts.threads === undefined) {
    if (fs.existsSync(path.join(ROOT, 'build-wasm-mt/bench/model_bench.html')))
      opts.threads = Math.min(os.cpus().length, 16);
    else
      console.log('\n(no threads column: cmake --build build-wasm-mt --target model_bench builds its page)');
  }
  const threads = opts.threads > 1 ? await runThreadsBench(opts) : undefined;
  if (opts.out) fs.writeFileSync(opts.out, JSON.stringify({ cpu: os.cpus()[0].model, chromium: version,
                                                            native, chromium_rows: chromium, peers, threads }, null, 1));
}

main().catch((e) => {
  console.error(`chromium_bench: ${e.message}`);
  process.exit(1);
});
