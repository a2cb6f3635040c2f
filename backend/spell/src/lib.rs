//! Osprey's spell checker: Hunspell dictionaries (`<code>.aff` and `<code>.dic` files in a
//! directory, Debian's `/usr/share/hunspell` by default) read by spellbook, and each
//! account's personal dictionary, whose words — and the words of its contacts' names — are
//! never flagged. Dictionaries are installed with the system (`hunspell-en-us`), never
//! downloaded; each is read once, when first asked for.

mod dictionaries;
mod service;
mod words;

pub use dictionaries::{Dictionaries, Language};
pub use service::{
    MAX_PERSONAL_WORDS, MAX_TEXT_CHARS, MAX_WORD_CHARS, Misspelling, SpellChecker, SpellError,
};
pub use words::{Word, words};
