//! Labelled inputs that show the server's message about their field.

#[cfg(feature = "full")]
use web_sys::HtmlSelectElement;
use web_sys::{HtmlInputElement, HtmlTextAreaElement};
use yew::prelude::*;

/// The `aria-describedby` of an input with an optional hint and error.
fn described_by(id: &str, hint: bool, error: bool) -> Option<AttrValue> {
    let ids: Vec<String> = [(hint, "hint"), (error, "error")]
        .into_iter()
        .filter(|(on, _)| *on)
        .map(|(_, what)| format!("{id}-{what}"))
        .collect();
    (!ids.is_empty()).then(|| ids.join(" ").into())
}

fn notes(id: &str, hint: &Option<AttrValue>, error: &Option<String>) -> Html {
    html! {
        <>
            if let Some(hint) = hint {
                <p class="hint" id={format!("{id}-hint")}>{ hint.clone() }</p>
            }
            if let Some(error) = error {
                <p class="field-error" id={format!("{id}-error")}>{ error.clone() }</p>
            }
        </>
    }
}

#[derive(Properties, PartialEq)]
pub struct TextFieldProps {
    pub id: AttrValue,
    pub label: AttrValue,
    pub value: AttrValue,
    pub oninput: Callback<String>,
    /// The input's `type`.
    #[prop_or(AttrValue::Static("text"))]
    pub kind: AttrValue,
    #[prop_or_default]
    pub error: Option<String>,
    #[prop_or_default]
    pub hint: Option<AttrValue>,
    #[prop_or_default]
    pub required: bool,
    #[prop_or_default]
    pub autocomplete: Option<AttrValue>,
    #[prop_or_default]
    pub placeholder: Option<AttrValue>,
    #[prop_or_default]
    pub inputmode: Option<AttrValue>,
}

#[function_component]
pub fn TextField(props: &TextFieldProps) -> Html {
    let oninput = {
        let oninput = props.oninput.clone();
        Callback::from(move |e: InputEvent| {
            oninput.emit(e.target_unchecked_into::<HtmlInputElement>().value())
        })
    };
    let id = props.id.as_str();
    html! {
        <div class={classes!("field", props.error.is_some().then_some("invalid"))}>
            <label for={props.id.clone()}>
                { props.label.clone() }
                if !props.required { <span class="optional">{ " (optional)" }</span> }
            </label>
            <input
                id={props.id.clone()}
                name={props.id.clone()}
                type={props.kind.clone()}
                value={props.value.clone()}
                {oninput}
                required={props.required}
                autocomplete={props.autocomplete.clone()}
                placeholder={props.placeholder.clone()}
                inputmode={props.inputmode.clone()}
                aria-invalid={props.error.is_some().then_some("true")}
                aria-describedby={described_by(id, props.hint.is_some(), props.error.is_some())}
            />
            { notes(id, &props.hint, &props.error) }
        </div>
    }
}

#[derive(Properties, PartialEq)]
pub struct TextAreaProps {
    pub id: AttrValue,
    pub label: AttrValue,
    pub value: AttrValue,
    pub oninput: Callback<String>,
    #[prop_or_default]
    pub error: Option<String>,
    #[prop_or_default]
    pub hint: Option<AttrValue>,
    #[prop_or_default]
    pub required: bool,
    #[prop_or(3)]
    pub rows: u32,
}

#[function_component]
pub fn TextArea(props: &TextAreaProps) -> Html {
    let oninput = {
        let oninput = props.oninput.clone();
        Callback::from(move |e: InputEvent| {
            oninput.emit(e.target_unchecked_into::<HtmlTextAreaElement>().value())
        })
    };
    let id = props.id.as_str();
    html! {
        <div class={classes!("field", props.error.is_some().then_some("invalid"))}>
            <label for={props.id.clone()}>
                { props.label.clone() }
                if !props.required { <span class="optional">{ " (optional)" }</span> }
            </label>
            <textarea
                id={props.id.clone()}
                name={props.id.clone()}
                value={props.value.clone()}
                rows={props.rows.to_string()}
                {oninput}
                required={props.required}
                aria-invalid={props.error.is_some().then_some("true")}
                aria-describedby={described_by(id, props.hint.is_some(), props.error.is_some())}
            />
            { notes(id, &props.hint, &props.error) }
        </div>
    }
}

#[cfg(feature = "full")]
#[derive(Properties, PartialEq)]
pub struct CheckboxProps {
    pub id: AttrValue,
    pub label: AttrValue,
    pub checked: bool,
    pub onchange: Callback<bool>,
    #[prop_or_default]
    pub error: Option<String>,
}

#[cfg(feature = "full")]
#[function_component]
pub fn Checkbox(props: &CheckboxProps) -> Html {
    let onchange = {
        let onchange = props.onchange.clone();
        Callback::from(move |e: Event| {
            onchange.emit(e.target_unchecked_into::<HtmlInputElement>().checked())
        })
    };
    let id = props.id.as_str();
    html! {
        <div class={classes!("field", "check", props.error.is_some().then_some("invalid"))}>
            <input
                id={props.id.clone()}
                name={props.id.clone()}
                type="checkbox"
                checked={props.checked}
                {onchange}
                aria-describedby={described_by(id, false, props.error.is_some())}
            />
            <label for={props.id.clone()}>{ props.label.clone() }</label>
            { notes(id, &None, &props.error) }
        </div>
    }
}

#[cfg(feature = "full")]
#[derive(Properties, PartialEq)]
pub struct SelectProps {
    pub id: AttrValue,
    pub label: AttrValue,
    pub value: AttrValue,
    /// `(value, label)` pairs.
    pub options: Vec<(AttrValue, AttrValue)>,
    pub onchange: Callback<String>,
    #[prop_or_default]
    pub error: Option<String>,
}

#[cfg(feature = "full")]
#[function_component]
pub fn Select(props: &SelectProps) -> Html {
    let onchange = {
        let onchange = props.onchange.clone();
        Callback::from(move |e: Event| {
            onchange.emit(e.target_unchecked_into::<HtmlSelectElement>().value())
        })
    };
    let id = props.id.as_str();
    html! {
        <div class={classes!("field", props.error.is_some().then_some("invalid"))}>
            <label for={props.id.clone()}>{ props.label.clone() }</label>
            <select
                id={props.id.clone()}
                name={props.id.clone()}
                {onchange}
                aria-invalid={props.error.is_some().then_some("true")}
                aria-describedby={described_by(id, false, props.error.is_some())}
            >
                { for props.options.iter().map(|(value, label)| html! {
                    <option value={value.clone()} selected={*value == props.value}>{ label.clone() }</option>
                }) }
            </select>
            { notes(id, &None, &props.error) }
        </div>
    }
}

/// The file chosen in a file input's `change` event as a `multipart/form-data` body with
/// one field `file` (what the image uploads take); the input is cleared, so that the same
/// file can be chosen again. `None` when no file was chosen.
#[cfg(feature = "full")]
pub fn chosen_file(e: &Event) -> Option<web_sys::FormData> {
    let input: HtmlInputElement = e.target_unchecked_into();
    let file = input.files().and_then(|f| f.get(0))?;
    input.set_value("");
    let form = web_sys::FormData::new().ok()?;
    form.append_with_blob("file", &file).ok()?;
    Some(form)
}
