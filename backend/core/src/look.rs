//! The look of the web pages a host serves ("HTML templates" in the seed): product name,
//! colours, sign-in page texts, footer and custom CSS. The server has one (its default)
//! and a domain may set its own; a field a domain leaves empty is the server's, and one
//! neither sets is Osprey's own. The images (logo, favicon) are kept beside these.
//!
//! This module checks what an administrator writes and turns a look into the stylesheet
//! the pages load after their own: CSS variables for the colours, then the custom CSS,
//! which may not load anything from another host.

use std::fmt::Write as _;

use serde::{Deserialize, Serialize};

/// The name the pages and the server's own messages use when no look names one.
pub const DEFAULT_PRODUCT_NAME: &str = "Osprey";
/// Longest product name, in characters.
pub const MAX_PRODUCT_NAME: usize = 60;
/// Longest sign-in page title, in characters.
pub const MAX_LOGIN_TITLE: usize = 100;
/// Longest sign-in page text and footer, in characters.
pub const MAX_LOGIN_TEXT: usize = 1000;
/// Longest footer, in characters.
pub const MAX_FOOTER: usize = 300;
/// Largest custom CSS, in bytes.
pub const MAX_CUSTOM_CSS: usize = 32 * 1024;

/// A look's texts and colours; each field unset means "the parent's" (the server's for a
/// domain, Osprey's own for the server).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Look {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub product_name: Option<String>,
    /// Buttons, links and the selection: `#rrggbb`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub accent_color: Option<String>,
    /// The bar at the top of the pages: `#rrggbb`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub header_color: Option<String>,
    /// The heading of the sign-in page (instead of "Sign in").
    #[serde(skip_serializing_if = "Option::is_none")]
    pub login_title: Option<String>,
    /// A paragraph under it (plain text; line breaks kept).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub login_text: Option<String>,
    /// A line at the bottom of every page (plain text).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub footer: Option<String>,
    /// Loaded after the pages' own stylesheet; see [`css_problems`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub custom_css: Option<String>,
}

impl Look {
    /// This look with each field it leaves unset taken from `parent`.
    pub fn over(self, parent: &Look) -> Look {
        let pick = |mine: Option<String>, theirs: &Option<String>| mine.or_else(|| theirs.clone());
        Look {
            product_name: pick(self.product_name, &parent.product_name),
            accent_color: pick(self.accent_color, &parent.accent_color),
            header_color: pick(self.header_color, &parent.header_color),
            login_title: pick(self.login_title, &parent.login_title),
            login_text: pick(self.login_text, &parent.login_text),
            footer: pick(self.footer, &parent.footer),
            custom_css: pick(self.custom_css, &parent.custom_css),
        }
    }

    /// The product name to show: this look's, else Osprey's.
    pub fn name(&self) -> &str {
        self.product_name.as_deref().unwrap_or(DEFAULT_PRODUCT_NAME)
    }

    /// The look as written, trimmed, empty fields unset, and every problem found:
    /// `(field, message)` pairs, none when it may be kept.
    pub fn checked(self) -> (Look, Vec<(&'static str, String)>) {
        let mut problems = Vec::new();
        let tidy = |v: Option<String>| v.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty());
        let look = Look {
            product_name: tidy(self.product_name),
            accent_color: tidy(self.accent_color).map(|c| c.to_ascii_lowercase()),
            header_color: tidy(self.header_color).map(|c| c.to_ascii_lowercase()),
            login_title: tidy(self.login_title),
            login_text: tidy(self.login_text).map(|t| t.replace("\r\n", "\n")),
            footer: tidy(self.footer),
            custom_css: tidy(self.custom_css),
        };
        let one_line = [
            ("product_name", &look.product_name, MAX_PRODUCT_NAME),
            ("login_title", &look.login_title, MAX_LOGIN_TITLE),
            ("footer", &look.footer, MAX_FOOTER),
        ];
        for (field, value, max) in one_line {
            if let Some(v) = value {
                if v.chars().count() > max {
                    problems.push((field, format!("at most {max} characters")));
                } else if v.chars().any(|c| c.is_control() || c == '<' || c == '>') {
                    problems.push((field, "must be plain text on one line (no HTML)".into()));
                }
            }
        }
        if let Some(v) = &look.login_text {
            if v.chars().count() > MAX_LOGIN_TEXT {
                problems.push(("login_text", format!("at most {MAX_LOGIN_TEXT} characters")));
            } else if v
                .chars()
                .any(|c| (c.is_control() && c != '\n') || c == '<' || c == '>')
            {
                problems.push(("login_text", "must be plain text (no HTML)".into()));
            }
        }
        for (field, value) in [
            ("accent_color", &look.accent_color),
            ("header_color", &look.header_color),
        ] {
            if let Some(v) = value
                && rgb(v).is_none()
            {
                problems.push((field, "a colour as #rrggbb, such as #1d4ed8".into()));
            }
        }
        if let Some(css) = &look.custom_css {
            problems.extend(css_problems(css).into_iter().map(|p| ("custom_css", p)));
        }
        (look, problems)
    }
}

/// `#rrggbb` as its three channels.
fn rgb(hex: &str) -> Option<[u8; 3]> {
    let digits = hex.strip_prefix('#')?;
    if digits.len() != 6 || !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let channel = |i: usize| u8::from_str_radix(&digits[i..i + 2], 16).ok();
    Some([channel(0)?, channel(2)?, channel(4)?])
}

fn hex([r, g, b]: [u8; 3]) -> String {
    format!("#{r:02x}{g:02x}{b:02x}")
}

/// `c` moved toward `toward` by `amount` (0 to 1).
fn mix(c: [u8; 3], toward: [u8; 3], amount: f64) -> [u8; 3] {
    let channel = |a: u8, b: u8| {
        (f64::from(a) + (f64::from(b) - f64::from(a)) * amount)
            .round()
            .clamp(0.0, 255.0) as u8
    };
    [
        channel(c[0], toward[0]),
        channel(c[1], toward[1]),
        channel(c[2], toward[2]),
    ]
}

/// Relative luminance (WCAG 2.x).
fn luminance(c: [u8; 3]) -> f64 {
    let linear = |v: u8| {
        let s = f64::from(v) / 255.0;
        if s <= 0.039_28 {
            s / 12.92
        } else {
            ((s + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * linear(c[0]) + 0.7152 * linear(c[1]) + 0.0722 * linear(c[2])
}

const WHITE: [u8; 3] = [255, 255, 255];
const INK: [u8; 3] = [0x11, 0x18, 0x27];
const BLACK: [u8; 3] = [0, 0, 0];
/// The pages' surface in the dark scheme (`--surface` in `style.css`).
const DARK_SURFACE: [u8; 3] = [0x17, 0x1d, 0x25];

/// White or ink, whichever reads better on `c` (the higher contrast ratio).
fn text_on(c: [u8; 3]) -> [u8; 3] {
    let l = luminance(c);
    let contrast = |other: [u8; 3]| {
        let o = luminance(other);
        (l.max(o) + 0.05) / (l.min(o) + 0.05)
    };
    if contrast(WHITE) >= contrast(INK) {
        WHITE
    } else {
        INK
    }
}

/// The stylesheet of a look's colours: the pages' CSS variables (see `style.css`).
/// Empty for a look that sets none. Its custom CSS is a stylesheet of its own.
pub fn stylesheet(look: &Look) -> String {
    let mut css = String::new();
    let mut light = String::new();
    let mut dark = String::new();
    if let Some(accent) = look.accent_color.as_deref().and_then(rgb) {
        let _ = write!(
            light,
            "--accent:{};--accent-hover:{};--accent-fg:{};--accent-soft:{};--focus:{};",
            hex(accent),
            hex(mix(accent, BLACK, 0.15)),
            hex(text_on(accent)),
            hex(mix(accent, WHITE, 0.88)),
            hex(accent),
        );
        let _ = write!(
            dark,
            "--accent:{};--accent-hover:{};--accent-fg:{};--accent-soft:{};--focus:{};",
            hex(accent),
            hex(mix(accent, WHITE, 0.15)),
            hex(text_on(accent)),
            hex(mix(accent, DARK_SURFACE, 0.75)),
            hex(mix(accent, WHITE, 0.15)),
        );
    }
    if let Some(header) = look.header_color.as_deref().and_then(rgb) {
        let vars = format!(
            "--header-bg:{};--header-fg:{};",
            hex(header),
            hex(text_on(header))
        );
        light.push_str(&vars);
        dark.push_str(&vars);
    }
    if !light.is_empty() {
        let _ = writeln!(css, ":root{{{light}}}");
        let _ = writeln!(
            css,
            "@media (prefers-color-scheme: dark){{:root{{{dark}}}}}"
        );
    }
    if look.header_color.is_some() {
        // The bar's own text colour for what sits on it (the pages' `--muted` and
        // `--accent` are for their surface, not the bar's).
        css.push_str(
            ".app-header .main-nav a,.app-header .main-nav a:hover,\
             .app-header .main-nav a[aria-current=\"page\"],.app-header .signed-in-as,\
             .app-header .button.subtle{color:var(--header-fg)}\n\
             .app-header .main-nav a:hover{background:color-mix(in srgb,var(--header-fg) 12%,transparent)}\n\
             .app-header .main-nav a[aria-current=\"page\"]{background:color-mix(in srgb,var(--header-fg) 20%,transparent)}\n\
             .app-header .brand-mark{color:var(--header-fg)}\n",
        );
    }
    css
}

/// The only place custom CSS may load from besides `data:image/` addresses: the look's
/// own images.
pub const IMAGES_PATH: &str = "/api/v1/branding/images/";

/// What is wrong with custom CSS, line by line: it may not be larger than
/// [`MAX_CUSTOM_CSS`], import other stylesheets (`@import`), load anything but the look's
/// images ([`IMAGES_PATH`]) and `data:image/` addresses (what `url()`, `src()` and the
/// strings of `image-set()` name; another host, but also another path of this one, such as
/// a redirect), use escapes (`\`, which could spell any of those), control characters
/// (tabs included: browsers drop them from addresses), `<` (it could end a `<style>`
/// element), or the scripting hooks of old browsers (`expression(`, `javascript:`,
/// `behavior:`, `-moz-binding`).
pub fn css_problems(css: &str) -> Vec<String> {
    if css.len() > MAX_CUSTOM_CSS {
        return vec![format!("at most {} KiB", MAX_CUSTOM_CSS / 1024)];
    }
    let mut problems = Vec::new();
    for (n, line) in css.lines().enumerate() {
        let lower = line.to_ascii_lowercase();
        let mut say = |what: &str| problems.push(format!("line {}: {what}", n + 1));
        if lower.contains("@import") {
            say("@import is not allowed (no other stylesheets)");
        }
        if line.contains('\\') {
            say("escapes (\\) are not allowed");
        }
        if line.chars().any(|c| c.is_control() && c != '\r') {
            say("control characters (tabs included) are not allowed");
        }
        if line.contains('<') {
            say("< is not allowed");
        }
        for hook in ["expression(", "javascript:", "behavior:", "-moz-binding"] {
            if lower.contains(hook) {
                say(&format!("{hook} is not allowed"));
            }
        }
        if loaded_addresses(&lower).iter().any(|a| !allowed_address(a)) {
            say("loads from another host or path: only the look's images \
                 (/api/v1/branding/images/…) and data:image addresses");
        }
    }
    problems
}

/// The addresses a (lower-cased) line loads: the argument of each `url(` and `src(`, and
/// each quoted string in an `image-set(` (`-webkit-image-set(` too) — up to the first
/// `)`, which only ever makes the check stricter.
fn loaded_addresses(lower: &str) -> Vec<String> {
    let mut found = Vec::new();
    for (at, _) in lower.match_indices('(') {
        let name: String = lower[..at]
            .chars()
            .rev()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        let args = lower[at + 1..].split(')').next().unwrap_or("");
        if name == "url" || name == "src" {
            found.push(args.trim().trim_matches(['"', '\'']).trim().to_owned());
        } else if name.ends_with("image-set") {
            found.extend(
                args.split(['"', '\''])
                    .skip(1)
                    .step_by(2)
                    .map(|s| s.trim().to_owned()),
            );
        }
    }
    found
}

/// Whether custom CSS may load `address`: an inline image, or one of the look's images
/// by a plain path (no `..`, `%`, `//` or `:` to make it another).
fn allowed_address(address: &str) -> bool {
    if address.starts_with("data:image/") {
        return true;
    }
    address.strip_prefix(IMAGES_PATH).is_some_and(|rest| {
        !rest.contains("..") && !rest.contains('%') && !rest.contains("//") && !rest.contains(':')
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_domain_look_falls_back_to_the_server_look_field_by_field() {
        let server = Look {
            product_name: Some("Example Mail".into()),
            footer: Some("Example Inc.".into()),
            ..Look::default()
        };
        let domain = Look {
            footer: Some("Shop".into()),
            ..Look::default()
        };
        let effective = domain.over(&server);
        assert_eq!(effective.name(), "Example Mail");
        assert_eq!(effective.footer.as_deref(), Some("Shop"));
        assert_eq!(Look::default().name(), DEFAULT_PRODUCT_NAME);
    }

    #[test]
    fn texts_are_plain_and_colours_are_hex() {
        let (look, problems) = Look {
            product_name: Some("  <b>Mail</b> ".into()),
            accent_color: Some("#1D4ED8".into()),
            header_color: Some("blue".into()),
            login_text: Some("Welcome.\r\nUse your address.".into()),
            footer: Some("   ".into()),
            ..Look::default()
        }
        .checked();
        assert_eq!(look.accent_color.as_deref(), Some("#1d4ed8"));
        assert_eq!(look.footer, None, "blank is unset");
        assert_eq!(
            look.login_text.as_deref(),
            Some("Welcome.\nUse your address.")
        );
        let fields: Vec<_> = problems.iter().map(|(f, _)| *f).collect();
        assert_eq!(fields, ["product_name", "header_color"]);
    }

    #[test]
    fn custom_css_loads_nothing_from_another_host() {
        let fine = ".brand { color: #333; background: url(/api/v1/branding/images/logo) }\n\
                    a:hover { color: red }\n\
                    .x { background-image: url(\"data:image/png;base64,AAAA\") }\n\
                    .y { background: image-set('/api/v1/branding/images/logo' 1x) }\n\
                    .z::after { content: \"a (quoted) text\" }";
        assert!(css_problems(fine).is_empty(), "{:?}", css_problems(fine));
        for bad in [
            "@import url(theme.css);",
            "@IMPORT 'x.css';",
            "body { background: url(https://tracker.example/p.gif) }",
            "body { background: url( 'http://tracker.example/p.gif' ) }",
            "body { background: url(//tracker.example/p.gif) }",
            "body { background: image-set(\"https://t.example/a.png\" 1x) }",
            "@font-face { src: url(ftp:evil) }",
            // An escape that spells url( with an address that is otherwise fine.
            "body { background: \\75rl(/api/v1/branding/images/logo) }",
            "body { width: expression(alert(1)) }",
            "a { background: url(javascript:alert(1)) }",
            "x { background: url(data:text/html,hi) }",
            "</style><script>alert(1)</script>",
            // Browsers drop tabs and leading control characters from addresses.
            "body{background:url(\"/\t/tracker.example/p.gif\")}",
            "body{background:url(\"\u{1}//tracker.example/x\")}",
            "body{background:url(\"h\ttps:\t//t.example/x\")}",
            // Another path of this host: a redirect (an ad's click) leads anywhere.
            "body{background:url(/api/v1/ads/0/click)}",
            "body{background:url(logo.png)}",
            "body{background:url(/api/v1/branding/images/../../ads/0/click)}",
            "body{background:url(/api/v1/branding/images/%2e%2e/x)}",
        ] {
            assert!(!css_problems(bad).is_empty(), "{bad}");
        }
        assert_eq!(
            css_problems("a{}\nb { background: url(https://x.example) }"),
            [
                "line 2: loads from another host or path: only the look's images \
              (/api/v1/branding/images/…) and data:image addresses"
            ]
        );
        assert!(!css_problems(&"a{}".repeat(MAX_CUSTOM_CSS)).is_empty());
    }

    #[test]
    fn the_stylesheet_sets_the_colour_variables_with_readable_text() {
        let css = stylesheet(&Look {
            accent_color: Some("#ffd400".into()),
            header_color: Some("#0b1f3a".into()),
            custom_css: Some(".brand{letter-spacing:1px}".into()),
            ..Look::default()
        });
        assert!(css.contains("--accent:#ffd400;"), "{css}");
        assert!(
            css.contains("--accent-fg:#111827;"),
            "dark text on yellow: {css}"
        );
        assert!(css.contains("--header-fg:#ffffff;"), "white on navy: {css}");
        assert!(css.contains("prefers-color-scheme: dark"));
        assert!(
            !css.contains("letter-spacing"),
            "the custom CSS is apart: {css}"
        );
        assert_eq!(stylesheet(&Look::default()), "");
    }
}
