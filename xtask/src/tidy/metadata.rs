//! The workspace's dependency graph, as `cargo metadata --no-deps` reports it: each
//! member with the packages it names in `[dependencies]`, `[build-dependencies]` and
//! `[dev-dependencies]` (for every target).

use std::{fmt, path::Path, process::Command};

use serde_json::Value;

/// The kind of a dependency.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Normal,
    Build,
    Dev,
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Kind::Normal => "depends on",
            Kind::Build => "build-depends on",
            Kind::Dev => "dev-depends on",
        })
    }
}

/// One dependency of a member: the package's own name (not a rename) and its kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dep {
    pub name: String,
    pub kind: Kind,
}

/// One workspace member and what it depends on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    pub name: String,
    pub deps: Vec<Dep>,
}

/// Runs `cargo metadata` in `root` and reads the members out of it.
pub fn workspace(root: &Path) -> Result<Vec<Member>, String> {
    let out = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(["metadata", "--format-version", "1", "--no-deps"])
        .current_dir(root)
        .output()
        .map_err(|e| format!("cannot run cargo metadata: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "cargo metadata failed ({}): {}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    let json: Value = serde_json::from_slice(&out.stdout)
        .map_err(|e| format!("cargo metadata printed no JSON: {e}"))?;
    members(&json)
}

/// The members in `cargo metadata`'s JSON (format version 1).
pub fn members(json: &Value) -> Result<Vec<Member>, String> {
    let packages = json["packages"]
        .as_array()
        .ok_or("cargo metadata: no `packages` array")?;
    packages
        .iter()
        .map(|p| {
            let name = p["name"]
                .as_str()
                .ok_or("cargo metadata: a package without a name")?;
            let deps = p["dependencies"]
                .as_array()
                .ok_or_else(|| format!("cargo metadata: {name} has no `dependencies`"))?
                .iter()
                .map(|d| {
                    let dep = d["name"].as_str().ok_or_else(|| {
                        format!("cargo metadata: a dependency of {name} without a name")
                    })?;
                    let kind = match d["kind"].as_str() {
                        None => Kind::Normal,
                        Some("build") => Kind::Build,
                        Some("dev") => Kind::Dev,
                        Some(other) => {
                            return Err(format!(
                                "cargo metadata: {name} -> {dep} has the unknown kind {other}"
                            ));
                        }
                    };
                    Ok(Dep {
                        name: dep.to_owned(),
                        kind,
                    })
                })
                .collect::<Result<_, String>>()?;
            Ok(Member {
                name: name.to_owned(),
                deps,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_members_and_dependency_kinds() {
        let json = serde_json::json!({
            "packages": [{
                "name": "osprey-mail",
                "dependencies": [
                    {"name": "osprey-store", "kind": null, "rename": null},
                    {"name": "cc", "kind": "build"},
                    {"name": "osprey-store", "kind": "dev", "rename": "store"}
                ]
            }]
        });
        let found = members(&json).unwrap();
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].name, "osprey-mail");
        let kinds: Vec<(&str, Kind)> = found[0]
            .deps
            .iter()
            .map(|d| (d.name.as_str(), d.kind))
            .collect();
        assert_eq!(
            kinds,
            [
                ("osprey-store", Kind::Normal),
                ("cc", Kind::Build),
                ("osprey-store", Kind::Dev)
            ]
        );
        assert!(members(&serde_json::json!({"packages": [{"name": "x"}]})).is_err());
    }
}
