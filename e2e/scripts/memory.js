// Memory over in-app navigation: JS heap, wasm linear memory, DOM nodes and JS event listeners
// (and Blink's heap, where DOM nodes live, shown but not judged)
// after the catalog loads, after one full cycle of pages (every page chunk loaded once: the warm
// point), after each later cycle, and after 20 route changes. Growth from the warm point to the
// end is what pages leak (effects, listeners, resources); more than 10 % of JS heap, wasm
// memory, DOM nodes or listeners exits 1. Usage: JIETI_DIST=/tmp/dist-e2e node scripts/memory.js
import { startServer } from '../lib/server.js';
import { launch, openPage, VIEWPORTS } from '../lib/browser.js';

const CHANGES = 20;
const LIMIT_PCT = 10;
const COURSE = 'python-basics';
const QUIZ = 'python-basics-quiz';

/** Waits for the element `locator` names to be visible. */
const shown = (locator) => locator.first().waitFor({ state: 'visible', timeout: 20_000 });

/**
 * One cycle of route changes, each made the way a learner makes it: clicking a link the app
 * renders (the router intercepts it: no reload). `go` clicks, `ready` waits for the new page.
 */
const STEPS = [
  {
    route: 'catalog → course',
    go: (page) => page.locator(`main a[href="/courses/${COURSE}"]`).first().click(),
    ready: async (page) => {
      await page.waitForURL(`**/courses/${COURSE}`);
      await shown(page.locator(`main a[href^="/learn/${COURSE}/"]`));
    },
  },
  {
    route: 'course → player',
    go: (page) => page.locator(`main a[href="/learn/${COURSE}/${COURSE}-1"]`).first().click(),
    ready: async (page) => {
      await page.waitForURL(`**/learn/${COURSE}/${COURSE}-1`);
      await shown(page.getByRole('button', { name: '课程目录' }));
    },
  },
  {
    // On a phone the outline (with the course's quizzes) is a drawer behind 课程目录.
    route: 'player → quiz',
    go: async (page) => {
      await page.getByRole('button', { name: '课程目录' }).click();
      const link = page.locator(`a[href="/quiz/${QUIZ}"]`);
      await shown(link);
      await link.first().click();
    },
    ready: async (page) => {
      await page.waitForURL(`**/quiz/${QUIZ}`);
      await shown(page.getByRole('button', { name: '开始作答' }));
    },
  },
  {
    route: 'quiz → dashboard',
    go: (page) => page.locator('header a[href="/dashboard"]').click(),
    ready: async (page) => {
      await page.waitForURL('**/dashboard');
      await shown(page.getByRole('heading', { name: '测验成绩' }));
    },
  },
  {
    route: 'dashboard → catalog',
    go: (page) => page.locator('header a.brand').click(),
    ready: async (page) => {
      await page.waitForURL((u) => u.pathname === '/');
      await shown(page.locator('main h3 a'));
    },
  },
];

/**
 * The wasm instance's exports. The trunk page sets `window.wasmBindings` to the wasm-bindgen JS
 * module's namespace; its `initSync()` returns the already-instantiated exports (memory included)
 * when called again without arguments — the same call the wasm-split loader makes to share them.
 */
const WASM_MEMORY_BYTES = () => window.wasmBindings.initSync().memory.buffer.byteLength;

/** Collects garbage (twice, letting FinalizationRegistry callbacks free wasm-side closures in between) and reads the figures. */
async function measure(page, cdp) {
  await page.waitForTimeout(500); // let in-flight fetches and effects settle
  await cdp.send('HeapProfiler.collectGarbage');
  await page.waitForTimeout(300);
  await cdp.send('HeapProfiler.collectGarbage');
  // embedderHeapUsedSize: Blink's own heap (DOM nodes live there, not in the JS heap).
  const { usedSize, embedderHeapUsedSize } = await cdp.send('Runtime.getHeapUsage');
  const dom = await cdp.send('Memory.getDOMCounters');
  const wasm = await page.evaluate(WASM_MEMORY_BYTES);
  return { heap: usedSize, blink: embedderHeapUsedSize, wasm, nodes: dom.nodes, listeners: dom.jsEventListeners, documents: dom.documents };
}

/** `n` bytes in KiB or MiB. */
const bytes = (n) => (n >= 1 << 20 ? `${(n / (1 << 20)).toFixed(2)} MiB` : `${(n / 1024).toFixed(1)} KiB`);

/** Growth of `now` over `base` in percent, signed, one decimal. */
const pct = (now, base) => `${now >= base ? '+' : ''}${(((now - base) / base) * 100).toFixed(1)} %`;

const started = Date.now();
const server = await startServer();
const browser = await launch();
let failed = false;
try {
  const { page, problems } = await openPage(browser, VIEWPORTS[0]);
  const cdp = await page.context().newCDPSession(page);
  await page.goto(server.url + '/');
  await shown(page.locator('main h3 a'));
  // A full reload would start a fresh heap and fake a pass: the marker proves there was none.
  await page.evaluate(() => { window.__jietiNoReload = true; });

  const points = [{ label: 'after catalog', ...(await measure(page, cdp)) }];
  const perRoute = [];
  for (let change = 0; change < CHANGES; change++) {
    const step = STEPS[change % STEPS.length];
    const t = Date.now();
    await step.go(page);
    await step.ready(page);
    perRoute.push(`${String(change + 1).padStart(2)} ${step.route} (${Date.now() - t} ms)`);
    if ((change + 1) % STEPS.length === 0) {
      const cycle = (change + 1) / STEPS.length;
      const label = cycle === 1 ? 'after cycle 1 (warm)' : change + 1 === CHANGES ? `after ${CHANGES} changes` : `after cycle ${cycle}`;
      points.push({ label, ...(await measure(page, cdp)) });
    }
  }
  if (!(await page.evaluate(() => window.__jietiNoReload === true))) throw new Error('the app reloaded: route changes were not in-app');

  console.log(`route changes (${CHANGES}, phone ${VIEWPORTS[0].width}×${VIEWPORTS[0].height}):\n  ${perRoute.join('\n  ')}\n`);
  const warm = points[1];
  const end = points[points.length - 1];
  const rows = points.map((p) => ({
    point: p.label,
    'JS heap': bytes(p.heap),
    'Δ heap vs warm': pct(p.heap, warm.heap),
    'wasm memory': bytes(p.wasm),
    'Δ wasm vs warm': pct(p.wasm, warm.wasm),
    'Blink heap': p.blink === undefined ? '-' : bytes(p.blink),
    'DOM nodes': p.nodes,
    listeners: p.listeners,
    documents: p.documents,
  }));
  console.table(rows);
  const growth = (k) => ((end[k] - warm[k]) / warm[k]) * 100;
  console.log(`judged: ${warm.label} → ${end.label}: JS heap ${pct(end.heap, warm.heap)}, wasm memory ${pct(end.wasm, warm.wasm)}, `
    + `DOM nodes ${pct(end.nodes, warm.nodes)}, listeners ${pct(end.listeners, warm.listeners)} (limit ${LIMIT_PCT} % on each)`);
  // DOM nodes and listeners are judged too: a lesson page once stayed alive after it was left
  // (a caption track left showing), +521 nodes per visit, while the JS heap barely moved.
  const nodeSteps = points.slice(1).map((p, i, all) => (i ? p.nodes - all[i - 1].nodes : 0)).slice(1);
  if (nodeSteps.length && nodeSteps.every((d) => d > 0)) {
    console.log(`WARN: DOM nodes grow every cycle (${nodeSteps.map((d) => `+${d}`).join(', ')}): detached nodes are being retained`);
  }
  if (['heap', 'wasm', 'nodes', 'listeners'].some((k) => growth(k) > LIMIT_PCT)) {
    failed = true;
    console.log('FAIL: memory grows over in-app navigation');
  } else {
    console.log('PASS');
  }
  if (problems.length) {
    // Errors mean some page did not render as meant: the figures would not measure the real app.
    failed = true;
    console.log('FAIL: console errors or uncaught errors:\n  ' + problems.join('\n  '));
  }
} finally {
  await browser.close();
  await server.stop();
  console.log(`took ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
process.exit(failed ? 1 : 0);
