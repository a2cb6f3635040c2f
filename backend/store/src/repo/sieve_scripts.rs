//! The Sieve scripts of ManageSieve (RFC 5804): an account's scripts by name, at most one
//! active. The active script's rules are the account's rule set; its row holds the name
//! (its text there is not read). An inactive script is the text a client stored. The
//! store checks neither names nor scripts (the mail service does).

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set, sea_query::Expr,
};

use super::rules::write_rule_set;
use crate::{RuleOwner, StoreError, entity::sieve_script, error::conflict_on_unique, views::Rules};

/// A stored script.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SieveScriptRecord {
    pub name: String,
    /// The text a client stored; for the active script, what it was when it was last
    /// inactive (the rule set is what counts).
    pub script: String,
    pub active: bool,
    pub updated_at: DateTime<Utc>,
}

fn record(m: sieve_script::Model) -> SieveScriptRecord {
    SieveScriptRecord {
        name: m.name,
        script: m.script,
        active: m.active,
        updated_at: m.updated_at,
    }
}

/// What [`Rules::activate_sieve_script`] does in one transaction.
#[derive(Debug, Clone, Copy)]
pub struct Activation<'a> {
    /// The script to make active; `None` makes none active.
    pub name: Option<&'a str>,
    /// The text to keep for the script that was active until now (its rules as Sieve).
    pub previous: Option<&'a str>,
    /// The new rule set of the account (JSON), replacing the one at revision `expected`.
    pub rules: &'a str,
    pub expected: i64,
}

impl Rules<'_> {
    /// The scripts of `account_id`, by name.
    pub async fn sieve_scripts(
        self,
        account_id: &str,
    ) -> Result<Vec<SieveScriptRecord>, StoreError> {
        Ok(sieve_script::Entity::find()
            .filter(sieve_script::Column::AccountId.eq(account_id))
            .order_by_asc(sieve_script::Column::Name)
            .all(&self.db)
            .await?
            .into_iter()
            .map(record)
            .collect())
    }

    /// Adds a script; `Conflict` when the account has one of that name.
    pub async fn insert_sieve_script(
        self,
        account_id: &str,
        name: &str,
        script: &str,
        active: bool,
    ) -> Result<(), StoreError> {
        sieve_script::ActiveModel {
            account_id: Set(account_id.to_owned()),
            name: Set(name.to_owned()),
            script: Set(script.to_owned()),
            active: Set(active),
            updated_at: Set(Utc::now()),
        }
        .insert(&self.db)
        .await
        .map_err(conflict_on_unique(format!("a script named {name} exists")))?;
        Ok(())
    }

    /// Replaces the text of a script; `NotFound` when there is none of that name.
    pub async fn update_sieve_script(
        self,
        account_id: &str,
        name: &str,
        script: &str,
    ) -> Result<(), StoreError> {
        let done = sieve_script::Entity::update_many()
            .col_expr(sieve_script::Column::Script, Expr::value(script.to_owned()))
            .col_expr(sieve_script::Column::UpdatedAt, Expr::value(Utc::now()))
            .filter(sieve_script::Column::AccountId.eq(account_id))
            .filter(sieve_script::Column::Name.eq(name))
            .exec(&self.db)
            .await?;
        if done.rows_affected == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    /// Deletes an inactive script; `NotFound` when there is no inactive script of that
    /// name.
    pub async fn delete_sieve_script(self, account_id: &str, name: &str) -> Result<(), StoreError> {
        let done = sieve_script::Entity::delete_many()
            .filter(sieve_script::Column::AccountId.eq(account_id))
            .filter(sieve_script::Column::Name.eq(name))
            .filter(sieve_script::Column::Active.eq(false))
            .exec(&self.db)
            .await?;
        if done.rows_affected == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    /// Renames a script (keeping whether it is active); `NotFound` when there is none
    /// called `from`, `Conflict` when one is called `to`.
    pub async fn rename_sieve_script(
        self,
        account_id: &str,
        from: &str,
        to: &str,
    ) -> Result<(), StoreError> {
        let done = sieve_script::Entity::update_many()
            .col_expr(sieve_script::Column::Name, Expr::value(to.to_owned()))
            .col_expr(sieve_script::Column::UpdatedAt, Expr::value(Utc::now()))
            .filter(sieve_script::Column::AccountId.eq(account_id))
            .filter(sieve_script::Column::Name.eq(from))
            .exec(&self.db)
            .await
            .map_err(conflict_on_unique(format!("a script named {to} exists")))?;
        if done.rows_affected == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    /// Changes which script of `account_id` is active, and its rule set with it, in one
    /// transaction: the previously active script keeps `previous` as its text, the
    /// named one (which must exist: `NotFound`) becomes the only active one, and the
    /// rule set is replaced if it is still at revision `expected` (`Conflict`).
    pub async fn activate_sieve_script(
        self,
        account_id: &str,
        change: Activation<'_>,
    ) -> Result<(), StoreError> {
        let (txn, turn) = self.begin_write().await?;
        let now = Utc::now();
        let mut deactivate = sieve_script::Entity::update_many()
            .col_expr(sieve_script::Column::Active, Expr::value(false))
            .col_expr(sieve_script::Column::UpdatedAt, Expr::value(now));
        if let Some(previous) = change.previous {
            deactivate = deactivate.col_expr(
                sieve_script::Column::Script,
                Expr::value(previous.to_owned()),
            );
        }
        deactivate
            .filter(sieve_script::Column::AccountId.eq(account_id))
            .filter(sieve_script::Column::Active.eq(true))
            .exec(&txn)
            .await?;
        if let Some(name) = change.name {
            let done = sieve_script::Entity::update_many()
                .col_expr(sieve_script::Column::Active, Expr::value(true))
                .col_expr(sieve_script::Column::UpdatedAt, Expr::value(now))
                .filter(sieve_script::Column::AccountId.eq(account_id))
                .filter(sieve_script::Column::Name.eq(name))
                .exec(&txn)
                .await?;
            if done.rows_affected == 0 {
                return Err(StoreError::NotFound);
            }
        }
        write_rule_set(
            &txn,
            &RuleOwner::Account(account_id.to_owned()),
            change.rules,
            Some(change.expected),
        )
        .await?;
        self.commit(txn, turn).await
    }
}
