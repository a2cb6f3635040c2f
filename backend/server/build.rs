//! Tells cargo when to embed the web app again.
//!
//! A release build embeds `frontend/dist` (see `src/http/web.rs`); rust-embed names each
//! file it embeds, so cargo notices changed files but not new ones, nor a `dist` that did
//! not exist at the last build. Watching the directory (or, while it is missing,
//! `frontend/`, where `cargo xtask build` creates it) covers both. A debug build reads the
//! files at run time and needs nothing from here. A missing `dist` is not an error: the
//! binary then carries no web app and answers 503 with an explanation at `/`, so that
//! clippy and the tests run before the web app is built.

use std::{env, path::PathBuf};

fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    if env::var_os("CARGO_CFG_DEBUG_ASSERTIONS").is_some() {
        return;
    }
    let manifest = PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let frontend = manifest.join("../../frontend");
    let dist = frontend.join("dist");
    if dist.join("index.html").is_file() {
        println!("cargo::rerun-if-changed={}", dist.display());
    } else {
        println!(
            "cargo::warning=the web app is not built ({} has no index.html): this binary will answer 503 at / (run `cargo xtask build` first)",
            dist.display()
        );
        println!("cargo::rerun-if-changed={}", frontend.display());
    }
}
