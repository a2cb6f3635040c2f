//! Files the app hands to the browser to save: a `data:` URL, clicked at once.

use web_sys::HtmlElement;
use yew::prelude::*;

/// The file to save (a `data:` URL) and the link to render for it: once the state
/// holds a URL and the link is rendered, the link is clicked, once.
#[hook]
pub fn use_auto_download() -> (UseStateHandle<Option<String>>, NodeRef) {
    let download = use_state(|| None::<String>);
    let link = use_node_ref();
    {
        let link = link.clone();
        use_effect_with((*download).clone(), move |d| {
            if d.is_some()
                && let Some(a) = link.cast::<HtmlElement>()
            {
                a.click();
            }
        });
    }
    (download, link)
}

/// `text` as a `data:` URL of type `mime` (UTF-8).
pub fn data_url(mime: &str, text: &str) -> String {
    bytes_url(&format!("{mime};charset=utf-8"), text.as_bytes())
}

/// `bytes` as a `data:` URL of type `mime`, as they are.
pub fn bytes_url(mime: &str, bytes: &[u8]) -> String {
    let mut out = format!("data:{mime},");
    for &b in bytes {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}
