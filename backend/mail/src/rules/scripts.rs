//! ManageSieve's view of an account's rules (RFC 5804): named Sieve scripts, at most one
//! active. The active script *is* the account's rule set — reading it writes the rules
//! as Sieve, storing it replaces the rules — so the web app, the REST API and a Sieve
//! editor edit the same thing. Inactive scripts are kept as the text the client stored
//! (checked to be of the supported subset first). Making a script active translates it
//! into the rule set, and the script it replaces keeps the rules it had, as Sieve: no
//! rule is lost by switching.
//!
//! An account whose rules were made in the web app before any script was active shows
//! them as an active script named [`DEFAULT_SCRIPT`].

use osprey_rules::{RuleSet, from_sieve, to_sieve};
use osprey_store::{Activation, RuleOwner, SieveScriptRecord, StoreError};

use super::{DeliveryRules, RulesError, service::encode};

/// Scripts an account may keep (RFC 5804 §2.3: `QUOTA/MAXSCRIPTS` beyond).
pub const MAX_SCRIPTS: usize = 20;
/// The largest script, in octets (RFC 5804 §2.3: `QUOTA/MAXSIZE` beyond).
pub const MAX_SCRIPT_BYTES: usize = 64 * 1024;
/// The longest script name, in characters.
pub const MAX_SCRIPT_NAME: usize = 128;
/// The name under which rules made elsewhere appear when no script was ever active.
pub const DEFAULT_SCRIPT: &str = "osprey";

/// Why a script operation was refused; each maps to a ManageSieve response code.
#[derive(Debug, thiserror::Error)]
pub enum ScriptError {
    /// `NONEXISTENT`.
    #[error("there is no script named \"{0}\"")]
    NoSuchScript(String),
    /// `ALREADYEXISTS`.
    #[error("a script named \"{0}\" exists already")]
    Exists(String),
    /// `ACTIVE`: the active script cannot be deleted.
    #[error("\"{0}\" is the active script; make another one active (or none) first")]
    Active(String),
    /// `QUOTA/MAXSCRIPTS`.
    #[error("an account keeps at most {MAX_SCRIPTS} scripts")]
    TooMany,
    /// `QUOTA/MAXSIZE`.
    #[error("a script may have at most {MAX_SCRIPT_BYTES} octets")]
    TooBig,
    /// A name RFC 5804 §1.6 rules out, or too long.
    #[error("{0}")]
    BadName(&'static str),
    /// Not Sieve, or not the supported subset, or rules that are not valid.
    #[error(transparent)]
    Rules(#[from] RulesError),
}

impl From<StoreError> for ScriptError {
    fn from(e: StoreError) -> Self {
        ScriptError::Rules(e.into())
    }
}

/// A script as LISTSCRIPTS shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScriptEntry {
    pub name: String,
    pub active: bool,
}

/// Refuses a name with the characters RFC 5804 §1.6 prohibits (controls, U+2028,
/// U+2029), an empty one, or one longer than [`MAX_SCRIPT_NAME`] characters.
pub fn check_name(name: &str) -> Result<(), ScriptError> {
    if name.is_empty() {
        return Err(ScriptError::BadName("a script name cannot be empty"));
    }
    if name.chars().count() > MAX_SCRIPT_NAME {
        return Err(ScriptError::BadName(
            "a script name has at most 128 characters",
        ));
    }
    let prohibited =
        |c: char| matches!(c, '\u{0}'..='\u{1f}' | '\u{7f}'..='\u{9f}' | '\u{2028}' | '\u{2029}');
    if name.chars().any(prohibited) {
        return Err(ScriptError::BadName(
            "a script name cannot contain control characters or line separators",
        ));
    }
    Ok(())
}

impl DeliveryRules {
    /// The scripts of `account_id`, by name.
    pub async fn scripts(&self, account_id: &str) -> Result<Vec<ScriptEntry>, ScriptError> {
        Ok(self
            .script_rows(account_id)
            .await?
            .into_iter()
            .map(|r| ScriptEntry {
                name: r.name,
                active: r.active,
            })
            .collect())
    }

    /// The text of a script: for the active one, the account's rules as Sieve.
    pub async fn script(&self, account_id: &str, name: &str) -> Result<String, ScriptError> {
        let rows = self.script_rows(account_id).await?;
        let row = find(&rows, name)?;
        if row.active {
            Ok(to_sieve(&self.load(&owner(account_id)).await?.rules))
        } else {
            Ok(row.script.clone())
        }
    }

    /// The rules a script stands for, if it is of the supported subset and valid
    /// (CHECKSCRIPT, and every store of a script).
    pub fn check_script(&self, script: &str) -> Result<RuleSet, ScriptError> {
        if script.len() > MAX_SCRIPT_BYTES {
            return Err(ScriptError::TooBig);
        }
        let rules = from_sieve(script).map_err(RulesError::Sieve)?;
        rules.validate().map_err(RulesError::Invalid)?;
        Ok(rules)
    }

    /// Whether a script of `size` octets could be stored as `name` (HAVESPACE).
    pub async fn have_space(
        &self,
        account_id: &str,
        name: &str,
        size: u64,
    ) -> Result<(), ScriptError> {
        check_name(name)?;
        if size > MAX_SCRIPT_BYTES as u64 {
            return Err(ScriptError::TooBig);
        }
        let rows = self.script_rows(account_id).await?;
        if find(&rows, name).is_err() && rows.len() >= MAX_SCRIPTS {
            return Err(ScriptError::TooMany);
        }
        Ok(())
    }

    /// Stores a script (PUTSCRIPT): replacing the active one replaces the rules at
    /// once; another is kept as text. Nothing is stored when the script is refused.
    pub async fn put_script(
        &self,
        account_id: &str,
        name: &str,
        script: &str,
    ) -> Result<(), ScriptError> {
        check_name(name)?;
        let rules = self.check_script(script)?;
        let rows = self.script_rows(account_id).await?;
        match find(&rows, name) {
            Ok(row) if row.active => {
                self.save(&owner(account_id), &rules, None).await?;
            }
            Ok(_) => {
                self.store
                    .rules()
                    .update_sieve_script(account_id, name, script)
                    .await?
            }
            Err(_) if rows.len() >= MAX_SCRIPTS => return Err(ScriptError::TooMany),
            Err(_) => {
                self.store
                    .rules()
                    .insert_sieve_script(account_id, name, script, false)
                    .await
                    .map_err(|e| exists(e, name))?;
            }
        }
        Ok(())
    }

    /// Makes `name` the active script, or none (SETACTIVE with an empty name): its
    /// rules replace the account's, and the script it replaces keeps them as Sieve.
    pub async fn set_active(
        &self,
        account_id: &str,
        name: Option<&str>,
    ) -> Result<(), ScriptError> {
        let rows = self.script_rows(account_id).await?;
        let current = rows.iter().find(|r| r.active);
        if current.map(|r| r.name.as_str()) == name {
            return Ok(());
        }
        let rules = match name {
            Some(name) => self.check_script(&find(&rows, name)?.script)?,
            None => RuleSet::default(),
        };
        let stored = self.load(&owner(account_id)).await?;
        let previous = current.map(|_| to_sieve(&stored.rules));
        let json = encode(&rules)?;
        self.store
            .rules()
            .activate_sieve_script(
                account_id,
                Activation {
                    name,
                    previous: previous.as_deref(),
                    rules: &json,
                    expected: stored.revision,
                },
            )
            .await
            .map_err(|e| match (e, name) {
                (StoreError::NotFound, Some(name)) => ScriptError::NoSuchScript(name.to_owned()),
                (e, _) => e.into(),
            })
    }

    /// Deletes an inactive script (DELETESCRIPT).
    pub async fn delete_script(&self, account_id: &str, name: &str) -> Result<(), ScriptError> {
        let rows = self.script_rows(account_id).await?;
        if find(&rows, name)?.active {
            return Err(ScriptError::Active(name.to_owned()));
        }
        self.store
            .rules()
            .delete_sieve_script(account_id, name)
            .await
            .map_err(|e| missing(e, name))
    }

    /// Renames a script (RENAMESCRIPT); the active one stays active.
    pub async fn rename_script(
        &self,
        account_id: &str,
        from: &str,
        to: &str,
    ) -> Result<(), ScriptError> {
        check_name(to)?;
        let rows = self.script_rows(account_id).await?;
        find(&rows, from)?;
        if find(&rows, to).is_ok() {
            return Err(ScriptError::Exists(to.to_owned()));
        }
        self.store
            .rules()
            .rename_sieve_script(account_id, from, to)
            .await
            .map_err(|e| match e {
                StoreError::NotFound => ScriptError::NoSuchScript(from.to_owned()),
                e => exists(e, to),
            })
    }

    /// The stored scripts, after giving rules made elsewhere a script of their own when
    /// none is active.
    async fn script_rows(&self, account_id: &str) -> Result<Vec<SieveScriptRecord>, ScriptError> {
        let rows = self.store.rules().sieve_scripts(account_id).await?;
        if rows.iter().any(|r| r.active) {
            return Ok(rows);
        }
        let stored = self.load(&owner(account_id)).await?;
        if stored.rules.rules.is_empty() {
            return Ok(rows);
        }
        let name = (1..)
            .map(|n| match n {
                1 => DEFAULT_SCRIPT.to_owned(),
                n => format!("{DEFAULT_SCRIPT}-{n}"),
            })
            .find(|n| rows.iter().all(|r| &r.name != n))
            .expect("some name is free");
        match self
            .store
            .rules()
            .insert_sieve_script(account_id, &name, "", true)
            .await
        {
            // Another session did the same meanwhile: read what it made.
            Ok(()) | Err(StoreError::Conflict(_)) => {}
            Err(e) => return Err(e.into()),
        }
        Ok(self.store.rules().sieve_scripts(account_id).await?)
    }
}

fn owner(account_id: &str) -> RuleOwner {
    RuleOwner::Account(account_id.to_owned())
}

fn find<'a>(
    rows: &'a [SieveScriptRecord],
    name: &str,
) -> Result<&'a SieveScriptRecord, ScriptError> {
    rows.iter()
        .find(|r| r.name == name)
        .ok_or_else(|| ScriptError::NoSuchScript(name.to_owned()))
}

fn exists(e: StoreError, name: &str) -> ScriptError {
    match e {
        StoreError::Conflict(_) => ScriptError::Exists(name.to_owned()),
        e => e.into(),
    }
}

fn missing(e: StoreError, name: &str) -> ScriptError {
    match e {
        StoreError::NotFound => ScriptError::NoSuchScript(name.to_owned()),
        e => e.into(),
    }
}
