//! Each account's preferences, kept as the JSON the directory writes; the store does not
//! read it.

use sea_orm::{EntityTrait, Set, sea_query::OnConflict};

use crate::{StoreError, entity::account_preference, views::Accounts};

impl Accounts<'_> {
    /// The account's preferences as stored, `None` before the first change.
    pub async fn preferences(self, account_id: &str) -> Result<Option<String>, StoreError> {
        Ok(
            account_preference::Entity::find_by_id(account_id.to_owned())
                .one(&self.db)
                .await?
                .map(|m| m.preferences),
        )
    }

    /// Replaces the account's preferences.
    pub async fn set_preferences(self, account_id: &str, json: &str) -> Result<(), StoreError> {
        account_preference::Entity::insert(account_preference::ActiveModel {
            account_id: Set(account_id.to_owned()),
            preferences: Set(json.to_owned()),
            updated_at: Set(chrono::Utc::now()),
        })
        .on_conflict(
            OnConflict::column(account_preference::Column::AccountId)
                .update_columns([
                    account_preference::Column::Preferences,
                    account_preference::Column::UpdatedAt,
                ])
                .to_owned(),
        )
        .exec(&self.db)
        .await?;
        Ok(())
    }
}
