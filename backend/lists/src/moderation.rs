//! Moderation: on a moderated list a member's post waits (its body in the blob store, a
//! row naming it) until an owner or moderator approves it — in the web app or by
//! replying to the mail that tells them — rejects it with a reason for the sender, or
//! discards it; undecided, it expires.

use chrono::{Duration, Utc};
use osprey_mail::DeliveryError;
use osprey_store::{ListRecord, ListRequestRecord};

use crate::{requests::request_address, server::ListServer, settings::ListSettings};

/// How long a held post waits for a decision.
pub const HELD_TTL_DAYS: i64 = 14;

/// What becomes of a held post.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    Approve,
    /// Approved, and the sender's later posts are taken without moderation.
    ApproveAndAccept,
    /// With the reason the sender is told.
    Reject(String),
    Discard,
}

impl ListServer {
    /// Holds `post` from `sender` for the list's moderators and tells them and the
    /// sender.
    pub(crate) async fn hold(
        &self,
        list: &ListRecord,
        settings: &ListSettings,
        sender: &str,
        post: &[u8],
    ) -> Result<(), DeliveryError> {
        let subject = osprey_mail::summarize(post).subject.unwrap_or_default();
        let hash = self.blobs().put(post.to_vec()).await?;
        let expires_at = Utc::now() + Duration::days(HELD_TTL_DAYS);
        let held = self
            .store()
            .lists()
            .hold_post(
                &list.id,
                sender,
                &subject,
                &hash,
                post.len() as u64,
                expires_at,
            )
            .await?;
        let token = self.pending_token(list, &held.id, "moderate").await?;
        let posting = list.address();
        let note = format!(
            "A post to {posting} waits for a moderator.\n\n  From:    {sender}\n  Subject: {subject}\n\n\
             To approve it, reply to this message keeping its subject. To reject or discard it, \
             use the list's page in the administration. Undecided, it goes in {HELD_TTL_DAYS} days."
        );
        let mut moderators: Vec<String> = settings
            .owners
            .iter()
            .chain(&settings.moderators)
            .map(|a| a.to_ascii_lowercase())
            .collect();
        moderators.dedup();
        for m in &moderators {
            self.tell(list, m, &format!("confirm {token}"), &note)
                .await?;
        }
        self.tell(
            list,
            sender,
            &format!("Your post to {posting} waits for a moderator"),
            &format!(
                "Your post \"{subject}\" to {posting} waits for a moderator's approval; you will \
                 hear if it is rejected."
            ),
        )
        .await
    }

    /// Carries out `decision` on the held post `id` of the list. `Ok(false)` if there is
    /// no such post (decided already, or expired).
    pub async fn decide(
        &self,
        list: &ListRecord,
        id: &str,
        decision: Decision,
    ) -> Result<bool, DeliveryError> {
        let Some(held) = self.store().lists().take_held_post(&list.id, id).await? else {
            return Ok(false);
        };
        match decision {
            Decision::Approve => {
                let post = self.blobs().get(&held.blob_hash).await?;
                self.distribute(list, &post).await?;
            }
            Decision::ApproveAndAccept => {
                let post = self.blobs().get(&held.blob_hash).await?;
                self.distribute(list, &post).await?;
                let mut settings = ListSettings::read(&list.settings);
                if !settings.accepts(&held.sender) && !held.sender.is_empty() {
                    settings.accept_from.push(held.sender.to_ascii_lowercase());
                    self.store()
                        .lists()
                        .update_list(
                            &list.id,
                            list.name.clone(),
                            list.description.clone(),
                            settings.to_json(),
                        )
                        .await?;
                }
            }
            Decision::Reject(reason) => {
                let posting = list.address();
                let reason = if reason.trim().is_empty() {
                    "no reason was given".to_owned()
                } else {
                    reason.trim().to_owned()
                };
                self.tell(
                    list,
                    &held.sender,
                    &format!("Your post to {posting} was rejected"),
                    &format!(
                        "A moderator of {posting} rejected your post \"{}\": {reason}\n\nQuestions \
                         go to {}; commands to {}.",
                        held.subject,
                        crate::owner_address(list),
                        request_address(list)
                    ),
                )
                .await?;
            }
            Decision::Discard => {}
        }
        Ok(true)
    }

    /// A fresh token for `action` on `subject` (an address or a held post's id).
    pub(crate) async fn pending_token(
        &self,
        list: &ListRecord,
        subject: &str,
        action: &str,
    ) -> Result<String, osprey_store::StoreError> {
        let token = crate::requests::new_token();
        let ttl = if action == "moderate" {
            HELD_TTL_DAYS
        } else {
            crate::requests::REQUEST_TTL_DAYS
        };
        self.store()
            .lists()
            .create_request(ListRequestRecord {
                token: token.clone(),
                list_id: list.id.clone(),
                address: subject.to_owned(),
                action: action.to_owned(),
                expires_at: Utc::now() + Duration::days(ttl),
            })
            .await?;
        Ok(token)
    }
}
