//! `osprey look ...`: the look of the server's pages or a domain's, from the command line.
//! What a look may hold and who may change it are the directory's to say.

use osprey_core::look::Look;
use osprey_directory::Actor;
use osprey_store::BrandImage;

use crate::{
    cli::LookCmd,
    config::Config,
    serve::{directory, open_store},
};

/// `new` over `old`: `None` keeps the old value, an empty one unsets it.
fn change(old: Option<String>, new: Option<String>) -> Option<String> {
    match new {
        None => old,
        Some(v) if v.trim().is_empty() => None,
        Some(v) => Some(v),
    }
}

fn line(label: &str, mine: &Option<String>, inherited: &Option<String>) {
    match (mine, inherited) {
        (Some(v), _) => println!("{label}: {v}"),
        (None, Some(v)) => println!("{label}: {v} (inherited)"),
        (None, None) => println!("{label}: -"),
    }
}

/// Runs `osprey look show|set|image|reset`.
pub async fn run(config: &Config, cmd: LookCmd) -> anyhow::Result<()> {
    let store = open_store(config).await?;
    let directory = directory(&store);
    let actor = Actor::Operator;
    match cmd {
        LookCmd::Show { domain, json } => {
            let view = directory.branding(&actor, domain.as_deref()).await?;
            if json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&osprey_api::dto::branding(view))?
                );
                return Ok(());
            }
            let look = view
                .record
                .as_ref()
                .map(|r| r.look.clone())
                .unwrap_or_default();
            let i = &view.inherited;
            line("product name", &look.product_name, &i.product_name);
            line("accent colour", &look.accent_color, &i.accent_color);
            line("bar colour", &look.header_color, &i.header_color);
            line("sign-in heading", &look.login_title, &i.login_title);
            line("sign-in text", &look.login_text, &i.login_text);
            line("footer", &look.footer, &i.footer);
            let css = look
                .custom_css
                .as_ref()
                .map(|c| format!("{} bytes", c.len()));
            line("custom CSS", &css, &None);
            for (label, kind) in [
                (
                    "logo",
                    view.record.as_ref().and_then(|r| r.logo_type.clone()),
                ),
                (
                    "favicon",
                    view.record.as_ref().and_then(|r| r.favicon_type.clone()),
                ),
            ] {
                println!("{label}: {}", kind.as_deref().unwrap_or("-"));
            }
        }
        LookCmd::Set {
            domain,
            product_name,
            accent_color,
            header_color,
            login_title,
            login_text,
            footer,
            css_file,
        } => {
            let old = directory
                .branding(&actor, domain.as_deref())
                .await?
                .record
                .map(|r| r.look)
                .unwrap_or_default();
            let custom_css = match css_file {
                Some(path) => Some(
                    std::fs::read_to_string(&path)
                        .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", path.display()))?,
                ),
                None => None,
            };
            let look = Look {
                product_name: change(old.product_name, product_name),
                accent_color: change(old.accent_color, accent_color),
                header_color: change(old.header_color, header_color),
                login_title: change(old.login_title, login_title),
                login_text: change(old.login_text, login_text),
                footer: change(old.footer, footer),
                custom_css: change(old.custom_css, custom_css),
            };
            directory
                .set_branding(&actor, domain.as_deref(), look)
                .await?;
        }
        LookCmd::Image {
            kind,
            file,
            domain,
            remove,
        } => {
            let which = if kind == "logo" {
                BrandImage::Logo
            } else {
                BrandImage::Favicon
            };
            let image = match (file, remove) {
                (Some(path), false) => Some(
                    std::fs::read(&path)
                        .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", path.display()))?,
                ),
                (None, true) => None,
                _ => anyhow::bail!("name an image file, or --remove"),
            };
            directory
                .set_branding_image(&actor, domain.as_deref(), which, image)
                .await?;
        }
        LookCmd::Reset { domain } => directory.reset_branding(&actor, domain.as_deref()).await?,
    }
    Ok(())
}
