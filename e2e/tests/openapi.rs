//! The OpenAPI document against the real server: every operation walked with bad input,
//! each answer checked against the document (`e2e/openapi/walk.py`), and clients
//! generated from the served document, untouched, on a short journey: Python
//! (openapi-python-client, `e2e/openapi/journey.py`) and TypeScript (openapi-typescript
//! and openapi-fetch, `e2e/openapi/ts/journey.ts`, type-checked by tsc first).
//!
//! `cargo xtask test` installs the tools: a Python virtual environment in the target
//! directory (`OSPREY_OPENAPI_VENV` names it) and the npm packages of `e2e/openapi/ts`.

use std::process::{Command, Output};

use crate::support::*;

/// The output of a command that must succeed, with both streams in the failure.
fn succeed(what: &str, cmd: &mut Command) -> String {
    let out: Output = cmd
        .output()
        .unwrap_or_else(|e| panic!("cannot run {what}: {e}"));
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{what} failed ({})\n{stdout}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

fn summary(stdout: &str) -> serde_json::Value {
    let last = stdout.lines().last().unwrap_or("");
    serde_json::from_str(last).unwrap_or_else(|e| panic!("{e}: {stdout}"))
}

#[tokio::test]
async fn every_operation_answers_bad_input_as_the_document_says() {
    let venv = venv();
    let s = Server::start(false).await;
    let out = succeed(
        "the bad-input walk",
        Command::new(venv.join("bin/python"))
            .arg(repo_root().join("e2e/openapi/walk.py"))
            .args(["--url", &s.url, "--user", &Server::admin()])
            .args(["--password", ADMIN_PASSWORD]),
    );
    let summary = summary(&out);
    assert_eq!(summary["problems"], 0, "{out}");
    assert!(summary["operations"].as_u64().unwrap() > 40, "{out}");
    // The walk reached the refusals it is about.
    for status in [400, 401, 403, 404, 415, 422] {
        assert!(
            summary["statuses"]
                .as_array()
                .unwrap()
                .contains(&status.into()),
            "no {status} seen: {out}"
        );
    }
}

#[tokio::test]
async fn a_generated_python_client_signs_in_creates_and_pages() {
    let venv = venv();
    let s = Server::start(false).await;
    let client = s.db.dir.join("python-client");
    let path = format!(
        "{}:{}",
        venv.join("bin").display(),
        std::env::var("PATH").unwrap_or_default()
    );
    succeed(
        "openapi-python-client",
        Command::new(venv.join("bin/openapi-python-client"))
            .args(["generate", "--meta", "none", "--fail-on-warning", "--url"])
            .arg(format!("{}/api/v1/openapi.json", s.url))
            .arg("--output-path")
            .arg(client.join("osprey_api_client"))
            .env("PATH", &path),
    );
    let out = succeed(
        "the Python journey",
        Command::new(venv.join("bin/python"))
            .arg(repo_root().join("e2e/openapi/journey.py"))
            .arg("--client")
            .arg(&client)
            .args(["--url", &s.url, "--user", &Server::admin()])
            .args(["--password", ADMIN_PASSWORD]),
    );
    let summary = summary(&out);
    assert_eq!(summary["pages"], 2, "{out}");
    assert_eq!(summary["conflict"], "conflict", "{out}");
}

#[tokio::test]
async fn a_generated_typescript_client_signs_in_creates_and_pages() {
    let project = repo_root().join("e2e/openapi/ts");
    let bin = project.join("node_modules/.bin");
    assert!(
        bin.join("openapi-typescript").exists() && bin.join("tsc").exists(),
        "the npm packages of e2e/openapi/ts are missing: run `cargo xtask test`, or `npm ci` there"
    );
    let s = Server::start(false).await;
    succeed(
        "openapi-typescript",
        Command::new(bin.join("openapi-typescript"))
            .arg(format!("{}/api/v1/openapi.json", s.url))
            .args(["--output", "generated/schema.d.ts"])
            .current_dir(&project),
    );
    succeed(
        "tsc",
        Command::new(bin.join("tsc"))
            .args(["--project", "."])
            .current_dir(&project),
    );
    let out = succeed(
        "the TypeScript journey",
        Command::new("node")
            .arg("dist/journey.js")
            .current_dir(&project)
            .env("OSPREY_URL", &s.url)
            .env("OSPREY_ADMIN_USER", Server::admin())
            .env("OSPREY_ADMIN_PASSWORD", ADMIN_PASSWORD),
    );
    let summary = summary(&out);
    assert_eq!(summary["pages"], 2, "{out}");
    assert_eq!(summary["conflict"], "conflict", "{out}");
}
