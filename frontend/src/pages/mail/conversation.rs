//! The messages of an opened conversation, above the reader: one line each (sender,
//! date, subject), oldest first, the one shown marked; a click shows another.

use std::rc::Rc;

use osprey_api_types::MessageItem;
use yew::prelude::*;

use crate::format;

#[derive(Properties, PartialEq)]
pub struct ConversationProps {
    pub messages: Rc<Vec<MessageItem>>,
    /// The message the reader shows.
    pub current: Option<String>,
    pub onopen: Callback<String>,
}

#[function_component]
pub fn Conversation(props: &ConversationProps) -> Html {
    html! {
        <nav class="conversation" id="conversation" aria-label="Messages in this conversation">
            <p class="muted">{ format!("{} messages in this conversation", props.messages.len()) }</p>
            <ol>
                { for props.messages.iter().map(|m| {
                    let id = m.id.clone();
                    let onopen = props.onopen.clone();
                    let here = props.current.as_deref() == Some(m.id.as_str());
                    html! {
                        <li>
                            <button type="button" class={classes!("conversation-item", here.then_some("current"), super::unread(m).then_some("unread"))}
                                aria-current={here.then_some("true")}
                                onclick={Callback::from(move |_| onopen.emit(id.clone()))}>
                                <span class="message-from">{ m.from.clone().unwrap_or_else(|| "(no sender)".to_owned()) }</span>
                                <span class="message-date">{ format::date(&m.received_at) }</span>
                                if let Some(p) = &m.preview { <span class="message-preview">{ p.clone() }</span> }
                            </button>
                        </li>
                    }
                }) }
            </ol>
        </nav>
    }
}
