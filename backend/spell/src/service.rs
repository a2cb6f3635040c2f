//! [`SpellChecker`]: checks a text for an account, and keeps its personal dictionary.

use std::collections::HashSet;

use osprey_store::{Store, StoreError};

use crate::{Dictionaries, Language, words::words};

/// Longest text one check reads, in characters.
pub const MAX_TEXT_CHARS: usize = 100_000;
/// Longest personal word, in characters.
pub const MAX_WORD_CHARS: usize = 64;
/// Most words of one personal dictionary.
pub const MAX_PERSONAL_WORDS: u64 = 5_000;
/// Most misspellings one check reports, and how many of them get suggestions.
const MAX_REPORTED: usize = 200;
/// (A suggestion takes the dictionary 10 to 30 ms to find.)
const WITH_SUGGESTIONS: usize = 20;
const SUGGESTIONS: usize = 5;

/// A word the dictionary does not know.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Misspelling {
    /// Where it is, in characters from the text's start (end exclusive).
    pub start: usize,
    pub end: usize,
    pub word: String,
    /// Up to five replacements, best first.
    pub suggestions: Vec<String>,
}

/// What went wrong.
#[derive(Debug, thiserror::Error)]
pub enum SpellError {
    /// A field is wrong; `field` names it as the API does.
    #[error("{field}: {message}")]
    Invalid {
        field: &'static str,
        message: String,
    },
    /// The word is not in the personal dictionary.
    #[error("not found")]
    NotFound,
    #[error(transparent)]
    Store(StoreError),
}

impl From<StoreError> for SpellError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => SpellError::NotFound,
            other => SpellError::Store(other),
        }
    }
}

fn invalid(field: &'static str, message: impl Into<String>) -> SpellError {
    SpellError::Invalid {
        field,
        message: message.into(),
    }
}

/// Up to five replacements for `word`. A capitalised word (at the start of a sentence)
/// gets the replacements of its lower-case form first, capitalised: "Teh" → "The".
fn suggest(dict: &spellbook::Dictionary, word: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut chars = word.chars();
    let capitalised = chars.next().is_some_and(char::is_uppercase) && chars.all(char::is_lowercase);
    if capitalised {
        let mut lower = Vec::new();
        dict.suggest(&word.to_lowercase(), &mut lower);
        out.extend(lower.into_iter().map(|s| {
            let mut c = s.chars();
            c.next()
                .map(|f| f.to_uppercase().chain(c).collect())
                .unwrap_or_default()
        }));
    }
    let mut own = Vec::new();
    dict.suggest(word, &mut own);
    for s in own {
        if !out.contains(&s) {
            out.push(s);
        }
    }
    out.truncate(SUGGESTIONS);
    out
}

/// The spell checker service.
#[derive(Debug, Clone)]
pub struct SpellChecker {
    store: Store,
    dictionaries: Dictionaries,
}

impl SpellChecker {
    pub fn new(store: Store, dictionaries: Dictionaries) -> Self {
        Self {
            store,
            dictionaries,
        }
    }

    /// The installed languages.
    pub fn languages(&self) -> Vec<Language> {
        self.dictionaries.languages()
    }

    /// The words of `text` that the `lang` dictionary, the account's personal dictionary
    /// and its contacts' names do not know.
    pub async fn check(
        &self,
        account_id: &str,
        text: &str,
        lang: &str,
    ) -> Result<Vec<Misspelling>, SpellError> {
        if text.chars().count() > MAX_TEXT_CHARS {
            return Err(invalid(
                "text",
                format!("at most {MAX_TEXT_CHARS} characters"),
            ));
        }
        let known = self.known_words(account_id).await?;
        let dictionaries = self.dictionaries.clone();
        let (lang, text) = (lang.to_owned(), text.to_owned());
        tokio::task::spawn_blocking(move || {
            let dict = dictionaries.get(&lang).ok_or_else(|| {
                invalid(
                    "lang",
                    format!("no dictionary for {lang} is installed on this server"),
                )
            })?;
            let mut out: Vec<Misspelling> = Vec::new();
            for w in words(&text) {
                if out.len() >= MAX_REPORTED {
                    break;
                }
                let lower = w.text.to_lowercase().replace('’', "'");
                if known.contains(&lower)
                    || dict.check(w.text)
                    || dict.check(&w.text.replace('’', "'"))
                {
                    continue;
                }
                let suggestions = if out.len() < WITH_SUGGESTIONS {
                    suggest(&dict, w.text)
                } else {
                    Vec::new()
                };
                out.push(Misspelling {
                    start: w.start,
                    end: w.end,
                    word: w.text.to_owned(),
                    suggestions,
                });
            }
            Ok(out)
        })
        .await
        .map_err(|e| invalid("text", format!("the check failed: {e}")))?
    }

    /// The personal dictionary's words and the words of the contacts' names, lower-cased.
    async fn known_words(&self, account_id: &str) -> Result<HashSet<String>, SpellError> {
        let contacts = self.store.contacts();
        let mut known: HashSet<String> = contacts
            .personal_words(account_id)
            .await?
            .into_iter()
            .map(|w| w.to_lowercase())
            .collect();
        for name in contacts.contact_names(account_id).await? {
            known.extend(words(&name).into_iter().map(|w| w.text.to_lowercase()));
        }
        Ok(known)
    }

    /// The account's personal dictionary.
    pub async fn personal_words(&self, account_id: &str) -> Result<Vec<String>, SpellError> {
        Ok(self.store.contacts().personal_words(account_id).await?)
    }

    /// Adds a word to the account's personal dictionary: one word (letters, with an
    /// apostrophe or hyphen inside), at most 64 characters; at most 5,000 words.
    pub async fn add_word(&self, account_id: &str, word: &str) -> Result<String, SpellError> {
        let word = word.trim();
        let one_word = matches!(words(word).as_slice(), [w] if w.text == word)
            || (word.chars().all(char::is_alphabetic) && !word.is_empty());
        if !one_word || word.chars().count() > MAX_WORD_CHARS {
            return Err(invalid(
                "word",
                format!("one word of letters, at most {MAX_WORD_CHARS} characters"),
            ));
        }
        let contacts = self.store.contacts();
        if contacts.personal_word_count(account_id).await? >= MAX_PERSONAL_WORDS {
            return Err(invalid(
                "word",
                format!("the dictionary holds at most {MAX_PERSONAL_WORDS} words"),
            ));
        }
        contacts.add_personal_word(account_id, word).await?;
        Ok(word.to_owned())
    }

    /// Removes a word from the account's personal dictionary.
    pub async fn remove_word(&self, account_id: &str, word: &str) -> Result<(), SpellError> {
        Ok(self
            .store
            .contacts()
            .remove_personal_word(account_id, word)
            .await?)
    }
}
