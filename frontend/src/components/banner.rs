//! Messages across the top of a section: problems, and confirmations.

use yew::prelude::*;

use crate::api::ApiError;

#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub enum Tone {
    #[default]
    Error,
    Success,
}

#[derive(Properties, PartialEq)]
pub struct BannerProps {
    #[prop_or_default]
    pub tone: Tone,
    #[prop_or_default]
    pub id: Option<AttrValue>,
    pub children: Html,
}

#[function_component]
pub fn Banner(props: &BannerProps) -> Html {
    let (class, role) = match props.tone {
        Tone::Error => ("banner banner-error", "alert"),
        Tone::Success => ("banner banner-success", "status"),
    };
    html! {
        <div id={props.id.clone()} class={class} role={role}>{ props.children.clone() }</div>
    }
}

#[derive(Properties, PartialEq)]
pub struct ProblemBannerProps {
    pub error: Option<ApiError>,
    /// Fields whose messages the form shows next to its inputs.
    #[prop_or_default]
    pub fields: &'static [&'static str],
    #[prop_or_default]
    pub id: Option<AttrValue>,
}

/// The banner for a failed call, when there is one.
#[function_component]
pub fn ProblemBanner(props: &ProblemBannerProps) -> Html {
    match &props.error {
        Some(error) => html! {
            <Banner id={props.id.clone()}>{ error.banner(props.fields) }</Banner>
        },
        None => html! {},
    }
}
