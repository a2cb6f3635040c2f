//! The cargo-fuzz targets of `backend/proto/fuzz` (wire formats) and `backend/fuzz` (the
//! SMTP command and DATA readers, the MIME module, the full-text extractor).
//!
//! - `cargo xtask test` runs [`smoke`]: every target over its committed seed inputs
//!   (`seeds/<target>/`, crash inputs found earlier among them) and then a fixed number of
//!   generated inputs from a fixed seed (10,000 to 200,000 a target), in an unoptimised
//!   build with overflow checks: about two minutes in all.
//! - `cargo xtask fuzz [--seconds N] [TARGET...]` fuzzes each target for N seconds (default
//!   10; an hour per target before a release) with AddressSanitizer, from a random seed;
//!   `cargo xtask fuzz --smoke` runs what `cargo xtask test` runs.
//!
//! Both install what they need when missing: the nightly toolchain (`rustup toolchain
//! install nightly`) and cargo-fuzz (`cargo install cargo-fuzz --locked`). A crash fails the
//! run and leaves its input under the target's `artifacts/`; add it to `seeds/<target>/`
//! with the fix, so it is replayed on every run from then on.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::{Result, root, run};

/// The fuzz directories, their targets, and how many generated inputs [`smoke`] gives
/// each after its seeds (about ten seconds of a debug build here; the MIME targets
/// parse whole messages and run fewer).
const SUITES: &[(&str, &[(&str, u32)])] = &[
    (
        "backend/proto/fuzz",
        &[
            ("pop3_command", 200_000),
            ("sasl", 200_000),
            ("imap_command", 100_000),
            ("smtp_reply", 200_000),
        ],
    ),
    (
        "backend/fuzz",
        &[
            ("smtp_command", 200_000),
            ("smtp_data", 200_000),
            ("message", 10_000),
            ("fulltext", 20_000),
        ],
    ),
];

/// The libFuzzer seed of [`smoke`].
const SMOKE_SEED: u32 = 1;
/// The longest input [`smoke`] generates, in bytes.
const SMOKE_MAX_LEN: u32 = 4096;

/// A command of the nightly toolchain, free of what the stable cargo running xtask set.
fn nightly(program: &str) -> Command {
    let mut cmd = Command::new(program);
    for (name, _) in std::env::vars_os() {
        let name = name.to_string_lossy().into_owned();
        let keep = ["CARGO_HOME", "CARGO_TARGET_DIR"].contains(&name.as_str());
        if !keep && (name.starts_with("CARGO") || name.starts_with("RUSTC") || name == "RUSTDOC") {
            cmd.env_remove(&name);
        }
    }
    cmd.env("RUSTUP_TOOLCHAIN", "nightly");
    cmd
}

fn ok(cmd: &mut Command) -> bool {
    cmd.output().is_ok_and(|o| o.status.success())
}

/// Makes sure the nightly toolchain and cargo-fuzz are there.
fn install() -> Result {
    if !ok(nightly("rustc").arg("--version")) {
        run(Command::new("rustup").args([
            "toolchain",
            "install",
            "nightly",
            "--profile",
            "minimal",
        ]))?;
    }
    if !ok(nightly("cargo").args(["fuzz", "--version"])) {
        run(nightly("cargo").args(["install", "cargo-fuzz", "--locked"]))?;
    }
    Ok(())
}

/// `cargo fuzz <verb>` for the suite in `dir`.
fn cargo_fuzz(verb: &str, dir: &str) -> Command {
    let mut cmd = nightly("cargo");
    cmd.current_dir(root())
        .args(["fuzz", verb, "--fuzz-dir", dir]);
    cmd
}

/// A fresh, empty directory for the inputs one run adds to the corpus; libFuzzer writes
/// into its first corpus directory, and the committed seeds must stay as they are.
fn scratch(target: &str) -> Result<PathBuf> {
    let dir = std::env::temp_dir().join(format!("osprey-fuzz-{}-{target}", std::process::id()));
    if dir.exists() {
        std::fs::remove_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    Ok(dir)
}

fn seeds(dir: &str, target: &str) -> PathBuf {
    Path::new(dir).join("seeds").join(target)
}

/// The flags of [`smoke`]'s build, after cargo-fuzz's own: overflow checks on, as in a
/// debug build, and debug assertions off, as in the release build that ships.
/// mail-parser has a `debug_assert!` on a malformed multipart that it then recovers from
/// (`backend/fuzz/seeds/message/multipart-without-parent`); with debug assertions on, the
/// run would stop there on every commit for a state the shipped build handles.
const SMOKE_RUSTFLAGS: &str = "-Cdebug-assertions=off -Coverflow-checks=on";

/// The fixed run of `cargo xtask test`: an unoptimised build with overflow checks and
/// without a sanitizer (the code is safe Rust), each target over its seeds, then the
/// number of inputs [`SUITES`] gives it, from seed [`SMOKE_SEED`]. The seed fixes the
/// mutations; which inputs count as new coverage still varies a little from run to run
/// (addresses differ), so a crash here is a bug to fix, its input printed in the log
/// (`Base64:`) and left under `artifacts/`.
pub fn smoke() -> Result {
    install()?;
    let mut ran = 0;
    for (dir, targets) in SUITES {
        run(cargo_fuzz("build", dir)
            .args(["--dev", "--sanitizer", "none"])
            .env("RUSTFLAGS", SMOKE_RUSTFLAGS))?;
        for &(target, runs) in *targets {
            let corpus = scratch(target)?;
            let result = run(cargo_fuzz("run", dir)
                .args(["--dev", "--sanitizer", "none", target])
                .env("RUSTFLAGS", SMOKE_RUSTFLAGS)
                .arg(&corpus)
                .arg(root().join(seeds(dir, target)))
                .arg("--")
                .arg(format!("-runs={runs}"))
                .arg(format!("-seed={SMOKE_SEED}"))
                .arg(format!("-max_len={SMOKE_MAX_LEN}"))
                .arg("-rss_limit_mb=4096"));
            let _ = std::fs::remove_dir_all(&corpus);
            result?;
            ran += 1;
        }
    }
    println!(
        "xtask: fuzz: {ran} targets, their seeds and their inputs from seed {SMOKE_SEED}, no crash"
    );
    Ok(())
}

pub fn fuzz(args: &[String]) -> Result {
    let mut seconds = 10u64;
    let mut only = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--smoke" => return smoke(),
            "--seconds" => {
                seconds = it
                    .next()
                    .and_then(|s| s.parse().ok())
                    .ok_or("--seconds takes a number")?;
            }
            t => only.push(t.to_owned()),
        }
    }
    install()?;
    let mut ran = 0;
    for (dir, targets) in SUITES {
        for &(target, _) in targets
            .iter()
            .filter(|(t, _)| only.is_empty() || only.iter().any(|o| o == t))
        {
            let corpus = root().join(dir).join("corpus").join(target);
            std::fs::create_dir_all(&corpus).map_err(|e| format!("{}: {e}", corpus.display()))?;
            run(cargo_fuzz("run", dir)
                .arg(target)
                .arg(&corpus)
                .arg(root().join(seeds(dir, target)))
                .arg("--")
                .arg(format!("-max_total_time={seconds}"))
                .arg("-rss_limit_mb=4096"))?;
            ran += 1;
        }
    }
    if ran == 0 {
        return Err(format!("no fuzz target named {only:?}"));
    }
    println!("xtask: fuzz: {ran} target(s), {seconds} s each, no crash");
    Ok(())
}
