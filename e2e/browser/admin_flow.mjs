// Drives Osprey's web app in the machine's Chromium: an administrator signs in, creates a
// domain and an account (after one invalid input whose server message must appear next to
// its field), signs out; the new user signs in and sees no administration.
//
// Env: OSPREY_URL (http://127.0.0.1:PORT), OSPREY_ADMIN_USER, OSPREY_ADMIN_PASSWORD,
// OSPREY_DNS_DOMAIN (a domain whose MX, SPF and DKIM key the test's DNS server publishes),
// OSPREY_SCREENSHOT_DIR, CHROMIUM_PATH (default /usr/bin/chromium).
// Exits 0 on success, 1 with a message on failure.

import { DESKTOP, PHONE, STEP_TIMEOUT_MS, fail, need, runFlow } from './lib.mjs';

const adminUser = need('OSPREY_ADMIN_USER');
const adminPassword = need('OSPREY_ADMIN_PASSWORD');
const dnsDomain = need('OSPREY_DNS_DOMAIN');

const stamp = Date.now();
const domain = `web-${stamp}.example`;
const userAddress = `vivid@${domain}`;
const userPassword = 'Amber-Falcon-63t';

await runFlow('admin_flow', async ({ page, baseUrl, step, shot, expectVisible, signIn, openNav }) => {
  step(`open ${baseUrl}/ (expect the login page)`);
  await page.goto(`${baseUrl}/`);
  await expectVisible(page.locator('#login-username'), 'the login form (did the wasm app load?)');
  if (!page.url().endsWith('/login')) fail(`expected a redirect to /login, at ${page.url()}`);
  await shot(page, 'login');

  step(`sign in as ${adminUser}`);
  await signIn(page, adminUser, adminPassword);
  await expectVisible(page.getByRole('heading', { level: 1, name: 'Mail' }), 'the Mail page');
  await shot(page, 'mail');

  step('open Calendar (expect this month\'s grid)');
  await page.click('#nav-calendar');
  await page.waitForURL('**/calendar');
  await expectVisible(page.locator('.cal-month'), 'the month grid');
  await shot(page, 'calendar');

  step('open Admin (expect the dashboard: the sign-in counted, the servers sampled just now, 24 hours then 30 days)');
  await openNav(page, '#nav-admin', '/admin/dashboard', 'Dashboard');
  await expectVisible(page.locator('#dash-now #now-imap'), 'the sessions open now');
  await expectVisible(page.locator('#chart-messages svg'), 'the messages chart');
  if (await page.locator('#chart-messages .slot').count() !== 24) fail('the messages chart does not have a point per hour');
  await page.waitForFunction(() => Number(document.querySelector('#total-logins .tile-value')?.textContent) >= 1, null, { timeout: STEP_TIMEOUT_MS });
  const lastHour = await page.locator('#chart-logins .slot title').last().textContent();
  if (!/Signed in: [1-9]/.test(lastHour)) fail(`the sign-ins chart's last hour says ${JSON.stringify(lastHour)}`);
  await expectVisible(page.locator('#dash-storage td', { hasText: 'mail.e2e.example' }), 'the storage of the first domain');
  await shot(page, 'admin-dashboard');
  await page.setViewportSize(PHONE);
  await shot(page, 'phone-admin-dashboard');
  await page.setViewportSize(DESKTOP);
  await page.click('#range-30d');
  await page.waitForFunction(() => document.querySelectorAll('#chart-messages .slot').length === 30, null, { timeout: STEP_TIMEOUT_MS });
  await expectVisible(page.getByRole('heading', { name: 'What happened in 30 days' }), 'the 30 days heading');
  await openNav(page, '#tab-domains', '/admin/domains', 'Domains');

  step('create a domain with an invalid name (expect the server\'s message at the field)');
  await page.fill('#domain-name', 'not a domain!');
  await page.getByRole('button', { name: 'Create domain' }).click();
  const nameError = page.locator('#domain-name-error');
  await expectVisible(nameError, 'a message next to the domain name field');
  const message = (await nameError.textContent())?.trim();
  if (!message) fail('the domain name field message is empty');
  const describedBy = await page.getAttribute('#domain-name', 'aria-describedby');
  if (!describedBy?.includes('domain-name-error')) fail('the domain name input does not point at its message');
  console.log(`admin_flow:   server says: ${message}`);

  step(`create domain ${domain}`);
  await page.fill('#domain-name', domain);
  await page.getByRole('button', { name: 'Create domain' }).click();
  await expectVisible(page.locator('#domain-list .row-title', { hasText: domain }), `${domain} in the list`);
  if (await nameError.count()) fail('the field message stayed after a successful create');

  step('domains, the newest first: the one just made heads the list');
  await page.selectOption('#domain-sort', 'newest');
  await page.waitForFunction((d) => document.querySelector('#domain-list .row-title')?.textContent.includes(d), domain, { timeout: STEP_TIMEOUT_MS });
  await page.selectOption('#domain-sort', '');

  step(`search domains for ${domain}`);
  await page.fill('#domain-search', domain);
  await page.locator('#domain-search').press('Enter');
  await expectVisible(page.locator('#domain-list .row-title', { hasText: domain }), `${domain} in the search result`);
  await shot(page, 'admin-domains');

  step(`create account ${userAddress}`);
  await openNav(page, '#tab-accounts', '/admin/accounts', 'Accounts');
  await page.fill('#account-address', userAddress);
  await page.fill('#account-password', userPassword);
  await page.fill('#account-display-name', 'Vivid Harbor');
  await page.fill('#account-quota', '50');
  await page.getByRole('button', { name: 'Create account' }).click();
  await expectVisible(page.locator('#account-list .row-title', { hasText: userAddress }), `${userAddress} in the list`);
  await expectVisible(page.getByRole('meter', { name: `Mailbox use of ${userAddress}: 0 B of 50 MiB` }), 'the account\'s use against its quota');

  step('accounts in another order: the newest first is the one just made, then by address again');
  await page.selectOption('#account-sort', 'newest');
  await page.waitForFunction((a) => document.querySelector('#account-list .row-title')?.textContent.includes(a), userAddress, { timeout: STEP_TIMEOUT_MS });
  await page.selectOption('#account-sort', '');

  step(`filter accounts by domain ${domain}`);
  await page.fill('#account-domain-filter', domain);
  await page.getByRole('button', { name: 'Search' }).click();
  await expectVisible(page.locator('#account-list .row-title', { hasText: userAddress }), `${userAddress} in the filtered list`);
  await shot(page, 'admin-accounts');

  step(`set ${userAddress} to keep POP3 mail, first with a bad retention (expect a field error)`);
  await page.getByRole('button', { name: `Edit ${userAddress}` }).click();
  await expectVisible(page.locator('#account-stats-folders th', { hasText: 'INBOX' }), 'the account\'s folders with their figures');
  await expectVisible(page.locator('#account-stats-summary', { hasText: '0 messages (0 unread), 0 B of 50 MiB' }), 'the account\'s totals against its quota');
  await page.selectOption('#edit-account-pop3-mode', 'keep');
  await page.fill('#edit-account-pop3-retention', '0');
  await page.getByRole('button', { name: 'Save changes' }).click();
  await expectVisible(page.locator('#edit-account-pop3-retention-error'), 'a message next to the retention field');
  await page.fill('#edit-account-pop3-retention', '30');
  await page.getByRole('button', { name: 'Save changes' }).click();
  await expectVisible(page.locator('#account-list .row-meta', { hasText: 'POP3 keeps mail · downloaded mail removed after 30 days' }), 'the POP3 settings in the account row');
  await shot(page, 'admin-account-pop3');

  step(`let ${userAddress} send as sales@${domain} (a bad address first: expect a field error)`);
  await page.getByRole('button', { name: `Edit ${userAddress}` }).click();
  await expectVisible(page.locator('#send-as-title'), 'the Send as part of the account form');
  await page.fill('#send-as-address', 'not an address');
  await page.click('#send-as-grant');
  await expectVisible(page.locator('#send-as-address-error'), 'a message next to the send-as address');
  await page.fill('#send-as-address', `Sales@${domain}`);
  await page.locator('#send-as-address').press('Enter');
  await expectVisible(page.locator('#send-as-list .row-title', { hasText: `sales@${domain}` }), 'the grant in the list');
  if (await page.locator('#send-as-address-error').count()) fail('the field message stayed after a successful grant');
  await shot(page, 'admin-account-send-as');
  await page.getByRole('button', { name: 'Cancel' }).click();

  step('phone-width screenshots of the accounts page and an account\'s editor, which Escape closes');
  await page.setViewportSize(PHONE);
  await expectVisible(page.locator('#account-list .row-title', { hasText: userAddress }), 'the account list at phone width');
  await shot(page, 'phone-admin-accounts');
  await page.getByRole('button', { name: `Edit ${userAddress}` }).click();
  await expectVisible(page.locator('#edit-account-pop3-mode'), 'the editor at phone width');
  const wide = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
  if (wide) fail('the account editor is wider than the phone');
  await shot(page, 'phone-admin-account-edit');
  await page.locator('#edit-account-pop3-mode').press('Escape');
  await page.locator('#edit-account-pop3-mode').waitFor({ state: 'detached', timeout: STEP_TIMEOUT_MS });
  await page.setViewportSize(DESKTOP);

  step('import accounts from CSV: a check reports the bad line and creates nothing, then the good line imported');
  await page.locator('#account-import summary').click();
  await page.fill('#accounts-csv', `address,name\ncsv1@${domain},From a sheet\nbroken,No address\n`);
  await page.click('#accounts-check');
  await expectVisible(page.locator('#accounts-import-report', { hasText: 'Would create 1 account.' }), 'the check\'s count');
  await expectVisible(page.locator('#accounts-import-report li', { hasText: 'Line 3: address:' }), 'the bad line, named');
  await page.click('#accounts-import');
  await expectVisible(page.locator('#accounts-csv-error', { hasText: 'line 3: address:' }), 'a real run refused at the field');
  await page.check('#accounts-skip-invalid');
  await page.click('#accounts-import');
  await expectVisible(page.locator('#accounts-import-report', { hasText: 'Created 1 account.' }), 'the import done');
  await expectVisible(page.locator('#accounts-passwords dt', { hasText: `csv1@${domain}` }), 'the drawn password, shown once');
  await expectVisible(page.locator('#account-list .row-title', { hasText: `csv1@${domain}` }), 'the new account in the list');
  await shot(page, 'admin-accounts-import');
  const drawn = (await page.locator('#accounts-passwords dd code').first().textContent()).trim();
  await page.locator('#account-import summary').click();
  // The new account must choose its own password at its first sign-in.
  await page.getByRole('button', { name: `Edit csv1@${domain}` }).click();
  await page.check('#edit-account-must-change-password');
  await page.getByRole('button', { name: 'Save changes' }).click();
  await expectVisible(page.locator('#account-list .row', { hasText: `csv1@${domain}` }).locator('.tag', { hasText: 'new password due' }), 'the demand shown in the list');

  step(`delegate ${domain} to csv1@${domain} from the domain's form (a server administrator first: refused), then withdraw it`);
  await openNav(page, '#tab-domains', '/admin/domains', 'Domains');
  await page.fill('#domain-search', domain);
  await page.locator('#domain-search').press('Enter');
  await page.getByRole('button', { name: `Edit ${domain}` }).click();
  await expectVisible(page.locator('#domain-admin-list + .empty', { hasText: 'Only server administrators.' }), 'no administrators yet');
  await page.fill('#domain-admin-address', adminUser);
  await page.click('#domain-admin-add');
  await expectVisible(page.getByText('is a server administrator: it administers every domain'), 'the server administrator refused');
  await page.fill('#domain-admin-address', `csv1@${domain}`);
  await page.click('#domain-admin-add');
  await expectVisible(page.locator('#domain-admin-list .row-title', { hasText: `csv1@${domain}` }), 'the new administrator listed');
  await shot(page, 'admin-domain-admins');
  await page.getByRole('button', { name: 'Withdraw', exact: true }).click();
  await page.getByRole('button', { name: 'Yes, withdraw' }).click();
  await expectVisible(page.locator('#domain-admin-list + .empty', { hasText: 'Only server administrators.' }), 'the administrator withdrawn');
  await page.getByRole('button', { name: 'Cancel' }).click();

  step(`create alias postmaster@${domain} → ${userAddress}`);
  await openNav(page, '#tab-aliases', '/admin/aliases', 'Aliases');
  await page.fill('#alias-address', `postmaster@${domain}`);
  await page.fill('#alias-targets', userAddress);
  await page.getByRole('button', { name: 'Create alias' }).click();
  await expectVisible(page.locator('#alias-list .row-title', { hasText: `postmaster@${domain}` }), 'the alias in the list');
  await shot(page, 'admin-aliases');

  step(`create list team@${domain} (an account's address first: expect the conflict), add members`);
  await openNav(page, '#tab-lists', '/admin/lists', 'Mailing lists');
  await page.fill('#list-address', userAddress);
  await page.fill('#list-name', 'Team');
  await page.getByRole('button', { name: 'Create list' }).click();
  await expectVisible(page.getByText(`${userAddress} is already an account`), 'the conflict named');
  await page.fill('#list-address', `team@${domain}`);
  await page.selectOption('#list-posting', { label: 'Members post; a moderator approves each post' });
  await page.fill('#list-owners', userAddress);
  await page.getByRole('button', { name: 'Create list' }).click();
  await expectVisible(page.locator('#list-list .row-title', { hasText: `team@${domain}` }), 'the list in the list');
  await expectVisible(page.locator('#list-list .row', { hasText: 'a moderator approves each post' }), 'its posting policy');
  await page.selectOption('#list-sort', 'newest');
  await page.waitForFunction((a) => document.querySelector('#list-list .row-title')?.textContent.includes(a), `team@${domain}`, { timeout: STEP_TIMEOUT_MS });
  await page.selectOption('#list-sort', '');
  await page.getByRole('button', { name: `Edit team@${domain}` }).click();
  await expectVisible(page.locator('#members-title'), 'the Members part of the list form');
  await expectVisible(page.getByText('No members yet.'), 'the empty member list');
  await expectVisible(page.getByText('No posts wait.'), 'the empty moderation queue');
  await page.fill('#member-address', 'nope');
  await page.click('#member-add');
  await expectVisible(page.locator('#member-address-error'), 'a message next to the member address');
  await page.fill('#member-address', userAddress);
  await page.locator('#member-address').press('Enter');
  await expectVisible(page.locator('#members-list .row-title', { hasText: userAddress }), 'the member');
  await page.fill('#member-address', 'reader@elsewhere.example');
  await page.check('#member-nomail');
  await page.click('#member-add');
  await expectVisible(page.locator('#members-list .row', { hasText: 'reader@elsewhere.example' }).filter({ hasText: 'no mail' }), 'the member without mail');
  await expectVisible(page.locator('#members-list .row-title', { hasText: userAddress }), 'the member');
  await page.getByRole('button', { name: `No mail for ${userAddress}` }).click();
  await expectVisible(page.locator('#members-list .row', { hasText: userAddress }).locator('.tag', { hasText: 'no mail' }), 'the member set to no mail');
  await page.getByRole('button', { name: `Each post for ${userAddress}` }).click();
  await expectVisible(page.getByRole('button', { name: `No mail for ${userAddress}` }), 'the member back to each post');
  await shot(page, 'admin-list-members');
  step('import members from CSV: a check reports the bad line and adds nothing, then the import');
  await page.locator('.member-import summary').click();
  await page.fill('#members-csv', 'csv-one@elsewhere.example,"Doe, Ann"\nnot-an-address\n');
  await page.click('#members-check');
  await expectVisible(page.locator('#members-import-report', { hasText: 'Would add 1 member' }), 'the dry run report');
  await expectVisible(page.locator('#members-import-report', { hasText: 'Line 2:' }), 'the bad line named');
  if (await page.locator('#members-list .row-title', { hasText: 'csv-one@elsewhere.example' }).count()) fail('a dry run added a member');
  await shot(page, 'admin-list-import');
  await page.click('#members-import');
  await expectVisible(page.locator('#members-import-report', { hasText: 'Added 1 member' }), 'the import report');
  await expectVisible(page.locator('#members-list .row-title', { hasText: 'csv-one@elsewhere.example' }), 'the imported member in the roster');
  const csvRow = page.locator('#members-list .row', { hasText: 'csv-one@elsewhere.example' });
  await csvRow.getByRole('button', { name: 'Remove' }).click();
  await csvRow.getByRole('button', { name: 'Yes, remove' }).click();
  await csvRow.waitFor({ state: 'detached', timeout: STEP_TIMEOUT_MS });
  await page.fill('#members-search', 'reader');
  await page.locator('#members-list .row-title', { hasText: userAddress }).waitFor({ state: 'detached', timeout: STEP_TIMEOUT_MS });
  const reader = page.locator('#members-list .row', { hasText: 'reader@elsewhere.example' });
  await reader.getByRole('button', { name: 'Remove' }).click();
  await reader.getByRole('button', { name: 'Yes, remove' }).click();
  await expectVisible(page.getByText('No member matches.'), 'the member removed');
  await page.getByRole('button', { name: 'Save changes' }).click();
  await expectVisible(page.locator('#list-list .row', { hasText: '1 member' }), 'the member count, saved');
  await shot(page, 'admin-lists');

  step('a member\'s post waits for a moderator; approve it in the list\'s form');
  // The administrator joins (a member, not an owner or moderator): its post is held.
  await page.getByRole('button', { name: `Edit team@${domain}` }).click();
  await page.fill('#member-address', adminUser);
  await page.click('#member-add');
  await expectVisible(page.locator('#members-list .row-title', { hasText: adminUser }), 'the administrator as a member');
  const adminLogin = await fetch(`${baseUrl}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: adminUser, password: adminPassword }),
  });
  const { access_token: adminToken } = await adminLogin.json();
  const held = await fetch(`${baseUrl}/api/v1/messages/send`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${adminToken}` },
    body: JSON.stringify({ to: [`team@${domain}`], subject: 'Held for approval', text: 'Please let this through.' }),
  });
  if (held.status !== 201) fail(`the post to hold was not sent: ${held.status}`);
  await page.getByRole('button', { name: 'Cancel' }).click();
  await page.getByRole('button', { name: `Edit team@${domain}` }).click();
  const waiting = page.locator('#held-list .row', { hasText: 'Held for approval' });
  await expectVisible(waiting, 'the held post in the moderation queue');
  await shot(page, 'admin-list-held');
  await waiting.getByRole('button', { name: 'Approve', exact: true }).click();
  await expectVisible(page.getByText('No posts wait.'), 'the queue empty after the approval');
  await page.getByRole('button', { name: 'Cancel' }).click();

  step('Access: an IP rule (a bad network first), a kill-file entry, the relay tester');
  await openNav(page, '#tab-access', '/admin/access', 'Access');
  await expectVisible(page.locator('#ip-rules-empty'), 'no IP rules yet');
  await expectVisible(page.locator('#kill-empty'), 'an empty kill file');
  await page.fill('#ip-rule-network', 'not-a-network');
  await page.getByRole('button', { name: 'Add rule' }).click();
  await expectVisible(page.locator('#ip-rule-network-error'), 'the network\'s message next to the field');
  await page.fill('#ip-rule-network', '203.0.113.0/24');
  await page.fill('#ip-rule-note', 'Scanner');
  await page.selectOption('#ip-rule-expires', '24');
  await page.getByRole('button', { name: 'Add rule' }).click();
  const denyRule = page.locator('#ip-rule-list .row', { hasText: '203.0.113.0/24' });
  await expectVisible(denyRule.locator('.tag', { hasText: 'Deny' }), 'the deny rule in the list');
  await expectVisible(denyRule.locator('.row-meta', { hasText: ' · until ' }), 'the rule\'s expiry, a day from now');
  await page.fill('#ip-rule-network', '198.51.100.7');
  await page.selectOption('#ip-rule-action', 'allow');
  await page.selectOption('#ip-rule-expires', '');
  await page.getByRole('button', { name: 'Add rule' }).click();
  const firstRule = page.locator('#ip-rule-list .row').first().locator('.row-title');
  await expectVisible(page.locator('#ip-rule-list .row-title', { hasText: '2. 198.51.100.7/32' }), 'the allow rule after the deny rule');
  await page.getByRole('button', { name: 'Move up: 198.51.100.7/32' }).click();
  await expectVisible(firstRule.filter({ hasText: '1. 198.51.100.7/32' }), 'the allow rule moved first');
  await denyRule.dragTo(page.locator('#ip-rule-list .row').first());
  await expectVisible(firstRule.filter({ hasText: '1. 203.0.113.0/24' }), 'the deny rule dragged back to the top');
  await page.selectOption('#ip-rule-action', 'deny');
  await page.fill('#kill-value', 'spam@bad.example');
  await page.fill('#kill-domain', domain);
  await page.getByRole('button', { name: 'Add entry' }).click();
  const killed = page.locator('#kill-list .row', { hasText: 'spam@bad.example' });
  await expectVisible(killed.locator('.row-meta', { hasText: domain }), 'the kill-file entry, for mail to one domain');
  await page.fill('#relay-check-ip', '192.0.2.1');
  await page.fill('#relay-check-recipient', 'someone@elsewhere.example');
  await page.getByRole('button', { name: 'Check', exact: true }).click();
  await expectVisible(page.locator('#relay-verdict', { hasText: 'Refused' }), 'an unauthenticated relay refused');
  await page.check('#relay-check-auth');
  await page.getByRole('button', { name: 'Check', exact: true }).click();
  await expectVisible(page.locator('#relay-verdict', { hasText: 'Relayed' }), 'a signed-in user\'s mail relayed');
  await shot(page, 'admin-access');
  await page.setViewportSize(PHONE);
  await shot(page, 'phone-admin-access');
  await page.setViewportSize(DESKTOP);

  step('Queue: a message to a server that cannot be reached, its recipient\'s state, bounced, then deleted');
  const outbound = await fetch(`${baseUrl}/api/v1/messages/send`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${adminToken}` },
    body: JSON.stringify({ to: ['someone@closed.e2e.example'], subject: 'Leaving soon', text: 'For the queue page.' }),
  });
  if (outbound.status !== 201) fail(`the outbound message was not sent: ${outbound.status}`);
  await openNav(page, '#tab-queue', '/admin/queue', 'Queue');
  await page.selectOption('#queue-state', '');
  await page.click('#queue-filter');
  const queued = page.locator('#queue-list .queue-message', { hasText: 'Leaving soon' });
  await expectVisible(queued.locator('.queue-recipients', { hasText: 'someone@closed.e2e.example' }), 'the queued message and its recipient');
  await shot(page, 'admin-queue');
  await queued.getByRole('button', { name: 'Bounce now: Leaving soon' }).click();
  await queued.getByRole('button', { name: 'Yes, bounce' }).click();
  await expectVisible(page.getByText('1 recipient(s) are being returned to the sender, undelivered.'), 'the bounce said');
  // The queue worker fails the recipient and reports to the sender: Show until it has.
  const failedTag = queued.locator('.queue-recipients .tag', { hasText: 'Failed' });
  for (let i = 0; i < 20 && !(await failedTag.count()); i++) {
    await page.waitForTimeout(250);
    await page.click('#queue-filter');
  }
  await expectVisible(failedTag, 'the recipient failed by the bounce');
  await expectVisible(queued.locator('.queue-error', { hasText: 'returned undelivered by an administrator' }), 'why it failed');
  await queued.getByRole('button', { name: 'Delete: Leaving soon' }).click();
  await expectVisible(page.getByText('Deleted: it will not be tried again.'), 'the deletion said');
  await queued.waitFor({ state: 'detached', timeout: STEP_TIMEOUT_MS });

  step(`DNS: the records of ${dnsDomain}, checked (DMARC missing), copied, then a new DKIM key`);
  await openNav(page, '#tab-domains', '/admin/domains', 'Domains');
  await page.fill('#domain-search', dnsDomain);
  await page.locator('#domain-search').press('Enter');
  await page.locator('#domain-list .row', { hasText: dnsDomain }).getByRole('link', { name: 'DNS', exact: true }).click();
  await page.waitForURL('**/dns');
  await expectVisible(page.getByRole('heading', { level: 1, name: `DNS of ${dnsDomain}` }), 'the DNS page');
  const record = (purpose) => page.locator(`#dns-records .dns-record[data-purpose="${purpose}"]`);
  await expectVisible(record('mx').locator('code', { hasText: '10 mail.e2e.example.' }), 'the MX record to publish');
  await page.click('#dns-check');
  await expectVisible(record('mx').locator('.tag', { hasText: 'Published' }), 'the MX published');
  await expectVisible(record('spf').locator('.tag', { hasText: 'Published' }), 'the SPF record published');
  await expectVisible(record('dkim').locator('.tag', { hasText: 'Published' }), 'the DKIM key published');
  await expectVisible(record('dmarc').locator('.tag', { hasText: 'Missing' }), 'no DMARC record');
  await expectVisible(page.locator('#dns-summary', { hasText: '1 record mail needs is not published' }), 'the summary');
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: baseUrl });
  await record('dmarc').getByRole('button', { name: 'Copy line: DMARC policy' }).click();
  await expectVisible(page.getByText('Copied the zone-file line of DMARC policy.'), 'the copy said');
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  if (copied !== `_dmarc.${dnsDomain}. 3600 IN TXT "v=DMARC1; p=quarantine"`) fail(`the clipboard holds ${JSON.stringify(copied)}`);
  await shot(page, 'admin-dns');
  await page.setViewportSize(PHONE);
  await shot(page, 'phone-admin-dns');
  await page.setViewportSize(DESKTOP);
  await page.click('#dkim-rotate');
  await page.click('#dkim-rotate-confirm');
  await expectVisible(page.getByText(/^New DKIM key under the selector/), 'the new key said');
  await page.click('#dns-check');
  await expectVisible(record('dkim').locator('.tag', { hasText: 'Missing' }), 'the new key not yet published');

  step('server settings: a bad number marked at its field, two changes saved, then back to the defaults');
  await openNav(page, '#tab-settings', '/admin/settings', 'Server settings');
  await expectVisible(page.locator('#restart-settings', { hasText: 'mail.e2e.example' }), 'the settings that need a restart');
  await page.fill('#setting-max_recipients', '0');
  await page.click('#settings-save');
  await expectVisible(page.locator('#setting-max_recipients-error', { hasText: 'from 1 to 10000' }), 'the range next to the field');
  await page.fill('#setting-max_recipients', '250');
  await page.check('#setting-legacy_auth');
  await page.click('#settings-save');
  await expectVisible(page.locator('#settings-saved', { hasText: 'Saved 2 settings.' }), 'the settings saved');
  await expectVisible(page.locator('#setting-max_recipients-reset'), 'a way back to the default');
  await shot(page, 'admin-settings');
  await page.setViewportSize(PHONE);
  await shot(page, 'phone-admin-settings');
  await page.setViewportSize(DESKTOP);
  await page.click('#setting-max_recipients-reset');
  await expectVisible(page.getByText("Recipients per message is back to the configuration file's value."), 'the reset said');
  await page.waitForFunction(() => document.querySelector('#setting-max_recipients').value === '100', null, { timeout: STEP_TIMEOUT_MS });
  await page.click('#setting-legacy_auth-reset');
  await page.waitForFunction(() => !document.querySelector('#setting-legacy_auth').checked, null, { timeout: STEP_TIMEOUT_MS });

  step('banner ads: a script link refused at its field, a campaign for webmail started, its image added');
  await openNav(page, '#tab-ads', '/admin/ads', 'Banner ads');
  await expectVisible(page.locator('#ads-empty'), 'no campaigns yet');
  await page.fill('#ad-name', 'Spring');
  await page.fill('#ad-text', 'Spring sale: half price on storage');
  await page.fill('#ad-link', 'javascript:alert(1)');
  await page.click('#ad-create');
  await expectVisible(page.locator('#ad-link-error', { hasText: 'https://' }), 'the link refused at its field');
  await page.fill('#ad-link', 'https://shop.example/spring');
  await page.click('#ad-create');
  await expectVisible(page.locator('#ad-list .row-title', { hasText: 'Spring' }), 'the campaign in the list');
  await expectVisible(page.locator('#ad-list .ad-counts', { hasText: '0 shown' }), 'its counts');
  await page.locator('#ad-list input[type=file]').first().setInputFiles({ name: 'spring.gif', mimeType: 'image/gif', buffer: Buffer.from('R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw==', 'base64') });
  await expectVisible(page.getByText('Image saved.'), 'the image saved');
  await expectVisible(page.locator('#ad-list label', { hasText: 'Change image' }), 'the campaign has an image');
  await page.locator('#ad-list').getByRole('button', { name: 'Statistics' }).click();
  await page.waitForFunction(() => document.querySelectorAll('#ad-list .chart .slot').length === 30, null, { timeout: STEP_TIMEOUT_MS });
  await shot(page, 'admin-ads');

  step('the audit log: the changes made above, a search for the alias, the retention saved');
  await openNav(page, '#tab-audit', '/admin/audit', 'Audit log');
  await expectVisible(page.locator('#audit-list .audit-entry', { hasText: `team@${domain}` }).first(), 'the list\'s changes in the audit log');
  await page.fill('#audit-search', `postmaster@${domain}`);
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  const aliasEntry = page.locator('#audit-list .audit-entry', { hasText: 'Alias added' });
  await expectVisible(aliasEntry, 'the alias creation found by a search');
  if (await page.locator('#audit-list .audit-entry').count() !== 1) fail('the search found more than the alias creation');
  await expectVisible(aliasEntry.locator('td.after', { hasText: userAddress }), 'the alias\'s targets as recorded');
  await page.fill('#retention-days', '0');
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expectVisible(page.locator('#retention-days-error'), 'the retention\'s bounds next to the field');
  await page.fill('#retention-days', '400');
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expectVisible(page.getByText('Saved.'), 'the retention saved');
  await shot(page, 'admin-audit');
  await page.setViewportSize(PHONE);
  await shot(page, 'phone-admin-audit');
  await page.setViewportSize(DESKTOP);

  step(`the list's public page at phone width: a bad address, then the confirmation sent`);
  const publicPage = await page.context().newPage();
  await publicPage.setViewportSize(PHONE);
  await publicPage.goto(`${baseUrl}/lists/subscribe/team@${domain}`);
  await expectVisible(publicPage.getByRole('heading', { name: 'Join Team' }), 'the public page of the list');
  await publicPage.fill('#email', 'someone@');
  await publicPage.evaluate(() => document.querySelector('form').noValidate = true);
  await publicPage.getByRole('button', { name: `Join team@${domain}` }).click();
  await expectVisible(publicPage.locator('#email-error'), 'the problem next to the address');
  await shot(publicPage, 'list-public-form');
  await publicPage.fill('#email', 'reader@elsewhere.example');
  await publicPage.getByRole('button', { name: `Join team@${domain}` }).click();
  await expectVisible(publicPage.getByRole('heading', { name: 'Check your mail' }), 'the confirmation sent');
  await shot(publicPage, 'list-public-page');
  await publicPage.close();

  step('sign out');
  await page.click('#sign-out');
  await page.waitForURL('**/login', { timeout: STEP_TIMEOUT_MS });
  await expectVisible(page.locator('#login-username'), 'the login form after sign-out');

  step(`a wrong password for ${userAddress} (expect the error banner), then sign in`);
  await page.fill('#login-username', userAddress);
  await page.fill('#login-password', 'not-the-password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expectVisible(page.locator('#login-error'), 'the sign-in error');
  await signIn(page, userAddress, userPassword);

  step('check that a user has no Admin navigation');
  await expectVisible(page.locator('#nav-settings'), 'the Settings link');
  if (await page.locator('#nav-admin').count()) fail('the Admin link is shown to a user');
  if (await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Admin' }).count()) {
    fail('a link named Admin is shown to a user');
  }

  step('the banner ad above the user\'s mail, kept in its place');
  await openNav(page, '#nav-mail', '/mail', 'Mail');
  await expectVisible(page.locator('#ad-webmail .ad-text', { hasText: 'Spring sale' }), 'the ad above the mail');
  const adLink = await page.getAttribute('#ad-webmail a.ad', 'href');
  if (!/^\/api\/v1\/ads\/[^/]+\/click$/.test(adLink)) fail(`the ad links to ${adLink}, not through the server`);
  await shot(page, 'mail-with-ad');

  step('open Settings (expect the user\'s address)');
  await openNav(page, '#nav-settings', '/settings', 'Settings');
  await expectVisible(page.locator('#settings-address', { hasText: userAddress }), `${userAddress} on the Settings page`);
  await expectVisible(page.locator('#login-failure-list .row-meta', { hasText: 'web' }), 'the failed sign-in under Recent failed sign-ins');
  await shot(page, 'settings');

  step(`two posts to team@${domain} by the REST API (the user owns it: no moderation)`);
  const login = await fetch(`${baseUrl}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: userAddress, password: userPassword }),
  });
  const { access_token: token } = await login.json();
  for (const [subject, text] of [['Picnic plans', 'Saturday at noon, by the lake. Bring sandwiches.'], ['Office keys', 'Who has the spare set?']]) {
    const sent = await fetch(`${baseUrl}/api/v1/messages/send`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ to: [`team@${domain}`], subject, text }),
    });
    if (sent.status !== 201) fail(`the post ${subject} was not sent: ${sent.status}`);
  }

  step(`the user's mailing lists: team@${domain}; digests instead of each post`);
  const mine = page.locator('#my-lists .row', { hasText: `team@${domain}` });
  await expectVisible(mine, 'the list the administrator added the user to');
  // The change is saved when the server answers; only then is the page loaded again.
  await Promise.all([
    page.waitForResponse((r) => r.url().includes('/api/v1/me/lists/') && r.request().method() === 'PATCH', { timeout: STEP_TIMEOUT_MS }),
    mine.locator('select').selectOption({ label: 'Digest, plain text' }),
  ]);
  await page.reload();
  await expectVisible(mine, 'the list after a reload');
  if ((await mine.locator('select').inputValue()) !== 'digest_plain') fail('the digest mode was not kept');

  step('the list\'s archive: its threads, a search, a thread');
  await mine.getByRole('link', { name: 'Archive' }).click();
  await page.waitForURL('**/archive/**', { timeout: STEP_TIMEOUT_MS });
  await expectVisible(page.locator('#archive-threads .row-title', { hasText: '[team] Picnic plans' }), 'the first thread');
  await expectVisible(page.locator('#archive-threads .row-title', { hasText: '[team] Office keys' }), 'the second thread');
  await expectVisible(page.locator('#archive-threads .row-title', { hasText: '[team] Held for approval' }), 'the post a moderator approved');
  await shot(page, 'list-archive');
  await page.fill('#archive-search', 'sandwiches');
  await page.press('#archive-search', 'Enter');
  await expectVisible(page.locator('#archive-results .row-title', { hasText: '[team] Picnic plans' }), 'the post the search found');
  if (await page.locator('#archive-results .row-title', { hasText: 'Office keys' }).count()) fail('the search found a post without the word');
  await page.fill('#archive-search', 'nothing-like-this');
  await page.press('#archive-search', 'Enter');
  await expectVisible(page.locator('#archive-empty'), 'the empty search result');
  await page.fill('#archive-search', 'sandwiches');
  await page.press('#archive-search', 'Enter');
  await page.locator('#archive-results .row-title', { hasText: '[team] Picnic plans' }).click();
  await expectVisible(page.locator('#thread-posts .post-text', { hasText: 'Bring sandwiches.' }), 'the post\'s text in its thread');
  await shot(page, 'list-archive-thread');
  await page.setViewportSize(PHONE);
  await expectVisible(page.locator('#thread-posts .post-text'), 'the thread at phone width');
  await shot(page, 'list-archive-thread-phone');
  await page.setViewportSize(DESKTOP);

  step(`leave team@${domain}`);
  await openNav(page, '#nav-settings', '/settings', 'Settings');
  await expectVisible(mine, 'the list, back in Settings');
  await mine.getByRole('button', { name: 'Leave' }).click();
  await mine.getByRole('button', { name: 'Yes, leave' }).click();
  await expectVisible(page.locator('#my-lists-empty'), 'no lists left');

  step(`csv1@${domain} signs in with its drawn password and must choose a new one first`);
  await page.click('#sign-out');
  await page.waitForURL('**/login', { timeout: STEP_TIMEOUT_MS });
  await page.fill('#login-username', `csv1@${domain}`);
  await page.fill('#login-password', drawn);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expectVisible(page.getByRole('heading', { level: 1, name: 'Choose a new password' }), 'the password page before anything else');
  if (await page.locator('#main-nav').count()) fail('the navigation is shown before the new password is chosen');
  await page.fill('#current-password', drawn);
  await page.fill('#new-password', drawn);
  await page.getByRole('button', { name: 'Change password' }).click();
  await expectVisible(page.locator('#new-password-error', { hasText: 'must differ from the current password' }), 'the same password refused');
  await shot(page, 'password-required');
  await page.fill('#current-password', drawn);
  await page.fill('#new-password', 'Copper-Meadow-58q');
  await page.getByRole('button', { name: 'Change password' }).click();
  await expectVisible(page.locator('#nav-mail'), 'the app, once the new password is set');
  await page.click('#sign-out');
  await page.waitForURL('**/login', { timeout: STEP_TIMEOUT_MS });
  await signIn(page, userAddress, userPassword);

  step('open each admin page directly as a user: a refusal, and no request the server refuses');
  const refused = [];
  page.on('response', (r) => { if (r.status() === 403) refused.push(`${r.request().method()} ${r.url()}`); });
  for (const path of ['/admin/dashboard', '/admin/ads', '/admin/accounts', '/admin/domains', '/admin/aliases', '/admin/lists', '/admin/access', '/admin/queue', '/admin/audit', '/admin/settings', '/admin/domains/any/dns']) {
    await page.goto(`${baseUrl}${path}`);
    await expectVisible(page.getByText('This page is for administrators.'), `the refusal of ${path} for users`);
  }
  // Give a stray request time to come back.
  await page.waitForTimeout(500);
  if (refused.length) fail(`a user's visit to the admin pages asked the server for what it refuses: ${refused.join(', ')}`);
});
