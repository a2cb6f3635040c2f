//! Layers point one way: the crates' places as a table, and the rules over the graph.
//!
//! Every workspace member, and every `osprey*` crate a member names, has a place: a layer
//! in [`LAYERS`] or an entry in [`APART`]. A layered crate depends only on crates of
//! lower layers, or of its own layer where the layer allows it (`peers`). The rules are
//! the same for normal, build and dev dependencies: a crate's tests use only what is
//! below it (the store's `testing` feature is there for them), and a crate may name
//! itself as a dev-dependency to switch on its own test features. Only the store and the
//! migrations name the database crates, whatever the kind.

use crate::tidy::{
    Finding,
    metadata::{Dep, Member},
};

const RULE: &str = "layers";
const TABLE: &str = "xtask/src/tidy/layers.rs";

/// A layer: its crates, and whether they may depend on each other.
#[derive(Debug)]
pub struct Layer {
    pub name: &'static str,
    pub crates: &'static [&'static str],
    /// Whether the crates of this layer may depend on each other.
    pub peers: bool,
}

/// The layers, from the bottom up.
pub const LAYERS: &[Layer] = &[
    Layer {
        name: "wire formats (pure)",
        crates: &["osprey-proto"],
        peers: false,
    },
    Layer {
        name: "domain types (pure)",
        crates: &["osprey-core"],
        peers: false,
    },
    // Pure like core, which it uses (the mailbox-name rule): the services (delivery) and
    // the front ends (REST API, ManageSieve) use it.
    Layer {
        name: "delivery rules (pure)",
        crates: &["osprey-rules"],
        peers: false,
    },
    Layer {
        name: "schema",
        crates: &["osprey-migrations"],
        peers: false,
    },
    Layer {
        name: "store",
        crates: &["osprey-store"],
        peers: false,
    },
    Layer {
        name: "services",
        crates: &[
            "osprey-directory",
            "osprey-contacts",
            "osprey-spell",
            "osprey-mail",
            "osprey-calendar",
            "osprey-lists",
        ],
        // A service may use another (mail resolves recipients through the directory).
        peers: true,
    },
    Layer {
        name: "front-end infrastructure",
        crates: &["osprey-net"],
        peers: false,
    },
    Layer {
        name: FRONT_ENDS,
        crates: &[
            "osprey-smtp",
            "osprey-imap",
            "osprey-pop3",
            "osprey-managesieve",
            "osprey-outbound",
            "osprey-api",
            "osprey-dav",
        ],
        // What two front ends share belongs to a service or to osprey-net.
        peers: false,
    },
    Layer {
        name: "binary",
        crates: &["osprey"],
        peers: false,
    },
    Layer {
        name: "end-to-end tests",
        crates: &["osprey-e2e"],
        peers: false,
    },
];

const FRONT_ENDS: &str = "front ends";

/// A crate outside the layers.
#[derive(Debug)]
pub struct Apart {
    pub name: &'static str,
    /// What it is, for the messages.
    pub role: &'static str,
    /// The only osprey crates it may depend on.
    pub may_use: &'static [&'static str],
    /// The lowest layer whose crates may depend on it; `None`: nothing may.
    pub used_from: Option<&'static str>,
}

/// The crates outside the layers.
pub const APART: &[Apart] = &[
    Apart {
        name: "osprey-api-types",
        role: "data only, shared by the API and its clients",
        may_use: &[],
        used_from: Some(FRONT_ENDS),
    },
    Apart {
        name: "osprey-web",
        role: "the web app, a client of the REST API",
        may_use: &["osprey-api-types"],
        used_from: None,
    },
    Apart {
        name: "xtask",
        role: "build orchestration",
        may_use: &[],
        used_from: None,
    },
];

/// The only crates that may depend on a database crate.
pub const DATABASE_USERS: &[&str] = &["osprey-store", "osprey-migrations"];

/// sea-orm, sea-orm-migration, sea-query and sqlx, with their sub-crates.
fn is_database_crate(name: &str) -> bool {
    name.starts_with("sea-orm") || name.starts_with("sea-query") || name.starts_with("sqlx")
}

fn is_osprey(name: &str) -> bool {
    name == "osprey" || name.starts_with("osprey-")
}

#[derive(Clone, Copy)]
enum Place {
    Layer(usize),
    Apart(&'static Apart),
}

fn place(name: &str) -> Option<Place> {
    if let Some(i) = LAYERS.iter().position(|l| l.crates.contains(&name)) {
        return Some(Place::Layer(i));
    }
    APART.iter().find(|a| a.name == name).map(Place::Apart)
}

fn layer_index(name: &str) -> usize {
    LAYERS
        .iter()
        .position(|l| l.name == name)
        .expect("`used_from` names a layer of LAYERS")
}

fn unknown(name: &str, whose: &str) -> Finding {
    Finding::new(
        RULE,
        format!("{name}{whose} is not in the layer table"),
        format!("add it to LAYERS, or to APART if it stands outside them, in {TABLE}"),
    )
}

/// Every finding of the layer rules over the workspace's members.
pub fn check(members: &[Member]) -> Vec<Finding> {
    let mut findings = Vec::new();
    for member in members {
        let Some(from) = place(&member.name) else {
            findings.push(unknown(&member.name, " (a workspace member)"));
            continue;
        };
        for dep in &member.deps {
            findings.extend(check_dep(&member.name, from, dep));
        }
    }
    findings
}

fn check_dep(name: &str, from: Place, dep: &Dep) -> Option<Finding> {
    let kind = dep.kind;
    let to = &dep.name;
    if is_database_crate(to) && !DATABASE_USERS.contains(&name) {
        return Some(Finding::new(
            RULE,
            format!("{name} {kind} {to}"),
            format!(
                "only {} use the database crates: go through osprey-store's methods",
                DATABASE_USERS.join(" and ")
            ),
        ));
    }
    if !is_osprey(to) || to == name {
        return None;
    }
    let Some(to_place) = place(to) else {
        return Some(unknown(to, &format!(" (named by {name})")));
    };
    match (from, to_place) {
        (Place::Apart(a), _) if a.may_use.contains(&to.as_str()) => None,
        (Place::Apart(a), _) => Some(Finding::new(
            RULE,
            format!("{name} {kind} {to}"),
            if a.may_use.is_empty() {
                format!("{name} is {}: it may depend on no osprey crate", a.role)
            } else {
                format!(
                    "{name} is {}: it may depend only on {}",
                    a.role,
                    a.may_use.join(", ")
                )
            },
        )),
        (Place::Layer(i), Place::Apart(b)) => match b.used_from {
            Some(lowest) if i >= layer_index(lowest) => None,
            Some(lowest) => Some(Finding::new(
                RULE,
                format!("{name} ({}) {kind} {to}", LAYERS[i].name),
                format!(
                    "{to} is {}: only the layer \"{lowest}\" and those above it use it",
                    b.role
                ),
            )),
            None => Some(Finding::new(
                RULE,
                format!("{name} {kind} {to}"),
                format!("{to} is {}: nothing depends on it", b.role),
            )),
        },
        (Place::Layer(i), Place::Layer(j)) if j < i || (j == i && LAYERS[i].peers) => None,
        (Place::Layer(i), Place::Layer(j)) if j == i => Some(Finding::new(
            RULE,
            format!(
                "{name} {kind} {to}, another crate of the layer \"{}\"",
                LAYERS[i].name
            ),
            if LAYERS[i].name == FRONT_ENDS {
                "front ends never depend on each other: move what they share down, to a \
                 service or osprey-net"
                    .to_owned()
            } else {
                format!(
                    "the crates of \"{}\" do not depend on each other",
                    LAYERS[i].name
                )
            },
        )),
        (Place::Layer(i), Place::Layer(j)) => Some(Finding::new(
            RULE,
            format!(
                "{name} ({}) {kind} {to} ({}), a higher layer",
                LAYERS[i].name, LAYERS[j].name
            ),
            format!(
                "a crate depends only on lower layers, as {TABLE} lists them: move what \
                 {name} needs from {to} down, or drop the dependency"
            ),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tidy::metadata::Kind;

    fn member(name: &str, deps: &[(&str, Kind)]) -> Member {
        Member {
            name: name.to_owned(),
            deps: deps
                .iter()
                .map(|(d, kind)| Dep {
                    name: (*d).to_owned(),
                    kind: *kind,
                })
                .collect(),
        }
    }

    use Kind::{Build, Dev, Normal};

    /// The workspace as it is meant to be: no findings.
    fn sound() -> Vec<Member> {
        vec![
            member("osprey-proto", &[]),
            member("osprey-core", &[("osprey-proto", Normal)]),
            member("osprey-migrations", &[("sea-orm-migration", Normal)]),
            member(
                "osprey-store",
                &[
                    ("osprey-core", Normal),
                    ("osprey-migrations", Normal),
                    ("sea-orm", Normal),
                    ("osprey-store", Dev),
                ],
            ),
            member("osprey-directory", &[("osprey-store", Normal)]),
            member(
                "osprey-mail",
                &[("osprey-directory", Normal), ("osprey-store", Dev)],
            ),
            member(
                "osprey-net",
                &[("osprey-store", Normal), ("osprey-proto", Normal)],
            ),
            member(
                "osprey-pop3",
                &[
                    ("osprey-net", Normal),
                    ("osprey-mail", Dev),
                    ("tokio", Normal),
                ],
            ),
            member(
                "osprey-smtp",
                &[("osprey-net", Normal), ("osprey-mail", Normal)],
            ),
            member("osprey-api-types", &[("serde", Normal)]),
            member(
                "osprey-api",
                &[("osprey-api-types", Normal), ("osprey-mail", Normal)],
            ),
            member(
                "osprey-web",
                &[("osprey-api-types", Normal), ("yew", Normal)],
            ),
            member(
                "osprey",
                &[
                    ("osprey-api", Normal),
                    ("osprey-smtp", Normal),
                    ("osprey-api-types", Normal),
                ],
            ),
            member("osprey-e2e", &[("osprey-store", Dev), ("osprey-core", Dev)]),
            member("xtask", &[("serde_json", Normal)]),
        ]
    }

    fn with(extra: Member) -> Vec<Finding> {
        let mut members = sound();
        members.push(extra);
        check(&members)
    }

    #[test]
    fn a_sound_graph_has_no_findings() {
        assert_eq!(check(&sound()), []);
    }

    #[test]
    fn the_table_names_each_crate_once_and_front_ends_exist() {
        let mut names: Vec<&str> = LAYERS
            .iter()
            .flat_map(|l| l.crates.iter().copied())
            .collect();
        names.extend(APART.iter().map(|a| a.name));
        let count = names.len();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), count, "a crate is in two places");
        for a in APART {
            if let Some(lowest) = a.used_from {
                assert!(layer_index(lowest) < LAYERS.len());
            }
        }
    }

    #[test]
    fn an_upward_arrow_fails() {
        let findings = with(member(
            "osprey-store",
            &[("osprey-core", Normal), ("osprey-api", Normal)],
        ));
        assert_eq!(findings.len(), 1, "{findings:?}");
        let text = findings[0].to_string();
        assert_eq!(
            text,
            "tidy: layers: osprey-store (store) depends on osprey-api (front ends), a higher \
             layer (a crate depends only on lower layers, as xtask/src/tidy/layers.rs lists \
             them: move what osprey-store needs from osprey-api down, or drop the dependency)"
        );
    }

    #[test]
    fn upward_build_and_dev_dependencies_fail_too() {
        let build = with(member("osprey-core", &[("osprey-net", Build)]));
        assert_eq!(build.len(), 1, "{build:?}");
        assert!(build[0].what.contains("build-depends on osprey-net"));
        let dev = with(member("osprey-mail", &[("osprey-imap", Dev)]));
        assert_eq!(dev.len(), 1, "{dev:?}");
        assert!(dev[0].what.contains("dev-depends on osprey-imap"));
    }

    #[test]
    fn a_front_end_depending_on_another_fails() {
        let findings = with(member(
            "osprey-imap",
            &[("osprey-net", Normal), ("osprey-smtp", Normal)],
        ));
        assert_eq!(findings.len(), 1, "{findings:?}");
        assert_eq!(
            findings[0].what,
            "osprey-imap depends on osprey-smtp, another crate of the layer \"front ends\""
        );
        assert!(
            findings[0]
                .fix
                .contains("front ends never depend on each other")
        );
    }

    #[test]
    fn peers_depend_on_each_other_only_where_the_layer_allows() {
        assert_eq!(with(member("osprey-lists", &[("osprey-mail", Normal)])), []);
        let findings = with(member("osprey-core", &[("osprey-core", Normal)]));
        assert_eq!(findings, [], "a crate naming itself is not an arrow");
    }

    #[test]
    fn database_crates_outside_the_store_fail() {
        for db in ["sea-orm", "sea-orm-migration", "sqlx", "sea-query"] {
            let findings = with(member(
                "osprey-mail",
                &[("osprey-store", Normal), (db, Normal)],
            ));
            assert_eq!(findings.len(), 1, "{db}: {findings:?}");
            assert_eq!(findings[0].what, format!("osprey-mail depends on {db}"));
            assert!(
                findings[0]
                    .fix
                    .contains("osprey-store and osprey-migrations")
            );
        }
        let dev = with(member("osprey-e2e", &[("sqlx", Dev)]));
        assert_eq!(dev.len(), 1, "{dev:?}");
    }

    #[test]
    fn unknown_crates_fail_with_the_table_to_edit() {
        let findings = with(member("osprey-billing", &[("osprey-store", Normal)]));
        assert_eq!(findings.len(), 1, "{findings:?}");
        assert_eq!(
            findings[0].to_string(),
            "tidy: layers: osprey-billing (a workspace member) is not in the layer table \
             (add it to LAYERS, or to APART if it stands outside them, in \
             xtask/src/tidy/layers.rs)"
        );
        let dep = with(member("osprey-mail", &[("osprey-billing", Normal)]));
        assert_eq!(dep.len(), 1, "{dep:?}");
        assert!(
            dep[0]
                .what
                .starts_with("osprey-billing (named by osprey-mail)")
        );
    }

    #[test]
    fn the_crates_apart_keep_to_their_lists() {
        let types = with(member("osprey-api-types", &[("osprey-core", Normal)]));
        assert_eq!(types.len(), 1, "{types:?}");
        assert!(types[0].fix.contains("may depend on no osprey crate"));
        let web = with(member(
            "osprey-web",
            &[("osprey-api-types", Normal), ("osprey-core", Normal)],
        ));
        assert_eq!(web.len(), 1, "{web:?}");
        assert!(web[0].fix.contains("may depend only on osprey-api-types"));
        let on_web = with(member("osprey", &[("osprey-web", Normal)]));
        assert_eq!(on_web.len(), 1, "{on_web:?}");
        let service_on_types = with(member("osprey-mail", &[("osprey-api-types", Normal)]));
        assert_eq!(service_on_types.len(), 1, "{service_on_types:?}");
        assert!(
            service_on_types[0]
                .fix
                .contains("\"front ends\" and those above")
        );
    }
}
