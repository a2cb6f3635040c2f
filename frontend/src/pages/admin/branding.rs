//! Per-host look (the seed's "HTML templates"): the server's look (server
//! administrators) or a domain's (its administrators too) — product name, colours, the
//! sign-in page's heading and text, the footer, custom CSS, logo and favicon — with a
//! live preview of the bar and the sign-in card as the fields change.

use osprey_api_types::{Branding, BrandingLook};
use yew::platform::spawn_local;
use yew::prelude::*;

use super::AdminLayout;
use crate::api::{ApiError, use_api};
use crate::components::banner::{Banner, ProblemBanner, Tone};
use crate::components::confirm::ConfirmButton;
use crate::components::field::{TextArea, TextField, chosen_file};
use crate::state::use_session;

const FIELDS: &[&str] = &[
    "domain",
    "product_name",
    "accent_color",
    "header_color",
    "login_title",
    "login_text",
    "footer",
    "custom_css",
    "file",
];

/// The form's fields, as typed.
#[derive(Clone, PartialEq, Default)]
struct Draft {
    product_name: String,
    accent_color: String,
    header_color: String,
    login_title: String,
    login_text: String,
    footer: String,
    custom_css: String,
}

fn text(v: &Option<String>) -> String {
    v.clone().unwrap_or_default()
}

fn set_or_none(s: &str) -> Option<String> {
    let s = s.trim();
    (!s.is_empty()).then(|| s.to_owned())
}

impl Draft {
    fn of(look: &BrandingLook) -> Draft {
        Draft {
            product_name: text(&look.product_name),
            accent_color: text(&look.accent_color),
            header_color: text(&look.header_color),
            login_title: text(&look.login_title),
            login_text: text(&look.login_text),
            footer: text(&look.footer),
            custom_css: text(&look.custom_css),
        }
    }

    fn look(&self) -> BrandingLook {
        BrandingLook {
            product_name: set_or_none(&self.product_name),
            accent_color: set_or_none(&self.accent_color),
            header_color: set_or_none(&self.header_color),
            login_title: set_or_none(&self.login_title),
            login_text: set_or_none(&self.login_text),
            footer: set_or_none(&self.footer),
            custom_css: set_or_none(&self.custom_css),
        }
    }
}

/// `#rrggbb` as channels, when it is one.
fn rgb(hex: &str) -> Option<[u8; 3]> {
    let d = hex.trim().strip_prefix('#')?;
    if d.len() != 6 {
        return None;
    }
    let c = |i: usize| u8::from_str_radix(d.get(i..i + 2)?, 16).ok();
    Some([c(0)?, c(2)?, c(4)?])
}

/// White or ink on `c`, as the server's stylesheet chooses (by luminance).
fn text_on(c: [u8; 3]) -> &'static str {
    let lin = |v: u8| {
        let s = f64::from(v) / 255.0;
        if s <= 0.039_28 {
            s / 12.92
        } else {
            ((s + 0.055) / 1.055).powf(2.4)
        }
    };
    let l = 0.2126 * lin(c[0]) + 0.7152 * lin(c[1]) + 0.0722 * lin(c[2]);
    // Contrast with white against contrast with ink (#111827, luminance ≈ 0.0098).
    if 1.05 / (l + 0.05) >= (l + 0.05) / 0.0598 {
        "#ffffff"
    } else {
        "#111827"
    }
}

#[derive(Properties, PartialEq)]
struct PreviewProps {
    draft: Draft,
    inherited: BrandingLook,
    logo: Option<AttrValue>,
}

/// The bar and the sign-in card as the draft would show them (its custom CSS apart,
/// which the pages load once it is saved, the administration pages never).
#[function_component]
fn Preview(props: &PreviewProps) -> Html {
    let d = &props.draft;
    let i = &props.inherited;
    let or = |mine: &str, theirs: &Option<String>, default: &str| {
        set_or_none(mine)
            .or_else(|| theirs.clone())
            .unwrap_or_else(|| default.to_owned())
    };
    let name = or(&d.product_name, &i.product_name, "Osprey");
    let mut style = String::new();
    if let Some(c) = rgb(&or(&d.accent_color, &i.accent_color, "")) {
        style.push_str(&format!(
            "--accent:#{:02x}{:02x}{:02x};--accent-fg:{};",
            c[0],
            c[1],
            c[2],
            text_on(c)
        ));
    }
    if let Some(c) = rgb(&or(&d.header_color, &i.header_color, "")) {
        style.push_str(&format!(
            "--header-bg:#{:02x}{:02x}{:02x};--header-fg:{};",
            c[0],
            c[1],
            c[2],
            text_on(c)
        ));
    }
    let footer = or(&d.footer, &i.footer, "");
    let login_text = or(&d.login_text, &i.login_text, "");
    let brand = html! {
        <span class="brand">
            if let Some(logo) = &props.logo {
                <img class="brand-logo" src={logo.clone()} alt="" />
            } else {
                <span class="brand-mark" aria-hidden="true">{ "◆" }</span>
            }
            <span class="brand-name">{ name.clone() }</span>
        </span>
    };
    html! {
        <figure class="look-preview" id="look-preview" style={style} aria-label="Preview">
            <div class="look-bar">
                { brand.clone() }
                <span class="look-nav">{ "Mail · Contacts · Calendar" }</span>
            </div>
            <div class="look-card">
                <div class="brand big">{ brand }</div>
                <strong class="look-title" id="look-preview-title">{ or(&d.login_title, &i.login_title, "Sign in") }</strong>
                if !login_text.is_empty() { <p class="login-text">{ login_text }</p> }
                <span class="look-input">{ "Email address" }</span>
                <span class="look-input">{ "Password" }</span>
                <span class="button primary wide">{ "Sign in" }</span>
            </div>
            if !footer.is_empty() { <figcaption class="app-footer">{ footer }</figcaption> }
        </figure>
    }
}

#[function_component]
pub fn BrandingPage() -> Html {
    let api = use_api();
    let session = use_session();
    // The domain typed, and the one whose look is open (empty: the server's).
    let typed = use_state(String::new);
    let scope = use_state(|| None::<String>);
    let loaded = use_state(|| None::<Branding>);
    let draft = use_state(Draft::default);
    let error = use_state(|| None::<ApiError>);
    let note = use_state(|| None::<String>);
    let busy = use_state(|| false);
    let server_admin = session.is_server_admin();
    {
        let (api, loaded, draft, error) =
            (api.clone(), loaded.clone(), draft.clone(), error.clone());
        use_effect_with(
            ((*scope).clone(), server_admin),
            move |(scope, server_admin)| {
                let scope = scope.clone();
                if scope.is_some() || *server_admin {
                    spawn_local(async move {
                        match api.get_branding(scope.as_deref()).await {
                            Ok(b) => {
                                draft.set(Draft::of(&b.look));
                                loaded.set(Some(b));
                                error.set(None);
                            }
                            Err(e) => error.set(Some(e)),
                        }
                    });
                }
            },
        );
    }
    let after = {
        let (loaded, draft, error, note, busy) = (
            loaded.clone(),
            draft.clone(),
            error.clone(),
            note.clone(),
            busy.clone(),
        );
        Callback::from(
            move |(result, said): (Result<Branding, ApiError>, &'static str)| {
                busy.set(false);
                match result {
                    Ok(b) => {
                        draft.set(Draft::of(&b.look));
                        loaded.set(Some(b));
                        error.set(None);
                        note.set(Some(said.to_owned()));
                    }
                    Err(e) => {
                        note.set(None);
                        error.set(Some(e));
                    }
                }
            },
        )
    };
    let open = {
        let (typed, scope, loaded) = (typed.clone(), scope.clone(), loaded.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            loaded.set(None);
            scope.set(set_or_none(&typed));
        })
    };
    let save = {
        let (api, scope, draft, after, busy) = (
            api.clone(),
            scope.clone(),
            draft.clone(),
            after.clone(),
            busy.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            busy.set(true);
            let (api, scope, look, after) =
                (api.clone(), (*scope).clone(), draft.look(), after.clone());
            spawn_local(async move {
                let r = api.put_branding(&look, scope.as_deref()).await;
                after.emit((
                    r,
                    "Look saved. Pages reached at its host names show it from their next load.",
                ));
            });
        })
    };
    let reset = {
        let (api, scope, after) = (api.clone(), scope.clone(), after.clone());
        Callback::from(move |()| {
            let (api, scope, after) = (api.clone(), (*scope).clone(), after.clone());
            spawn_local(async move {
                let r = match api.delete_branding(scope.as_deref()).await {
                    Ok(()) => api.get_branding(scope.as_deref()).await,
                    Err(e) => Err(e),
                };
                after.emit((r, "Look reset: the pages show the inherited one."));
            });
        })
    };
    let image = |kind: &'static str| {
        let (api, scope, after) = (api.clone(), scope.clone(), after.clone());
        let upload = {
            let (api, scope, after) = (api.clone(), scope.clone(), after.clone());
            Callback::from(move |e: Event| {
                let Some(form) = chosen_file(&e) else {
                    return;
                };
                let (api, scope, after) = (api.clone(), (*scope).clone(), after.clone());
                spawn_local(async move {
                    let r = api.put_branding_image(kind, &form, scope.as_deref()).await;
                    after.emit((r, "Image saved."));
                });
            })
        };
        let remove = Callback::from(move |_: MouseEvent| {
            let (api, scope, after) = (api.clone(), (*scope).clone(), after.clone());
            spawn_local(async move {
                let r = api.delete_branding_image(kind, scope.as_deref()).await;
                after.emit((r, "Image removed."));
            });
        });
        (upload, remove)
    };
    let set = |f: fn(&mut Draft, String)| {
        let draft = draft.clone();
        Callback::from(move |v: String| {
            let mut d = (*draft).clone();
            f(&mut d, v);
            draft.set(d);
        })
    };
    let field_error = |name: &str| error.as_ref().and_then(|e| e.field(name));
    let inherited = loaded
        .as_ref()
        .map(|b| b.inherited.clone())
        .unwrap_or_default();
    let from_parent = |v: &Option<String>, default: &str| match v {
        Some(v) => format!("Empty: {v} (inherited)."),
        None => format!("Empty: {default}."),
    };
    let whose = match &*scope {
        Some(d) => format!("the pages of {d} and its alias names"),
        None => "every host name without a look of its own".to_owned(),
    };
    let picker = html! {
        <form class="card inline-form" onsubmit={open} id="look-scope">
            <TextField id="look-domain" label="Domain" value={(*typed).clone()}
                oninput={{ let t = typed.clone(); Callback::from(move |v| t.set(v)) }}
                hint={if server_admin { "Empty: the server's look, which every domain inherits." } else { "One of your domains." }} />
            <button type="submit" class="button">{ "Open" }</button>
        </form>
    };
    let body = match &*loaded {
        None if scope.is_none() && !server_admin => html! {
            <p class="empty">{ "Name one of your domains to change the look of its pages." }</p>
        },
        None if error.is_some() => html! {},
        None => html! { <p class="loading" aria-busy="true">{ "Loading…" }</p> },
        Some(b) => {
            let d = &*draft;
            let version = b
                .updated_at
                .map(|t| t.timestamp().to_string())
                .unwrap_or_default();
            let image_url = |kind: &str| match &b.domain {
                Some(name) => format!("/api/v1/branding/images/{kind}?domain={name}&v={version}"),
                None => format!("/api/v1/branding/images/{kind}?v={version}"),
            };
            let logo = b
                .logo_type
                .as_ref()
                .map(|_| AttrValue::from(image_url("logo")));
            let (upload_logo, remove_logo) = image("logo");
            let (upload_icon, remove_icon) = image("favicon");
            html! {
                <div class="look-layout">
                    <form class="card" onsubmit={save} id="look-form" novalidate=true>
                        <h2>{ format!("Look of {whose}") }</h2>
                        <TextField id="look-product-name" label="Product name" value={d.product_name.clone()} oninput={set(|d, v| d.product_name = v)}
                            error={field_error("product_name")} hint={from_parent(&inherited.product_name, "Osprey")} />
                        <div class="field-row">
                            <TextField id="look-accent" label="Accent colour" value={d.accent_color.clone()} oninput={set(|d, v| d.accent_color = v)}
                                placeholder="#1d4ed8" error={field_error("accent_color")} hint={from_parent(&inherited.accent_color, "Osprey's blue")} />
                            <TextField id="look-header" label="Bar colour" value={d.header_color.clone()} oninput={set(|d, v| d.header_color = v)}
                                placeholder="#0b1f3a" error={field_error("header_color")} hint={from_parent(&inherited.header_color, "the page's surface")} />
                        </div>
                        <TextField id="look-login-title" label="Sign-in heading" value={d.login_title.clone()} oninput={set(|d, v| d.login_title = v)}
                            error={field_error("login_title")} hint={from_parent(&inherited.login_title, "Sign in")} />
                        <TextArea id="look-login-text" label="Sign-in text" value={d.login_text.clone()} oninput={set(|d, v| d.login_text = v)}
                            error={field_error("login_text")} hint="Plain text under the heading; line breaks are kept." />
                        <TextField id="look-footer" label="Footer" value={d.footer.clone()} oninput={set(|d, v| d.footer = v)}
                            error={field_error("footer")} hint="One line at the bottom of every page." />
                        <TextArea id="look-css" label="Custom CSS" value={d.custom_css.clone()} oninput={set(|d, v| d.custom_css = v)} rows={6}
                            error={field_error("custom_css")}
                            hint="Loaded after the app's own on every page but these administration pages. It may load only the look's images (/api/v1/branding/images/logo) and data:image addresses; no @import, no \\ escapes." />
                        <div class="form-actions">
                            <button type="submit" class="button primary" disabled={*busy} id="look-save">{ if *busy { "Saving…" } else { "Save look" } }</button>
                            if b.updated_at.is_some() {
                                <ConfirmButton label="Reset" subject="this look to the inherited one" onconfirm={reset} />
                            }
                        </div>
                        <h3>{ "Images" }</h3>
                        <div class="look-images">
                            <div>
                                <strong>{ "Logo" }</strong>
                                <span class="muted">{ if b.logo_type.is_some() { " set" } else { " none: the mark ◆ shows" } }</span>
                                <div class="row-actions">
                                    <label class="button subtle" for="look-logo-file">{ if b.logo_type.is_some() { "Change logo" } else { "Upload logo" } }</label>
                                    <input type="file" class="visually-hidden" id="look-logo-file" accept="image/png,image/jpeg,image/gif,image/webp" onchange={upload_logo} />
                                    if b.logo_type.is_some() { <button type="button" class="button subtle" onclick={remove_logo} id="look-logo-remove">{ "Remove" }</button> }
                                </div>
                            </div>
                            <div>
                                <strong>{ "Favicon" }</strong>
                                <span class="muted">{ if b.favicon_type.is_some() { " set" } else { " none: the inherited one shows" } }</span>
                                <div class="row-actions">
                                    <label class="button subtle" for="look-favicon-file">{ if b.favicon_type.is_some() { "Change favicon" } else { "Upload favicon" } }</label>
                                    <input type="file" class="visually-hidden" id="look-favicon-file" accept="image/x-icon,image/png,image/gif,image/jpeg,image/webp" onchange={upload_icon} />
                                    if b.favicon_type.is_some() { <button type="button" class="button subtle" onclick={remove_icon}>{ "Remove" }</button> }
                                </div>
                            </div>
                        </div>
                        <p class="muted">{ "Logo: PNG, JPEG, GIF or WebP up to 256 KiB. Favicon: ICO or those, up to 64 KiB." }</p>
                    </form>
                    <Preview draft={d.clone()} inherited={inherited.clone()} logo={logo} />
                </div>
            }
        }
    };
    html! {
        <AdminLayout title="Look" intro="The product name, colours, sign-in page texts, footer, logo and favicon of the pages, chosen by the host name a page is reached at. System messages (bounces, reminders, list mail) use the product name too.">
            { picker }
            if let Some(n) = &*note { <Banner tone={Tone::Success} id="look-note">{ n.clone() }</Banner> }
            <ProblemBanner error={(*error).clone()} fields={FIELDS} id="look-error" />
            { body }
        </AdminLayout>
    }
}
