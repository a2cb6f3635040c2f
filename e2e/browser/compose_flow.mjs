// Writes mail in the machine's Chromium: mail sent by someone else over the REST API
// shows in the open list without a reload (live updates) and in the tab's title; a new
// message with Bcc and a 2 MB file picked from disk (the draft saves itself, "Draft
// saved"), sent after the undo time, its To a contact group picked by keyboard (one
// chip); an undone send that stays in the composer; a reply
// from the reader, then the list by conversation (the question and the reply in Sent one
// row, both shown when it opens); messages ticked (a Shift range, select all) marked
// unread and flagged; a draft in rich text opened again with its bold word; a draft resumed from Drafts; a search across folders; the keyboard
// (?, j, r); a folder made, a message dragged onto it, the folder renamed and deleted; the
// list sorted by subject; the composer at phone width. The Rust side then checks what arrived.
//
// Env: OSPREY_URL, OSPREY_SCREENSHOT_DIR, OSPREY_USER, OSPREY_PASSWORD, OSPREY_TO (who
// signs in with the same password to send the live message), OSPREY_BCC, OSPREY_FILE,
// CHROMIUM_PATH. Exits 0 on success, 1 with a message on failure.

import { need, runFlow, PHONE, STEP_TIMEOUT_MS } from './lib.mjs';

const user = need('OSPREY_USER');
const password = need('OSPREY_PASSWORD');
const to = need('OSPREY_TO');
const bcc = need('OSPREY_BCC');
const file = need('OSPREY_FILE');

await runFlow('compose_flow', async ({ page, baseUrl, step, shot, expectVisible, signIn }) => {
  step(`sign in as ${user}; mail from ${to} appears without a reload`);
  await page.goto(`${baseUrl}/login`);
  // How soon the mail view is ready after signing in (a figure, not a test).
  const signingIn = Date.now();
  await signIn(page, user, password);
  await expectVisible(page.locator('#message-list .message-row', { hasText: 'Question' }), 'the list');
  const ready = Date.now() - signingIn;
  const load = await page.evaluate(() => {
    const n = performance.getEntriesByType('navigation')[0];
    return n ? Math.round(n.loadEventEnd) : -1;
  });
  console.log(`compose_flow:   mail view ready ${ready} ms after the sign-in was sent (the login page loaded in ${load} ms)`);
  const api = async (path, body, token) => {
    const r = await fetch(`${baseUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    });
    if (!r.ok) throw new Error(`${path}: ${r.status} ${await r.text()}`);
    return r.json();
  };
  // Give the page a moment to open its stream, then send from another account.
  await page.waitForTimeout(1000);
  const login = await api('/api/v1/auth/login', { username: to, password });
  await api('/api/v1/messages/send', { to: [user], subject: 'Live one', text: 'Did you see this arrive?' }, login.access_token);
  await expectVisible(page.locator('#message-list .message-row', { hasText: 'Live one' }), 'the message that arrived while the page was open');
  // The unread count is read again after the list shows the message: give it a moment.
  await page.waitForFunction(() => document.title.startsWith('(2)'), null, { timeout: 5000 }).catch(() => {});
  const title = await page.title();
  if (!title.startsWith('(2)')) throw new Error(`the tab's title does not count the 2 unread messages: ${title}`);

  step('send as an identity with a name and a signature (Settings)');
  await page.goto(`${baseUrl}/settings`);
  await page.locator('#prefs-add-identity').click();
  await page.locator('#identity-0-address').fill(user);
  await page.locator('#identity-0-name').fill('Wren Writer');
  await page.locator('#identity-0-signature').fill('Wren\nwrite.e2e.example');
  await page.locator('#prefs-save').click();
  await expectVisible(page.getByText('Saved.'), 'the saved preferences');
  await shot(page, 'settings-identities');
  await page.goto(`${baseUrl}/mail`);

  step('start a new message; it has the signature');
  await page.locator('#compose').click();
  // The page reads the preferences as it loads; a composer opened before they arrive
  // gains the sender and signature when they do (the body is still untouched).
  await page.waitForFunction(() => (document.querySelector('#compose-text')?.value ?? '').includes('-- \n'), null, { timeout: 5000 }).catch(() => {});
  const initial = await page.locator('#compose-text').inputValue();
  if (!initial.includes('-- \nWren\nwrite.e2e.example')) throw new Error(`no signature in a new message: ${JSON.stringify(initial)}`);
  await expectVisible(page.locator('#composer'), 'the composer');

  step('To: a contact group picked from the suggestions by keyboard is one chip');
  const mine = await api('/api/v1/auth/login', { username: user, password });
  const fern = await api('/api/v1/contacts', { full_name: 'Fern Friend', emails: [{ label: 'home', value: to }] }, mine.access_token);
  await api('/api/v1/contact-groups', { name: 'Walkers', members: [fern.id] }, mine.access_token);
  await page.locator('#compose-to').pressSequentially('walk', { delay: 30 });
  await expectVisible(page.locator('#compose-to-suggestions [role=option]', { hasText: 'Walkers' }), 'the group offered');
  await shot(page, 'mail-compose-suggestions');
  await page.locator('#compose-to').press('ArrowDown');
  await page.locator('#compose-to').press('Enter');
  await expectVisible(page.locator('#compose-to-chips .recipient.group', { hasText: 'Walkers' }), 'the group\'s chip');
  if (await page.locator('#compose-to').inputValue() !== '') throw new Error('the typed text stayed after the group was picked');

  step('a typed address ends at Enter; Backspace in the empty field takes it back');
  await page.locator('#compose-to').pressSequentially('oops@nowhere.example', { delay: 10 });
  await page.locator('#compose-to').press('Enter');
  await expectVisible(page.locator('#compose-to-chips .recipient', { hasText: 'oops@nowhere.example' }), 'the typed address\'s chip');
  await page.locator('#compose-to').press('Backspace');
  await page.locator('#compose-to-chips .recipient', { hasText: 'oops' }).waitFor({ state: 'detached', timeout: 5000 });
  if (await page.locator('#compose-to-chips .recipient').count() !== 1) throw new Error('Backspace took more than the last chip');

  step('fill Cc (a name with a comma), Bcc, subject and text, attach a file; the draft saves itself');
  await page.locator('#compose-show-copies').click();
  await page.locator('#compose-cc').fill('"Far, Away" <far@remote.e2e.example>');
  await page.locator('#compose-cc').blur();
  await expectVisible(page.locator('#compose-cc-chips .recipient', { hasText: 'Far, Away' }), 'one chip for the quoted name with a comma');
  await page.locator('#compose-bcc').fill(bcc);
  await page.locator('#compose-bcc').blur();
  await page.locator('#compose-subject').fill('Plans for Friday');
  await page.locator('#compose-text').fill('Hello,\n\nthe plan is attached.\n');
  await page.locator('#compose-files').setInputFiles(file);
  await expectVisible(page.locator('#compose-attachments .tag', { hasText: 'plan.txt' }), 'the attached file');
  await expectVisible(page.locator('#composer-status', { hasText: 'Draft saved' }), 'the saved draft');
  await shot(page, 'mail-compose');

  step('send, undo, send again and wait for the undo time');
  await page.locator('#compose-send').click();
  await expectVisible(page.locator('#compose-undo'), 'the undo button');
  await page.locator('#compose-undo').click();
  await expectVisible(page.locator('#compose-send'), 'the composer again after the undo');
  await page.locator('#compose-send').click();
  await expectVisible(page.locator('#mail-notice', { hasText: 'Message sent' }), 'the sent notice');

  step('the copy in Sent shows where its remote recipient stands');
  await page.locator('#folder-list .folder', { hasText: 'Sent' }).click();
  await page.locator('#message-list .message-row', { hasText: 'Plans for Friday' }).click();
  await expectVisible(page.locator('#reader-delivery', { hasText: 'far@remote.e2e.example' }), 'the delivery state of the remote recipient');
  await shot(page, 'mail-sent-delivery');
  await page.locator('#folder-list .folder', { hasText: 'INBOX' }).click();

  step('reply to the message in INBOX from the reader');
  const row = page.locator('#message-list .message-row', { hasText: 'Question' });
  await expectVisible(row, 'the message to answer');
  await row.click();
  await page.locator('#reader-reply').click();
  await expectVisible(page.locator('#composer-title', { hasText: 'Reply' }), 'the reply');
  const subject = await page.locator('#compose-subject').inputValue();
  if (subject !== 'Re: Question') throw new Error(`the reply's subject is ${JSON.stringify(subject)}`);
  const quoted = await page.locator('#compose-text').inputValue();
  if (!quoted.includes('> Can you come?')) throw new Error(`the reply does not quote the message: ${quoted}`);
  // Typing starts at the top, above the signature and the quote.
  await page.keyboard.type('Yes, I can.');
  const answer = await page.locator('#compose-text').inputValue();
  if (!answer.startsWith('Yes, I can.')) throw new Error(`the reply's text does not start where one types: ${JSON.stringify(answer)}`);
  await shot(page, 'mail-reply');
  await page.locator('#compose-text').press('Control+Enter');
  await expectVisible(page.locator('#mail-notice', { hasText: 'Message sent' }), 'the sent reply');

  step('list by conversation: the question and its reply in Sent are one row of two');
  await page.locator('#threads-toggle').click();
  const thread = page.locator('#message-list .message-row', { hasText: 'Question' });
  await expectVisible(thread.locator('.thread-count', { hasText: '2' }), 'the conversation of two');
  await thread.click();
  await expectVisible(page.locator('#conversation .conversation-item').nth(1), 'both messages of the conversation');
  const items = await page.locator('#conversation .conversation-item').count();
  if (items !== 2) throw new Error(`the conversation shows ${items} messages`);
  await shot(page, 'mail-conversation');
  await page.locator('#threads-toggle').click();
  await expectVisible(page.locator('#threads-toggle[aria-pressed="false"]'), 'one row per message again');

  step('tick the three messages of INBOX with a Shift range; mark them unread; flag them all');
  const boxes = page.locator('#message-list .row-select');
  await expectVisible(boxes.nth(2), 'three messages to tick');
  await boxes.nth(0).click();
  await boxes.nth(2).click({ modifiers: ['Shift'] });
  await expectVisible(page.locator('#bulk-count', { hasText: '3 selected' }), 'three ticked by a range');
  await shot(page, 'mail-selection');
  await page.locator('#bulk-unread').click();
  await expectVisible(page.locator('#folder-list .folder', { hasText: 'INBOX' }).locator('.count', { hasText: '3' }), 'three unread');
  await page.locator('#select-all').click();
  await expectVisible(page.locator('#bulk-count', { hasText: '3 selected' }), 'all ticked');
  await page.locator('#bulk-flag').click();
  await page.locator('#bulk-bar').waitFor({ state: 'detached', timeout: 10_000 });

  step('start a draft, close it, and resume it from Drafts');
  await page.locator('#compose').click();
  await page.locator('#compose-subject').fill('Unfinished thoughts');
  await page.locator('#compose-text').fill('To be continued');
  await expectVisible(page.locator('#composer-status', { hasText: 'Draft saved' }), 'the saved draft');
  await page.locator('#composer-close').click();
  await page.locator('#folder-list .folder', { hasText: 'Drafts' }).click();
  const draft = page.locator('#message-list .message-row', { hasText: 'Unfinished thoughts' });
  await expectVisible(draft, 'the draft in Drafts');
  await draft.click();
  await expectVisible(page.locator('#composer'), 'the resumed draft');
  const resumed = await page.locator('#compose-text').inputValue();
  if (!resumed.startsWith('To be continued')) throw new Error(`the draft's text is ${JSON.stringify(resumed)}`);

  step('write in rich text (a bold word); the draft opens again with its formatting');
  await page.locator('#composer-close').click();
  await page.locator('#compose').click();
  await page.locator('#compose-subject').fill('Rich plans');
  // Switching to rich text puts the caret before the signature: typing starts there.
  await page.locator('#compose-format').click();
  await page.keyboard.type('Plain and ');
  await page.locator('#format-bold').click();
  await page.keyboard.type('bold');
  await expectVisible(page.locator('#compose-html b', { hasText: 'bold' }), 'the bold word');
  const richText = await page.locator('#compose-html').innerText();
  if (!richText.startsWith('Plain and bold') || !richText.includes('Wren')) throw new Error(`the text typed did not start the message: ${JSON.stringify(richText)}`);
  await expectVisible(page.locator('#composer-status', { hasText: 'Draft saved' }), 'the rich draft saved');
  await shot(page, 'mail-rich-text');
  await page.locator('#composer-close').click();
  await page.locator('#folder-list .folder', { hasText: 'Drafts' }).click();
  const richDraft = page.locator('#message-list .message-row', { hasText: 'Rich plans' });
  await expectVisible(richDraft, 'the rich draft in Drafts');
  await richDraft.click();
  await expectVisible(page.locator('#compose-html b', { hasText: 'bold' }), 'the bold word, opened again');
  await page.locator('#composer-close').click();

  step('search every folder; keyboard shortcuts');
  await page.locator('#folder-list .folder', { hasText: 'INBOX' }).click();
  await page.locator('#mail-search').fill('subject:"live one"');
  await page.locator('#mail-search').press('Enter');
  await expectVisible(page.locator('#search-summary', { hasText: '1 found' }), 'one result');
  await expectVisible(page.locator('#message-list .message-row', { hasText: 'Live one' }), 'the message found');
  await shot(page, 'mail-search');
  await page.locator('#search-clear').click();
  await page.locator('#mail-title').click();
  await page.keyboard.press('?');
  await expectVisible(page.locator('#shortcuts-help'), 'the shortcuts');
  await shot(page, 'mail-shortcuts');
  await page.keyboard.press('?');
  await page.keyboard.press('j');
  await expectVisible(page.locator('#reader-subject'), 'the message j opened');
  await page.keyboard.press('r');
  await expectVisible(page.locator('#composer-title', { hasText: 'Reply' }), 'the reply r started');

  step('make a folder, drag a message onto it, rename it, move it to the top level, delete it');
  await page.locator('#folder-list .folder', { hasText: 'INBOX' }).click();
  await page.locator('#new-folder').fill('Projects/2026');
  await page.locator('#create-folder').click();
  const made = page.locator('#folder-list .folder.current', { hasText: '2026' });
  await expectVisible(made, 'the new folder, shown');
  await page.locator('#folder-list .folder', { hasText: 'INBOX' }).click();
  const question = page.locator('#message-list .message-row', { hasText: 'Question' });
  await expectVisible(question, 'the message to drag');
  await question.dragTo(page.locator('#folder-list .folder', { hasText: '2026' }));
  await question.waitFor({ state: 'detached', timeout: 10_000 });
  await page.locator('#folder-list .folder', { hasText: '2026' }).click();
  await expectVisible(page.locator('#message-list .message-row', { hasText: 'Question' }), 'the message in its new folder');
  await shot(page, 'mail-folder-moved');
  await page.locator('#rename-folder-start').click();
  await page.locator('#rename-folder').fill('Projects/Done');
  await page.locator('#rename-folder-save').click();
  await expectVisible(page.locator('#folder-list .folder.current', { hasText: 'Done' }), 'the renamed folder');
  // The move menu offers the top level and other folders, never the folder's own parent
  // (its options come with the folder tools, a moment after the folder shows).
  await page.waitForFunction(
    () => [...document.querySelectorAll('#move-folder option')].some((o) => o.textContent === 'Top level'),
    null,
    { timeout: STEP_TIMEOUT_MS },
  );
  const targets = await page.locator('#move-folder option').allTextContents();
  if (targets.includes('Projects') || !targets.includes('Top level') || !targets.includes('INBOX')) {
    throw new Error(`move targets of Projects/Done: ${targets.join(', ')}`);
  }
  await shot(page, 'mail-folder-tools');
  await page.locator('#move-folder').selectOption({ label: 'Top level' });
  // The phone-width folder menu (hidden here) lists each folder by its full name.
  await page.locator('#folder-select option', { hasText: /^Done( \(\d+\))?$/ }).waitFor({ state: 'attached', timeout: 10_000 });
  await expectVisible(page.locator('#folder-list .folder.current', { hasText: 'Done' }), 'the moved folder, still shown');
  await expectVisible(page.locator('#message-list .message-row', { hasText: 'Question' }), 'its message, moved with it');
  await page.locator('.folder-tools button', { hasText: 'Delete folder' }).click();
  await page.locator('.folder-tools button', { hasText: 'Yes, delete folder' }).click();
  await page.locator('#folder-list .folder', { hasText: 'Done' }).waitFor({ state: 'detached', timeout: 10_000 });

  step('sort the list by subject');
  await page.locator('#folder-list .folder', { hasText: 'INBOX' }).click();
  await page.locator('#sort-select').selectOption({ label: 'Subject A–Z' });
  await expectVisible(page.locator('#message-list .message-row').first().filter({ hasText: 'Live one' }), 'Live one first by subject');
  await shot(page, 'mail-sorted');
  await page.locator('#message-list .message-row', { hasText: 'Live one' }).click();
  await page.locator('#reader-reply').click();

  step('the composer at phone width');
  await page.setViewportSize(PHONE);
  await expectVisible(page.locator('#compose-send'), 'the send button at phone width');
  await shot(page, 'mail-compose-phone');
});
