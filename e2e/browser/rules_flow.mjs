// Drives the rules pages in the machine's Chromium: a user with one stored message reads
// it in Mail and starts a rule from it (the editor opens on the sender), opens
// Settings → Rules (empty state), makes a rule filing "[report]" mail into Reports, is
// told in the editor what is wrong with a bad regular expression, runs the rules over the
// Inbox and watches the run finish, turns the out-of-office answer on (it shows up as a
// rule), moves the filed message to Archive and deletes it (to Trash) in Mail; then an
// administrator adds a rule to the user's domain.
//
// Env: OSPREY_URL, OSPREY_SCREENSHOT_DIR, OSPREY_USER, OSPREY_PASSWORD, OSPREY_DOMAIN,
// OSPREY_ADMIN_USER, OSPREY_ADMIN_PASSWORD, CHROMIUM_PATH.
// Exits 0 on success, 1 with a message on failure.

import { DESKTOP, PHONE, STEP_TIMEOUT_MS, need, runFlow } from './lib.mjs';

const user = need('OSPREY_USER');
const password = need('OSPREY_PASSWORD');
const domain = need('OSPREY_DOMAIN');
const adminUser = need('OSPREY_ADMIN_USER');
const adminPassword = need('OSPREY_ADMIN_PASSWORD');

await runFlow('rules_flow', async ({ page, baseUrl, step, shot, expectVisible, signIn, openNav }) => {
  step(`sign in as ${user}`);
  await page.goto(`${baseUrl}/login`);
  await signIn(page, user, password);

  step('open the stored message in Mail and start a rule from it');
  await expectVisible(page.locator('#message-list .message-row', { hasText: '[report] Q3' }), 'the message in the Inbox');
  await page.locator('#message-list .message-row', { hasText: '[report] Q3' }).click();
  await expectVisible(page.locator('#reader-text', { hasText: 'numbers' }), 'the message text in the reader');
  await expectVisible(page.locator('#reader-from', { hasText: 'boss@far.example' }), 'the sender in the reader');
  await shot(page, 'mail-reader');
  await page.setViewportSize(PHONE);
  await expectVisible(page.locator('#reader-text'), 'the reader alone at phone width');
  await shot(page, 'phone-mail-reader');
  await page.setViewportSize(DESKTOP);
  await page.click('#reader-filter');
  await page.waitForURL('**/settings/rules?*', { timeout: STEP_TIMEOUT_MS });
  await expectVisible(page.locator('#rule-name'), 'the rule editor');
  const prefilled = await page.inputValue('#cond-0-value');
  if (prefilled !== 'boss@far.example') throw new Error(`the condition is not the sender: ${prefilled}`);
  if ((await page.inputValue('#rule-name')) !== 'Mail from boss@far.example') throw new Error('the rule is not named after the sender');
  await shot(page, 'rule-from-message');
  await page.getByRole('button', { name: 'Cancel' }).click();

  step('open Settings → Rules (expect the empty state)');
  await openNav(page, '#nav-settings', '/settings', 'Settings');
  await page.click('#tab-rules');
  await page.waitForURL('**/settings/rules', { timeout: STEP_TIMEOUT_MS });
  await expectVisible(page.getByText('No rules yet. New mail goes to the Inbox.'), 'the empty rule list');
  await expectVisible(page.locator('#vacation-body'), 'the out-of-office form');
  await shot(page, 'rules-empty');

  step('a rule with a bad regular expression (expect the server\'s reason in the editor)');
  await page.click('#rule-new');
  await page.fill('#rule-name', 'Broken');
  await page.selectOption('#cond-0-field', 'subject');
  await page.selectOption('#cond-0-op', 'regex');
  await page.fill('#cond-0-value', '(unclosed');
  await page.fill('#act-0-mailbox', 'Reports');
  await page.click('#rule-save');
  await expectVisible(page.locator('#rule-editor-error'), 'the editor\'s error banner');
  const reason = (await page.locator('#rule-editor-error').textContent())?.trim();
  if (!reason || !/regular expression|regex/i.test(reason)) throw new Error(`the banner does not say why: ${reason}`);
  console.log(`rules_flow:   server says: ${reason}`);
  await shot(page, 'rules-editor-error');

  step('fix it: Subject contains "[report]" → move to Reports (created if missing)');
  await page.fill('#rule-name', 'Reports');
  await page.selectOption('#cond-0-op', 'contains');
  await page.fill('#cond-0-value', '[report]');
  await page.click('#rule-save');
  await expectVisible(page.locator('#rule-list .row-title', { hasText: 'Reports' }), 'the rule in the list');
  await expectVisible(page.locator('#rule-list .row-meta', { hasText: 'Subject contains “[report]”: move to folder “Reports”' }), 'the rule\'s summary');
  if (await page.locator('#rule-editor-error').count()) throw new Error('the editor stayed open after a save');
  await shot(page, 'rules-list');

  step('run the rules over the Inbox (expect the stored report to move)');
  await page.click('#run-start');
  await expectVisible(page.locator('#run-progress', { hasText: 'Done:' }), 'the finished run');
  const summary = (await page.locator('#run-progress').textContent())?.trim();
  if (!summary.includes('1 matched') || !summary.includes('1 moved')) throw new Error(`unexpected run summary: ${summary}`);
  await shot(page, 'rules-run');

  step('turn the out-of-office answer on (expect it in the rule list too)');
  await page.check('#vacation-enabled');
  await page.fill('#vacation-body', 'I am away until Monday.');
  await page.fill('#vacation-days', '3');
  await page.click('#vacation-save');
  await expectVisible(page.getByText('The out-of-office answer is on.'), 'the confirmation');
  await expectVisible(page.locator('#rule-list .row-title', { hasText: 'Vacation' }), 'the Vacation rule in the list');
  await shot(page, 'rules-vacation');

  step('disable the Vacation rule (first in the list) with its switch, then move it down');
  await page.uncheck('#rule-0-enabled');
  await expectVisible(page.locator('#rule-list .row.disabled .row-title', { hasText: 'Vacation' }), 'the Vacation rule shown as off');
  await page.getByRole('button', { name: 'Move Vacation down' }).click();
  await expectVisible(page.locator('#rule-1 .row-title', { hasText: 'Vacation' }), 'Vacation second');

  step('phone width: the list and the editor');
  await page.setViewportSize(PHONE);
  await expectVisible(page.locator('#rule-list'), 'the rule list at phone width');
  await shot(page, 'phone-rules');
  await page.click('#rule-0-edit');
  await expectVisible(page.locator('#rule-name'), 'the editor at phone width');
  await shot(page, 'phone-rule-editor');
  await page.getByRole('button', { name: 'Cancel' }).click();
  await page.setViewportSize(DESKTOP);

  step('in Mail, move the filed report from Reports to Archive, then delete it (to Trash)');
  await openNav(page, '#nav-mail', '/mail', 'Mail');
  const row = (subject) => page.locator('#message-list .message-row', { hasText: subject });
  const folder = (name) => page.locator('#folder-list .folder', { hasText: name });
  await expectVisible(folder('Reports'), 'the Reports folder the rule made');
  await folder('Reports').click();
  await row('[report] Q3').click();
  await expectVisible(page.locator('#reader-text', { hasText: 'numbers' }), 'the report in the reader');
  await page.selectOption('#reader-move', { label: 'Archive' });
  await row('[report] Q3').waitFor({ state: 'detached', timeout: STEP_TIMEOUT_MS });
  await folder('Archive').click();
  await row('[report] Q3').click();
  await page.click('#reader-delete');
  await row('[report] Q3').waitFor({ state: 'detached', timeout: STEP_TIMEOUT_MS });
  await folder('Trash').click();
  await expectVisible(row('[report] Q3'), 'the deleted report in Trash');
  await shot(page, 'mail-trash');

  step(`sign out; ${adminUser} adds a rule to ${domain}`);
  await page.click('#sign-out');
  await page.waitForURL('**/login', { timeout: STEP_TIMEOUT_MS });
  await signIn(page, adminUser, adminPassword);
  await openNav(page, '#nav-admin', '/admin/dashboard', 'Dashboard');
  await openNav(page, '#tab-domains', '/admin/domains', 'Domains');
  await page.fill('#domain-search', domain);
  await page.locator('#domain-search').press('Enter');
  const domainRow = page.locator('#domain-list .row', { hasText: domain });
  await expectVisible(domainRow, `${domain} in the list`);
  await domainRow.getByRole('link', { name: 'Delivery rules' }).click();
  await expectVisible(page.getByRole('heading', { level: 1, name: `Rules of ${domain}` }), 'the domain rules page');
  await page.click('#rule-new');
  await page.fill('#rule-name', 'Spam to Junk');
  await page.selectOption('#cond-0-field', 'header');
  await page.fill('#cond-0-name', 'X-Spam-Flag');
  await page.fill('#cond-0-value', 'YES');
  await page.fill('#act-0-mailbox', 'Junk');
  await page.click('#rule-save');
  await expectVisible(page.locator('#rule-list .row-title', { hasText: 'Spam to Junk' }), 'the domain rule in the list');
  await shot(page, 'admin-domain-rules');
});
