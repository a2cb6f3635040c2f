//! The composer's rich text: an editable area with a toolbar (bold, italic, underline,
//! bulleted and numbered lists, a link, formatting removed) whose HTML is sent as the
//! message's HTML part and whose text as its text part. The server sanitises what it
//! gives back (a draft opened again).

use wasm_bindgen::JsCast;
use web_sys::{HtmlDocument, HtmlElement};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct RichTextProps {
    /// The HTML the editor starts with.
    pub initial: AttrValue,
    /// Each change: the HTML and the text.
    pub oninput: Callback<(String, String)>,
    /// Focus the editor when it opens, the caret before its first line (above the
    /// signature and any quote).
    #[prop_or_default]
    pub autofocus: bool,
}

/// Focuses `e` (a text area or an editable area) with the caret at its very start (an
/// input just gets the focus).
pub fn focus_at_start(e: &HtmlElement) {
    let _ = e.focus();
    if let Some(area) = e.dyn_ref::<web_sys::HtmlTextAreaElement>() {
        let _ = area.set_selection_range(0, 0);
        area.set_scroll_top(0);
        return;
    }
    // An input's caret is its own; a document range inside it would swallow typing.
    if !e.is_content_editable() {
        return;
    }
    let (Ok(range), Ok(Some(selection))) = (
        gloo::utils::document().create_range(),
        gloo::utils::window().get_selection(),
    ) else {
        return;
    };
    if range.set_start(e, 0).is_ok() {
        range.collapse_with_to_start(true);
        let _ = selection.remove_all_ranges();
        let _ = selection.add_range(&range);
    }
    e.set_scroll_top(0);
}

/// `text` as HTML: escaped, its line breaks kept.
pub fn text_to_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\n' => out.push_str("<br>"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out
}

/// Runs an editing command on the selection (`document.execCommand`, which every
/// browser still implements for editable areas).
fn run(command: &str, value: &str) {
    let doc: HtmlDocument = gloo::utils::document().unchecked_into();
    let _ = doc.exec_command_with_show_ui_and_value(command, false, value);
}

#[function_component]
pub fn RichText(props: &RichTextProps) -> Html {
    let editor = use_node_ref();
    {
        let (editor, initial, autofocus) = (editor.clone(), props.initial.clone(), props.autofocus);
        use_effect_with((), move |_| {
            if let Some(e) = editor.cast::<HtmlElement>() {
                e.set_inner_html(&initial);
                if autofocus {
                    focus_at_start(&e);
                }
            }
        });
    }
    let changed = {
        let (editor, oninput) = (editor.clone(), props.oninput.clone());
        Callback::from(move |()| {
            if let Some(e) = editor.cast::<HtmlElement>() {
                oninput.emit((e.inner_html(), e.inner_text()));
            }
        })
    };
    let tool = |id: &'static str,
                label: &'static str,
                title: &'static str,
                command: &'static str| {
        let changed = changed.clone();
        html! {
            // A letter (B, I, U) is named by its title; a word names itself (WCAG 2.5.3).
            <button type="button" class="button subtle tool" {id} {title}
                aria-label={(label.chars().count() == 1).then_some(title)}
                // Keeps the selection in the editor.
                onmousedown={Callback::from(|e: MouseEvent| e.prevent_default())}
                onclick={Callback::from(move |_: MouseEvent| {
                    if command == "createLink" {
                        let url = gloo::utils::window()
                            .prompt_with_message("Link to (https://…)")
                            .ok()
                            .flatten()
                            .filter(|u| u.starts_with("https://") || u.starts_with("http://") || u.starts_with("mailto:"));
                        let Some(url) = url else { return };
                        run(command, &url);
                    } else {
                        run(command, "");
                    }
                    changed.emit(());
                })}>{ label }</button>
        }
    };
    html! {
        <div class="rich-text">
            <div class="rich-toolbar" role="toolbar" aria-label="Formatting">
                { tool("format-bold", "B", "Bold (Ctrl+B)", "bold") }
                { tool("format-italic", "I", "Italic (Ctrl+I)", "italic") }
                { tool("format-underline", "U", "Underline (Ctrl+U)", "underline") }
                { tool("format-bullets", "• List", "Bulleted list", "insertUnorderedList") }
                { tool("format-numbers", "1. List", "Numbered list", "insertOrderedList") }
                { tool("format-link", "Link", "Link", "createLink") }
                { tool("format-clear", "Clear", "Remove formatting", "removeFormat") }
            </div>
            <div id="compose-html" class="rich-editor" contenteditable="true" role="textbox"
                aria-multiline="true" aria-label="Message" spellcheck="true" ref={editor}
                oninput={{ let changed = changed.clone(); Callback::from(move |_: InputEvent| changed.emit(())) }}></div>
        </div>
    }
}
