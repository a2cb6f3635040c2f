//! `/spell`: the spell checker — the installed languages, checking a text, and the
//! signed-in account's personal dictionary, through `osprey_spell::SpellChecker`.

use axum::{
    extract::{Path, State},
    http::StatusCode,
};
use osprey_api_types::{
    Misspelling, PersonalWord, Problem, Scope, SpellCheckRequest, SpellCheckResult, SpellLanguage,
};
use osprey_spell::SpellError;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::{auth::AuthUser, error::ApiError, extract::Json, state::AppState};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(spell_languages))
        .routes(routes!(check_spelling))
        .routes(routes!(list_personal_words, add_personal_word))
        .routes(routes!(remove_personal_word))
}

impl From<SpellError> for ApiError {
    fn from(e: SpellError) -> Self {
        match e {
            SpellError::Invalid { field, message } => ApiError::field(field, message),
            SpellError::NotFound => ApiError::NotFound,
            SpellError::Store(e) => e.into(),
        }
    }
}

/// The languages the server has dictionaries for.
#[utoipa::path(get, path = "/spell/languages", tag = "mail", security(("bearer" = [])),
    responses((status = 200, body = Vec<SpellLanguage>), (status = 401, body = Problem)))]
pub async fn spell_languages(
    State(state): State<AppState>,
    user: AuthUser,
) -> Result<Json<Vec<SpellLanguage>>, ApiError> {
    user.require(Scope::AccountRead)?;
    Ok(Json(
        state
            .spell
            .languages()
            .into_iter()
            .map(|l| SpellLanguage {
                code: l.code,
                name: l.name,
            })
            .collect(),
    ))
}

/// The words of a text that the language's dictionary, the signed-in account's personal
/// dictionary and its contacts' names do not know, with suggestions. Addresses, links,
/// words with digits and words in capitals are not checked.
#[utoipa::path(post, path = "/spell/check", tag = "mail", security(("bearer" = [])), request_body = SpellCheckRequest,
    responses((status = 200, body = SpellCheckResult), (status = 401, body = Problem),
        (status = 422, description = "No dictionary for `lang`, or the text is too long", body = Problem)))]
pub async fn check_spelling(
    State(state): State<AppState>,
    user: AuthUser,
    Json(req): Json<SpellCheckRequest>,
) -> Result<Json<SpellCheckResult>, ApiError> {
    user.require(Scope::AccountRead)?;
    let lang = req.lang.as_deref().unwrap_or("en_US");
    let found = state.spell.check(&user.account.id, &req.text, lang).await?;
    Ok(Json(SpellCheckResult {
        misspellings: found
            .into_iter()
            .map(|m| Misspelling {
                start: m.start as u64,
                end: m.end as u64,
                word: m.word,
                suggestions: m.suggestions,
            })
            .collect(),
    }))
}

/// The signed-in account's personal dictionary, in order.
#[utoipa::path(get, path = "/spell/words", tag = "mail", security(("bearer" = [])),
    responses((status = 200, body = Vec<String>), (status = 401, body = Problem)))]
pub async fn list_personal_words(
    State(state): State<AppState>,
    user: AuthUser,
) -> Result<Json<Vec<String>>, ApiError> {
    user.require(Scope::AccountRead)?;
    Ok(Json(state.spell.personal_words(&user.account.id).await?))
}

/// Adds a word to the personal dictionary (one word, at most 64 characters; at most
/// 5,000 words); it is never flagged again.
#[utoipa::path(post, path = "/spell/words", tag = "mail", security(("bearer" = [])), request_body = PersonalWord,
    responses((status = 201, body = PersonalWord), (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 422, body = Problem)))]
pub async fn add_personal_word(
    State(state): State<AppState>,
    user: AuthUser,
    Json(req): Json<PersonalWord>,
) -> Result<(StatusCode, Json<PersonalWord>), ApiError> {
    user.require(Scope::AccountWrite)?;
    let word = state.spell.add_word(&user.account.id, &req.word).await?;
    Ok((StatusCode::CREATED, Json(PersonalWord { word })))
}

/// Removes a word from the personal dictionary.
#[utoipa::path(delete, path = "/spell/words/{word}", tag = "mail", security(("bearer" = [])),
    params(("word" = String, Path, description = "The word")),
    responses((status = 204, description = "Removed"), (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 404, description = "Not in the personal dictionary", body = Problem)))]
pub async fn remove_personal_word(
    State(state): State<AppState>,
    user: AuthUser,
    Path(word): Path<String>,
) -> Result<StatusCode, ApiError> {
    user.require(Scope::AccountWrite)?;
    state.spell.remove_word(&user.account.id, &word).await?;
    Ok(StatusCode::NO_CONTENT)
}
