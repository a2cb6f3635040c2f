//! `cargo xtask fuzz [--seconds N] [TARGET...]`: runs the cargo-fuzz targets of
//! `backend/proto/fuzz` (wire formats) and `backend/fuzz` (the SMTP command and DATA
//! readers, the MIME module, the full-text extractor), each for N seconds (default 10;
//! an hour per target before a release). Not part of `cargo xtask test` yet: a random run
//! that finds a crash would fail CI unpredictably, and `smtp_reply` has one to fix. Installs what it needs when missing: the
//! nightly toolchain (`rustup toolchain install nightly`) and cargo-fuzz
//! (`cargo install cargo-fuzz --locked`). A crash fails the run and leaves its input
//! under the target's `artifacts/`.

use std::process::Command;

use crate::{Result, root, run};

/// The fuzz directories and their targets.
const SUITES: &[(&str, &[&str])] = &[
    (
        "backend/proto/fuzz",
        &["pop3_command", "sasl", "imap_command", "smtp_reply"],
    ),
    (
        "backend/fuzz",
        &["smtp_command", "smtp_data", "message", "fulltext"],
    ),
];

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

pub fn fuzz(args: &[String]) -> Result {
    let mut seconds = 10u64;
    let mut only = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
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
        for target in targets
            .iter()
            .filter(|t| only.is_empty() || only.iter().any(|o| o == *t))
        {
            run(nightly("cargo")
                .current_dir(root())
                .args(["fuzz", "run", "--fuzz-dir", dir, target, "--"])
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
