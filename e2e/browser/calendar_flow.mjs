// Drives the calendar in the machine's Chromium: a user opens Calendar, goes to June 2026
// (an empty month), makes a weekly stand-up from a click on a day (the form first names a
// wrong end next to its field, and says the rule in words), moves one occurrence on its
// own ("this event"), sees the week view with the time grid, ends the series from an
// occurrence on ("this and following"), adds a three-day all-day trip, and reads the
// agenda, at phone width too.
//
// Env: OSPREY_URL, OSPREY_SCREENSHOT_DIR, OSPREY_USER, OSPREY_PASSWORD, CHROMIUM_PATH.
// Exits 0 on success, 1 with a message on failure.

import { PHONE, need, runFlow } from './lib.mjs';

const user = need('OSPREY_USER');
const password = need('OSPREY_PASSWORD');

await runFlow('calendar_flow', async ({ page, baseUrl, step, shot, expectVisible, signIn }) => {
  const cell = (date) => page.locator(`.cal-cell[data-date="${date}"]`);
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
  await page.selectOption('#event-ends', 'count');
  await page.fill('#event-count', '4');
  const rule = (await page.locator('#event-rule').textContent())?.trim();
  if (rule !== 'Every week on Tue, 4 times') throw new Error(`the rule reads "${rule}"`);
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

  step('the agenda (key a) lists the days with events');
  await page.keyboard.press('a');
  await expectVisible(page.locator('.cal-agenda-day', { hasText: 'Wednesday 10 June' }), 'the trip\'s first day');
  await expectVisible(page.locator('.cal-agenda-item', { hasText: 'Lyon' }), 'the trip\'s place');
  await shot(page, 'calendar-agenda');

  step('at phone width the page opens on the agenda');
  await page.setViewportSize(PHONE);
  await page.goto(`${baseUrl}/calendar`);
  await expectVisible(page.locator('#cal-view-agenda[aria-pressed="true"]'), 'the agenda chosen');
  await page.fill('.cal-jump', '2026-06-01');
  await expectVisible(page.locator('.cal-agenda-item', { hasText: 'Standup' }), 'the stand-up');
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
  if (overflow) throw new Error('the page is wider than the phone');
  await shot(page, 'phone-calendar-agenda');
});
