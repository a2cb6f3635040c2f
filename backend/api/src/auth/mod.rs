//! Authentication: access tokens (JWT), refresh tokens, API keys, the login throttle and
//! the [`AuthUser`] extractor that every protected handler takes.

mod jwt;
mod secrets;
mod user;

pub use jwt::{Claims, JwtKeys, install_crypto_provider};
pub use osprey_core::{LoginThrottle, ThrottleLimits};
pub use secrets::{API_KEY_PREFIX, hash_secret, new_secret};
pub use user::{AdminScope, AuthUser};
