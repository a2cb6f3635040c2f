// Opens, in the machine's Chromium, a message whose HTML part is the XSS corpus
// (backend/mail/tests/xss_corpus.html) and fails on any sign that one of its vectors ran:
// a dialog (alert, confirm, prompt), a console message or page error that says so, a
// <script> element, an event handler or a javascript: URL in the reader's frame, or the
// page leaving the app. The safe paragraph around the corpus must show.
//
// Env: OSPREY_URL, OSPREY_SCREENSHOT_DIR, OSPREY_USER, OSPREY_PASSWORD, CHROMIUM_PATH.
// Exits 0 on success, 1 with a message on failure.

import { need, runFlow } from './lib.mjs';

const user = need('OSPREY_USER');
const password = need('OSPREY_PASSWORD');

await runFlow('xss_flow', async ({ page, baseUrl, step, shot, expectVisible, signIn }) => {
  const signs = [];
  page.on('dialog', async (d) => {
    signs.push(`a ${d.type()} dialog: ${d.message()}`);
    await d.dismiss();
  });
  page.on('console', (m) => /xss|alert/i.test(m.text()) && signs.push(`console: ${m.text()}`));
  page.on('pageerror', (e) => signs.push(`page error: ${e}`));

  step(`sign in as ${user} and open the message`);
  await page.goto(`${baseUrl}/login`);
  await signIn(page, user, password);
  const row = page.locator('#message-list .message-row', { hasText: 'XSS corpus' });
  await expectVisible(row, 'the message');
  await row.click();
  await expectVisible(page.locator('#reader-html'), 'the HTML reader');
  const frame = page.frameLocator('#reader-html');
  await expectVisible(frame.getByText('The safe paragraph before the corpus.'), 'the safe paragraph');
  await expectVisible(page.locator('#reader-images-blocked'), 'the notice of blocked remote images');

  step('wait, hover and click the frame\'s links (expect nothing to run)');
  await page.waitForTimeout(1500);
  const links = frame.locator('a');
  const n = await links.count();
  for (let i = 0; i < n; i++) {
    await links.nth(i).hover({ timeout: 2000 }).catch(() => {});
  }
  await page.waitForTimeout(500);
  const inFrame = await frame.locator('body').evaluate((b) => ({
    scripts: b.ownerDocument.querySelectorAll('script').length,
    handlers: [...b.ownerDocument.querySelectorAll('*')].flatMap((e) => [...e.attributes].map((a) => a.name)).filter((a) => a.startsWith('on')),
    js: [...b.ownerDocument.querySelectorAll('[href],[src],[action],[formaction]')].map((e) => e.getAttribute('href') || e.getAttribute('src') || e.getAttribute('action') || e.getAttribute('formaction')).filter((u) => /^\s*(javascript|vbscript|data:text)/i.test(u)),
  }));
  if (inFrame.scripts) signs.push(`${inFrame.scripts} <script> elements in the frame`);
  if (inFrame.handlers.length) signs.push(`event handlers in the frame: ${inFrame.handlers.join(', ')}`);
  if (inFrame.js.length) signs.push(`script URLs in the frame: ${inFrame.js.join(', ')}`);
  if (!page.url().startsWith(baseUrl)) signs.push(`the page left the app: ${page.url()}`);
  await shot(page, 'mail-reader-html');
  if (signs.length) throw new Error(`the corpus ran:\n  ${signs.join('\n  ')}`);
  console.log(`xss_flow:   ${n} links, no sign of execution`);
});
