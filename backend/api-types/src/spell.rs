//! The spell checker: the installed languages, checking a text, and the signed-in
//! account's personal dictionary.

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

/// A language the server has a dictionary for.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct SpellLanguage {
    /// The dictionary's name (`en_US`): what `lang` takes.
    pub code: String,
    pub name: String,
}

/// `POST /spell/check`: a text (at most 100,000 characters) and its language.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SpellCheckRequest {
    pub text: String,
    /// A code of `GET /spell/languages`; default: the account's preferred one (`en_US`
    /// unless it chose another).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lang: Option<String>,
}

/// A word the dictionary, the personal dictionary and the address book do not know.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Misspelling {
    /// Where the word is, in characters (Unicode scalar values) from the text's start;
    /// `end` is exclusive.
    pub start: u64,
    pub end: u64,
    pub word: String,
    /// Up to five replacements, best first (for the first 20 words flagged).
    pub suggestions: Vec<String>,
}

/// What a check found (at most 200 words).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct SpellCheckResult {
    pub misspellings: Vec<Misspelling>,
}

/// `POST /spell/words`: a word for the personal dictionary.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PersonalWord {
    pub word: String,
}
