//! The names an account subscribed to (RFC 9051 §6.3.7, §6.3.8), kept apart from the
//! mailboxes: RFC 3501 §6.3.6 says the server "MUST NOT unilaterally remove an existing
//! mailbox name from the subscription list even if a mailbox by that name no longer
//! exists", so deleting a mailbox leaves its subscription, and a subscription may name
//! no mailbox. Renaming a mailbox moves the subscriptions of it and of the mailboxes
//! below it (`Mailboxes::rename_mailbox`).

use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};

use crate::views::Mailboxes;
use crate::{StoreError, entity::subscription};

impl Mailboxes<'_> {
    /// The names the account subscribed to, in name order.
    pub async fn subscriptions(self, account_id: &str) -> Result<Vec<String>, StoreError> {
        Ok(subscription::Entity::find()
            .select_only()
            .column(subscription::Column::Name)
            .filter(subscription::Column::AccountId.eq(account_id))
            .order_by_asc(subscription::Column::Name)
            .into_tuple()
            .all(&self.db)
            .await?)
    }

    /// Adds `name` to the account's subscriptions; subscribing twice is one
    /// subscription.
    pub async fn subscribe(self, account_id: &str, name: &str) -> Result<(), StoreError> {
        subscribe_in(&self.db, account_id, name).await?;
        self.publish_mailboxes(account_id, "");
        Ok(())
    }

    /// Removes `name` from the account's subscriptions, if it is there.
    pub async fn unsubscribe(self, account_id: &str, name: &str) -> Result<(), StoreError> {
        subscription::Entity::delete_many()
            .filter(subscription::Column::AccountId.eq(account_id))
            .filter(subscription::Column::Name.eq(name))
            .exec(&self.db)
            .await?;
        self.publish_mailboxes(account_id, "");
        Ok(())
    }
}

/// [`Mailboxes::subscribe`] on a connection or inside a transaction.
pub(super) async fn subscribe_in(
    db: &impl ConnectionTrait,
    account_id: &str,
    name: &str,
) -> Result<(), StoreError> {
    subscription::Entity::insert(subscription::ActiveModel {
        account_id: Set(account_id.to_owned()),
        name: Set(name.to_owned()),
    })
    .on_conflict_do_nothing_on([subscription::Column::AccountId, subscription::Column::Name])
    .exec(db)
    .await?;
    Ok(())
}

/// Renames the subscriptions of `from` and of the names below it (`from` + `delimiter`
/// + ...) inside a transaction, as `Mailboxes::rename_mailbox` renames mailboxes.
pub(super) async fn rename_in(
    db: &impl ConnectionTrait,
    account_id: &str,
    from: &str,
    to: &str,
    delimiter: char,
) -> Result<(), StoreError> {
    let prefix = format!("{from}{delimiter}");
    let names: Vec<String> = subscription::Entity::find()
        .select_only()
        .column(subscription::Column::Name)
        .filter(subscription::Column::AccountId.eq(account_id))
        .into_tuple::<String>()
        .all(db)
        .await?
        .into_iter()
        .filter(|n| n == from || n.starts_with(&prefix))
        .collect();
    for name in names {
        subscription::Entity::delete_many()
            .filter(subscription::Column::AccountId.eq(account_id))
            .filter(subscription::Column::Name.eq(name.as_str()))
            .exec(db)
            .await?;
        subscribe_in(db, account_id, &format!("{to}{}", &name[from.len()..])).await?;
    }
    Ok(())
}
