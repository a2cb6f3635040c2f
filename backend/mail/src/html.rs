//! HTML mail made safe for a browser (ammonia): only formatting elements and attributes
//! survive; scripts, event handlers, forms, frames, `<meta>`, `<base>`, style sheets and
//! every URL scheme but `http`, `https` and `mailto` go. Remote images are replaced by
//! nothing (and counted) unless the reader asks for them, so that opening a message
//! tells no tracker; `cid:` images are served from the message itself as `data:` URIs.
//! Inline styles keep the properties of a formatting allowlist, without `url(...)`
//! unless remote images are shown.

use std::{
    borrow::Cow,
    collections::{HashMap, HashSet},
    sync::{
        Arc,
        atomic::{AtomicU32, Ordering},
    },
};

use ammonia::{Builder, UrlRelative};

/// The sanitised HTML of a message and what was held back.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SafeHtml {
    pub html: String,
    /// Remote images (and style sheets' `url(...)`) not loaded.
    pub blocked_images: u32,
}

/// Elements mail uses for layout and text, beyond ammonia's defaults.
const EXTRA_TAGS: [&str; 3] = ["font", "center", "span"];

/// Inline style properties kept: formatting only (no positioning, no backgrounds that
/// load anything, no `behavior`, no `content`).
const STYLE_PROPERTIES: [&str; 46] = [
    "color",
    "background-color",
    "font",
    "font-family",
    "font-size",
    "font-style",
    "font-weight",
    "font-variant",
    "text-align",
    "text-decoration",
    "text-indent",
    "text-transform",
    "line-height",
    "letter-spacing",
    "word-spacing",
    "white-space",
    "vertical-align",
    "display",
    "margin",
    "margin-top",
    "margin-right",
    "margin-bottom",
    "margin-left",
    "padding",
    "padding-top",
    "padding-right",
    "padding-bottom",
    "padding-left",
    "border",
    "border-top",
    "border-right",
    "border-bottom",
    "border-left",
    "border-color",
    "border-style",
    "border-width",
    "border-radius",
    "border-collapse",
    "border-spacing",
    "width",
    "height",
    "max-width",
    "min-width",
    "max-height",
    "list-style-type",
    "direction",
];

/// Attributes mail layouts use, per element.
const TABLE_ATTRIBUTES: [&str; 9] = [
    "width",
    "height",
    "align",
    "valign",
    "bgcolor",
    "border",
    "cellpadding",
    "cellspacing",
    "dir",
];

/// What an inline style declaration may do besides formatting.
enum Risk {
    None,
    /// It loads something (`url(...)`): a remote image, for a tracker as much as for a
    /// layout.
    Loads,
    /// It may run something (`expression(`, `javascript:`, `@import`, `behavior`,
    /// `-moz-binding`): never kept.
    Runs,
}

fn risk(declaration: &str) -> Risk {
    // Whitespace, comments' stars and escapes cannot hide a keyword from this check.
    let d: String = declaration
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '\\' | '*' | '/'))
        .collect::<String>()
        .to_ascii_lowercase();
    if [
        "expression(",
        "javascript:",
        "@import",
        "behavior",
        "-moz-binding",
    ]
    .iter()
    .any(|k| d.contains(k))
    {
        Risk::Runs
    } else if d.contains("url(") {
        Risk::Loads
    } else {
        Risk::None
    }
}

/// `html` made safe. `cid` maps a Content-ID (without `<>`) to the `data:` URI of that
/// image of the message; `remote_images` lets `http(s)` images (and style `url(...)`)
/// through.
pub fn sanitize(html: &str, cid: HashMap<String, String>, remote_images: bool) -> SafeHtml {
    let blocked = Arc::new(AtomicU32::new(0));
    let counter = blocked.clone();
    let cid = Arc::new(cid);
    let mut tags: HashSet<&str> = ammonia::Builder::default().clone_tags();
    tags.extend(EXTRA_TAGS);
    let mut tag_attributes: HashMap<&str, HashSet<&str>> = HashMap::new();
    for t in [
        "table", "tr", "td", "th", "tbody", "thead", "tfoot", "col", "colgroup",
    ] {
        tag_attributes.insert(t, TABLE_ATTRIBUTES.into_iter().collect());
    }
    tag_attributes.insert(
        "img",
        ["src", "alt", "width", "height", "align", "border"].into(),
    );
    tag_attributes.insert("a", ["href", "title", "name"].into());
    tag_attributes.insert("font", ["color", "face", "size"].into());
    tag_attributes.insert("p", ["align", "dir"].into());
    tag_attributes.insert("div", ["align", "dir"].into());
    tag_attributes.insert("ol", ["start", "type"].into());
    let mut b = Builder::default();
    b.tags(tags)
        .tag_attributes(tag_attributes)
        .add_generic_attributes(["style", "title", "lang", "dir"])
        .url_schemes(["http", "https", "mailto", "cid"].into())
        .url_relative(UrlRelative::Deny)
        .filter_style_properties(STYLE_PROPERTIES.into_iter().collect())
        .link_rel(Some("noopener noreferrer nofollow"))
        // Links open a new tab, never inside the reader's frame.
        .set_tag_attribute_value("a", "target", "_blank")
        .attribute_filter(
            move |element, attribute, value| match (element, attribute) {
                ("img", "src") => {
                    let lower = value.trim().to_ascii_lowercase();
                    if let Some(id) = lower.strip_prefix("cid:") {
                        let id = id.trim_matches(['<', '>']);
                        return cid.get(id).map(|uri| Cow::Owned(uri.clone()));
                    }
                    if remote_images {
                        Some(Cow::Borrowed(value))
                    } else {
                        counter.fetch_add(1, Ordering::Relaxed);
                        None
                    }
                }
                (_, "href") if value.trim().to_ascii_lowercase().starts_with("cid:") => None,
                (_, "style") => {
                    let kept: Vec<&str> = value
                        .split(';')
                        .filter(|d| match risk(d) {
                            Risk::None => true,
                            Risk::Loads if remote_images => true,
                            Risk::Loads => {
                                counter.fetch_add(1, Ordering::Relaxed);
                                false
                            }
                            Risk::Runs => false,
                        })
                        .collect();
                    Some(Cow::Owned(kept.join(";")))
                }
                _ => Some(Cow::Borrowed(value)),
            },
        );
    let html = b.clean(html).to_string();
    SafeHtml {
        html,
        blocked_images: blocked.load(Ordering::Relaxed),
    }
}
