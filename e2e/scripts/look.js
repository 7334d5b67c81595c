// Opens app paths in Chromium at phone size against a fresh server; prints console problems and
// saves screenshots to e2e/test-results/look-N.png. Usage: node scripts/look.js /path [/path…]
import { startServer } from '../lib/server.js';
import { launch, openPage, VIEWPORTS, screenshot } from '../lib/browser.js';

const server = await startServer();
const browser = await launch();
try {
  const vp = VIEWPORTS.find((v) => v.name === (process.env.VIEWPORT || 'phone'));
  const { page, problems } = await openPage(browser, vp);
  let i = 0;
  for (const path of process.argv.slice(2)) {
    await page.goto(server.url + path);
    await page.waitForTimeout(Number(process.env.WAIT || 1500));
    const file = await screenshot(page, `look-${i++}`);
    console.log(path, '→', file, '\n  text:', (await page.locator('main').innerText()).slice(0, 300).replace(/\n/g, ' | '));
  }
  console.log('problems:', problems);
} finally {
  await browser.close();
  await server.stop();
}
