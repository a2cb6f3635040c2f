//! The not-found page.

use yew::prelude::*;
use yew_router::prelude::*;

use crate::route::Route;

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
