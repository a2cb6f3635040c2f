//! The banner ad above webmail and the calendar (and under the sign-in form): its place
//! is kept from the first paint when the account sees ads (`/me` says so), so nothing
//! moves when the ad arrives; an ad that does not come leaves the place empty, and the
//! page never waits for it. A click goes through the server, which counts it.

use osprey_api_types::{AdSlot as Slot, ShownAd};
use yew::platform::spawn_local;
use yew::prelude::*;

use crate::api::{get_login_ad, use_api};
use crate::state::use_session;

#[derive(Properties, PartialEq)]
pub struct AdSlotProps {
    /// `webmail`, `calendar` or `login`.
    pub target: &'static str,
}

#[function_component]
pub fn AdSlot(props: &AdSlotProps) -> Html {
    let api = use_api();
    let session = use_session();
    let login = props.target == "login";
    let wanted = login || session.account.as_ref().and_then(|a| a.ads) == Some(true);
    let ad = use_state(|| None::<ShownAd>);
    {
        let ad = ad.clone();
        let target = props.target;
        use_effect_with(wanted, move |wanted| {
            if *wanted {
                spawn_local(async move {
                    let answer: Option<Slot> = if login {
                        get_login_ad().await.ok()
                    } else {
                        api.get_ad_slot(target).await.ok()
                    };
                    ad.set(answer.and_then(|s| s.ad));
                });
            }
        });
    }
    if !wanted || (login && ad.is_none()) {
        return Html::default();
    }
    html! {
        <aside class="ad-slot" id={format!("ad-{}", props.target)} aria-label="Advertisement">
            if let Some(a) = &*ad {
                <a class="ad" href={a.click_url.clone()} rel="noopener sponsored" target="_blank">
                    if let Some(src) = &a.image_url {
                        <img src={src.clone()} alt="" height="40" />
                    }
                    <span class="ad-text">{ a.text.clone() }</span>
                    <span class="ad-mark">{ "Ad" }</span>
                </a>
            }
        </aside>
    }
}
