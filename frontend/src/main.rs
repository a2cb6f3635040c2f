//! Osprey's web app: a Yew single-page client of the REST API at `/api/v1`.
//!
//! Where things are:
//! - `route.rs`: the one `Route` enum and the `switch` that maps every path to a page;
//! - `state/`: the session (tokens in localStorage, the signed-in account), a reducer
//!   provided to every component by context;
//! - `api/`: the one client of the REST API (bearer tokens, one refresh on a 401, RFC 9457
//!   problems); the request and response bodies come from `osprey-api-types`;
//! - `hooks/`: the paged-list hook every admin list uses;
//! - `components/`: the app shell and the form pieces pages share;
//! - `pages/`: one module per screen.
//!
//! Look and feel live in `frontend/style.css`, themed through CSS variables.

mod api;
mod app;
mod components;
mod format;
mod hooks;
mod pages;
mod route;
mod state;

fn main() {
    yew::Renderer::<app::App>::new().render();
}
