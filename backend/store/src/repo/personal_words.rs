//! Each account's personal dictionary (the spell checker's words the account added),
//! and the names in its address book, which the spell checker never flags either.

use sea_orm::{
    ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};

use crate::{
    StoreError,
    entity::{contact, personal_word},
    views::Contacts,
};

impl Contacts<'_> {
    /// The account's personal dictionary, in order.
    pub async fn personal_words(self, account_id: &str) -> Result<Vec<String>, StoreError> {
        Ok(personal_word::Entity::find()
            .select_only()
            .column(personal_word::Column::Word)
            .filter(personal_word::Column::AccountId.eq(account_id))
            .order_by_asc(personal_word::Column::Word)
            .into_tuple()
            .all(&self.db)
            .await?)
    }

    /// The number of words in the account's personal dictionary.
    pub async fn personal_word_count(self, account_id: &str) -> Result<u64, StoreError> {
        Ok(personal_word::Entity::find()
            .filter(personal_word::Column::AccountId.eq(account_id))
            .count(&self.db)
            .await?)
    }

    /// Adds a word (already there: nothing changes).
    pub async fn add_personal_word(self, account_id: &str, word: &str) -> Result<(), StoreError> {
        personal_word::Entity::insert(personal_word::ActiveModel {
            account_id: Set(account_id.to_owned()),
            word: Set(word.to_owned()),
            created_at: Set(chrono::Utc::now()),
        })
        .on_conflict_do_nothing_on([
            personal_word::Column::AccountId,
            personal_word::Column::Word,
        ])
        .exec(&self.db)
        .await?;
        Ok(())
    }

    /// Removes a word; `NotFound` when the dictionary does not have it.
    pub async fn remove_personal_word(
        self,
        account_id: &str,
        word: &str,
    ) -> Result<(), StoreError> {
        let done = personal_word::Entity::delete_many()
            .filter(personal_word::Column::AccountId.eq(account_id))
            .filter(personal_word::Column::Word.eq(word))
            .exec(&self.db)
            .await?;
        if done.rows_affected == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    /// The names of the account's contacts.
    pub async fn contact_names(self, account_id: &str) -> Result<Vec<String>, StoreError> {
        Ok(contact::Entity::find()
            .select_only()
            .column(contact::Column::FullName)
            .filter(contact::Column::AccountId.eq(account_id))
            .into_tuple()
            .all(&self.db)
            .await?)
    }
}
