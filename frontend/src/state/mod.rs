//! The session: the tokens (kept in localStorage so a reload stays signed in) and the
//! signed-in account, as a reducer provided by context.

use std::rc::Rc;

use gloo::storage::{LocalStorage, Storage};
use osprey_api_types::{Account, Role, TokenResponse};
use yew::prelude::*;

/// The localStorage key of the tokens.
const TOKENS_KEY: &str = "osprey.tokens";

/// The access and refresh tokens of a session.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Tokens {
    pub access_token: String,
    pub refresh_token: String,
}

impl Tokens {
    /// The tokens stored by this browser, if any.
    pub fn load() -> Option<Tokens> {
        LocalStorage::get(TOKENS_KEY).ok()
    }

    pub fn save(&self) {
        if let Err(e) = LocalStorage::set(TOKENS_KEY, self) {
            gloo::console::warn!(format!("cannot store the session: {e}"));
        }
    }

    pub fn clear() {
        LocalStorage::delete(TOKENS_KEY);
    }
}

impl From<TokenResponse> for Tokens {
    fn from(t: TokenResponse) -> Tokens {
        Tokens {
            access_token: t.access_token,
            refresh_token: t.refresh_token,
        }
    }
}

/// Who is signed in. `account` is loaded from `/me` after sign-in.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Session {
    pub tokens: Option<Tokens>,
    pub account: Option<Account>,
}

pub enum Action {
    /// A login succeeded.
    SignedIn(Tokens),
    /// The client exchanged the refresh token for new tokens.
    TokensRefreshed(Tokens),
    /// `/me` answered (after sign-in, or after the account changed itself).
    AccountLoaded(Account),
    /// Sign-out, or the session could not be refreshed.
    SignedOut,
}

impl Reducible for Session {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let next = match action {
            Action::SignedIn(tokens) => {
                tokens.save();
                Session {
                    tokens: Some(tokens),
                    account: None,
                }
            }
            Action::TokensRefreshed(tokens) => {
                if self.tokens.is_none() {
                    return self;
                }
                tokens.save();
                Session {
                    tokens: Some(tokens),
                    account: self.account.clone(),
                }
            }
            Action::AccountLoaded(account) => {
                if self.tokens.is_none() {
                    return self;
                }
                Session {
                    tokens: self.tokens.clone(),
                    account: Some(account),
                }
            }
            Action::SignedOut => {
                Tokens::clear();
                Session::default()
            }
        };
        Rc::new(next)
    }
}

impl Session {
    /// The session this browser kept from an earlier visit.
    pub fn restore() -> Session {
        Session {
            tokens: Tokens::load(),
            account: None,
        }
    }

    pub fn signed_in(&self) -> bool {
        self.tokens.is_some()
    }

    pub fn role(&self) -> Option<Role> {
        self.account.as_ref().map(|a| a.role)
    }

    /// Server administrators and domain administrators.
    pub fn can_administer(&self) -> bool {
        matches!(self.role(), Some(Role::Admin | Role::DomainAdmin))
    }

    #[cfg(feature = "full")]
    pub fn is_server_admin(&self) -> bool {
        self.role() == Some(Role::Admin)
    }
}

pub type SessionContext = UseReducerHandle<Session>;

/// The session provided by [`crate::app::App`].
#[hook]
pub fn use_session() -> SessionContext {
    use_context::<SessionContext>().expect("the App provides the session context")
}
