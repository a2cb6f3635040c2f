//! Keyboard shortcuts of the Mail page, as mail clients have them: `j`/`k` next and
//! previous message, `r` reply, `a` reply all, `f` forward, `c` compose, `e` or `#`
//! delete, `/` search, `?` this list. Keys typed into a field are the field's. Each
//! shortcut presses the button the page shows for it, so a shortcut does exactly what
//! the click does, and nothing when the button is not there.

use gloo::events::EventListener;
use wasm_bindgen::JsCast;
use web_sys::{HtmlElement, KeyboardEvent};
use yew::prelude::*;

/// (key, what it does) for the help list.
pub const SHORTCUTS: [(&str, &str); 9] = [
    ("j / k", "Next / previous message"),
    ("r", "Reply"),
    ("a", "Reply all"),
    ("f", "Forward"),
    ("c", "Compose"),
    ("e or #", "Delete"),
    ("/", "Search"),
    ("?", "Show these shortcuts"),
    ("Ctrl+Enter", "Send (in the composer)"),
];

fn element(id: &str) -> Option<HtmlElement> {
    gloo::utils::document()
        .get_element_by_id(id)
        .and_then(|e| e.dyn_into::<HtmlElement>().ok())
}

/// Opens the message `delta` rows from the one open (the first when none is).
fn step(delta: i32) {
    let Ok(rows) = gloo::utils::document().query_selector_all("#message-list .message-row") else {
        return;
    };
    let rows: Vec<HtmlElement> = (0..rows.length())
        .filter_map(|i| rows.get(i)?.dyn_into::<HtmlElement>().ok())
        .collect();
    let at = rows.iter().position(|r| r.class_list().contains("current"));
    let next = match at {
        Some(i) => i as i32 + delta,
        None => 0,
    };
    if let Some(row) = usize::try_from(next).ok().and_then(|i| rows.get(i)) {
        row.click();
        row.focus().ok();
    }
}

/// Follows the page's keys while it is shown; `help` toggles the list of shortcuts.
#[hook]
pub fn use_mail_keys(help: Callback<()>) {
    use_effect_with((), move |_| {
        let listener = EventListener::new(&gloo::utils::document(), "keydown", move |e| {
            let Some(e) = e.dyn_ref::<KeyboardEvent>() else {
                return;
            };
            if e.ctrl_key() || e.meta_key() || e.alt_key() {
                return;
            }
            let typing = e
                .target()
                .and_then(|t| t.dyn_into::<HtmlElement>().ok())
                .is_some_and(|t| {
                    matches!(t.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT")
                        || t.is_content_editable()
                });
            if typing {
                return;
            }
            let press = |id: &str| {
                if let Some(b) = element(id) {
                    b.click();
                }
            };
            match e.key().as_str() {
                "j" => step(1),
                "k" => step(-1),
                "r" => press("reader-reply"),
                "a" => press("reader-reply-all"),
                "f" => press("reader-forward"),
                "c" => press("compose"),
                "e" | "#" => press("reader-delete"),
                "/" => {
                    if let Some(s) = element("mail-search") {
                        s.focus().ok();
                    }
                }
                "?" => help.emit(()),
                _ => return,
            }
            e.prevent_default();
        });
        move || drop(listener)
    });
}
