//! Per-host look: the server's default and each domain's, as the texts and colours of an
//! [`osprey_core::look::Look`] (stored as JSON) beside a logo and a favicon. What a look
//! may hold and who may change it is the directory's to decide; this stores, and merges
//! a domain's look over the server's (the one rule of inheritance, in `Look::over`).

use chrono::{DateTime, Utc};
use osprey_core::look::Look;
use sea_orm::{
    ColumnTrait, EntityTrait, FromQueryResult, QueryFilter, QuerySelect, Set, sea_query::OnConflict,
};

use crate::{StoreError, entity::branding, views::Brandings};

/// The scope of the server's own look (domain ids never take this form).
pub const SERVER_SCOPE: &str = "*";

/// A look's image.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BrandImage {
    Logo,
    Favicon,
}

impl BrandImage {
    /// `logo` or `favicon`.
    pub fn as_str(self) -> &'static str {
        match self {
            BrandImage::Logo => "logo",
            BrandImage::Favicon => "favicon",
        }
    }
}

/// One scope's stored look (without the image bytes).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrandingRecord {
    pub scope_id: String,
    pub look: Look,
    pub logo_type: Option<String>,
    pub favicon_type: Option<String>,
    pub updated_at: DateTime<Utc>,
}

/// The look a domain's pages show: its own over the server's, and whose images.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct EffectiveBranding {
    pub look: Look,
    /// The scope whose logo shows (the domain's, else the server's), if any has one.
    pub logo_scope: Option<String>,
    /// The scope whose favicon shows, if any has one.
    pub favicon_scope: Option<String>,
    /// Changes whenever either look does: for cache-busting addresses.
    pub version: String,
}

#[derive(Debug, FromQueryResult)]
struct Listed {
    scope_id: String,
    settings: String,
    logo_type: Option<String>,
    favicon_type: Option<String>,
    updated_at: DateTime<Utc>,
}

fn record(l: Listed) -> BrandingRecord {
    BrandingRecord {
        // A look the store cannot read shows as none rather than failing every page.
        look: serde_json::from_str(&l.settings).unwrap_or_default(),
        scope_id: l.scope_id,
        logo_type: l.logo_type,
        favicon_type: l.favicon_type,
        updated_at: l.updated_at,
    }
}

impl Brandings<'_> {
    async fn listed(self, scopes: Vec<String>) -> Result<Vec<BrandingRecord>, StoreError> {
        Ok(branding::Entity::find()
            .select_only()
            .columns([
                branding::Column::ScopeId,
                branding::Column::Settings,
                branding::Column::LogoType,
                branding::Column::FaviconType,
                branding::Column::UpdatedAt,
            ])
            .filter(branding::Column::ScopeId.is_in(scopes))
            .into_model::<Listed>()
            .all(&self.db)
            .await?
            .into_iter()
            .map(record)
            .collect())
    }

    /// The look stored for `scope` (a domain id, or [`SERVER_SCOPE`]), if any.
    pub async fn branding(self, scope: &str) -> Result<Option<BrandingRecord>, StoreError> {
        Ok(self.listed(vec![scope.to_owned()]).await?.pop())
    }

    /// What the pages of `domain_id` show (the server's look alone for `None`).
    pub async fn effective(self, domain_id: Option<&str>) -> Result<EffectiveBranding, StoreError> {
        let mut scopes = vec![SERVER_SCOPE.to_owned()];
        scopes.extend(domain_id.map(str::to_owned));
        let rows = self.listed(scopes).await?;
        let server = rows.iter().find(|r| r.scope_id == SERVER_SCOPE);
        let domain = rows.iter().find(|r| r.scope_id != SERVER_SCOPE);
        let server_look = server.map(|r| r.look.clone()).unwrap_or_default();
        let look = match domain {
            Some(d) => d.look.clone().over(&server_look),
            None => server_look,
        };
        let with = |has: fn(&BrandingRecord) -> bool| {
            domain
                .filter(|r| has(r))
                .or(server.filter(|r| has(r)))
                .map(|r| r.scope_id.clone())
        };
        let stamp = |r: Option<&BrandingRecord>| {
            r.map_or(0, |r| {
                r.updated_at.timestamp_nanos_opt().unwrap_or_default()
            })
        };
        Ok(EffectiveBranding {
            look,
            logo_scope: with(|r| r.logo_type.is_some()),
            favicon_scope: with(|r| r.favicon_type.is_some()),
            version: format!("{:x}{:x}", stamp(server), stamp(domain)),
        })
    }

    /// What the pages and messages of the domain called `name` (its name or an alias
    /// name, any case) show; the server's look for a name that is not one of ours.
    pub async fn for_name(self, name: &str) -> Result<EffectiveBranding, StoreError> {
        let domain = match self.domains().domain_by_name(name).await {
            Ok(d) => Some(d.id),
            Err(StoreError::NotFound) => None,
            Err(e) => return Err(e),
        };
        self.effective(domain.as_deref()).await
    }

    /// The product name the server's messages to or from `address` use: that of the
    /// address's domain, else the server's; Osprey's own when the store cannot say.
    pub async fn product_name(self, address: &str) -> String {
        let domain = address.rsplit_once('@').map_or("", |(_, d)| d);
        match self.for_name(domain).await {
            Ok(b) => b.look.name().to_owned(),
            Err(_) => osprey_core::look::DEFAULT_PRODUCT_NAME.to_owned(),
        }
    }

    async fn upsert(
        self,
        model: branding::ActiveModel,
        columns: &[branding::Column],
    ) -> Result<(), StoreError> {
        branding::Entity::insert(model)
            .on_conflict(
                OnConflict::column(branding::Column::ScopeId)
                    .update_columns(columns.iter().copied().chain([branding::Column::UpdatedAt]))
                    .to_owned(),
            )
            .exec_without_returning(&self.db)
            .await?;
        Ok(())
    }

    fn blank(scope: &str) -> branding::ActiveModel {
        branding::ActiveModel {
            scope_id: Set(scope.to_owned()),
            settings: Set("{}".to_owned()),
            logo: Set(None),
            logo_type: Set(None),
            favicon: Set(None),
            favicon_type: Set(None),
            updated_at: Set(Utc::now()),
        }
    }

    /// Replaces the texts and colours of `scope`'s look (its images stay).
    pub async fn save_look(self, scope: &str, look: &Look) -> Result<(), StoreError> {
        let mut model = Self::blank(scope);
        model.settings =
            Set(serde_json::to_string(look).map_err(|e| StoreError::Invalid(e.to_string()))?);
        self.upsert(model, &[branding::Column::Settings]).await
    }

    /// Sets (or with `None` removes) one of `scope`'s images with its media type.
    pub async fn set_image(
        self,
        scope: &str,
        which: BrandImage,
        image: Option<(Vec<u8>, String)>,
    ) -> Result<(), StoreError> {
        let (bytes, kind) = image.map_or((None, None), |(b, k)| (Some(b), Some(k)));
        let mut model = Self::blank(scope);
        let columns = match which {
            BrandImage::Logo => {
                model.logo = Set(bytes);
                model.logo_type = Set(kind);
                [branding::Column::Logo, branding::Column::LogoType]
            }
            BrandImage::Favicon => {
                model.favicon = Set(bytes);
                model.favicon_type = Set(kind);
                [branding::Column::Favicon, branding::Column::FaviconType]
            }
        };
        self.upsert(model, &columns).await
    }

    /// One of `scope`'s images and its media type, if it has one.
    pub async fn image(
        self,
        scope: &str,
        which: BrandImage,
    ) -> Result<Option<(Vec<u8>, String)>, StoreError> {
        let Some(m) = branding::Entity::find_by_id(scope.to_owned())
            .one(&self.db)
            .await?
        else {
            return Ok(None);
        };
        Ok(match which {
            BrandImage::Logo => m.logo.zip(m.logo_type),
            BrandImage::Favicon => m.favicon.zip(m.favicon_type),
        })
    }

    /// Forgets `scope`'s look, images and all (its pages show the parent's).
    pub async fn delete(self, scope: &str) -> Result<(), StoreError> {
        branding::Entity::delete_many()
            .filter(branding::Column::ScopeId.eq(scope))
            .exec(&self.db)
            .await?;
        Ok(())
    }
}
