//! `cargo xtask run | build | test | tidy | gen-client | check-openapi | bench | fuzz`: Osprey's build orchestration, in plain Rust.
//!
//! - `build`: installs what is missing (wasm32 target, wasm-bindgen-cli), builds the web
//!   app and the server (a debug build).
//! - `run`: `build`, then becomes the server (`exec`: the same process, so signals sent to
//!   `cargo xtask run` reach it), in embedded mode from the repository root.
//! - `test`: formatting, `tidy`, the OpenAPI document's validation (see `openapi.rs`),
//!   clippy with warnings as errors (the fuzz targets too), the web app build, and every
//!   test (unit, integration, e2e with the browser, the bad-input walk and the
//!   generated-client journeys) on SQLite and on PostgreSQL, the IMAP stress bench for
//!   10 s at 10 clients against the debug build on both (see `bench/imap_stress.rs`),
//!   then every fuzz target over its seeds and a fixed run of generated inputs (see
//!   `fuzz.rs`).
//! - `tidy [--bless-migration <file>]`: the repository's own rules (see `tidy/`).
//! - `check-openapi`: validates `openapi/openapi.json` (installing the validator first).
//! - `bench <protocol>`: load figures against a release build (see `bench/`);
//!   `bench imap-stress` checks every IMAP response against a model of the mailbox.
//! - `fuzz [--seconds N] [TARGET...]`: fuzzes the targets for N seconds each (see `fuzz.rs`).

mod bench;
mod fuzz;
mod openapi;
mod spa;
mod tidy;
mod webclient;

use std::{
    net::{TcpStream, ToSocketAddrs},
    path::{Path, PathBuf},
    process::{Command, ExitCode},
    time::{Duration, Instant},
};

type Result<T = ()> = std::result::Result<T, String>;

fn root() -> PathBuf {
    // `cargo xtask` sets the manifest directory when it runs the binary; the one it was
    // built with may be another checkout's when checkouts share a build directory.
    let manifest = std::env::var_os("CARGO_MANIFEST_DIR")
        .map_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")), PathBuf::from);
    Path::new(&manifest)
        .parent()
        .expect("xtask is in the workspace")
        .to_path_buf()
}

fn cargo() -> Command {
    Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
}

/// Runs a command (in the repository root unless it names a directory), showing it;
/// fails on a non-zero exit.
pub(crate) fn run(cmd: &mut Command) -> Result {
    let shown = format!("{cmd:?}");
    println!("xtask: $ {shown}");
    if cmd.get_current_dir().is_none() {
        cmd.current_dir(root());
    }
    let status = cmd
        .status()
        .map_err(|e| format!("cannot run {shown}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{shown} failed ({status})"))
    }
}

fn build() -> Result<spa::SpaReport> {
    let t = Instant::now();
    let report = spa::build(&root())?;
    for b in &report.bundles {
        println!(
            "xtask: web app `{}` in {}: {} ({} bytes, {} gzip, {} brotli{})",
            b.name,
            report.dist.display(),
            b.wasm.display(),
            b.wasm_bytes,
            b.wasm_gzip_bytes,
            b.wasm_brotli_bytes,
            if b.optimised {
                ", wasm-opt -Oz"
            } else {
                ", not optimised"
            }
        );
    }
    run(cargo().args(["build", "-p", "osprey"]))?;
    println!("xtask: built in {:.0?}", t.elapsed());
    Ok(report)
}

/// The PostgreSQL server of the tests, if one answers.
fn postgres_reachable(url: &str) -> bool {
    let rest = url.split("://").nth(1).unwrap_or("");
    let host_port = rest
        .rsplit('@')
        .next()
        .unwrap_or("")
        .split('/')
        .next()
        .unwrap_or("");
    let host_port = if host_port.contains(':') {
        host_port.to_owned()
    } else {
        format!("{host_port}:5432")
    };
    host_port
        .to_socket_addrs()
        .ok()
        .and_then(|mut a| a.next())
        .is_some_and(|addr| TcpStream::connect_timeout(&addr, Duration::from_secs(3)).is_ok())
}

fn test() -> Result {
    let t = Instant::now();
    run(cargo().args(["fmt", "--all", "--", "--check"]))?;
    tidy::tidy(&root(), &[])?;
    let venv = openapi::python_tools(&root())?;
    openapi::validate(&root(), &venv)?;
    openapi::node_tools(&root())?;
    run(cargo().args(["clippy", "--all-targets", "--", "-D", "warnings"]))?;
    // The fuzz targets are workspaces of their own (run with cargo-fuzz on nightly);
    // building them here keeps them in step with the parser.
    for manifest in ["backend/proto/fuzz/Cargo.toml", "backend/fuzz/Cargo.toml"] {
        run(cargo().args([
            "clippy",
            "--manifest-path",
            manifest,
            "--locked",
            "--bins",
            "--",
            "-D",
            "warnings",
        ]))?;
    }
    build()?;
    // Both builds of the web app: without and with the full app's pages.
    for features in [&[][..], &["--features", "full"][..]] {
        run(cargo()
            .args([
                "clippy",
                "-p",
                "osprey-web",
                "--target",
                "wasm32-unknown-unknown",
            ])
            .args(features)
            .args(["--", "-D", "warnings"]))?;
    }
    let browser = root().join("e2e/browser");
    if !browser.join("node_modules").is_dir() {
        run(Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund"])
            .current_dir(&browser))?;
    }
    run(cargo()
        .args(["test"])
        .env("OSPREY_TEST_BACKEND", "sqlite")
        .env("OSPREY_OPENAPI_VENV", &venv))?;
    let pg = std::env::var("OSPREY_TEST_DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
    let pg_reachable = postgres_reachable(&pg);
    if pg_reachable {
        run(cargo()
            .args(["test"])
            .env("OSPREY_OPENAPI_VENV", &venv)
            .env("OSPREY_TEST_BACKEND", "postgres")
            .env("OSPREY_TEST_DATABASE_URL", &pg))?;
    } else if std::env::var_os("CI").is_some() {
        return Err(
            "PostgreSQL is not reachable at OSPREY_TEST_DATABASE_URL; CI must test it".into(),
        );
    } else {
        eprintln!(
            "\n!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"
        );
        eprintln!("xtask: PostgreSQL is NOT reachable: the PostgreSQL pass was NOT run.");
        eprintln!("xtask: start it or set OSPREY_TEST_DATABASE_URL; CI (CI=1) fails here.");
        eprintln!(
            "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n"
        );
    }
    imap_stress(pg_reachable.then_some(pg.as_str()))?;
    fuzz::smoke()?;
    println!("xtask: all checks passed in {:.0?}", t.elapsed());
    Ok(())
}

/// `bench imap-stress` for 10 s at 10 clients against the debug build the tests used
/// (`BENCH_BIN`: no release build), on SQLite and, when `pg` (the tests' database URL)
/// is reachable, on a fresh PostgreSQL database of that server.
fn imap_stress(pg: Option<&str>) -> Result {
    let xtask = std::env::current_exe().map_err(|e| format!("cannot find xtask: {e}"))?;
    let bin = std::env::var("CARGO_TARGET_DIR")
        .map_or_else(|_| root().join("target"), PathBuf::from)
        .join("debug/osprey");
    let stress = || {
        let mut cmd = Command::new(&xtask);
        cmd.args(["bench", "imap-stress", "--clients", "10", "--seconds", "10"])
            .env("BENCH_BIN", &bin);
        cmd
    };
    run(&mut stress())?;
    if let Some(pg) = pg {
        // The server's URL without its database: the bench creates one of its own.
        let (scheme, rest) = pg.split_once("://").unwrap_or(("postgres", pg));
        let server = rest.split('/').next().unwrap_or(rest);
        run(stress().env("BENCH_POSTGRES", format!("{scheme}://{server}")))?;
    }
    Ok(())
}

/// Builds, then becomes `osprey serve` (`exec`): the server keeps this process's pid, and
/// cargo execs into xtask on Unix, so the pid of `cargo xtask run` is the server's and a
/// SIGTERM or SIGINT sent to it stops the server; nothing is left holding the ports.
fn serve() -> Result {
    use std::os::unix::process::CommandExt;
    build()?;
    let bin = std::env::var("CARGO_TARGET_DIR")
        .map_or_else(|_| root().join("target"), PathBuf::from)
        .join("debug/osprey");
    println!(
        "xtask: starting Osprey (debug build) in embedded mode, data in ./data, pid {}; \
         Ctrl-C or `kill {}` stops it",
        std::process::id(),
        std::process::id()
    );
    let err = Command::new(&bin).arg("serve").current_dir(root()).exec();
    Err(format!("cannot run {}: {err}", bin.display()))
}

fn main() -> ExitCode {
    let task = std::env::args().nth(1).unwrap_or_default();
    let result = match task.as_str() {
        "build" => build().map(|_| ()),
        "run" => serve(),
        "test" => test(),
        "gen-client" => webclient::gen_client(&root()),
        "check-openapi" => {
            openapi::python_tools(&root()).and_then(|v| openapi::validate(&root(), &v))
        }
        "tidy" => tidy::tidy(&root(), &std::env::args().skip(2).collect::<Vec<_>>()),
        "bench" => bench::bench(&std::env::args().skip(2).collect::<Vec<_>>()),
        "fuzz" => fuzz::fuzz(&std::env::args().skip(2).collect::<Vec<_>>()),
        _ => Err(
            "usage: cargo xtask <run | build | test | tidy | gen-client | check-openapi | bench | fuzz>"
                .into(),
        ),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: {e}");
            ExitCode::FAILURE
        }
    }
}
