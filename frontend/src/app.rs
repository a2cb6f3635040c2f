//! The root component: the session context around the router.

use yew::prelude::*;
use yew_router::prelude::*;

use crate::route::{Route, switch};
use crate::state::{Session, SessionContext};

#[function_component]
pub fn App() -> Html {
    let session = use_reducer(Session::restore);
    html! {
        <ContextProvider<SessionContext> context={session}>
            <BrowserRouter>
                <Switch<Route> render={switch} />
            </BrowserRouter>
        </ContextProvider<SessionContext>>
    }
}
