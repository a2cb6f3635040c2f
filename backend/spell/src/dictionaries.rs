//! The Hunspell dictionaries of a directory: which there are, and each one read once (it
//! takes a moment) and kept.

use std::{
    collections::HashMap,
    path::{Path, PathBuf},
    sync::{Arc, Mutex},
};

use spellbook::Dictionary;

/// A language a dictionary is installed for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Language {
    /// The dictionary's name: `en_US`, `de_DE`, …
    pub code: String,
    /// What people call it.
    pub name: String,
}

/// Names of the dictionaries distributions ship most.
const NAMES: [(&str, &str); 16] = [
    ("en_US", "English (US)"),
    ("en_GB", "English (UK)"),
    ("en_CA", "English (Canada)"),
    ("en_AU", "English (Australia)"),
    ("de_DE", "German (Germany)"),
    ("de_AT", "German (Austria)"),
    ("de_CH", "German (Switzerland)"),
    ("fr_FR", "French"),
    ("es_ES", "Spanish"),
    ("it_IT", "Italian"),
    ("nl_NL", "Dutch"),
    ("pt_BR", "Portuguese (Brazil)"),
    ("pt_PT", "Portuguese (Portugal)"),
    ("sv_SE", "Swedish"),
    ("pl_PL", "Polish"),
    ("da_DK", "Danish"),
];

/// The dictionaries in one directory.
#[derive(Debug, Clone)]
pub struct Dictionaries {
    dir: PathBuf,
    loaded: Arc<Mutex<HashMap<String, Arc<Dictionary>>>>,
}

impl Dictionaries {
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        Self {
            dir: dir.into(),
            loaded: Arc::default(),
        }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The languages with both files in the directory, by code.
    pub fn languages(&self) -> Vec<Language> {
        let Ok(entries) = std::fs::read_dir(&self.dir) else {
            return Vec::new();
        };
        let mut out: Vec<Language> = entries
            .flatten()
            .filter_map(|e| {
                let path = e.path();
                if path.extension()? != "aff" {
                    return None;
                }
                let code = path.file_stem()?.to_str()?.to_owned();
                if !valid_code(&code) || !path.with_extension("dic").is_file() {
                    return None;
                }
                let name = NAMES
                    .iter()
                    .find(|(c, _)| *c == code)
                    .map_or_else(|| code.clone(), |(_, n)| (*n).to_owned());
                Some(Language { code, name })
            })
            .collect();
        out.sort_by(|a, b| a.code.cmp(&b.code));
        out
    }

    /// The dictionary of `code`, read on first use; `None` when it is not installed or
    /// cannot be read.
    pub fn get(&self, code: &str) -> Option<Arc<Dictionary>> {
        if !valid_code(code) {
            return None;
        }
        if let Some(d) = self.loaded.lock().ok()?.get(code) {
            return Some(d.clone());
        }
        let aff = std::fs::read_to_string(self.dir.join(format!("{code}.aff"))).ok()?;
        let dic = std::fs::read_to_string(self.dir.join(format!("{code}.dic"))).ok()?;
        let dict = match Dictionary::new(&aff, &dic) {
            Ok(d) => Arc::new(d),
            Err(e) => {
                tracing::warn!(code, error = %e, "a spelling dictionary could not be read");
                return None;
            }
        };
        self.loaded
            .lock()
            .ok()?
            .entry(code.to_owned())
            .or_insert(dict)
            .clone()
            .into()
    }
}

/// A dictionary name: letters, digits, `_` and `-` (never a path).
fn valid_code(code: &str) -> bool {
    !code.is_empty()
        && code.len() <= 32
        && code
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}
