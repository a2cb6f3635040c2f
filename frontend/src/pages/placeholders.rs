//! Screens whose features come in later releases, and the not-found page.

use yew::prelude::*;
use yew_router::prelude::*;

use crate::route::Route;

#[function_component]
pub fn CalendarPage() -> Html {
    html! {
        <section class="page placeholder" aria-labelledby="calendar-title">
            <h1 id="calendar-title">{ "Calendar" }</h1>
            <div class="card">
                <p class="lead">{ "Calendars come in a later release of Osprey." }</p>
                <p>{ "Your events will be kept here and shared with your calendar apps." }</p>
            </div>
        </section>
    }
}

#[function_component]
pub fn NotFoundPage() -> Html {
    html! {
        <section class="page placeholder" aria-labelledby="notfound-title">
            <h1 id="notfound-title">{ "Page not found" }</h1>
            <div class="card">
                <p>{ "There is no page at this address." }</p>
                <p><Link<Route> to={Route::Mail}>{ "Go to Mail" }</Link<Route>></p>
            </div>
        </section>
    }
}
