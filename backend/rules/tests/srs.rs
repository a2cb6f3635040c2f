//! SRS with fixed keys and times.

use chrono::{DateTime, Duration, TimeZone, Utc};
use osprey_rules::srs::{Srs, SrsError};

fn at(days: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 10, 8, 0, 0).single().unwrap() + Duration::days(days)
}

fn srs() -> Srs {
    Srs::new(b"fixed test key".to_vec(), "fwd.example.org")
}

#[test]
fn srs0_round_trip_with_a_fixed_key_and_day() {
    let rewritten = srs().forward("bob@example.net", at(0)).unwrap();
    // Day 20522 since 1970 is slot 20522 % 1024 = 42 = "BK" in base32.
    assert!(rewritten.starts_with("SRS0="), "{rewritten}");
    let parts: Vec<&str> = rewritten.split('=').collect();
    assert_eq!(parts[2], "BK");
    assert_eq!(parts[3], "example.net");
    assert_eq!(parts[4], "bob@fwd.example.org");
    assert_eq!(parts[1].len(), 4);
    assert_eq!(
        rewritten,
        srs().forward("<bob@example.net>", at(0)).unwrap(),
        "deterministic"
    );
    assert_eq!(srs().reverse(&rewritten, at(0)).unwrap(), "bob@example.net");
    // Some servers fold the case of local parts: the hash is compared case-insensitively.
    assert_eq!(
        srs().reverse(&rewritten.to_lowercase(), at(1)).unwrap(),
        "bob@example.net"
    );
}

#[test]
fn tampered_expired_and_foreign_addresses_are_refused() {
    let rewritten = srs().forward("bob@example.net", at(0)).unwrap();
    let tampered = rewritten.replace("=bob@", "=eve@");
    assert_eq!(srs().reverse(&tampered, at(0)), Err(SrsError::BadHash));
    let other_key = Srs::new(b"another key".to_vec(), "fwd.example.org");
    assert_eq!(other_key.reverse(&rewritten, at(0)), Err(SrsError::BadHash));
    assert_eq!(
        srs().reverse(&rewritten, at(21)).unwrap(),
        "bob@example.net"
    );
    assert_eq!(srs().reverse(&rewritten, at(22)), Err(SrsError::Expired));
    assert_eq!(
        srs().with_max_age_days(3).reverse(&rewritten, at(4)),
        Err(SrsError::Expired)
    );
    assert_eq!(
        srs().reverse("bob@example.net", at(0)),
        Err(SrsError::NotSrs)
    );
    assert_eq!(
        srs().reverse("SRS0=abcd=BK@fwd.example.org", at(0)),
        Err(SrsError::Malformed)
    );
    assert_eq!(srs().forward("", at(0)), Err(SrsError::NullSender));
    assert_eq!(srs().forward("nodomain", at(0)), Err(SrsError::NoDomain));
}

#[test]
fn key_rotation_accepts_the_old_key() {
    let old = Srs::new(b"old".to_vec(), "fwd.example.org");
    let rewritten = old.forward("bob@example.net", at(0)).unwrap();
    let rotated = Srs::new(b"new".to_vec(), "fwd.example.org").with_old_secret(b"old".to_vec());
    assert_eq!(
        rotated.reverse(&rewritten, at(1)).unwrap(),
        "bob@example.net"
    );
}

#[test]
fn own_domain_senders_are_kept() {
    assert_eq!(
        srs().forward("carol@FWD.example.org", at(0)).unwrap(),
        "carol@FWD.example.org"
    );
}

#[test]
fn srs1_for_re_forwarding_and_back() {
    let first = Srs::new(b"first key".to_vec(), "first.example");
    let srs0 = first.forward("bob@example.net", at(0)).unwrap();
    let srs1 = srs().forward(&srs0, at(0)).unwrap();
    let (srs0_local, _) = srs0.split_once('@').unwrap();
    let expected_tail = format!("=first.example={}@fwd.example.org", &srs0_local[4..]);
    assert!(srs1.starts_with("SRS1="), "{srs1}");
    assert!(srs1.ends_with(&expected_tail), "{srs1}");
    // Forwarded a third time: still points at the first forwarder.
    let third = Srs::new(b"third key".to_vec(), "third.example");
    let srs1_again = third.forward(&srs1, at(0)).unwrap();
    assert!(
        srs1_again.ends_with(&format!(
            "=first.example={}@third.example",
            &srs0_local[4..]
        )),
        "{srs1_again}"
    );
    // A bounce to our SRS1 address goes back to the first forwarder's SRS0 address.
    assert_eq!(srs().reverse(&srs1, at(0)).unwrap(), srs0);
    assert_eq!(third.reverse(&srs1_again, at(0)).unwrap(), srs0);
    assert_eq!(first.reverse(&srs0, at(1)).unwrap(), "bob@example.net");
    let tampered = srs1.replace("first.example", "evil.example");
    assert_eq!(srs().reverse(&tampered, at(0)), Err(SrsError::BadHash));
}
