// Drives the address book in the machine's Chromium: a user with one stored message
// opens Contacts (empty state), adds a contact (and is told what is wrong with a bad
// birthday, next to the field), imports a vCard file with a broken card (the report
// names its line), searches, adds the message's sender from the reader, and, in the rule
// editor, is offered the contact's address for a forward as soon as a few letters are
// typed; then checks the spelling of an out-of-office message (a suggestion replaces a
// word, a word added to the personal dictionary is no longer marked, and a contact's name
// never is) and finds the word in Settings → Account's personal dictionary; last, it
// prefers remote images of contacts and never marking read, and opens an HTML message of
// the contact it added: its image loads without asking, and the message stays unread.
//
// Env: OSPREY_URL, OSPREY_SCREENSHOT_DIR, OSPREY_USER, OSPREY_PASSWORD, CHROMIUM_PATH.
// Exits 0 on success, 1 with a message on failure.

import { DESKTOP, PHONE, STEP_TIMEOUT_MS, need, runFlow } from './lib.mjs';

const user = need('OSPREY_USER');
const password = need('OSPREY_PASSWORD');

const VCF = [
  'BEGIN:VCARD', 'VERSION:3.0', 'FN:Imogen Import', 'EMAIL;TYPE=INTERNET,WORK:imogen@far.example', 'TEL;TYPE=CELL:+44 20 7946 0011', 'END:VCARD',
  'BEGIN:VCARD', 'VERSION:4.0', 'FN:Broken Card', 'EMAIL:not an address', 'END:VCARD',
  'BEGIN:VCARD', 'VERSION:4.0', 'FN:Ivo Import', 'ORG:Far Ltd', 'EMAIL:ivo@far.example', 'END:VCARD',
  '',
].join('\r\n');

await runFlow('contacts_flow', async ({ page, baseUrl, step, shot, expectVisible, signIn, openNav }) => {
  step(`sign in as ${user}; open Contacts (expect the empty state)`);
  await page.goto(`${baseUrl}/login`);
  await signIn(page, user, password);
  await openNav(page, '#nav-contacts', '/contacts', 'Contacts');
  await expectVisible(page.getByText('No contacts yet.'), 'the empty contact list');
  await shot(page, 'contacts-empty');

  step('a contact with a bad birthday (expect the message next to the field)');
  await page.fill('#contact-given_name', 'Quinn');
  await page.fill('#contact-family_name', 'Ada');
  await page.fill('#contact-emails', 'work: quinn@far.example');
  await page.fill('#contact-birthday', '30/04/1990');
  await page.getByRole('button', { name: 'Create contact' }).click();
  await expectVisible(page.locator('#contact-birthday-error'), 'the birthday\'s message');
  const banner = (await page.locator('#contact-form-error').textContent())?.trim();
  if (banner !== 'Please correct the marked fields.') throw new Error(`the banner says ${banner}`);
  await shot(page, 'contacts-error');

  step('fix it (expect the contact in the list, its name made from first and last)');
  await page.fill('#contact-birthday', '1990-04-30');
  await page.getByRole('button', { name: 'Create contact' }).click();
  await expectVisible(page.locator('#contact-list .row-title', { hasText: 'Quinn Ada' }), 'the new contact');
  await expectVisible(page.locator('#contact-list .row-meta', { hasText: 'quinn@far.example' }), 'its address');

  step('import a vCard file with a broken card (expect two kept, the broken one by line)');
  await page.setInputFiles('#contacts-import', { name: 'friends.vcf', mimeType: 'text/vcard', buffer: Buffer.from(VCF) });
  await expectVisible(page.locator('#contacts-import-report', { hasText: 'Imported 2 new contacts' }), 'the import report');
  await expectVisible(page.locator('#contacts-import-report li', { hasText: 'Line 7 (Broken Card)' }), 'the broken card by line');
  await expectVisible(page.locator('#contact-list .row-title', { hasText: 'Ivo Import' }), 'an imported contact');
  await shot(page, 'contacts-imported');

  step('search for "far ltd" (expect only Ivo)');
  await page.fill('#contact-search', 'far ltd');
  await page.locator('#contact-search').press('Enter');
  await expectVisible(page.getByText('No contacts match.').or(page.locator('#contact-list .row-title', { hasText: 'Ivo Import' })), 'the search result');
  const titles = await page.locator('#contact-list .row-title').allTextContents();
  if (titles.length !== 1 || !titles[0].includes('Ivo Import')) throw new Error(`the search shows ${JSON.stringify(titles)}`);
  await page.fill('#contact-search', '');
  await page.locator('#contact-search').press('Enter');

  step('phone width');
  await page.setViewportSize(PHONE);
  await expectVisible(page.locator('#contact-list'), 'the list at phone width');
  await shot(page, 'phone-contacts');
  await page.setViewportSize(DESKTOP);

  step('add the sender of a stored message from the reader');
  await openNav(page, '#nav-mail', '/mail', 'Mail');
  const row = page.locator('#message-list .message-row', { hasText: 'Lunch?' });
  await expectVisible(row, 'the stored message');
  await row.click();
  await page.click('#reader-add-contact');
  await expectVisible(page.getByRole('button', { name: 'Added to contacts' }), 'the confirmation');

  step('in a new rule, a forward to "imo" offers Imogen\'s address');
  await openNav(page, '#nav-settings', '/settings', 'Settings');
  await page.click('#tab-rules');
  await page.waitForURL('**/settings/rules', { timeout: STEP_TIMEOUT_MS });
  await page.click('#rule-new');
  await page.selectOption('#act-0-type', 'forward');
  await page.locator('#act-0-to').pressSequentially('imo', { delay: 30 });
  const offered = page.locator('#act-0-to-suggestions option[value="imogen@far.example"]');
  await offered.waitFor({ state: 'attached', timeout: STEP_TIMEOUT_MS });
  const label = (await offered.textContent())?.trim();
  if (label !== 'Imogen Import') throw new Error(`the suggestion is labelled ${label}`);
  if ((await page.inputValue('#act-0-to')) !== 'imo') throw new Error('the typed text did not stay in the field');
  await shot(page, 'rule-forward-suggestions');
  await page.getByRole('button', { name: 'Cancel' }).click();

  step('check the spelling of an out-of-office message');
  await page.fill('#vacation-body', 'I am awya until Monday; ask Imogen or Zorblax.');
  await page.click('#vacation-body-check-spelling');
  const spelling = page.locator('#vacation-body-spelling');
  await expectVisible(spelling.getByText('awya', { exact: true }), 'the misspelt word');
  const marked = await spelling.locator('.misspelt').allTextContents();
  if (marked.join(',') !== 'awya,Zorblax') throw new Error(`marked: ${marked.join(', ')} (a contact's name must not be)`);
  await shot(page, 'spelling');
  await page.getByRole('button', { name: 'Replace awya with away' }).click();
  await page.getByRole('button', { name: 'Add to dictionary: Zorblax' }).click();
  await expectVisible(page.locator('#vacation-body-spelling-ok'), 'no mistakes left');
  const body = await page.inputValue('#vacation-body');
  if (body !== 'I am away until Monday; ask Imogen or Zorblax.') throw new Error(`the message is now: ${body}`);

  step('the word is in Settings → Account\'s personal dictionary; remove it');
  await page.click('#tab-account');
  await expectVisible(page.locator('#dictionary-words', { hasText: 'Zorblax' }), 'the personal word');
  await shot(page, 'personal-dictionary');
  await page.getByRole('button', { name: 'Remove Zorblax from the dictionary' }).click();
  await expectVisible(page.locator('#dictionary-empty'), 'the empty dictionary');

  step('prefer remote images of contacts, and never marking read');
  await page.check('#prefs-remote-images');
  await page.selectOption('#prefs-mark-read', 'never');
  await page.click('#prefs-save');
  await expectVisible(page.getByText('Saved.', { exact: true }), 'the confirmation');
  await shot(page, 'settings-preferences');

  step('the contact\'s HTML message shows its remote image without asking');
  await openNav(page, '#nav-mail', '/mail', 'Mail');
  await page.locator('#message-list .message-row', { hasText: 'Newsletter' }).click();
  await expectVisible(page.locator('#reader-html'), 'the HTML reader');
  await expectVisible(page.frameLocator('#reader-html').getByText('Our news'), 'the newsletter text');
  if (await page.locator('#reader-images-blocked').count()) throw new Error('the contact\'s images were blocked');
  const src = await page.frameLocator('#reader-html').locator('img').getAttribute('src');
  if (!src?.startsWith('http://127.0.0.1:9/')) throw new Error(`the image is ${src}`);

  step('report "Lunch?" as junk, then empty Junk');
  const lunch = page.locator('#message-list .message-row', { hasText: 'Lunch?' });
  await lunch.click();
  // The reader still shows the newsletter until "Lunch?" has loaded: wait for it, or
  // "Junk" would report the newsletter.
  await expectVisible(page.locator('#reader-subject', { hasText: 'Lunch?' }), 'Lunch? in the reader');
  await page.click('#reader-junk');
  await lunch.waitFor({ state: 'detached', timeout: STEP_TIMEOUT_MS });
  await page.locator('#folder-list .folder', { hasText: 'Junk' }).click();
  await expectVisible(lunch, 'the message in Junk');
  await page.getByRole('button', { name: 'Empty', exact: true }).click();
  await page.getByRole('button', { name: 'Yes, empty' }).click();
  await expectVisible(page.getByText('No messages in Junk.'), 'the empty Junk');
  await shot(page, 'mail-junk-emptied');
});
