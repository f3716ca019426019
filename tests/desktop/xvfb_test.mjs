// Desktop end-to-end test: runs the native lab under Xvfb for a number of frames, checks that the in-app
// screenshot shows a drawn frame (pixel variance, colour count), and that an unknown flag is refused.
// usage: node tests/desktop/xvfb_test.mjs <path to vitcnn-lab> <output folder>
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { decodePng, imageStats } from '../browser/png.mjs';

const [binary, outDir] = process.argv.slice(2);
if (!binary || !outDir) {
  console.error('usage: node tests/desktop/xvfb_test.mjs <vitcnn-lab> <output folder>');
  process.exit(2);
}
fs.mkdirSync(outDir, { recursive: true });
const failures = [];
const check = (ok, what) => {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
  if (!ok) failures.push(what);
};

for (const lang of ['en', 'ko']) {
  const shot = path.join(outDir, `desktop-${lang}.png`);
  fs.rmSync(shot, { force: true });
  const run = spawnSync('xvfb-run', ['-a', '-s', '-screen 0 1280x800x24', binary, '--lang', lang, '--frames', '30',
                                     '--screenshot', shot], { encoding: 'utf8', timeout: 120000 });
  process.stdout.write(run.stdout || '');
  process.stderr.write(run.stderr || '');
  check(run.status === 0, `${lang}: vitcnn-lab --frames 30 --screenshot exits 0 (got ${run.status})`);
  check(!/not ready/.test(run.stderr || ''), `${lang}: the lab was ready within 30 frames`);
  if (!fs.existsSync(shot)) {
    check(false, `${lang}: screenshot written to ${shot}`);
    continue;
  }
  const image = decodePng(fs.readFileSync(shot));
  const stats = imageStats(image);
  console.log(`${lang}: ${image.width}x${image.height}, luma variance ${stats.variance.toFixed(1)}, ` +
              `${stats.colours} colours`);
  check(image.width === 1280 && image.height === 800, `${lang}: screenshot is 1280x800`);
  check(stats.variance > 200 && stats.colours > 32, `${lang}: screenshot is not blank`);
}

const bad = spawnSync(binary, ['--no-such-flag'], { encoding: 'utf8' });
check(bad.status !== 0 && /--no-such-flag/.test(bad.stderr), 'an unknown flag gives a message and a non-zero exit');

console.log(failures.length ? `desktop test: ${failures.length} failure(s)` : 'desktop test: all checks passed');
process.exit(failures.length ? 1 : 0);
