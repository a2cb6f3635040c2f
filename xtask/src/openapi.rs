//! The OpenAPI document's outside checks: the tools they need and the validation.
//!
//! - [`python_tools`]: a virtual environment in the cargo target directory
//!   (`<target>/openapi-venv`) with the pinned packages of `e2e/openapi/requirements.txt`
//!   (openapi-spec-validator, openapi-python-client); made again when that file changes.
//! - [`node_tools`]: the npm packages of `e2e/openapi/ts` (openapi-typescript,
//!   openapi-fetch, TypeScript), from its lock file; again when the lock file changes.
//! - [`validate`]: `openapi/openapi.json` against the OpenAPI 3.1 schema.
//!
//! The bad-input walk and the generated-client journeys that use these run in the e2e
//! tests (`e2e/tests/openapi.rs`), which find the environment where this puts it.

use std::{
    fs,
    path::{Path, PathBuf},
    process::Command,
};

use crate::{Result, run};

/// The pinned Python packages, relative to the repository root.
const REQUIREMENTS: &str = "e2e/openapi/requirements.txt";
/// The TypeScript journey's npm project, relative to the repository root.
const NODE_PROJECT: &str = "e2e/openapi/ts";

/// The cargo target directory the build uses.
pub fn target_dir(root: &Path) -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root.join("target"), PathBuf::from)
}

/// Makes sure the virtual environment exists with exactly the pinned packages; returns
/// its directory.
pub fn python_tools(root: &Path) -> Result<PathBuf> {
    let venv = target_dir(root).join("openapi-venv");
    let requirements = root.join(REQUIREMENTS);
    let wanted = fs::read_to_string(&requirements)
        .map_err(|e| format!("cannot read {}: {e}", requirements.display()))?;
    // What was installed, recorded after a successful install.
    let stamp = venv.join("osprey-requirements.txt");
    if venv.join("bin/python").is_file() && fs::read_to_string(&stamp).ok() == Some(wanted.clone())
    {
        return Ok(venv);
    }
    run(Command::new("python3")
        .arg("-m")
        .arg("venv")
        .arg("--clear")
        .arg(&venv))?;
    run(Command::new(venv.join("bin/pip"))
        .args([
            "install",
            "--disable-pip-version-check",
            "--no-input",
            "--quiet",
            "-r",
        ])
        .arg(&requirements))?;
    fs::write(&stamp, wanted).map_err(|e| format!("cannot write {}: {e}", stamp.display()))?;
    Ok(venv)
}

/// Installs the TypeScript journey's npm packages when they are missing or older than
/// its lock file.
pub fn node_tools(root: &Path) -> Result {
    let project = root.join(NODE_PROJECT);
    let modified = |p: PathBuf| fs::metadata(p).and_then(|m| m.modified()).ok();
    let installed = modified(project.join("node_modules/.package-lock.json"));
    let locked = modified(project.join("package-lock.json"));
    if installed.is_none() || installed < locked {
        run(Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund"])
            .current_dir(&project))?;
    }
    Ok(())
}

/// Validates the committed document against the OpenAPI 3.1 schema.
pub fn validate(root: &Path, venv: &Path) -> Result {
    run(Command::new(venv.join("bin/openapi-spec-validator"))
        .arg(root.join(crate::webclient::SPEC)))
}
