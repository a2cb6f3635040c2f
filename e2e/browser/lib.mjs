// What every browser flow shares: the environment, the browser (the machine's Chromium,
// headless), steps with names, screenshots — each page shot is also audited with axe
// (WCAG 2 A and AA) and any serious or critical violation fails the flow — waiting for
// what must appear, signing in, and the ending: exit 0, or 1 with the failed step, the
// page, the browser console's errors and a failure screenshot.
//
// Env: OSPREY_URL (http://127.0.0.1:PORT), OSPREY_SCREENSHOT_DIR, CHROMIUM_PATH (default
// /usr/bin/chromium), OSPREY_HOST_RULES (host names mapped to the server), and what each
// flow names with need().

import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
/** The WCAG 2 levels the audit holds every page to. */
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

/**
 * Audits the page as it is now with axe-core (injected over the DevTools protocol, so
 * the app's Content-Security-Policy stays on); the serious and critical violations, in
 * words.
 */
export async function axeViolations(p) {
  await p.evaluate(AXE_SOURCE);
  const found = await p.evaluate(
    (tags) => window.axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] }),
    AXE_TAGS,
  );
  return found.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help}\n      ${v.nodes.slice(0, 4).map((n) => `${n.target.join(' ')} — ${n.failureSummary.replace(/\s+/g, ' ')}`).join('\n      ')}`);
}

export const STEP_TIMEOUT_MS = 10_000;
export const DESKTOP = { width: 1280, height: 800 };
export const PHONE = { width: 390, height: 844 };

export function need(name) {
  const value = process.env[name];
  if (!value) {
    console.error(`browser flow: set ${name}`);
    process.exit(1);
  }
  return value;
}

/** Fails the current step with `message`. */
export function fail(message) {
  throw new Error(message);
}

/**
 * Runs `body(t)` in a fresh browser page and exits: `t` has `page`, `baseUrl`, `step`,
 * `shot`, `expectVisible`, `signIn` and `openNav`.
 */
export async function runFlow(name, body) {
  const baseUrl = need('OSPREY_URL').replace(/\/+$/, '');
  const shotDir = need('OSPREY_SCREENSHOT_DIR');
  const chromiumPath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
  mkdirSync(shotDir, { recursive: true });

  let stepName = 'start';
  const step = (what) => {
    stepName = what;
    console.log(`${name}: ${what}`);
  };
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      // A flow that reaches the server by host names (OSPREY_HOST_RULES, such as
      // `MAP *.e2e.example 127.0.0.1`) resolves them to the server without DNS.
      ...(process.env.OSPREY_HOST_RULES ? [`--host-resolver-rules=${process.env.OSPREY_HOST_RULES}`] : []),
    ],
  });
  // The server's zone (UTC): a flow that wants another says so in a context of its own.
  const context = await browser.newContext({ viewport: DESKTOP, timezoneId: 'UTC' });
  const page = await context.newPage();
  page.setDefaultTimeout(STEP_TIMEOUT_MS);
  page.setDefaultNavigationTimeout(STEP_TIMEOUT_MS);
  const consoleErrors = [];
  page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));
  page.on('pageerror', (e) => consoleErrors.push(String(e)));

  const inaccessible = [];
  const shot = async (p, file) => {
    const path = join(shotDir, `${file}.png`);
    await p.screenshot({ path, fullPage: true });
    console.log(`${name}:   screenshot ${path}`);
    for (const v of await axeViolations(p)) inaccessible.push(`${file}: ${v}`);
  };
  const expectVisible = async (locator, what) => {
    try {
      await locator.first().waitFor({ state: 'visible', timeout: STEP_TIMEOUT_MS });
    } catch {
      fail(`${what} did not appear within ${STEP_TIMEOUT_MS / 1000} s`);
    }
  };
  const signIn = async (p, username, password) => {
    await expectVisible(p.locator('#login-username'), 'the login form');
    await p.fill('#login-username', username);
    await p.fill('#login-password', password);
    await p.getByRole('button', { name: 'Sign in' }).click();
    try {
      await p.waitForURL('**/mail', { timeout: STEP_TIMEOUT_MS });
    } catch {
      const banner = await p.locator('#login-error').textContent().catch(() => null);
      fail(`sign-in as ${username} did not reach /mail${banner ? ` (banner: ${banner})` : ''}`);
    }
    await expectVisible(p.locator('#signed-in-as', { hasText: username }), `the signed-in address ${username}`);
  };
  const openNav = async (p, id, path, heading) => {
    await p.click(id);
    await p.waitForURL(`**${path}`, { timeout: STEP_TIMEOUT_MS });
    await expectVisible(p.getByRole('heading', { level: 1, name: heading }), `the ${heading} heading`);
  };

  let exitCode = 0;
  try {
    await body({ page, baseUrl, step, shot, expectVisible, signIn, openNav });
    step('the accessibility audit of every page shot');
    if (inaccessible.length) {
      fail(`axe found serious or critical WCAG 2 A/AA violations:\n  ${inaccessible.join('\n  ')}`);
    }
    console.log(`${name}: ok`);
  } catch (e) {
    exitCode = 1;
    console.error(`${name}: FAILED at "${stepName}": ${e.message}`);
    console.error(`${name}: page was ${page.url()}`);
    if (consoleErrors.length) console.error(`${name}: browser console errors:\n  ${consoleErrors.join('\n  ')}`);
    await page.screenshot({ path: join(shotDir, `${name}-failure.png`), fullPage: true }).catch(() => {});
  } finally {
    await browser.close();
  }
  process.exit(exitCode);
}
