//! The look of the host the page was loaded from: the server writes its texts into the
//! page's `<meta>` elements (see `backend/server/src/http/web.rs`), so they are there
//! before the app starts — no request, no shift when they appear.

use yew::prelude::*;

/// The `content` of `<meta name="{name}">`, when the page has one that is not empty.
fn meta(name: &str) -> Option<String> {
    gloo::utils::document()
        .query_selector(&format!("meta[name=\"{name}\"]"))
        .ok()
        .flatten()
        .and_then(|m| m.get_attribute("content"))
        .filter(|c| !c.trim().is_empty())
}

/// The product name the pages show ("Osprey" unless the host's look names another).
pub fn product_name() -> String {
    meta("application-name").unwrap_or_else(|| "Osprey".to_owned())
}

/// The sign-in page's heading, when the look sets one.
pub fn login_title() -> Option<String> {
    meta("osprey:login-title")
}

/// The sign-in page's paragraph, when the look sets one.
pub fn login_text() -> Option<String> {
    meta("osprey:login-text")
}

/// The line at the bottom of the pages, when the look sets one.
pub fn footer_text() -> Option<String> {
    meta("osprey:footer")
}

#[derive(Properties, PartialEq)]
pub struct BrandProps {
    /// The sign-in page's larger brand.
    #[prop_or_default]
    pub big: bool,
}

/// The product's logo (or Osprey's mark) and name.
#[function_component]
pub fn Brand(props: &BrandProps) -> Html {
    let name = product_name();
    html! {
        <span class={classes!("brand", props.big.then_some("big"))}>
            if let Some(logo) = meta("osprey:logo") {
                <img class="brand-logo" src={logo} alt="" />
            } else {
                <span class="brand-mark" aria-hidden="true">{ "◆" }</span>
            }
            <span class="brand-name">{ name }</span>
        </span>
    }
}

/// The look's footer line, when it has one.
#[function_component]
pub fn Footer() -> Html {
    match footer_text() {
        Some(text) => html! { <footer class="app-footer" id="app-footer">{ text }</footer> },
        None => html! {},
    }
}
