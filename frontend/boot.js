// Starts the web app. A file of its own, not an inline script, so that the page's
// Content-Security-Policy can forbid inline scripts. The app people read mail with is
// `app`; the account's settings (the delivery rules editor among them), the
// administration, the lists' archives and the calendar are in `full` (the same app with
// those pages), started on their paths. Each moves to the other by loading the page.
const path = location.pathname;
const full = path === '/settings' || path.startsWith('/settings/') || path === '/admin' || path.startsWith('/admin/')
  || path.startsWith('/archive/') || path === '/calendar' || path.startsWith('/calendar/');
const { default: init } = await (full ? import('/full.js') : import('/app.js'));
init();
