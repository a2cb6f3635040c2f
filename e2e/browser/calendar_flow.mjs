// Drives the calendar in the machine's Chromium: a user opens Calendar, goes to June 2026
// (an empty month), makes a weekly stand-up from a click on a day (the form first names a
// wrong end next to its field, and says the rule in words), moves one occurrence on its
// own ("this event"), sees the week view with the time grid, drags a weekly yoga there
// ("this and following"), ends the series from an occurrence on ("this and following"),
// adds a three-day all-day trip, reads the agenda, keeps a to-do list (an overdue task
// marked, one ticked off) and a note of a day, shares the calendar, makes its
// subscription address and imports a `.ics` file in its settings, invites the sharee (the address book suggests guests), who accepts in her
// own calendar on her phone, in another time zone (the organiser sees the answer), and
// opens on the agenda at phone width.
//
// Env: OSPREY_URL, OSPREY_SCREENSHOT_DIR, OSPREY_USER, OSPREY_PASSWORD, OSPREY_SHAREE,
// CHROMIUM_PATH.
// Exits 0 on success, 1 with a message on failure.

import { PHONE, STEP_TIMEOUT_MS, fail, need, runFlow } from './lib.mjs';

const user = need('OSPREY_USER');
const password = need('OSPREY_PASSWORD');
const sharee = need('OSPREY_SHAREE');

await runFlow('calendar_flow', async ({ page, baseUrl, step, shot, expectVisible, signIn }) => {
  const cell = (date) => page.locator(`.cal-cell[data-date="${date}"]`);
  // HTML drag and drop as the browser fires it: the source takes it 1 px below its top,
  // the target gets it `y` px below its own top.
  const drag = async (source, target, y) => {
    const dataTransfer = await page.evaluateHandle(() => new DataTransfer());
    const s = await source.boundingBox();
    await source.dispatchEvent('dragstart', { dataTransfer, clientX: s.x + 3, clientY: s.y + 1 });
    const t = await target.boundingBox();
    const at = { dataTransfer, clientX: t.x + 10, clientY: t.y + y };
    await target.dispatchEvent('dragover', at);
    await target.dispatchEvent('drop', at);
    await source.dispatchEvent('dragend', { dataTransfer });
  };
  const chips = (date, title) => cell(date).locator('.cal-event', { hasText: title });
  const count = async (date, title) => chips(date, title).count();

  step(`sign in as ${user}; open Calendar; go to June 2026 (expect an empty month)`);
  await page.goto(`${baseUrl}/login`);
  await signIn(page, user, password);
  await page.click('#nav-calendar');
  await page.waitForURL('**/calendar');
  await expectVisible(page.locator('.cal-month'), 'the month grid');
  await page.fill('.cal-jump', '2026-06-01');
  await expectVisible(page.getByRole('heading', { level: 1, name: 'June 2026' }), 'the June heading');
  await expectVisible(page.locator('.cal-list label', { hasText: 'Calendar' }), 'the default calendar');
  if ((await page.locator('.cal-month .cal-event').count()) !== 0) throw new Error('June is not empty');
  await shot(page, 'calendar-month-empty');

  step('a reminder\'s link (/calendar?date=…) opens on its day');
  await page.goto(`${baseUrl}/calendar?date=2026-02-10`);
  await expectVisible(page.getByRole('heading', { level: 1, name: 'February 2026' }), 'the month of the linked day');
  await page.goto(`${baseUrl}/calendar?date=2026-06-01`);
  await expectVisible(page.getByRole('heading', { level: 1, name: 'June 2026' }), 'the June heading again');
  await expectVisible(page.locator('.cal-list label', { hasText: 'Calendar' }), 'the calendars, loaded again');

  step('click Tuesday 2 June; an end before the start is named at the field');
  await cell('2026-06-02').click({ position: { x: 60, y: 70 } });
  await expectVisible(page.getByRole('heading', { name: 'New event' }), 'the new event dialog');
  if ((await page.inputValue('#event-start-time')) !== '09:00') throw new Error('a click on a day does not start at 09:00');
  await page.fill('#event-title', 'Standup');
  await page.fill('#event-end-time', '08:30');
  await page.click('#event-save');
  await expectVisible(page.locator('#event-end-date-error'), 'the end\'s message');
  await shot(page, 'calendar-event-error');

  step('weekly on Tuesday, four times (expect the rule in words, then four occurrences)');
  await page.fill('#event-end-time', '09:15');
  await page.selectOption('#event-repeat', 'weekly');
  // The rule in words follows each choice: every second week, Thursdays too, to a day.
  await page.fill('#event-interval', '2');
  await page.locator('.cal-weekdays-pick label', { hasText: 'Thu' }).locator('input').check();
  await page.selectOption('#event-ends', 'until');
  await page.fill('#event-until', '2026-06-30');
  const words = (await page.locator('#event-rule').textContent())?.trim();
  if (words !== 'Every 2 weeks on Tue and Thu, until 30 June 2026') throw new Error(`the rule reads "${words}"`);
  await page.locator('.cal-weekdays-pick label', { hasText: 'Thu' }).locator('input').uncheck();
  await page.fill('#event-interval', '1');
  await page.selectOption('#event-ends', 'count');
  await page.fill('#event-count', '4');
  const rule = (await page.locator('#event-rule').textContent())?.trim();
  if (rule !== 'Every week on Tue, 4 times') throw new Error(`the rule reads "${rule}"`);
  // A reminder half an hour before each one.
  await page.click('#event-reminder-add');
  await page.selectOption('#event-reminder-0', '30');
  await shot(page, 'calendar-event-form');
  await page.click('#event-save');
  await expectVisible(chips('2026-06-23', 'Standup'), 'the fourth stand-up');
  for (const d of ['2026-06-02', '2026-06-09', '2026-06-16', '2026-06-23']) {
    if ((await count(d, 'Standup')) !== 1) throw new Error(`no stand-up on ${d}`);
  }
  if ((await count('2026-06-30', 'Standup')) !== 0) throw new Error('a fifth stand-up');

  step('move the one of 16 June to 11:00 ("this event"; the others stay)');
  await chips('2026-06-16', 'Standup').click();
  await expectVisible(page.getByRole('heading', { name: 'Event', exact: true }), 'the event dialog');
  await page.waitForFunction(() => document.querySelector('#event-title')?.value === 'Standup');
  if ((await page.inputValue('#event-reminder-0')) !== '30') throw new Error('the reminder was not kept');
  await page.fill('#event-title', 'Standup (moved)');
  await page.fill('#event-start-time', '11:00');
  await page.fill('#event-end-time', '11:15');
  await page.click('#event-save');
  await expectVisible(page.locator('#scope-this'), 'the "which events" question');
  await shot(page, 'calendar-scope');
  await page.click('#scope-this');
  await expectVisible(chips('2026-06-16', 'Standup (moved)'), 'the moved occurrence');
  if (!(await chips('2026-06-16', 'Standup (moved)').getAttribute('aria-label')).startsWith('11:00')) throw new Error('the moved one is not at 11:00');
  if ((await count('2026-06-09', 'Standup')) !== 1) throw new Error('the others moved too');
  await shot(page, 'calendar-month');

  step('the week view (key w): the stand-up in the time grid at 09:00');
  await page.keyboard.press('w');
  await expectVisible(page.locator('.cal-timegrid'), 'the time grid');
  await expectVisible(page.locator('.cal-column[data-date="2026-06-02"] .cal-event', { hasText: 'Standup' }), 'the stand-up in its column');
  const top = await page.locator('.cal-column[data-date="2026-06-02"] .cal-event').evaluate((e) => e.style.top);
  if (top !== `${9 * 48}px`) throw new Error(`the stand-up sits at ${top}, not 09:00`);
  await shot(page, 'calendar-week');

  step('drag the stand-up of 2 June to 10:00 ("this event"), then its end to 11:00');
  const standup = page.locator('.cal-column[data-date="2026-06-02"] .cal-event', { hasText: 'Standup' });
  const column = page.locator('.cal-column[data-date="2026-06-02"]');
  await drag(standup, column, 10 * 48 + 1);
  await expectVisible(page.locator('#move-this'), 'the "which events" question');
  await page.click('#move-this');
  await page.waitForFunction(() => document.querySelector('.cal-column[data-date="2026-06-02"] .cal-event')?.style.top === `${10 * 48}px`);
  await drag(standup.locator('.cal-resize'), column, 11 * 48 + 1);
  await page.click('#move-this');
  await page.waitForFunction(() => document.querySelector('.cal-column[data-date="2026-06-02"] .cal-event')?.style.height === '48px');
  await shot(page, 'calendar-week-dragged');

  step('a weekly yoga from a click at 07:00 on Monday 1 June; the second dragged to 07:30 with "this and following"');
  const yoga = (date) => page.locator(`.cal-column[data-date="${date}"] .cal-event`, { hasText: 'Yoga' });
  const topOf = (date) => yoga(date).evaluate((e) => e.style.top);
  await page.locator('.cal-column[data-date="2026-06-01"]').click({ position: { x: 20, y: 7 * 48 + 10 } });
  await expectVisible(page.getByRole('heading', { name: 'New event' }), 'the new event dialog');
  if ((await page.inputValue('#event-start-time')) !== '07:00') throw new Error('a click at 07:00 does not start at 07:00');
  await page.fill('#event-title', 'Yoga');
  await page.selectOption('#event-repeat', 'weekly');
  await page.selectOption('#event-ends', 'count');
  await page.fill('#event-count', '4');
  await page.click('#event-save');
  await expectVisible(yoga('2026-06-01'), 'the first yoga');
  await page.click('#cal-next');
  await expectVisible(yoga('2026-06-08'), 'the second yoga');
  await drag(yoga('2026-06-08'), page.locator('.cal-column[data-date="2026-06-08"]'), 7.5 * 48 + 1);
  await expectVisible(page.locator('#move-following'), 'the "which events" question');
  await shot(page, 'calendar-drag-scope');
  await page.click('#move-following');
  await page.waitForFunction(() => document.querySelector('.cal-column[data-date="2026-06-08"] .cal-event')?.style.top === `${7.5 * 48}px`);
  await page.click('#cal-next');
  await expectVisible(yoga('2026-06-15'), 'the third yoga');
  if ((await topOf('2026-06-15')) !== `${7.5 * 48}px`) throw new Error(`the following yoga sits at ${await topOf('2026-06-15')}`);
  await page.click('#cal-prev');
  await page.click('#cal-prev');
  await expectVisible(yoga('2026-06-01'), 'the first yoga again');
  if ((await topOf('2026-06-01')) !== `${7 * 48}px`) throw new Error(`the first yoga moved to ${await topOf('2026-06-01')}`);

  step('back to the month (key m); delete from 23 June on ("this and following")');
  await page.keyboard.press('m');
  await expectVisible(chips('2026-06-23', 'Standup'), 'the last stand-up');
  await chips('2026-06-23', 'Standup').click();
  await page.waitForFunction(() => document.querySelector('#event-title')?.value === 'Standup');
  await page.click('#event-delete');
  await page.click('#scope-following');
  await expectVisible(page.locator('.cal-month'), 'the month again');
  await page.waitForFunction(() => !document.querySelector('.cal-cell[data-date="2026-06-23"] .cal-event'));
  if ((await count('2026-06-02', 'Standup')) !== 1) throw new Error('the first stand-up went too');

  step('a three-day all-day trip from 10 June');
  await cell('2026-06-10').click({ position: { x: 60, y: 70 } });
  await page.fill('#event-title', 'Trip to Lyon');
  await page.check('#event-all-day');
  await page.fill('#event-end-date', '2026-06-12');
  await page.fill('#event-location', 'Lyon');
  await page.click('#event-save');
  await expectVisible(chips('2026-06-12', 'Trip to Lyon'), 'the trip on its last day');
  for (const d of ['2026-06-10', '2026-06-11']) {
    if ((await count(d, 'Trip to Lyon')) !== 1) throw new Error(`no trip on ${d}`);
  }
  if ((await count('2026-06-13', 'Trip to Lyon')) !== 0) throw new Error('the trip runs a day long');

  step('drag the trip a day later in the month (11 to 13 June)');
  await drag(chips('2026-06-10', 'Trip to Lyon'), cell('2026-06-11'), 60);
  await expectVisible(chips('2026-06-13', 'Trip to Lyon'), 'the trip on its new last day');
  await page.waitForFunction(() => ![...document.querySelectorAll('.cal-cell[data-date="2026-06-10"] .cal-event')].some((e) => e.textContent.includes('Trip to Lyon')));

  step('a book club on the last Friday of each month, three times');
  await cell('2026-06-26').click({ position: { x: 60, y: 70 } });
  await page.fill('#event-title', 'Book club');
  await page.selectOption('#event-repeat', 'monthly');
  await page.selectOption('#event-monthly', 'last');
  await page.selectOption('#event-ends', 'count');
  await page.fill('#event-count', '3');
  const monthly = (await page.locator('#event-rule').textContent())?.trim();
  if (monthly !== 'Every month on the last Friday, 3 times') throw new Error(`the rule reads "${monthly}"`);
  // The same choice once a year names the month.
  await page.selectOption('#event-repeat', 'yearly');
  const yearly = (await page.locator('#event-rule').textContent())?.trim();
  if (yearly !== 'Every year on the last Friday of June, 3 times') throw new Error(`the yearly rule reads "${yearly}"`);
  await page.selectOption('#event-repeat', 'monthly');
  await page.click('#event-save');
  await expectVisible(chips('2026-06-26', 'Book club'), 'the first book club');
  await page.click('#cal-next');
  await expectVisible(page.getByRole('heading', { level: 1, name: 'July 2026' }), 'July');
  await expectVisible(chips('2026-07-31', 'Book club'), 'the last Friday of July');
  await page.click('#cal-prev');
  await expectVisible(page.getByRole('heading', { level: 1, name: 'June 2026' }), 'June again');

  step('the agenda (key a) lists the days with events');
  await page.keyboard.press('a');
  await expectVisible(page.locator('.cal-agenda-day', { hasText: 'Thursday 11 June' }), 'the trip\'s first day');
  await expectVisible(page.locator('.cal-agenda-item', { hasText: 'Lyon' }), 'the trip\'s place');
  await shot(page, 'calendar-agenda');

  step('the day view of a stand-up');
  await page.fill('.cal-jump', '2026-06-09');
  await page.click('#cal-view-day');
  await expectVisible(page.locator('#cal-view-day[aria-pressed="true"]'), 'the day view chosen');
  await expectVisible(page.locator('.cal-event', { hasText: 'Standup' }), 'the stand-up of the day');

  step('an event at the same time stands beside the stand-up, not over it');
  await page.click('#cal-new');
  await expectVisible(page.getByRole('heading', { name: 'New event' }), 'the new event dialog');
  await page.fill('#event-title', 'Review');
  await page.fill('#event-start-date', '2026-06-09');
  await page.fill('#event-start-time', '09:05');
  await page.fill('#event-end-date', '2026-06-09');
  await page.fill('#event-end-time', '10:00');
  await page.click('#event-save');
  const review = page.locator('.cal-event', { hasText: 'Review' });
  await expectVisible(review, 'the review in the day');
  const a = await page.locator('.cal-event', { hasText: 'Standup' }).boundingBox();
  const b = await review.boundingBox();
  if (!a || !b || !(a.x + a.width <= b.x + 1 || b.x + b.width <= a.x + 1)) fail(`overlapping events overlap on the page: ${JSON.stringify([a, b])}`);
  await shot(page, 'calendar-day');

  step('today, in the day view, has the current-time line');
  await page.click('#cal-today');
  await expectVisible(page.locator('.cal-now'), 'the current-time line');
  await page.click('#cal-view-agenda');

  step('Tasks: the empty list, three tasks, one overdue, one with a reminder, one ticked off');
  await page.click('#cal-tab-tasks');
  await page.waitForURL('**/calendar/tasks');
  await expectVisible(page.getByRole('heading', { level: 1, name: 'Tasks' }), 'the Tasks heading');
  await expectVisible(page.locator('#tasks-empty'), 'the empty list');
  const today = new Date().toLocaleDateString('en-CA');
  const yesterday = new Date(Date.now() - 86_400_000).toLocaleDateString('en-CA');
  await page.fill('#task-title', 'Buy stamps');
  await page.fill('#task-due', today);
  await page.click('#task-add');
  await expectVisible(page.locator('#task-list .row-title', { hasText: 'Buy stamps' }), 'the first task');
  await page.fill('#task-title', 'Send invoice');
  await page.fill('#task-due', yesterday);
  await page.selectOption('#task-priority', '1');
  await page.click('#task-add');
  await expectVisible(page.locator('#task-list .task', { hasText: 'Send invoice' }).locator('.task-priority', { hasText: 'High priority' }), 'the task\'s priority');
  await expectVisible(page.locator('#task-list .task.overdue', { hasText: 'Send invoice' }), 'the overdue task marked');
  // Due in a week, not tomorrow: "the day before at 18:00" of tomorrow is 18:00 today, and a
  // run passing then would see that reminder fall due beside the coffee's at the end.
  const nextWeek = new Date(Date.now() + 7 * 86_400_000).toLocaleDateString('en-CA');
  await page.fill('#task-title', 'Water the plants');
  await page.fill('#task-due', nextWeek);
  await page.selectOption('#task-remind', '360');
  await page.click('#task-add');
  await expectVisible(page.locator('#task-list .task', { hasText: 'Water the plants' }).locator('.task-reminder', { hasText: 'Reminder: the day before at 18:00' }), 'the task\'s reminder');
  await shot(page, 'calendar-tasks');
  // Ticking it off takes the row away at once: a click, then the row gone is the check.
  await page.locator('#task-list .task', { hasText: 'Buy stamps' }).locator('input[type="checkbox"]').click();
  await page.waitForFunction(() => ![...document.querySelectorAll('#task-list .row-title')].some((e) => e.textContent === 'Buy stamps'));
  await page.click('#tasks-completed');
  await expectVisible(page.locator('#task-list .task.done', { hasText: 'Buy stamps' }), 'the ticked task under Completed');
  await page.click('#tasks-overdue');
  await expectVisible(page.locator('#task-list .row-title', { hasText: 'Send invoice' }), 'the overdue list');

  step('edit a task: an empty title named at its field; then a step of another, in progress');
  await page.click('#tasks-open');
  await page.getByRole('button', { name: 'Edit Water the plants' }).click();
  await expectVisible(page.locator('#task-editor'), 'the task editor');
  await page.fill('#task-edit-title', ' ');
  await page.click('#task-edit-save');
  await expectVisible(page.locator('#task-edit-title-error'), 'the title\'s message');
  await page.fill('#task-edit-title', 'Water the plants');
  await page.selectOption('#task-edit-status', 'in_process');
  await page.fill('#task-edit-percent', '50');
  await page.selectOption('#task-edit-parent', { label: 'Send invoice' });
  await shot(page, 'calendar-task-edit');
  await page.click('#task-edit-save');
  await expectVisible(page.locator('#task-list .task.subtask', { hasText: 'Water the plants' }).locator('.task-progress', { hasText: 'In progress, 50%' }), 'the step under its task, half done');
  const order = await page.locator('#task-list .row-title').allTextContents();
  if (order.indexOf('Water the plants') !== order.indexOf('Send invoice') + 1) fail(`the step is not under its task: ${order.join(', ')}`);
  await shot(page, 'calendar-task-steps');
  await page.getByRole('button', { name: 'Edit Send invoice' }).click();
  await expectVisible(page.locator('#task-editor'), 'the task editor');
  await page.locator('#task-edit-title').press('Escape');
  await page.locator('#task-editor').waitFor({ state: 'detached', timeout: STEP_TIMEOUT_MS });

  step('Notes: add one to a day and find it');
  await page.click('#cal-tab-notes');
  await page.waitForURL('**/calendar/notes');
  await expectVisible(page.locator('#notes-empty'), 'no notes yet');
  await page.fill('#note-title', 'Ideas for Lyon');
  await page.fill('#note-day', '2026-06-10');
  await page.fill('#note-text', 'Visit the old town\nTry a bouchon');
  await page.click('#note-add');
  await expectVisible(page.locator('#note-list .row-title', { hasText: 'Ideas for Lyon' }), 'the note');
  await expectVisible(page.locator('#note-list time', { hasText: 'Wednesday 10 June' }), 'its day');
  await page.fill('#notes-search', 'bouchon');
  await page.keyboard.press('Enter');
  await expectVisible(page.locator('#note-list .row-title', { hasText: 'Ideas for Lyon' }), 'the note found');
  await shot(page, 'calendar-notes');
  await page.click('#cal-tab-events');
  await expectVisible(page.locator('.cal-toolbar'), 'the calendar again');

  step('the note on its day in the month view, the week\'s all-day row and the agenda; it opens the notes');
  await page.fill('.cal-jump', '2026-06-01');
  await page.click('#cal-view-month');
  await expectVisible(page.locator('.cal-cell[data-date="2026-06-10"] .cal-note', { hasText: 'Ideas for Lyon' }), 'the note on 10 June');
  await shot(page, 'calendar-month-note');
  await page.fill('.cal-jump', '2026-06-10');
  await page.click('#cal-view-week');
  await expectVisible(page.locator('.cal-allday-cell .cal-note', { hasText: 'Ideas for Lyon' }), 'the note in the all-day row');
  await page.click('#cal-view-agenda');
  // The agenda shows the week's days until its own have loaded: click once they have.
  await page.waitForSelector('.cal-main:not([aria-busy])');
  await expectVisible(page.locator('.cal-agenda-day', { hasText: 'Wednesday 10 June' }).locator('.cal-note', { hasText: 'Ideas for Lyon' }), 'the note in the agenda');
  await page.locator('.cal-note', { hasText: 'Ideas for Lyon' }).first().click();
  await page.waitForURL('**/calendar/notes');
  await page.click('#cal-tab-events');
  await expectVisible(page.locator('.cal-toolbar'), 'the calendar again');

  step('the calendar\'s settings: share it, make a subscription address, import a file');
  await page.fill('.cal-jump', '2026-06-01');
  await page.locator('.cal-list button[aria-label="Settings of Calendar"]').click();
  await expectVisible(page.getByRole('heading', { name: 'Calendar — settings' }), 'the settings dialog');
  await page.fill('#share-address', sharee);
  await page.selectOption('#share-access', 'read');
  await page.click('#share-add');
  await expectVisible(page.locator('.cal-share', { hasText: sharee }), 'the share');
  await page.click('#feed-make');
  await page.waitForFunction(() => document.querySelector('#feed-url')?.value.startsWith('webcal://'));
  const ICS = [
    'BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Test//EN',
    'BEGIN:VEVENT', 'UID:concert@far.example', 'SUMMARY:Concert', 'DTSTART:20260620T190000Z', 'DTEND:20260620T210000Z', 'END:VEVENT',
    'BEGIN:VEVENT', 'UID:broken@far.example', 'SUMMARY:Broken', 'END:VEVENT',
    'END:VCALENDAR', '',
  ].join('\r\n');
  await page.setInputFiles('#calendar-import', { name: 'concerts.ics', mimeType: 'text/calendar', buffer: Buffer.from(ICS) });
  await expectVisible(page.locator('#calendar-import-report', { hasText: 'Imported 1 new event' }), 'the import report');
  await expectVisible(page.locator('#calendar-import-report li', { hasText: 'Broken: it has no start (DTSTART)' }), 'the broken event');
  await shot(page, 'calendar-settings');
  await page.click('#settings-close');
  await expectVisible(chips('2026-06-20', 'Concert'), 'the imported concert');

  step(`invite ${sharee} to lunch (the form shows when she is busy); she answers "yes" on her phone; the organiser sees it`);
  await cell('2026-06-25').click({ position: { x: 60, y: 70 } });
  await expectVisible(page.getByRole('heading', { name: 'New event' }), 'the new event dialog');
  await page.fill('#event-title', 'Lunch with Erin');
  // The address book offers its people as guests.
  await page.locator('#event-guests').pressSequentially('fra', { delay: 30 });
  const suggested = page.locator('#event-guests-suggestions option[value="frank@far.example"]');
  await suggested.waitFor({ state: 'attached', timeout: STEP_TIMEOUT_MS });
  const named = (await suggested.textContent())?.trim();
  if (named !== 'Frank Moreau') throw new Error(`the guest suggestion is labelled ${named}`);
  await page.fill('#event-guests', sharee);
  await page.press('#event-guests', 'Tab');
  // Her free/busy that day, without the title: busy for the second half of the hour.
  const availability = page.locator('#event-availability li', { hasText: sharee });
  await expectVisible(availability.filter({ hasText: 'Busy 09:30–10:00' }), 'the guest\'s busy time');
  await expectVisible(availability.locator('.cal-availability-clash', { hasText: 'Busy at this time' }), 'the clash marked');
  if (await page.locator('#event-availability', { hasText: 'Dentist' }).count()) throw new Error('free/busy shows a title');
  await page.locator('#event-availability').scrollIntoViewIfNeeded();
  await shot(page, 'calendar-free-busy');
  await page.click('#event-save');
  await expectVisible(chips('2026-06-25', 'Lunch with Erin'), 'the lunch');
  // She answers on her phone.
  // Her phone keeps New York time, four hours behind the server's UTC in June: the lunch
  // made for 09:00 UTC and her dentist at 09:30 UTC show at 05:00 and 05:30 there.
  const guestContext = await page.context().browser().newContext({ viewport: PHONE, timezoneId: 'America/New_York' });
  const guest = await guestContext.newPage();
  await guest.goto(`${baseUrl}/login`);
  await signIn(guest, sharee, password);
  await guest.goto(`${baseUrl}/calendar`);
  await guest.locator('#cal-view-agenda[aria-pressed="true"]').waitFor({ timeout: 15000 });
  await guest.fill('.cal-jump', '2026-06-01');
  // Dora's calendar is shared with her too: show only her own, where the invitation is.
  await guest.locator('.cal-list li', { hasText: user }).locator('input[type="checkbox"]').uncheck();
  const invitation = guest.locator('.cal-agenda-item', { hasText: 'Lunch with Erin' });
  await invitation.waitFor({ timeout: 15000 });
  const lunchTime = (await invitation.locator('.cal-agenda-time').textContent())?.trim();
  if (lunchTime !== '05:00 – 06:00') fail(`in New York the lunch shows at ${lunchTime}`);
  const dentistTime = (await guest.locator('.cal-agenda-item', { hasText: 'Dentist' }).locator('.cal-agenda-time').textContent())?.trim();
  if (dentistTime !== '05:30 – 06:00') fail(`in New York the dentist shows at ${dentistTime}`);
  await shot(guest, 'phone-calendar-new-york');
  await invitation.click();
  await guest.locator('#event-invitation').waitFor({ timeout: 15000 });
  const wide = await guest.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
  if (wide) throw new Error('the invitation is wider than the phone');
  await shot(guest, 'phone-calendar-invitation');
  await guest.click('#answer-yes');
  await guest.locator('#event-invitation').waitFor({ state: 'detached', timeout: 15000 });
  // The invitation mail in her INBOX shows the event and her answer.
  await guest.goto(`${baseUrl}/mail`);
  await guest.locator('#message-list .message-row', { hasText: 'Invitation: Lunch with Erin' }).click();
  await guest.locator('#reader-invitation', { hasText: 'You are going. It is in your calendar.' }).waitFor({ timeout: 15000 });
  await shot(guest, 'phone-mail-invitation');
  await guestContext.close();
  await page.reload();
  await page.fill('.cal-jump', '2026-06-01');
  await chips('2026-06-25', 'Lunch with Erin').click();
  await expectVisible(page.locator('#event-guest-list li', { hasText: 'Going' }), 'the answer');
  await page.locator('#event-guest-list').scrollIntoViewIfNeeded();
  await shot(page, 'calendar-guests');
  await page.keyboard.press('Escape');

  step('at phone width the page opens on the agenda');
  await page.setViewportSize(PHONE);
  await page.goto(`${baseUrl}/calendar`);
  await expectVisible(page.locator('#cal-view-agenda[aria-pressed="true"]'), 'the agenda chosen');
  await page.fill('.cal-jump', '2026-06-01');
  await expectVisible(page.locator('.cal-agenda-item', { hasText: 'Standup' }), 'the stand-up');
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
  if (overflow) throw new Error('the page is wider than the phone');
  await shot(page, 'phone-calendar-agenda');
  await page.fill('.cal-jump', '2026-06-09');
  await page.click('#cal-view-day');
  await expectVisible(page.locator('.cal-event', { hasText: 'Standup' }), 'the stand-up in the day at phone width');
  if (await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth)) fail('the day view is wider than the phone');
  await shot(page, 'phone-calendar-day');

  step('a coffee in five minutes with a reminder ten minutes before: it shows on any page');
  await page.setViewportSize({ width: 1280, height: 800 });
  const pad = (n) => String(n).padStart(2, '0');
  const day = (d) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
  const clock = (d) => `${pad(d.getHours())}:${pad(d.getMinutes())}`;
  const soon = new Date(Date.now() + 5 * 60 * 1000);
  const later = new Date(soon.getTime() + 30 * 60 * 1000);
  await page.click('#cal-new');
  await expectVisible(page.getByRole('heading', { name: 'New event' }), 'the new event dialog');
  await page.fill('#event-title', 'Coffee');
  await page.fill('#event-start-date', day(soon));
  await page.fill('#event-start-time', clock(soon));
  await page.fill('#event-end-date', day(later));
  await page.fill('#event-end-time', clock(later));
  await page.click('#event-reminder-add');
  if ((await page.inputValue('#event-reminder-0')) !== '10') throw new Error('the new reminder is not 10 minutes before');
  await page.click('#event-save');
  await page.locator('#event-heading').waitFor({ state: 'detached', timeout: STEP_TIMEOUT_MS });
  await page.click('#nav-mail');
  await page.locator('#cal-alerts', { hasText: 'Reminder: Coffee' }).waitFor({ timeout: 40000 });
  await shot(page, 'reminder-alert');
  await page.getByRole('button', { name: 'Dismiss the reminder of Coffee' }).click();
  await page.locator('#cal-alerts').waitFor({ state: 'detached', timeout: STEP_TIMEOUT_MS });
});
