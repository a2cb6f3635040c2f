//! Per-host look ("HTML templates" in the seed): the server's default look and each
//! domain's, chosen for a page by the host name it is reached at (a domain's name or one
//! of its alias names). Server administrators change the server's look and every
//! domain's, domain administrators their domains'. What a look may hold is
//! `osprey_core::look`'s to say; every change is audited.

use osprey_core::look::Look;
use osprey_store::{BrandImage, BrandingRecord, EffectiveBranding, SERVER_SCOPE, StoreError};
use serde_json::{Value, json};

use crate::{
    Actor, AdminScope, Directory, DirectoryError,
    ads::image_type,
    audit::{Change, record},
};

/// Largest logo, in bytes.
pub const MAX_LOGO_BYTES: usize = 256 * 1024;
/// Largest favicon, in bytes.
pub const MAX_FAVICON_BYTES: usize = 64 * 1024;

/// Knows an image's media type by its first bytes.
type Sniffer = fn(&[u8]) -> Option<&'static str>;

/// A look's scope as an administrator names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrandingScope {
    /// The store's scope: a domain id or [`SERVER_SCOPE`].
    pub id: String,
    /// The domain's name; `None` for the server's look.
    pub domain: Option<String>,
}

/// A scope's look as its administrator sees it: what it sets, and what it inherits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrandingView {
    pub scope: BrandingScope,
    pub record: Option<BrandingRecord>,
    /// What fields it leaves unset come from: the server's look for a domain, nothing
    /// (Osprey's own) for the server.
    pub inherited: Look,
}

/// The media type of a favicon by its first bytes: an image [`image_type`] knows, or
/// an ICO file (never SVG, which may hold scripts).
pub fn favicon_type(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(&[0, 0, 1, 0]) {
        Some("image/x-icon")
    } else {
        image_type(bytes)
    }
}

fn view(look: &Look) -> Value {
    serde_json::to_value(look).unwrap_or(Value::Null)
}

/// The host name of a `Host` header value: without its port, lowercase.
pub fn host_name(host: &str) -> String {
    let host = host.trim();
    let name = match host.strip_prefix('[') {
        // An IPv6 literal: no domain's.
        Some(_) => "",
        None => host.rsplit_once(':').map_or(host, |(name, _)| name),
    };
    name.trim_end_matches('.').to_ascii_lowercase()
}

impl Directory {
    /// The scope the actor names: the server's look (`None`, server administrators) or
    /// one of its domains'.
    async fn branding_scope(
        &self,
        scope: &AdminScope,
        domain: Option<&str>,
    ) -> Result<BrandingScope, DirectoryError> {
        match domain.map(str::trim).filter(|d| !d.is_empty()) {
            None if *scope == AdminScope::All => Ok(BrandingScope {
                id: SERVER_SCOPE.to_owned(),
                domain: None,
            }),
            None => Err(DirectoryError::forbidden(
                "the server's look is a server administrator's; name one of your domains",
            )),
            Some(name) => match self.store.domains().domain_by_name(name).await {
                Ok(d) => {
                    scope.check_domain(&d.id, &d.name)?;
                    Ok(BrandingScope {
                        id: d.id,
                        domain: Some(d.name),
                    })
                }
                Err(StoreError::NotFound) => Err(DirectoryError::field(
                    "domain",
                    format!("{name} is not a domain of this server"),
                )),
                Err(e) => Err(e.into()),
            },
        }
    }

    async fn branding_view(&self, scope: BrandingScope) -> Result<BrandingView, DirectoryError> {
        let brandings = self.store.brandings();
        let record = brandings.branding(&scope.id).await?;
        let inherited = if scope.domain.is_some() {
            brandings
                .branding(SERVER_SCOPE)
                .await?
                .map(|r| r.look)
                .unwrap_or_default()
        } else {
            Look::default()
        };
        Ok(BrandingView {
            scope,
            record,
            inherited,
        })
    }

    /// The look of `domain` (by name; `None`: the server's) as the actor may see it.
    pub async fn branding(
        &self,
        actor: &Actor,
        domain: Option<&str>,
    ) -> Result<BrandingView, DirectoryError> {
        let scope = self.branding_scope(&actor.admin_scope()?, domain).await?;
        self.branding_view(scope).await
    }

    /// Replaces the texts and colours of a look (its images stay), every field checked.
    pub async fn set_branding(
        &self,
        actor: &Actor,
        domain: Option<&str>,
        look: Look,
    ) -> Result<BrandingView, DirectoryError> {
        let scope = self.branding_scope(&actor.admin_scope()?, domain).await?;
        let (look, problems) = look.checked();
        if !problems.is_empty() {
            return Err(DirectoryError::Invalid(
                problems
                    .into_iter()
                    .map(|(field, message)| crate::FieldProblem {
                        field: field.to_owned(),
                        message,
                    })
                    .collect(),
            ));
        }
        let before = self.store.brandings().branding(&scope.id).await?;
        self.store.brandings().save_look(&scope.id, &look).await?;
        self.audit_branding(
            actor,
            &scope,
            "branding.update",
            before.map(|b| view(&b.look)),
            Some(view(&look)),
        )
        .await;
        self.branding_view(scope).await
    }

    /// Forgets a look, images and all: its pages show the server's (or Osprey's own).
    pub async fn reset_branding(
        &self,
        actor: &Actor,
        domain: Option<&str>,
    ) -> Result<(), DirectoryError> {
        let scope = self.branding_scope(&actor.admin_scope()?, domain).await?;
        let Some(before) = self.store.brandings().branding(&scope.id).await? else {
            return Ok(());
        };
        self.store.brandings().delete(&scope.id).await?;
        self.audit_branding(
            actor,
            &scope,
            "branding.reset",
            Some(view(&before.look)),
            None,
        )
        .await;
        Ok(())
    }

    /// Sets a look's logo (PNG, JPEG, GIF or WebP, at most [`MAX_LOGO_BYTES`]) or favicon
    /// (those or ICO, at most [`MAX_FAVICON_BYTES`]), or removes it with `None`.
    pub async fn set_branding_image(
        &self,
        actor: &Actor,
        domain: Option<&str>,
        which: BrandImage,
        image: Option<Vec<u8>>,
    ) -> Result<BrandingView, DirectoryError> {
        let scope = self.branding_scope(&actor.admin_scope()?, domain).await?;
        let (max, kinds, known): (usize, &str, Sniffer) = match which {
            BrandImage::Logo => (MAX_LOGO_BYTES, "a PNG, JPEG, GIF or WebP image", image_type),
            BrandImage::Favicon => (
                MAX_FAVICON_BYTES,
                "an ICO, PNG, JPEG, GIF or WebP image",
                favicon_type,
            ),
        };
        let image = match image {
            None => None,
            Some(bytes) if bytes.len() > max => {
                return Err(DirectoryError::field(
                    "file",
                    format!("at most {} KiB", max / 1024),
                ));
            }
            Some(bytes) => match known(&bytes) {
                Some(kind) => Some((bytes, kind.to_owned())),
                None => return Err(DirectoryError::field("file", format!("must be {kinds}"))),
            },
        };
        let before = self.store.brandings().branding(&scope.id).await?;
        let had = before.as_ref().and_then(|b| match which {
            BrandImage::Logo => b.logo_type.clone(),
            BrandImage::Favicon => b.favicon_type.clone(),
        });
        let kind = image.as_ref().map(|(_, k)| k.clone());
        self.store
            .brandings()
            .set_image(&scope.id, which, image)
            .await?;
        self.audit_branding(
            actor,
            &scope,
            "branding.image",
            Some(json!({ which.as_str(): had })),
            Some(json!({ which.as_str(): kind })),
        )
        .await;
        self.branding_view(scope).await
    }

    async fn audit_branding(
        &self,
        actor: &Actor,
        scope: &BrandingScope,
        action: &'static str,
        before: Option<Value>,
        after: Option<Value>,
    ) {
        let target = scope.domain.clone().unwrap_or_else(|| "server".to_owned());
        let mut change = Change::new(action, target);
        if scope.domain.is_some() {
            change = change.domain(scope.id.clone());
        }
        if let Some(b) = before {
            change = change.before(b);
        }
        if let Some(a) = after {
            change = change.after(a);
        }
        record(&self.store, actor, change).await;
    }

    /// The look of the pages reached at `host` (a `Host` header value): its domain's
    /// (by name or alias name) over the server's, or the server's for any other host.
    /// For anyone: it is what the sign-in page shows.
    pub async fn branding_for_host(&self, host: &str) -> Result<EffectiveBranding, DirectoryError> {
        Ok(self.store.brandings().for_name(&host_name(host)).await?)
    }

    /// The look of the pages and messages of the domain `domain_id`.
    pub async fn branding_of_domain(
        &self,
        domain_id: &str,
    ) -> Result<EffectiveBranding, DirectoryError> {
        Ok(self.store.brandings().effective(Some(domain_id)).await?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_host_header_names_a_host() {
        assert_eq!(host_name("Mail.Example.COM:8443"), "mail.example.com");
        assert_eq!(host_name("example.com."), "example.com");
        assert_eq!(host_name("[::1]:8080"), "");
        assert_eq!(host_name("localhost"), "localhost");
    }

    #[test]
    fn favicons_are_icons_or_images_never_svg() {
        assert_eq!(favicon_type(&[0, 0, 1, 0, 1, 0]), Some("image/x-icon"));
        assert_eq!(favicon_type(b"\x89PNG\r\n\x1a\n...."), Some("image/png"));
        assert_eq!(favicon_type(b"<svg onload=alert(1)>"), None);
    }
}
