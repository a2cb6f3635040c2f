// Starts the web app. A file of its own, not an inline script, so that the page's
// Content-Security-Policy can forbid inline scripts.
import init from '/app.js';
init();
