//! Banner ads (the seed's "banner advertisements at the top of the web pages"):
//! campaigns server-wide (server administrators) or of one domain (its administrators),
//! each plain text with a link and an optional image, running between dates, shown on
//! the pages it targets in turn by weight. A domain may turn ads off for its pages and an
//! account may be exempt. Showings and clicks are counted per day; a click goes through
//! the server, which sends the browser only to the campaign's own stored address.

use chrono::{DateTime, Duration, Utc};
use osprey_store::{AdCampaignRecord, AdCampaignRow, AdDayRecord, AdEvent, StoreError};
use serde_json::{Value, json};

use crate::{
    Actor, AdminScope, Directory, DirectoryError, DomainSettings,
    audit::{Change, record},
    checks::Checks,
};

/// The pages a campaign may show on.
pub const TARGETS: [&str; 3] = ["webmail", "calendar", "login"];
/// Longest name and text, in characters.
pub const MAX_AD_TEXT: usize = 200;
/// Longest link, in bytes.
pub const MAX_LINK: usize = 2048;
/// Highest weight (a campaign of weight 4 shows four times as often as one of 1).
pub const MAX_WEIGHT: u32 = 1000;
/// Largest image, in bytes.
pub const MAX_IMAGE_BYTES: usize = 256 * 1024;

/// A campaign as an administrator writes it.
#[derive(Debug, Clone, Default)]
pub struct AdCampaignRequest {
    /// The domain (by name) whose pages show it; `None`: every domain's (server
    /// administrators only).
    pub domain: Option<String>,
    pub name: String,
    /// Plain text, no HTML.
    pub text: String,
    /// Where a click leads: an `http` or `https` address.
    pub link_url: String,
    /// Some of [`TARGETS`].
    pub targets: Vec<String>,
    /// 1 to [`MAX_WEIGHT`]; 1 when absent.
    pub weight: Option<u32>,
    pub starts_at: Option<DateTime<Utc>>,
    pub ends_at: Option<DateTime<Utc>>,
    pub enabled: bool,
}

/// An ad chosen for a page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChosenAd {
    pub id: String,
    pub text: String,
    pub has_image: bool,
}

fn view(c: &AdCampaignRow, domain: Option<&str>) -> Value {
    json!({
        "domain": domain,
        "name": c.name,
        "text": c.text,
        "link_url": c.link_url,
        "targets": c.targets,
        "weight": c.weight,
        "starts_at": c.starts_at,
        "ends_at": c.ends_at,
        "enabled": c.enabled,
    })
}

/// Whether `url` is an absolute `http`/`https` address with a host and nothing a
/// browser would read otherwise (spaces, control characters, backslashes).
fn link_problem(url: &str) -> Option<&'static str> {
    if url.len() > MAX_LINK {
        return Some("at most 2048 characters");
    }
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"));
    let Some(rest) = rest else {
        return Some("must start with https:// or http://");
    };
    if url
        .chars()
        .any(|c| c.is_whitespace() || c.is_control() || c == '\\')
    {
        return Some("must not hold spaces, control characters or backslashes");
    }
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    if host.is_empty() || host.contains('@') {
        return Some("must name a host (and no user name)");
    }
    None
}

/// The media type of an image by its first bytes: PNG, JPEG, GIF or WebP (never SVG,
/// which may hold scripts).
pub fn image_type(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        Some("image/gif")
    } else if bytes.len() > 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Some("image/webp")
    } else {
        None
    }
}

/// A number from 0 to `below` - 1 from the OS's random source.
fn random_below(below: u64) -> u64 {
    let mut b = [0u8; 8];
    getrandom::fill(&mut b).expect("the OS random source works");
    u64::from_le_bytes(b) % below.max(1)
}

impl Directory {
    /// `(domain id, domain name)` of the request's domain, checked against the actor's
    /// scope: a domain administrator names one of its domains.
    async fn ad_domain(
        &self,
        scope: &AdminScope,
        domain: Option<&str>,
    ) -> Result<Option<(String, String)>, DirectoryError> {
        match domain.map(str::trim).filter(|d| !d.is_empty()) {
            None if *scope == AdminScope::All => Ok(None),
            None => Err(DirectoryError::field(
                "domain",
                "name one of your domains: campaigns for every domain are a server administrator's",
            )),
            Some(name) => match self.store.domains().domain_by_name(name).await {
                Ok(d) => {
                    scope.check_domain(&d.id, &d.name)?;
                    Ok(Some((d.id, d.name)))
                }
                Err(StoreError::NotFound) => Err(DirectoryError::field(
                    "domain",
                    format!("{name} is not a domain of this server"),
                )),
                Err(e) => Err(e.into()),
            },
        }
    }

    /// The request as a row, every field checked (all problems at once).
    async fn ad_row(
        &self,
        scope: &AdminScope,
        req: AdCampaignRequest,
    ) -> Result<(AdCampaignRow, Option<String>), DirectoryError> {
        let domain = self.ad_domain(scope, req.domain.as_deref()).await?;
        let mut checks = Checks::default();
        let name = req.name.trim().to_owned();
        let text = req.text.trim().to_owned();
        for (field, value) in [("name", &name), ("text", &text)] {
            if value.is_empty() {
                checks.fail(field, "must not be empty");
            } else if value.chars().count() > MAX_AD_TEXT {
                checks.fail(field, format!("at most {MAX_AD_TEXT} characters"));
            } else if value
                .chars()
                .any(|c| c.is_control() || c == '<' || c == '>')
            {
                checks.fail(field, "must be plain text (no HTML, no line breaks)");
            }
        }
        let link_url = req.link_url.trim().to_owned();
        if let Some(problem) = link_problem(&link_url) {
            checks.fail("link_url", problem);
        }
        let mut targets: Vec<String> = Vec::new();
        for t in &req.targets {
            let t = t.trim().to_ascii_lowercase();
            if !TARGETS.contains(&t.as_str()) {
                checks.fail("targets", format!("each one of {}", TARGETS.join(", ")));
            } else if !targets.contains(&t) {
                targets.push(t);
            }
        }
        if req.targets.is_empty() {
            checks.fail("targets", "name at least one page to show it on");
        }
        let weight = req.weight.unwrap_or(1);
        if !(1..=MAX_WEIGHT).contains(&weight) {
            checks.fail(
                "weight",
                format!("must be a whole number from 1 to {MAX_WEIGHT}"),
            );
        }
        if let (Some(s), Some(e)) = (req.starts_at, req.ends_at)
            && e <= s
        {
            checks.fail("ends_at", "must be after the start");
        }
        checks.finish()?;
        let (domain_id, domain_name) = domain.unzip();
        Ok((
            AdCampaignRow {
                domain_id,
                name,
                text,
                link_url,
                targets,
                weight,
                starts_at: req.starts_at,
                ends_at: req.ends_at,
                enabled: req.enabled,
            },
            domain_name,
        ))
    }

    /// A campaign the actor may change (a domain administrator: its domains' ones).
    async fn managed_campaign(
        &self,
        actor: &Actor,
        id: &str,
    ) -> Result<(AdminScope, AdCampaignRecord), DirectoryError> {
        let scope = actor.admin_scope()?;
        let campaign = self.store.ads().campaign(id).await?;
        let allowed = match &campaign.row.domain_id {
            None => scope == AdminScope::All,
            Some(d) => scope.includes(d),
        };
        if !allowed {
            // Not the actor's to see: as if it did not exist.
            return Err(StoreError::NotFound.into());
        }
        Ok((scope, campaign))
    }

    async fn domain_name(&self, id: Option<&str>) -> Option<String> {
        match id {
            Some(id) => self.store.domains().domain(id).await.ok().map(|d| d.name),
            None => None,
        }
    }

    /// The campaigns the actor may see: all for a server administrator, its domains'
    /// for a domain administrator. Newest first.
    pub async fn ad_campaigns(
        &self,
        actor: &Actor,
    ) -> Result<Vec<AdCampaignRecord>, DirectoryError> {
        let scope = actor.admin_scope()?;
        let restriction = scope.restriction();
        Ok(self
            .store
            .ads()
            .campaigns(restriction.as_deref(), scope == AdminScope::All)
            .await?)
    }

    /// One campaign the actor may see.
    pub async fn ad_campaign(
        &self,
        actor: &Actor,
        id: &str,
    ) -> Result<AdCampaignRecord, DirectoryError> {
        Ok(self.managed_campaign(actor, id).await?.1)
    }

    /// Starts a campaign.
    pub async fn create_ad_campaign(
        &self,
        actor: &Actor,
        req: AdCampaignRequest,
    ) -> Result<AdCampaignRecord, DirectoryError> {
        let scope = actor.admin_scope()?;
        let (row, domain) = self.ad_row(&scope, req).await?;
        let after = view(&row, domain.as_deref());
        let created = self.store.ads().create_campaign(row).await?;
        record(
            &self.store,
            actor,
            Change::new("ad.create", &created.row.name)
                .maybe_domain(created.row.domain_id.clone())
                .after(after),
        )
        .await;
        Ok(created)
    }

    /// Replaces a campaign's fields (its image and counts stay).
    pub async fn update_ad_campaign(
        &self,
        actor: &Actor,
        id: &str,
        req: AdCampaignRequest,
    ) -> Result<AdCampaignRecord, DirectoryError> {
        let (scope, before) = self.managed_campaign(actor, id).await?;
        let (row, domain) = self.ad_row(&scope, req).await?;
        let before_domain = self.domain_name(before.row.domain_id.as_deref()).await;
        let change = Change::new("ad.update", &row.name)
            .maybe_domain(row.domain_id.clone())
            .before(view(&before.row, before_domain.as_deref()))
            .after(view(&row, domain.as_deref()));
        let updated = self.store.ads().update_campaign(id, row).await?;
        record(&self.store, actor, change).await;
        Ok(updated)
    }

    /// Ends a campaign, its counts with it.
    pub async fn delete_ad_campaign(&self, actor: &Actor, id: &str) -> Result<(), DirectoryError> {
        let (_, before) = self.managed_campaign(actor, id).await?;
        self.store.ads().delete_campaign(id).await?;
        let domain = self.domain_name(before.row.domain_id.as_deref()).await;
        record(
            &self.store,
            actor,
            Change::new("ad.delete", &before.row.name)
                .maybe_domain(before.row.domain_id.clone())
                .before(view(&before.row, domain.as_deref())),
        )
        .await;
        Ok(())
    }

    /// Sets a campaign's image (PNG, JPEG, GIF or WebP, at most [`MAX_IMAGE_BYTES`]), or
    /// removes it with `None`.
    pub async fn set_ad_image(
        &self,
        actor: &Actor,
        id: &str,
        image: Option<Vec<u8>>,
    ) -> Result<AdCampaignRecord, DirectoryError> {
        let (_, campaign) = self.managed_campaign(actor, id).await?;
        let image = match image {
            None => None,
            Some(bytes) if bytes.len() > MAX_IMAGE_BYTES => {
                return Err(DirectoryError::field(
                    "image",
                    format!("at most {} KiB", MAX_IMAGE_BYTES / 1024),
                ));
            }
            Some(bytes) => match image_type(&bytes) {
                Some(kind) => Some((bytes, kind.to_owned())),
                None => {
                    return Err(DirectoryError::field(
                        "image",
                        "must be a PNG, JPEG, GIF or WebP image",
                    ));
                }
            },
        };
        let kind = image.as_ref().map(|(_, k)| k.clone());
        self.store.ads().set_image(id, image).await?;
        record(
            &self.store,
            actor,
            Change::new("ad.image", &campaign.row.name)
                .maybe_domain(campaign.row.domain_id.clone())
                .before(json!({ "image": campaign.image_type }))
                .after(json!({ "image": kind })),
        )
        .await;
        Ok(self.store.ads().campaign(id).await?)
    }

    /// What a campaign showed and was clicked on each of the last `days` days (days
    /// without any are left out).
    pub async fn ad_campaign_days(
        &self,
        actor: &Actor,
        id: &str,
        days: u32,
    ) -> Result<Vec<AdDayRecord>, DirectoryError> {
        self.managed_campaign(actor, id).await?;
        let since = (Utc::now() - Duration::days(i64::from(days.clamp(1, 366)) - 1)).date_naive();
        Ok(self.store.ads().days(id, since).await?)
    }

    /// The accounts the actor manages that see no ads: `(id, address)`.
    pub async fn ad_exemptions(
        &self,
        actor: &Actor,
    ) -> Result<Vec<(String, String)>, DirectoryError> {
        let scope = actor.admin_scope()?;
        let restriction = scope.restriction();
        Ok(self
            .store
            .ads()
            .exemptions(restriction.as_deref())
            .await?
            .into_iter()
            .map(|(id, address, _)| (id, address))
            .collect())
    }

    /// Spares the account `address` the ads (again: nothing changes).
    pub async fn exempt_from_ads(
        &self,
        actor: &Actor,
        address: &str,
    ) -> Result<(), DirectoryError> {
        let scope = actor.admin_scope()?;
        let mut checks = Checks::default();
        let parsed = checks.address("address", address.trim());
        checks.finish()?;
        let parsed = parsed.expect("checked");
        let account = match self.store.accounts().account_by_address(&parsed).await {
            Ok(a) => a,
            Err(StoreError::NotFound) => {
                return Err(DirectoryError::field(
                    "address",
                    format!("{parsed} is not an account of this server"),
                ));
            }
            Err(e) => return Err(e.into()),
        };
        scope.check(&account.domain_id, "the account is")?;
        self.set_ad_exemption(actor, &account, true).await
    }

    /// The account `account_id` sees ads again.
    pub async fn remove_ad_exemption(
        &self,
        actor: &Actor,
        account_id: &str,
    ) -> Result<(), DirectoryError> {
        let scope = actor.admin_scope()?;
        let account = self.store.accounts().account(account_id).await?;
        if !scope.includes(&account.domain_id) {
            return Err(StoreError::NotFound.into());
        }
        self.set_ad_exemption(actor, &account, false).await
    }

    async fn set_ad_exemption(
        &self,
        actor: &Actor,
        account: &osprey_store::AccountRecord,
        exempt: bool,
    ) -> Result<(), DirectoryError> {
        let ads = self.store.ads();
        let was = ads.is_exempt(&account.id).await?;
        if was == exempt {
            return Ok(());
        }
        if exempt {
            ads.exempt(&account.id).await?;
        } else {
            ads.unexempt(&account.id).await?;
        }
        record(
            &self.store,
            actor,
            Change::new("account.ads", account.address())
                .domain(account.domain_id.clone())
                .before(json!({ "ads": !was }))
                .after(json!({ "ads": !exempt })),
        )
        .await;
        Ok(())
    }

    /// Whether pages of the account `id` (of domain `domain_id`) show ads: its domain
    /// has not turned them off and the account is not exempt.
    pub async fn sees_ads(
        &self,
        account_id: &str,
        domain_id: &str,
    ) -> Result<bool, DirectoryError> {
        let domain = self.store.domains().domain(domain_id).await?;
        if DomainSettings::of(&domain).no_ads {
            return Ok(false);
        }
        Ok(!self.store.ads().is_exempt(account_id).await?)
    }

    /// Whether the account's pages keep a place for an ad: it sees ads and a campaign
    /// for webmail or the calendar runs for its domain now.
    pub async fn ads_for(&self, account_id: &str, domain_id: &str) -> Result<bool, DirectoryError> {
        if !self.sees_ads(account_id, domain_id).await? {
            return Ok(false);
        }
        Ok(self
            .store
            .ads()
            .running(Some(domain_id), Utc::now())
            .await?
            .iter()
            .any(|c| c.row.targets.iter().any(|t| t != "login")))
    }

    /// Chooses the ad for a page of `target` seen by `account` (`(id, domain id)`) or,
    /// before sign-in, by a visitor of `domain_id`'s pages: one of the running campaigns
    /// of that domain and the server-wide ones, in proportion to their weights; counts
    /// its showing. `None` when ads are off for the page or none runs.
    pub async fn choose_ad(
        &self,
        account: Option<(&str, &str)>,
        domain_id: Option<&str>,
        target: &str,
    ) -> Result<Option<ChosenAd>, DirectoryError> {
        if !TARGETS.contains(&target) {
            return Err(DirectoryError::field(
                "target",
                format!("one of {}", TARGETS.join(", ")),
            ));
        }
        let domain_id = match account {
            Some((id, domain)) => {
                if !self.sees_ads(id, domain).await? {
                    return Ok(None);
                }
                Some(domain)
            }
            None => match domain_id {
                Some(d) => {
                    let domain = self.store.domains().domain(d).await?;
                    if DomainSettings::of(&domain).no_ads {
                        return Ok(None);
                    }
                    Some(d)
                }
                None => None,
            },
        };
        let running: Vec<AdCampaignRecord> = self
            .store
            .ads()
            .running(domain_id, Utc::now())
            .await?
            .into_iter()
            .filter(|c| c.row.targets.iter().any(|t| t == target))
            .collect();
        let total: u64 = running.iter().map(|c| u64::from(c.row.weight)).sum();
        if total == 0 {
            return Ok(None);
        }
        let mut pick = random_below(total);
        let chosen = running
            .into_iter()
            .find(|c| {
                let w = u64::from(c.row.weight);
                if pick < w {
                    true
                } else {
                    pick -= w;
                    false
                }
            })
            .expect("the pick falls within the weights");
        self.store
            .ads()
            .count(&chosen.id, AdEvent::Impression)
            .await?;
        Ok(Some(ChosenAd {
            id: chosen.id,
            text: chosen.row.text,
            has_image: chosen.image_type.is_some(),
        }))
    }

    /// A click on the running campaign `id`: counted, and the campaign's own link
    /// returned (the only place a click may lead); a campaign not running is not found.
    pub async fn ad_click(&self, id: &str) -> Result<String, DirectoryError> {
        let campaign = self.store.ads().campaign(id).await?;
        // Only a running campaign's link: a stopped or ended one is no lasting
        // redirector on this host.
        let now = Utc::now();
        let running = campaign.row.enabled
            && campaign.row.starts_at.is_none_or(|s| s <= now)
            && campaign.row.ends_at.is_none_or(|e| e > now);
        if !running {
            return Err(StoreError::NotFound.into());
        }
        self.store.ads().count(id, AdEvent::Click).await?;
        Ok(campaign.row.link_url)
    }

    /// A campaign's image and its media type, for anyone (ads are public).
    pub async fn ad_image(&self, id: &str) -> Result<(Vec<u8>, String), DirectoryError> {
        Ok(self
            .store
            .ads()
            .image(id)
            .await?
            .ok_or(StoreError::NotFound)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_link_is_an_absolute_web_address_and_nothing_else() {
        assert_eq!(link_problem("https://shop.example/spring?a=1#x"), None);
        assert_eq!(link_problem("http://shop.example"), None);
        for bad in [
            "javascript:alert(1)",
            "//evil.example",
            "https://",
            "https://user@evil.example/",
            "https://shop.example/a b",
            "https://shop.example\\@evil.example",
            "data:text/html,hi",
        ] {
            assert!(link_problem(bad).is_some(), "{bad}");
        }
    }

    #[test]
    fn images_are_known_by_their_first_bytes() {
        assert_eq!(image_type(b"\x89PNG\r\n\x1a\n...."), Some("image/png"));
        assert_eq!(image_type(&[0xFF, 0xD8, 0xFF, 0xE0]), Some("image/jpeg"));
        assert_eq!(image_type(b"GIF89a..."), Some("image/gif"));
        assert_eq!(image_type(b"RIFF\0\0\0\0WEBPVP8 "), Some("image/webp"));
        assert_eq!(image_type(b"<svg onload=alert(1)>"), None);
    }
}
