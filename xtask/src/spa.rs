//! `build()`: the web app (`frontend/`, crate `osprey-web`) as static files in
//! `frontend/dist`, ready to serve: `index.html`, and `style-<hash>.css`, `boot-<hash>.js`,
//! and two builds of the app, each a `<name>-<hash>.js` and `<name>-<hash>_bg.wasm`: `app`
//! (mail, address book, settings: what people open every day) and `full` (with the
//! feature `full`: the delivery rules editor and the administration too), which
//! `boot.js` starts on their paths; each file with a `.br` and a `.gz` next to it.
//!
//! Steps: the wasm32 target (rustup), a `wasm-bindgen` CLI of the same version as the
//! `wasm-bindgen` crate in `Cargo.lock` (cargo install, only when it differs), for each
//! build the `release-wasm` cargo build, `wasm-bindgen --target web`, then `wasm-opt -Oz` from the npm
//! package `binaryen` when `frontend/node_modules` has it (Debian's binaryen is too old for
//! current wasm-bindgen output). Those tools run as child processes.
//!
//! Then, in Rust: every asset is renamed after its content (`<stem>-<16 hex>`, the first
//! 64 bits of its SHA-256, before the first `.` or `_`), the files that name it rewritten
//! first, so that the server can let browsers keep assets for a year (`immutable`) and
//! only `index.html` is revalidated; and every text or wasm file is compressed with brotli
//! (quality 11) and gzip (level 9) next to it (`<name>.br`, `<name>.gz`, kept when smaller),
//! so that the server sends compressed files without compressing anything itself. The
//! server embeds this directory in a release build (`backend/server/src/http/web.rs`).

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use sha2::{Digest, Sha256};

use crate::run;

const TARGET: &str = "wasm32-unknown-unknown";
const PROFILE: &str = "release-wasm";
const PACKAGE: &str = "osprey-web";
/// The files copied from `frontend/` next to the generated ones.
const STATIC_FILES: &[&str] = &["index.html", "style.css", "boot.js"];
/// The wasm features Rust's default wasm32 target emits and wasm-bindgen's output uses
/// (`table.fill` needs bulk memory and reference types). binaryen 132 also reads them from
/// the module's `target_features` section; naming them keeps `-Oz` from dropping any.
const WASM_OPT_FEATURES: &[&str] = &[
    "--enable-bulk-memory",
    "--enable-reference-types",
    "--enable-mutable-globals",
    "--enable-sign-ext",
    "--enable-nontrapping-float-to-int",
    "--enable-multivalue",
];

/// The hex digits of the content hash in asset names; the server recognises hashed names
/// by this length (`NAME_HASH_DIGITS` in `backend/server/src/http/web.rs`).
const NAME_HASH_DIGITS: usize = 16;
/// Files worth compressing, by extension.
const COMPRESSIBLE: &[&str] = &[
    "html", "js", "mjs", "css", "wasm", "svg", "json", "txt", "map",
];

/// The builds of the app: their names in `dist`, and the cargo features of each.
const BUNDLES: [(&str, &[&str]); 2] = [("app", &[]), ("full", &["--features", "full"])];

/// What `build()` produced.
#[derive(Debug, Clone)]
pub struct SpaReport {
    /// `frontend/dist`.
    pub dist: PathBuf,
    /// The app people read mail with (`app`) and the full one (`full`), in that order.
    pub bundles: Vec<Bundle>,
}

/// One build of the app in `dist`.
#[derive(Debug, Clone)]
pub struct Bundle {
    pub name: &'static str,
    /// The final `<name>-<hash>_bg.wasm`.
    pub wasm: PathBuf,
    pub wasm_bytes: u64,
    /// Its `.gz` (gzip level 9), as served.
    pub wasm_gzip_bytes: u64,
    /// Its `.br` (brotli quality 11), as served.
    pub wasm_brotli_bytes: u64,
    /// Whether `wasm-opt` shrank it.
    pub optimised: bool,
}

/// Builds the web app of the workspace at `root` into `root/frontend/dist`.
pub fn build(root: &Path) -> Result<SpaReport, String> {
    let frontend = root.join("frontend");
    let dist = frontend.join("dist");

    ensure_target()?;
    ensure_wasm_bindgen(root)?;

    let target_dir = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .map(|p| if p.is_absolute() { p } else { root.join(p) })
        .unwrap_or_else(|| root.join("target"));
    let input = target_dir
        .join(TARGET)
        .join(PROFILE)
        .join(format!("{PACKAGE}.wasm"));
    if dist.exists() {
        fs::remove_dir_all(&dist).map_err(|e| format!("cannot clear {}: {e}", dist.display()))?;
    }
    fs::create_dir_all(&dist).map_err(|e| format!("cannot create {}: {e}", dist.display()))?;

    let mut optimised = Vec::new();
    for (name, features) in BUNDLES {
        say(&format!(
            "building {PACKAGE} `{name}` ({PROFILE}, {TARGET})"
        ));
        run(Command::new(cargo())
            .current_dir(root)
            .args([
                "build",
                "--profile",
                PROFILE,
                "--target",
                TARGET,
                "-p",
                PACKAGE,
            ])
            .args(features))?;
        if !input.is_file() {
            return Err(format!("{} is missing after the build", input.display()));
        }
        say("running wasm-bindgen");
        run(Command::new("wasm-bindgen")
            .args(["--target", "web", "--no-typescript", "--out-dir"])
            .arg(&dist)
            .args(["--out-name", name])
            .arg(&input))?;
        optimised.push(optimise(&frontend, &dist.join(format!("{name}_bg.wasm")))?);
    }

    for name in STATIC_FILES {
        let from = frontend.join(name);
        fs::copy(&from, dist.join(name))
            .map_err(|e| format!("cannot copy {}: {e}", from.display()))?;
    }

    let wasms = fingerprint_assets(&dist)?;
    say("compressing (brotli, gzip)");
    precompress(&dist)?;

    let size = |path: &Path| {
        fs::metadata(path)
            .map(|m| m.len())
            .map_err(|e| format!("cannot stat {}: {e}", path.display()))
    };
    let mut bundles = Vec::new();
    for (((name, _), wasm), optimised) in BUNDLES.iter().zip(wasms).zip(optimised) {
        let wasm = dist.join(wasm);
        let bundle = Bundle {
            name,
            wasm_bytes: size(&wasm)?,
            wasm_gzip_bytes: size(&with_suffix(&wasm, ".gz"))?,
            wasm_brotli_bytes: size(&with_suffix(&wasm, ".br"))?,
            wasm,
            optimised,
        };
        say(&format!(
            "web app `{name}` in {}: {} {} KiB ({} KiB gzip, {} KiB brotli){}",
            dist.display(),
            bundle
                .wasm
                .file_name()
                .unwrap_or_default()
                .to_string_lossy(),
            bundle.wasm_bytes / 1024,
            bundle.wasm_gzip_bytes / 1024,
            bundle.wasm_brotli_bytes / 1024,
            if optimised { "" } else { ", not optimised" }
        ));
        bundles.push(bundle);
    }
    Ok(SpaReport { dist, bundles })
}

/// Renames the assets in `dist` after their content, leaves first: each build's wasm,
/// then its `.js` (which loads it), `boot.js` (which imports them) and the style sheet,
/// then points `index.html` at them. Returns the wasms' new names, in [`BUNDLES`] order.
fn fingerprint_assets(dist: &Path) -> Result<Vec<String>, String> {
    let mut wasms = Vec::new();
    let mut scripts = Vec::new();
    for (name, _) in BUNDLES {
        let wasm_name = format!("{name}_bg.wasm");
        let wasm = fingerprint(dist, &wasm_name, &[])?;
        let js = fingerprint(dist, &format!("{name}.js"), &[(&wasm_name, &wasm)])?;
        scripts.push((format!("/{name}.js"), format!("/{js}")));
        wasms.push(wasm);
    }
    let imports: Vec<(&str, &str)> = scripts
        .iter()
        .map(|(from, to)| (from.as_str(), to.as_str()))
        .collect();
    let boot = fingerprint(dist, "boot.js", &imports)?;
    let style = fingerprint(dist, "style.css", &[])?;
    rewrite(
        &dist.join("index.html"),
        &[
            ("/app.js", &scripts[0].1),
            ("/boot.js", &format!("/{boot}")),
            ("/style.css", &format!("/{style}")),
        ],
    )?;
    Ok(wasms)
}

/// Rewrites `dist/name` with `replacements`, then renames it to
/// `<stem>-<hash><rest>` (`app_bg.wasm` → `app-<hash>_bg.wasm`); returns the new name.
fn fingerprint(dist: &Path, name: &str, replacements: &[(&str, &str)]) -> Result<String, String> {
    let path = dist.join(name);
    if !replacements.is_empty() {
        rewrite(&path, replacements)?;
    }
    let bytes = fs::read(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let hash: String = Sha256::digest(&bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let split = name.find(['.', '_']).unwrap_or(name.len());
    let hashed = format!(
        "{}-{}{}",
        &name[..split],
        &hash[..NAME_HASH_DIGITS],
        &name[split..]
    );
    fs::rename(&path, dist.join(&hashed))
        .map_err(|e| format!("cannot rename {}: {e}", path.display()))?;
    Ok(hashed)
}

/// Replaces each quoted `from` (`"from"` or `'from'`) in the text file at `path` by `to`;
/// an error if one does not occur (the file changed and the names it loads would be
/// missed).
fn rewrite(path: &Path, replacements: &[(&str, &str)]) -> Result<(), String> {
    let mut text =
        fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    for (from, to) in replacements {
        let mut found = false;
        for q in ['"', '\''] {
            let quoted = format!("{q}{from}{q}");
            if text.contains(&quoted) {
                found = true;
                text = text.replace(&quoted, &format!("{q}{to}{q}"));
            }
        }
        if !found {
            return Err(format!(
                "{} does not name {from} any more: update xtask/src/spa.rs",
                path.display()
            ));
        }
    }
    fs::write(path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// Writes `<file>.br` and `<file>.gz` next to every compressible file under `dir`, each
/// only when it is smaller than the file.
fn precompress(dir: &Path) -> Result<(), String> {
    let entries = fs::read_dir(dir).map_err(|e| format!("cannot list {}: {e}", dir.display()))?;
    for entry in entries {
        let path = entry
            .map_err(|e| format!("cannot list {}: {e}", dir.display()))?
            .path();
        if path.is_dir() {
            precompress(&path)?;
            continue;
        }
        let compressible = path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| COMPRESSIBLE.contains(&e));
        if !compressible {
            continue;
        }
        let data = fs::read(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        for (suffix, packed) in [(".br", brotli(&data)?), (".gz", gzip(&data)?)] {
            if packed.len() < data.len() {
                let out = with_suffix(&path, suffix);
                fs::write(&out, packed)
                    .map_err(|e| format!("cannot write {}: {e}", out.display()))?;
            }
        }
    }
    Ok(())
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

fn brotli(data: &[u8]) -> Result<Vec<u8>, String> {
    let params = brotli::enc::BrotliEncoderParams {
        quality: 11,
        lgwin: 24,
        size_hint: data.len(),
        ..Default::default()
    };
    let mut out = Vec::new();
    brotli::BrotliCompress(&mut &data[..], &mut out, &params)
        .map_err(|e| format!("brotli failed: {e}"))?;
    Ok(out)
}

fn gzip(data: &[u8]) -> Result<Vec<u8>, String> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder
        .write_all(data)
        .and_then(|()| encoder.finish())
        .map_err(|e| format!("gzip failed: {e}"))
}

fn say(line: &str) {
    println!("xtask: {line}");
}

fn cargo() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned())
}

/// The stdout of a command that succeeded, or `None`.
fn output(command: &mut Command) -> Option<String> {
    let out = command.stderr(Stdio::null()).output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

fn ensure_target() -> Result<(), String> {
    let installed = output(Command::new("rustup").args(["target", "list", "--installed"]))
        .ok_or("cannot run `rustup target list --installed`")?;
    if installed.lines().any(|l| l.trim() == TARGET) {
        return Ok(());
    }
    say(&format!("installing the {TARGET} target"));
    run(Command::new("rustup").args(["target", "add", TARGET]))
}

/// The version of the `wasm-bindgen` crate locked in `Cargo.lock`.
fn locked_wasm_bindgen(root: &Path) -> Result<String, String> {
    let lock = root.join("Cargo.lock");
    let text =
        fs::read_to_string(&lock).map_err(|e| format!("cannot read {}: {e}", lock.display()))?;
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        if line.trim() == "name = \"wasm-bindgen\""
            && let Some(version) = lines
                .next()
                .and_then(|l| l.trim().strip_prefix("version = \""))
                .and_then(|v| v.strip_suffix('"'))
        {
            return Ok(version.to_owned());
        }
    }
    Err(format!("no wasm-bindgen in {}", lock.display()))
}

fn ensure_wasm_bindgen(root: &Path) -> Result<(), String> {
    let wanted = locked_wasm_bindgen(root)?;
    // `wasm-bindgen 0.2.130`
    let installed = output(Command::new("wasm-bindgen").arg("--version"))
        .and_then(|v| v.split_whitespace().nth(1).map(str::to_owned));
    if installed.as_deref() == Some(wanted.as_str()) {
        return Ok(());
    }
    say(&format!(
        "installing wasm-bindgen-cli {wanted} (found {}); this takes several minutes",
        installed.as_deref().unwrap_or("none")
    ));
    // Without --locked: its lock file wants crates the registry here does not serve.
    run(Command::new(cargo()).args([
        "install",
        "wasm-bindgen-cli",
        "--version",
        &format!("={wanted}"),
    ]))
}

/// `frontend/node_modules/.bin/wasm-opt`, running `npm ci` first when it can.
fn wasm_opt(frontend: &Path) -> Option<PathBuf> {
    let bin = frontend.join("node_modules/.bin/wasm-opt");
    if !frontend.join("node_modules").exists() && frontend.join("package-lock.json").is_file() {
        if output(Command::new("npm").arg("--version")).is_some() {
            say("installing binaryen (npm ci in frontend/)");
            if let Err(e) = run(Command::new("npm").current_dir(frontend).args([
                "ci",
                "--no-audit",
                "--no-fund",
            ])) {
                say(&format!("warning: {e}"));
            }
        } else {
            say("warning: npm not found; skipping wasm-opt");
        }
    }
    bin.is_file().then_some(bin)
}

/// Shrinks `wasm` in place with `wasm-opt -Oz`; keeps the file as it is when that fails.
fn optimise(frontend: &Path, wasm: &Path) -> Result<bool, String> {
    let Some(bin) = wasm_opt(frontend) else {
        say("warning: no wasm-opt in frontend/node_modules; the wasm stays unoptimised");
        return Ok(false);
    };
    let tmp = wasm.with_extension("opt.wasm");
    say("running wasm-opt -Oz");
    let result = run(Command::new(&bin)
        .arg("-Oz")
        // Run the passes until the module stops shrinking.
        .arg("--converge")
        // True of a Rust module whose memory wasm-bindgen's glue creates: nothing lives
        // in the first KiB (the stack and data start at 1 MiB), and memory starts zeroed.
        .args(["--low-memory-unused", "--zero-filled-memory"])
        .args(WASM_OPT_FEATURES)
        .arg(wasm)
        .arg("-o")
        .arg(&tmp));
    match result {
        Ok(()) => {
            fs::rename(&tmp, wasm)
                .map_err(|e| format!("cannot replace {}: {e}", wasm.display()))?;
            Ok(true)
        }
        Err(e) => {
            let _ = fs::remove_file(&tmp);
            say(&format!("warning: {e}; keeping the unoptimised wasm"));
            Ok(false)
        }
    }
}

#[cfg(test)]
mod tests {
    use std::io::Read;

    use super::*;

    /// A `dist` as wasm-bindgen and the copies leave it, in a fresh scratch directory.
    fn scratch_dist(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("xtask-spa-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        let put = |file: &str, text: &str| fs::write(dir.join(file), text).unwrap();
        put("app_bg.wasm", &"\0asm wasm bytes ".repeat(100));
        put(
            "app.js",
            "export default async function init() { return new URL('app_bg.wasm', import.meta.url); }",
        );
        put("full_bg.wasm", &"\0asm full wasm bytes ".repeat(100));
        put(
            "full.js",
            "export default async function init() { return new URL('full_bg.wasm', import.meta.url); }",
        );
        put(
            "boot.js",
            "const { default: init } = await (location.pathname === '/admin' ? import('/full.js') : import('/app.js'));\ninit();\n",
        );
        put("style.css", &"body { color: black; }\n".repeat(20));
        put(
            "index.html",
            r#"<link rel="stylesheet" href="/style.css"><link rel="modulepreload" href="/app.js"><script type="module" src="/boot.js"></script>"#,
        );
        dir
    }

    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn assets_are_named_after_their_content_and_referenced_so() {
        let dist = scratch_dist("names");
        let wasms = fingerprint_assets(&dist).unwrap();
        let wasm = wasms[0].clone();
        let files = names(&dist);
        let find = |prefix: &str, suffix: &str| {
            files
                .iter()
                .find(|n| n.starts_with(prefix) && n.ends_with(suffix))
                .unwrap_or_else(|| panic!("{prefix}*{suffix} in {files:?}"))
                .clone()
        };
        assert_eq!(files.len(), 7, "{files:?}");
        assert_eq!(find("app-", "_bg.wasm"), wasm);
        assert_eq!(find("full-", "_bg.wasm"), wasms[1]);
        let full = find("full-", ".js");
        let (app, boot, style) = (
            find("app-", ".js"),
            find("boot-", ".js"),
            find("style-", ".css"),
        );
        for name in [&wasm, &app, &boot, &style] {
            let hash = &name[name.find('-').unwrap() + 1..][..NAME_HASH_DIGITS];
            assert!(
                hash.bytes()
                    .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()),
                "{name}"
            );
        }
        let read = |name: &str| fs::read_to_string(dist.join(name)).unwrap();
        assert!(read(&app).contains(&format!("'{wasm}'")));
        assert!(read(&boot).contains(&format!("'/{app}'")));
        assert!(read(&boot).contains(&format!("'/{full}'")));
        assert!(read(&full).contains(&format!("'{}'", wasms[1])));
        let index = read("index.html");
        for name in [&app, &boot, &style] {
            assert!(index.contains(&format!("\"/{name}\"")), "{index}");
        }
        // The same content gets the same names.
        let again = scratch_dist("names-again");
        fingerprint_assets(&again).unwrap();
        assert_eq!(names(&again), files);
        fs::remove_dir_all(&dist).unwrap();
        fs::remove_dir_all(&again).unwrap();
    }

    #[test]
    fn a_reference_that_is_gone_is_an_error() {
        let dist = scratch_dist("gone");
        fs::write(dist.join("boot.js"), "import init from '/main.js';").unwrap();
        let err = fingerprint_assets(&dist).unwrap_err();
        assert!(err.contains("does not name /app.js"), "{err}");
        fs::remove_dir_all(&dist).unwrap();
    }

    #[test]
    fn compressed_variants_decode_to_the_file() {
        let dist = scratch_dist("compress");
        fs::write(dist.join("tiny.js"), "x").unwrap();
        fs::write(dist.join("logo.png"), "not compressed again".repeat(50)).unwrap();
        precompress(&dist).unwrap();
        let files = names(&dist);
        assert!(
            !files.contains(&"tiny.js.br".to_owned()),
            "kept only when smaller"
        );
        assert!(!files.contains(&"logo.png.gz".to_owned()), "{files:?}");
        for name in ["app_bg.wasm", "style.css"] {
            let original = fs::read(dist.join(name)).unwrap();
            let mut br = Vec::new();
            brotli::Decompressor::new(
                &fs::read(dist.join(format!("{name}.br"))).unwrap()[..],
                4096,
            )
            .read_to_end(&mut br)
            .unwrap();
            let mut gz = Vec::new();
            flate2::read::GzDecoder::new(&fs::read(dist.join(format!("{name}.gz"))).unwrap()[..])
                .read_to_end(&mut gz)
                .unwrap();
            assert_eq!(br, original, "{name}.br");
            assert_eq!(gz, original, "{name}.gz");
        }
        fs::remove_dir_all(&dist).unwrap();
    }
}
