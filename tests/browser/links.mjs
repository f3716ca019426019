// Browser test of links and the presenter scale (headless Debian Chromium, npm playwright-core):
// 1. Links round-trip: each link opens a page; its "Copy link" (menu bar) puts a link on the clipboard; that link
//    opened in a second page gives the identical lab.query("state") (tab, language, input image and its source,
//    scale, tour step, every view's settings) and identical predictions of the four models. One link is made in the
//    page itself by drawing on the input strip of the Predictions tab. A refused clipboard is reported on the status
//    line. A link pasted into a page that shows something else (the hash changes) gives exactly the state of a page
//    opened fresh with it: the settings it leaves out return to their defaults, while the page's own hash updates
//    reset nothing.
// 2. Malformed links (bad base64, wrong lengths, out-of-range values, unknown keys), in the hash of a fresh page and
//    applied to a running one, fall back to the defaults with no error.
// 3. Screenshots of every view at 1280 x 800 (scale 1) and 1920 x 1080 (scale 1.5, the automatic rule) in English
//    and Korean, into the output folder (view-<tab>-<width>-<language>.png).
// usage: node tests/browser/links.mjs <page folder, e.g. build-wasm/web> <output folder>
import fs from 'node:fs';
import path from 'node:path';
import { READY_TIMEOUT_MS, check, failures, labControls, launch, serve } from './harness.mjs';

const STEP_TIMEOUT_MS = 120000;
const TABS = ['input', 'predictions', 'attention', 'receptive_field', 'representations', 'compare'];
// The state keys that must survive a link (the rest counts frames, versions and messages of one page).
const KEPT = ['tab', 'language', 'gallery_index', 'input_edited', 'scale', 'scale_chosen', 'tour_step', 'view_state'];

const [pageDir, outDir] = process.argv.slice(2);
if (!pageDir || !outDir) {
  console.error('usage: node tests/browser/links.mjs <page folder> <output folder>');
  process.exit(2);
}
fs.mkdirSync(outDir, { recursive: true });

const { server, origin } = await serve(pageDir);
const browser = await launch({ viewport: { width: 1280, height: 800 }, permissions: ['clipboard-read', 'clipboard-write'] },
                             origin);

// A page of the shared browser at `url`, ready, with helpers.
async function open(url, page = null) {
  page = page || (await browser.page.context().newPage());
  page.on('console', (m) => m.type() === 'error' && browser.problems.push('console error: ' + m.text()));
  page.on('pageerror', (e) => browser.problems.push('page error: ' + e.message));
  await page.goto(origin + url);
  await page.waitForFunction(() => window.labReady === true || !!window.labError, null, { timeout: READY_TIMEOUT_MS });
  const error = await page.evaluate(() => window.labError || '');
  check(!error, `${url.slice(0, 90)}${url.length > 90 ? '…' : ''} becomes ready${error ? ': ' + error : ''}`);
  return { page, ...labControls(page) };
}

// The kept state and the input image now.
async function stateOf(lab) {
  const state = await lab.query('state');
  return { kept: Object.fromEntries(KEPT.map((k) => [k, state[k]])), image: (await lab.query('input')).image };
}

// The four models' probabilities for the current input: the Predictions tab computes them. Opened through the page's
// script entry, which merges (a pasted link would reset everything it does not name).
async function predictionsOf(lab) {
  await lab.page.evaluate(() => window.Module.labApplyView('tab=predictions'));
  await lab.page.waitForFunction(() => {
    const s = window.lab.query('state');
    const p = window.lab.query('predictions');
    return s.tab === 'predictions' && p.models && p.models.length > 0 &&
           p.models.every((m) => m.ready && m.input_version === s.input_version);
  }, null, { timeout: STEP_TIMEOUT_MS, polling: 200 });
  return (await lab.query('predictions')).models.map((m) => ({ name: m.name, probs: m.probs }));
}

async function copyLink(lab) {
  await lab.click('menu.copy_link');
  await lab.page.waitForFunction(() => window.lab.query('state').shared_link !== '', null, { timeout: STEP_TIMEOUT_MS });
  const link = (await lab.query('state')).shared_link;
  const clipboard = await lab.page.evaluate(() => navigator.clipboard.readText());
  check(clipboard === link, `"Copy link" puts the link on the clipboard (${link.length} characters)`);
  return link;
}

// Opens `url` (then `prepare`s the page), copies its link, opens that: both pages must agree exactly.
async function roundTrip(name, url, prepare = null) {
  const first = await open(url);
  if (prepare) await prepare(first);
  const a = await stateOf(first);
  const link = await copyLink(first);
  check(link.startsWith(origin + '/index.html#'), `${name}: the link is this page's address with the state in its hash`);
  const second = await open(link.slice(origin.length));
  const b = await stateOf(second);
  check(JSON.stringify(a.kept) === JSON.stringify(b.kept),
        `${name}: the linked page has the same state ${JSON.stringify(b.kept).slice(0, 160)}…`);
  check(JSON.stringify(a.image) === JSON.stringify(b.image), `${name}: the same input image`);
  const pa = await predictionsOf(first), pb = await predictionsOf(second);
  check(JSON.stringify(pa) === JSON.stringify(pb), `${name}: the same predictions of ${pb.map((m) => m.name).join(', ')}`);
  await first.page.close();
  await second.page.close();
  return a;
}

try {
  // 1. Links that round-trip.
  await roundTrip('gallery image, Korean, scale, tour step, checkpoints',
                  '/index.html#tab=predictions&img=42&lang=ko&scale=1.25&tour=2&pred.vit=p010&pred.cnn=p001');
  await roundTrip('attention settings', '/index.html#tab=attention&img=7&attn.model=rvit&attn.cell=1.2');
  // A drawing made in the page: a stroke on the input strip beside the Predictions view.
  const drawn = await roundTrip('a drawing on the strip', '/index.html#tab=predictions&img=3', async (lab) => {
    const r = await lab.rect('strip.image');
    await lab.page.mouse.move(r[0] + r[2] * 0.2, r[1] + r[3] * 0.2);
    await lab.page.mouse.down();
    for (let i = 1; i <= 10; ++i) await lab.page.mouse.move(r[0] + r[2] * (0.2 + 0.06 * i), r[1] + r[3] * 0.5);
    await lab.page.mouse.up();
    await lab.page.waitForFunction(() => window.lab.query('state').input_edited, null, { timeout: STEP_TIMEOUT_MS });
    // The page applies its own link: the input becomes what the link carries (each pixel rounded to a byte), as in
    // any page that opens it.
    const state = (await lab.query('state')).view_state;
    await lab.page.evaluate((h) => window.Module.labApplyView(h), state);
    await lab.page.waitForTimeout(300);
  });
  check(drawn.kept.input_edited && drawn.kept.view_state.includes('&px='),
        'drawing on the strip of another tab edits the input, and the link carries its pixels');

  // A link pasted into a page in another state: the same state as the link opened fresh.
  const busy = await open('/index.html#tab=receptive_field&img=5&lang=ko&scale=1.5&tour=4&pred.vit=p001&pred.all=1' +
                          '&attn.shared=1&rf.avg=20&repr.k=2');
  await busy.page.waitForTimeout(600);  // the page's own hash writer has run (replaceState): nothing was reset
  const own = await busy.query('state');
  check(own.tour_step === 4 && own.scale_chosen === 1.5 && own.view_state.includes('&pred.all=1') &&
        own.view_state.includes('&rf.avg=20'), `the page's own hash updates reset nothing (${own.view_state})`);
  const pasted = 'tab=attention&img=12&lang=en&attn.model=cnn';
  await busy.page.evaluate((h) => { location.hash = h; }, pasted);
  await busy.page.waitForFunction(() => window.lab.query('state').tab === 'attention', null, { timeout: STEP_TIMEOUT_MS });
  await busy.page.waitForTimeout(300);
  const fresh = await open('/index.html#' + pasted);
  const [pastedState, freshState] = [await stateOf(busy), await stateOf(fresh)];
  check(JSON.stringify(pastedState.kept) === JSON.stringify(freshState.kept),
        `a link pasted into a page in another state gives the fresh page's state ${JSON.stringify(pastedState.kept)}`);
  check(JSON.stringify(pastedState.image) === JSON.stringify(freshState.image),
        'a link pasted into a page in another state gives the fresh page\'s input image');
  await busy.page.close();
  await fresh.page.close();

  // A clipboard that refuses (permission denied): the status line says the link was not copied, and why.
  const refused = await open('/index.html#tab=input');
  await refused.page.evaluate(() => {
    navigator.clipboard.writeText = () => Promise.reject(new Error('denied by the test'));
  });
  await refused.click('menu.copy_link');
  await refused.page.waitForFunction(() => window.lab.query('state').message_is_error, null, { timeout: STEP_TIMEOUT_MS });
  const refusal = (await refused.query('state')).message;
  check(refusal.includes('denied by the test'), `a refused clipboard is reported: "${refusal}"`);
  await refused.page.close();

  // 2. Malformed links: a fresh page, then the same page's hash.
  const defaults = await open('/index.html');
  const good = (await defaults.query('state')).view_state;
  const image = (await defaults.query('input')).image;
  await defaults.page.close();
  const malformed = ['img=zz', 'img=-4', 'img=99999999', 'px=****', 'px=AAAA', 'px=' + 'A'.repeat(2000), 'px=A',
                     'scale=99', 'scale=-1', 'scale=nan', 'tour=-1', 'tour=abc', 'lang=xx', 'pred.vit=p7',
                     'pred.xyz=p010', 'foo=bar', '%%%', '&&=&', 'tab=nowhere'];
  const junk = await open('/index.html?scale=abc#' + malformed.join('&'));
  const s = await junk.query('state');
  check(s.view_state === good && JSON.stringify((await junk.query('input')).image) === JSON.stringify(image),
        `a link of malformed keys opens the defaults (${s.view_state})`);
  // Each pasted into the running page (a pasted link resets what it leaves out, so each is checked on its own), and
  // each applied on top of a state (Module.labApplyView merges: a bad value leaves the state as it was).
  const wrong = [];
  for (const bad of malformed) {
    await junk.page.evaluate((h) => { location.hash = h; }, bad);
    await junk.page.waitForTimeout(150);
    if ((await junk.query('state')).view_state !== good) wrong.push('pasted ' + bad);
  }
  await junk.page.evaluate(() => { location.hash = 'tab=attention&scale=1.25&pred.vit=p010'; });
  await junk.page.waitForFunction(() => window.lab.query('state').tab === 'attention', null,
                                  { timeout: STEP_TIMEOUT_MS });
  const before = (await junk.query('state')).view_state;
  for (const bad of malformed) {
    await junk.page.evaluate((v) => window.Module.labApplyView(v), bad);
    if ((await junk.query('state')).view_state !== before) wrong.push('applied ' + bad);
  }
  check(wrong.length === 0, 'each malformed link pasted into the running page gives the defaults, and applied on top ' +
        `of a state changes nothing${wrong.length ? ': not so for ' + wrong.join(', ') : ''}`);
  await junk.page.close();

  // 3. Screenshots of every view, both sizes, both languages.
  const shots = await open('/index.html');
  for (const [width, height, scale] of [[1280, 800, 1], [1920, 1080, 1.5]]) {
    await shots.page.setViewportSize({ width, height });
    for (const language of ['en', 'ko']) {
      for (const tab of TABS) {
        await shots.page.evaluate((h) => { location.hash = h; }, `tab=${tab}&lang=${language}`);
        await shots.page.waitForFunction((t) => window.lab.query('state').tab === t[0] &&
                                                window.lab.query('state').language === t[1],
                                         [tab, language], { timeout: STEP_TIMEOUT_MS });
        // Until the page stops drawing: jobs done, layout settled.
        let frames = -1;
        for (let i = 0; i < 120; ++i) {
          await shots.page.waitForTimeout(500);
          const now = (await shots.query('state')).frames;
          if (now === frames) break;
          frames = now;
        }
        const st = await shots.query('state');
        check(st.scale === scale, `${width} x ${height}, ${language}, ${tab}: drawn at scale ${st.scale}`);
        await shots.page.screenshot({ path: path.join(outDir, `view-${tab}-${width}-${language}.png`) });
      }
    }
  }
  await shots.page.close();
} catch (error) {
  check(false, 'the test ran to the end: ' + error.message);
} finally {
  for (const problem of browser.problems) check(false, problem);
  await browser.close();
  server.kill();
}
console.log(failures.length ? `${failures.length} FAILED` : 'ALL PASSED');
process.exit(failures.length ? 1 : 0);
