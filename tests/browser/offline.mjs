// Browser test of the offline page and the lazy Korean font (issue #12 item 7; headless Debian Chromium, npm
// playwright-core). http://127.0.0.1 is a secure context, so the service worker (web/sw.js.in) runs.
// English session (on a copy of the page folder): the first visit never asks for the Korean font (only the language
// names' subset); predictions of the default input and of a gallery image are noted; a switch to Korean fetches the
// font and rebuilds the atlas with every syllable. A new build (sw.js changed) replaces the old build's cache with one
// holding the same files and the page loads again by itself. Then the browser goes offline and the server stops: the
// page opened again is answered by the service worker alone, becomes ready, shows the same predictions, a gallery
// click works, and Korean too.
// Korean session (?lang=ko, fresh profile, the font's download made to fail): the page still becomes ready, says which
// font it could not load, and a later switch to Korean loads it.
// Any other console error, page error or failed request fails.
// usage: node tests/browser/offline.mjs <page folder, e.g. build-wasm/web>
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { READY_TIMEOUT_MS, check, failures, labControls, launch, serve } from './harness.mjs';

const HANGUL_FONT = '/assets/fonts/nanum/NanumGothic.ttf';
const NAMES_FONT = '/assets/fonts/nanum/NanumGothic-names.ttf';
const ALL_SYLLABLES = 11172;  // U+AC00..U+D7A3: the atlas holds them all once the Korean font is in
const THUMBNAIL = 7;          // a gallery position

const [pageDir] = process.argv.slice(2);
if (!pageDir) {
  console.error('usage: node tests/browser/offline.mjs <page folder>');
  process.exit(2);
}

// Opens `url` and waits for the lab; returns the page's helpers.
async function open(browser, origin, url) {
  const { page } = browser;
  const lab = { ...labControls(page), waitFor: (fn, arg) => page.waitForFunction(fn, arg, { polling: 100 }) };
  await page.goto(origin + url);
  await page.waitForFunction(() => window.labReady === true || !!window.labError, null,
                             { timeout: READY_TIMEOUT_MS, polling: 100 });
  const error = await page.evaluate(() => window.labError || '');
  check(!error, `${url} becomes ready${error ? ': ' + error : ''}`);
  if (error) throw new Error(error);
  return lab;
}

// The paths this document has fetched so far.
const fetchedPaths = (page) =>
  page.evaluate(() => performance.getEntriesByType('resource').map((e) => new URL(e.name).pathname));

// The Predictions view's probabilities once every model has answered for the current input.
async function predictions(lab) {
  await lab.click('tab.predictions');
  await lab.waitFor(() => {
    const state = window.lab.query('state');
    return state.tab === 'predictions' &&
           window.lab.query('predictions').models.every((m) => m.ready && m.input_version === state.input_version);
  });
  return (await lab.query('predictions')).models.map((m) => ({ name: m.name, probs: m.probs }));
}

async function galleryPredictions(lab) {
  const before = (await lab.query('state')).input_version;
  await lab.click('gallery.' + THUMBNAIL);
  await lab.waitFor((v) => window.lab.query('state').input_version !== v, before);
  return { index: (await lab.query('state')).gallery_index, models: await predictions(lab) };
}

async function switchLanguage(lab, code) {
  await lab.click('language.' + code);
  await lab.waitFor((c) => window.lab.query('state').language === c, code);
}

async function waitForAllSyllables(lab) {
  await lab.waitFor((n) => window.lab.query('fonts').glyphs > n, ALL_SYLLABLES);
  return lab.query('fonts');
}

const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);

// A new build as the browser sees it: sw.js names another cache.
function newBuild(dir) {
  const sw = path.join(dir, 'sw.js');
  const text = fs.readFileSync(sw, 'utf8');
  const next = text.replace(/(const CACHE = PREFIX \+ ')([0-9a-f]+)'/, '$1$2next\'');
  if (next === text) throw new Error('sw.js names no cache version');
  fs.writeFileSync(sw, next);
}

async function englishThenOffline() {
  const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'vitcnn-offline-'));
  fs.cpSync(pageDir, copy, { recursive: true });
  let { server, origin } = await serve(copy);
  const browser = await launch({ viewport: { width: 1280, height: 800 } }, origin);
  try {
    const lab = await open(browser, origin, '/index.html?lang=en');
    const { page } = browser;
    let paths = await fetchedPaths(page);
    check(!paths.includes(HANGUL_FONT) && paths.includes(NAMES_FONT),
          'an English page fetches the language names\' font subset, not the Korean font');
    const fonts = await lab.query('fonts');
    check(fonts.hangul_font.endsWith('NanumGothic-names.ttf') && fonts.glyphs < 1000,
          `its atlas has ${fonts.glyphs} glyphs, Hangul only from the names' subset`);
    const first = await predictions(lab);
    const picked = await galleryPredictions(lab);

    await switchLanguage(lab, 'ko');
    const korean = await waitForAllSyllables(lab);
    paths = await fetchedPaths(page);
    check(paths.includes(HANGUL_FONT) && korean.hangul_font.endsWith('NanumGothic.ttf'),
          `switching to Korean fetches the Korean font and rebuilds the atlas (${korean.glyphs} glyphs)`);
    await switchLanguage(lab, 'en');
    await lab.waitFor(() => window.labOffline > 0);
    check(true, `the service worker keeps ${await page.evaluate(() => window.labOffline)} files`);

    const [oldCache] = await page.evaluate(() => caches.keys());
    newBuild(copy);
    await page.goto(origin + '/index.html?lang=en');  // answered from the old copy; the browser finds the new sw.js
    await page.waitForFunction(() => performance.getEntriesByType('navigation')[0].type === 'reload' &&
                                     window.labReady === true, null, { timeout: READY_TIMEOUT_MS, polling: 100 });
    await lab.waitFor(() => window.labOffline > 0);
    const caches = await page.evaluate(() => caches.keys());
    check(caches.length === 1 && caches[0] === oldCache + 'next',
          `a new build's worker replaces the cache ${oldCache} by ${caches.join(', ')} and the page loads again`);

    // Offline: no network for the browser, and no server either.
    await browser.page.context().setOffline(true);
    server.kill();
    server = null;
    const fromWorker = [], network = [];
    page.on('response', (r) => (r.fromServiceWorker() ? fromWorker : network).push(r.url()));
    const again = await open(browser, origin, '/index.html?lang=en');
    check(fromWorker.length >= 10 && network.length === 0,
          `offline, all ${fromWorker.length} responses come from the service worker (${network.join(', ')})`);
    check(same(await predictions(again), first), 'offline, the default input gets the same predictions');
    const pickedOffline = await galleryPredictions(again);
    check(same(pickedOffline, picked),
          `offline, gallery.${THUMBNAIL} loads test image #${pickedOffline.index} with the same predictions`);
    await switchLanguage(again, 'ko');
    check((await waitForAllSyllables(again)).hangul_font.endsWith('NanumGothic.ttf'),
          'offline, Korean shows with the font kept from the first visit');
  } finally {
    for (const problem of browser.problems) check(false, problem);
    await browser.close();
    if (server) server.kill();
    fs.rmSync(copy, { recursive: true, force: true });
  }
}

async function koreanWithoutFont() {
  const { server, origin } = await serve(pageDir);
  const browser = await launch({ viewport: { width: 1280, height: 800 } }, origin);
  try {
    const { page } = browser;
    await page.route('**' + HANGUL_FONT, (route) => route.abort());
    const lab = await open(browser, origin, '/index.html?lang=ko');
    check((await fetchedPaths(page)).includes(HANGUL_FONT), 'a Korean page asks for the Korean font before it is ready');
    const state = await lab.query('state');
    check(state.language === 'ko' && state.message_is_error && state.message.includes('NanumGothic.ttf'),
          `without it the page still opens and says why: "${state.message}"`);
    await page.unroute('**' + HANGUL_FONT);
    // The aborted download is the one failed request, and the browser's console reports it (without its URL).
    const expected = [`failed request: ${origin}${HANGUL_FONT}`, 'console error: Failed to load resource: net::ERR_FAILED'];
    check(expected.every((p) => browser.problems.includes(p)), 'the font\'s download was the one that failed');
    for (const p of expected) browser.problems.splice(browser.problems.indexOf(p), 1);
    await switchLanguage(lab, 'en');
    await switchLanguage(lab, 'ko');
    const fonts = await waitForAllSyllables(lab);
    check(fonts.hangul_font.endsWith('NanumGothic.ttf'), `switching to Korean again loads it (${fonts.glyphs} glyphs)`);
  } finally {
    for (const problem of browser.problems) check(false, problem);
    await browser.close();
    server.kill();
  }
}

for (const session of [englishThenOffline, koreanWithoutFont]) {
  try {
    await session();
  } catch (error) {
    check(false, `${session.name} ran to the end: ${error.message}`);
  }
}
console.log(failures.length ? `${failures.length} FAILED` : 'ALL PASSED');
process.exit(failures.length ? 1 : 0);
