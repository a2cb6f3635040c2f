//! `build()`: the web app (`frontend/`, crate `osprey-web`) as static files in
//! `frontend/dist`: `index.html`, `style.css`, `boot.js`, `app.js` and `app_bg.wasm`.
//!
//! Steps: the wasm32 target (rustup), a `wasm-bindgen` CLI of the same version as the
//! `wasm-bindgen` crate in `Cargo.lock` (cargo install, only when it differs), the
//! `release-wasm` cargo build, `wasm-bindgen --target web`, then `wasm-opt -Oz` from the npm
//! package `binaryen` when `frontend/node_modules` has it (Debian's binaryen is too old for
//! current wasm-bindgen output). Std only: every tool runs as a child process.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

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

/// What `build()` produced.
#[derive(Debug, Clone)]
pub struct SpaReport {
    /// `frontend/dist`.
    pub dist: PathBuf,
    /// The final `app_bg.wasm`.
    pub wasm: PathBuf,
    pub wasm_bytes: u64,
    /// The same file through `gzip -9`.
    pub wasm_gzip_bytes: u64,
    /// Whether `wasm-opt` shrank it.
    pub optimised: bool,
}

/// Builds the web app of the workspace at `root` into `root/frontend/dist`.
pub fn build(root: &Path) -> Result<SpaReport, String> {
    let frontend = root.join("frontend");
    let dist = frontend.join("dist");

    ensure_target()?;
    ensure_wasm_bindgen(root)?;

    say(&format!("building {PACKAGE} ({PROFILE}, {TARGET})"));
    run(Command::new(cargo()).current_dir(root).args([
        "build",
        "--profile",
        PROFILE,
        "--target",
        TARGET,
        "-p",
        PACKAGE,
    ]))?;

    let target_dir = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .map(|p| if p.is_absolute() { p } else { root.join(p) })
        .unwrap_or_else(|| root.join("target"));
    let input = target_dir
        .join(TARGET)
        .join(PROFILE)
        .join(format!("{PACKAGE}.wasm"));
    if !input.is_file() {
        return Err(format!("{} is missing after the build", input.display()));
    }

    if dist.exists() {
        fs::remove_dir_all(&dist).map_err(|e| format!("cannot clear {}: {e}", dist.display()))?;
    }
    fs::create_dir_all(&dist).map_err(|e| format!("cannot create {}: {e}", dist.display()))?;
    say("running wasm-bindgen");
    run(Command::new("wasm-bindgen")
        .args(["--target", "web", "--no-typescript", "--out-dir"])
        .arg(&dist)
        .args(["--out-name", "app"])
        .arg(&input))?;

    let wasm = dist.join("app_bg.wasm");
    let optimised = optimise(&frontend, &wasm)?;

    for name in STATIC_FILES {
        let from = frontend.join(name);
        fs::copy(&from, dist.join(name))
            .map_err(|e| format!("cannot copy {}: {e}", from.display()))?;
    }

    let wasm_bytes = fs::metadata(&wasm)
        .map_err(|e| format!("cannot stat {}: {e}", wasm.display()))?
        .len();
    let wasm_gzip_bytes = gzip_size(&wasm)?;
    say(&format!(
        "web app in {}: app_bg.wasm {} KiB ({} KiB gzipped){}",
        dist.display(),
        wasm_bytes / 1024,
        wasm_gzip_bytes / 1024,
        if optimised { "" } else { ", not optimised" }
    ));
    Ok(SpaReport {
        dist,
        wasm,
        wasm_bytes,
        wasm_gzip_bytes,
        optimised,
    })
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

/// The size of `path` through `gzip -9`.
fn gzip_size(path: &Path) -> Result<u64, String> {
    let out = Command::new("sh")
        .arg("-c")
        .arg("gzip -9c \"$1\" | wc -c")
        .arg("sh")
        .arg(path)
        .output()
        .map_err(|e| format!("cannot run gzip: {e}"))?;
    if !out.status.success() {
        return Err(format!("gzip failed ({})", out.status));
    }
    String::from_utf8_lossy(&out.stdout)
        .trim()
        .parse()
        .map_err(|e| format!("unexpected `wc -c` output: {e}"))
}
