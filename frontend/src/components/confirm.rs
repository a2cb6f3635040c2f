//! A destructive button that asks once more before it acts.

use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ConfirmButtonProps {
    /// `Delete`, `Revoke`.
    pub label: AttrValue,
    /// What will go, for the question: `Delete example.com?`.
    pub subject: AttrValue,
    pub onconfirm: Callback<()>,
    #[prop_or_default]
    pub busy: bool,
}

#[function_component]
pub fn ConfirmButton(props: &ConfirmButtonProps) -> Html {
    let armed = use_state(|| false);
    let arm = {
        let armed = armed.clone();
        Callback::from(move |_: MouseEvent| armed.set(true))
    };
    let cancel = {
        let armed = armed.clone();
        Callback::from(move |_: MouseEvent| armed.set(false))
    };
    let confirm = {
        let onconfirm = props.onconfirm.clone();
        let armed = armed.clone();
        Callback::from(move |_: MouseEvent| {
            armed.set(false);
            onconfirm.emit(());
        })
    };
    if *armed {
        html! {
            <span class="confirm" role="group" aria-label="Confirm">
                <span class="confirm-question">{ format!("{} {}?", props.label, props.subject) }</span>
                <button type="button" class="button danger" onclick={confirm}>
                    { format!("Yes, {}", props.label.to_lowercase()) }
                </button>
                <button type="button" class="button" onclick={cancel}>{ "Cancel" }</button>
            </span>
        }
    } else {
        html! {
            <button type="button" class="button danger-outline" onclick={arm} disabled={props.busy}>
                { props.label.clone() }
            </button>
        }
    }
}
