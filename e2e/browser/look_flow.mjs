// Per-host look in the machine's Chromium: an administrator opens Admin → Look for a
// domain, sees custom CSS that would load from another host refused at its field, fills
// in a product name, colours, sign-in texts and a footer while the preview follows,
// uploads a logo and saves; then the sign-in page reached at the domain's alias name
// shows that look before anyone signs in (title, heading, text, footer, logo, the accent
// on the button), the custom CSS stays off the administration there (and follows the app
// back to the calendar), and the page at another host name does not show the look.
//
// Env: OSPREY_URL (http://127.0.0.1:PORT), OSPREY_ADMIN_USER, OSPREY_ADMIN_PASSWORD,
// OSPREY_LOOK_DOMAIN (a domain), OSPREY_LOOK_HOST (one of its alias names, mapped to the
// server by OSPREY_HOST_RULES), OSPREY_SCREENSHOT_DIR.

import { DESKTOP, PHONE, fail, need, runFlow } from './lib.mjs';

const adminUser = need('OSPREY_ADMIN_USER');
const adminPassword = need('OSPREY_ADMIN_PASSWORD');
const domain = need('OSPREY_LOOK_DOMAIN');
const host = need('OSPREY_LOOK_HOST');
// A 2×1 PNG (one red pixel, one blue).
const LOGO = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAIAAAABCAIAAAB7QOjdAAAADUlEQVR4nGP4zwAE/wEHAAH/4iOeWQAAAABJRU5ErkJggg==', 'base64');

await runFlow('look_flow', async ({ page, baseUrl, step, shot, expectVisible, signIn }) => {
  step(`sign in as ${adminUser} and open Admin → Look for ${domain}`);
  await page.goto(`${baseUrl}/login`);
  await signIn(page, adminUser, adminPassword);
  await page.goto(`${baseUrl}/admin/look`);
  await expectVisible(page.getByRole('heading', { level: 1, name: 'Look' }), 'the Look page');
  await expectVisible(page.locator('#look-form'), "the server's look");
  await page.fill('#look-domain', domain);
  await page.locator('#look-scope').getByRole('button', { name: 'Open' }).click();
  await expectVisible(page.getByRole('heading', { level: 2, name: `Look of the pages of ${domain} and its alias names` }), "the domain's look");

  step('the preview follows the fields as they are typed');
  await page.fill('#look-product-name', 'Harbour Mail');
  await page.fill('#look-accent', '#b45309');
  await page.fill('#look-header', '#0b1f3a');
  await page.fill('#look-login-title', 'Welcome aboard');
  await page.fill('#look-login-text', 'Sign in with your harbour address.\nForgot it? Ask the harbour office.');
  await page.fill('#look-footer', 'Harbour Mail · run by the harbour office');
  await expectVisible(page.locator('#look-preview .brand-name', { hasText: 'Harbour Mail' }), 'the name in the preview');
  await expectVisible(page.locator('#look-preview-title', { hasText: 'Welcome aboard' }), 'the heading in the preview');
  const barColour = await page.locator('#look-preview .look-bar').evaluate((e) => getComputedStyle(e).backgroundColor);
  if (barColour !== 'rgb(11, 31, 58)') fail(`the preview's bar is ${barColour}, not the colour typed`);

  step('custom CSS that loads from another host is refused at its field, and nothing is saved');
  await page.fill('#look-css', '.brand { background: url(https://tracker.example/p.gif) }');
  await page.click('#look-save');
  await expectVisible(page.locator('#look-css-error', { hasText: 'line 1: loads from another host' }), 'the CSS refused at its field');

  step('saved with CSS of its own, and a logo uploaded');
  await page.fill('#look-css', '.login-card h1 { letter-spacing: 0.02em; }\nbody { word-spacing: 1px; }');
  await page.click('#look-save');
  await expectVisible(page.locator('#look-note', { hasText: 'Look saved' }), 'the look saved');
  await page.locator('#look-logo-file').setInputFiles({ name: 'logo.png', mimeType: 'image/png', buffer: LOGO });
  await expectVisible(page.locator('#look-note', { hasText: 'Image saved.' }), 'the logo saved');
  await expectVisible(page.locator('#look-preview img.brand-logo'), 'the logo in the preview');
  await shot(page, 'admin-look');
  await page.setViewportSize(PHONE);
  await shot(page, 'phone-admin-look');
  await page.setViewportSize(DESKTOP);

  step(`the sign-in page at ${host}: the look before sign-in`);
  const port = new URL(baseUrl).port;
  const branded = await page.context().newPage();
  await branded.goto(`http://${host}:${port}/login`);
  await expectVisible(branded.locator('#login-username'), 'the login form');
  const title = await branded.title();
  if (title !== 'Harbour Mail') fail(`the title is "${title}"`);
  await expectVisible(branded.getByRole('heading', { level: 1, name: 'Welcome aboard' }), 'the heading');
  await expectVisible(branded.locator('#login-text', { hasText: 'Ask the harbour office.' }), 'the text');
  await expectVisible(branded.locator('#app-footer', { hasText: 'run by the harbour office' }), 'the footer');
  await expectVisible(branded.locator('.login-card img.brand-logo'), 'the logo');
  const logoWidth = await branded.locator('.login-card img.brand-logo').evaluate((img) => img.naturalWidth);
  if (logoWidth !== 2) fail(`the logo did not load (natural width ${logoWidth})`);
  const button = await branded.getByRole('button', { name: 'Sign in' }).evaluate((e) => getComputedStyle(e).backgroundColor);
  if (button !== 'rgb(180, 83, 9)') fail(`the button is ${button}, not the accent`);
  const spacing = await branded.locator('.login-card h1').evaluate((e) => getComputedStyle(e).letterSpacing);
  if (spacing === 'normal') fail('the custom CSS did not apply');
  await shot(branded, 'login-look');
  await branded.setViewportSize(PHONE);
  await shot(branded, 'phone-login-look');
  await branded.setViewportSize(DESKTOP);

  step(`signed in at ${host}: the custom CSS is off in the administration and on elsewhere`);
  await signIn(branded, adminUser, adminPassword);
  const customCss = async () => branded.evaluate(() => ({
    media: document.getElementById('look-custom')?.media,
    spacing: getComputedStyle(document.body).wordSpacing,
  }));
  await branded.goto(`http://${host}:${port}/admin/dashboard`);
  await expectVisible(branded.locator('#nav-calendar'), 'the administration');
  let css = await customCss();
  if (css.media !== 'not all' || css.spacing !== '0px') fail(`the custom CSS applies to the administration: ${JSON.stringify(css)}`);
  await branded.locator('#nav-calendar').click();
  await branded.waitForURL(/\/calendar/);
  css = await customCss();
  if (css.media !== 'all' || css.spacing !== '1px') fail(`the custom CSS is off in the calendar: ${JSON.stringify(css)}`);

  step('the page at another host name keeps the server look (in a browser not signed in)');
  const fresh = await page.context().browser().newContext();
  const plain = await fresh.newPage();
  await plain.goto(`${baseUrl}/login`);
  await expectVisible(plain.locator('#login-username'), 'the login form');
  if ((await plain.title()) !== 'Osprey') fail(`the title at ${baseUrl} is "${await plain.title()}"`);
  if (await plain.locator('#app-footer').count()) fail('a footer shows where no look sets one');
  await fresh.close();
  await branded.close();
});
