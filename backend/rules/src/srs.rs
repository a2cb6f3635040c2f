//! The Sender Rewriting Scheme: the envelope sender of a forwarded message becomes an
//! address of ours, so that SPF passes at the destination, and a bounce to it finds its
//! way back to the original sender.
//!
//! The address forms are those of libsrs2 and postsrsd (`SRS0=HHHH=TT=domain=local@ours`,
//! `SRS1=HHHH=first-forwarder==HHHH=TT=domain=local@ours`): a base32 day stamp and a
//! truncated base64 HMAC, here HMAC-SHA-256, compared without regard to case since some
//! servers fold local parts. Keys and the clock are the caller's.

use std::fmt;

use base64::Engine as _;
use chrono::{DateTime, Utc};
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

/// The base32 alphabet of the day stamp.
const STAMP_ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
/// The stamp counts days modulo this (two base32 characters).
const STAMP_SLOTS: i64 = 1024;

/// Why an address could not be rewritten or read back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SrsError {
    /// The null sender is never rewritten.
    NullSender,
    /// The address has no `@domain`.
    NoDomain,
    /// The address is not an SRS address.
    NotSrs,
    /// It looks like an SRS address but a part is missing or malformed.
    Malformed,
    /// The hash does not match: forged or made with another key.
    BadHash,
    /// The stamp is older than the maximum age.
    Expired,
}

impl fmt::Display for SrsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            SrsError::NullSender => "the null sender is not rewritten",
            SrsError::NoDomain => "the address has no domain",
            SrsError::NotSrs => "not an SRS address",
            SrsError::Malformed => "a malformed SRS address",
            SrsError::BadHash => "the SRS hash does not match",
            SrsError::Expired => "the SRS address has expired",
        })
    }
}

impl std::error::Error for SrsError {}

/// An SRS rewriter for one forwarding domain.
#[derive(Clone)]
pub struct Srs {
    /// The first signs; all verify (so that keys can be rotated).
    secrets: Vec<Vec<u8>>,
    domain: String,
    max_age_days: i64,
    hash_len: usize,
}

impl fmt::Debug for Srs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Srs")
            .field("domain", &self.domain)
            .field("max_age_days", &self.max_age_days)
            .field("hash_len", &self.hash_len)
            .finish_non_exhaustive()
    }
}

impl Srs {
    /// A rewriter signing with `secret` for `domain`, with libsrs2's defaults: addresses
    /// valid for 21 days, 4 hash characters.
    pub fn new(secret: impl Into<Vec<u8>>, domain: impl Into<String>) -> Self {
        Self {
            secrets: vec![secret.into()],
            domain: domain.into(),
            max_age_days: 21,
            hash_len: 4,
        }
    }

    /// Also accepts addresses signed with an older secret.
    pub fn with_old_secret(mut self, secret: impl Into<Vec<u8>>) -> Self {
        self.secrets.push(secret.into());
        self
    }

    /// Sets how many days a rewritten address stays valid.
    pub fn with_max_age_days(mut self, days: u32) -> Self {
        self.max_age_days = i64::from(days).clamp(1, STAMP_SLOTS - 1);
        self
    }

    /// Sets how many base64 characters of the hash an address carries (4 to 43).
    pub fn with_hash_len(mut self, len: usize) -> Self {
        self.hash_len = len.clamp(4, 43);
        self
    }

    /// The domain SRS addresses are made in.
    pub fn domain(&self) -> &str {
        &self.domain
    }

    /// Rewrites the envelope sender of a message this server forwards. An address of our
    /// own domain is kept; an SRS address of another forwarder becomes SRS1.
    pub fn forward(&self, sender: &str, now: DateTime<Utc>) -> Result<String, SrsError> {
        let sender = sender.trim().trim_start_matches('<').trim_end_matches('>');
        if sender.is_empty() {
            return Err(SrsError::NullSender);
        }
        let (local, domain) = sender.rsplit_once('@').ok_or(SrsError::NoDomain)?;
        if local.is_empty() || domain.is_empty() {
            return Err(SrsError::NoDomain);
        }
        if domain.eq_ignore_ascii_case(&self.domain) {
            return Ok(sender.to_owned());
        }
        if let Some(rest) = strip_tag(local, "SRS1") {
            // SRS1=HHHH=first==rest: keep the first forwarder, sign again.
            let body = &rest[1..];
            let (_, after_hash) = body.split_once('=').ok_or(SrsError::Malformed)?;
            let (first, srs0_rest) = after_hash.split_once('=').ok_or(SrsError::Malformed)?;
            return Ok(self.srs1(first, srs0_rest));
        }
        if let Some(rest) = strip_tag(local, "SRS0") {
            // An SRS0 address of another forwarder: point back at it.
            return Ok(self.srs1(domain, rest));
        }
        let stamp = encode_stamp(now);
        let hash = self.hash(&self.secrets[0], &[&stamp, domain, local]);
        Ok(format!(
            "SRS0={hash}={stamp}={domain}={local}@{}",
            self.domain
        ))
    }

    fn srs1(&self, first: &str, srs0_rest: &str) -> String {
        let hash = self.hash(&self.secrets[0], &[first, srs0_rest]);
        format!("SRS1={hash}={first}={srs0_rest}@{}", self.domain)
    }

    /// Reads back an SRS address of ours (a bounce's recipient): the original sender for
    /// SRS0, the first forwarder's SRS0 address for SRS1.
    pub fn reverse(&self, addr: &str, now: DateTime<Utc>) -> Result<String, SrsError> {
        let addr = addr.trim().trim_start_matches('<').trim_end_matches('>');
        let (local, _) = addr.rsplit_once('@').ok_or(SrsError::NoDomain)?;
        if let Some(rest) = strip_tag(local, "SRS0") {
            let mut parts = rest[1..].splitn(4, '=');
            let (Some(hash), Some(stamp), Some(domain), Some(orig_local)) =
                (parts.next(), parts.next(), parts.next(), parts.next())
            else {
                return Err(SrsError::Malformed);
            };
            if domain.is_empty() || orig_local.is_empty() {
                return Err(SrsError::Malformed);
            }
            self.verify(hash, &[stamp, domain, orig_local])?;
            let then = decode_stamp(stamp).ok_or(SrsError::Malformed)?;
            let today = day_slot(now);
            if (today - then).rem_euclid(STAMP_SLOTS) > self.max_age_days {
                return Err(SrsError::Expired);
            }
            return Ok(format!("{orig_local}@{domain}"));
        }
        if let Some(rest) = strip_tag(local, "SRS1") {
            let body = &rest[1..];
            let (hash, after_hash) = body.split_once('=').ok_or(SrsError::Malformed)?;
            let (first, srs0_rest) = after_hash.split_once('=').ok_or(SrsError::Malformed)?;
            if first.is_empty() || srs0_rest.is_empty() {
                return Err(SrsError::Malformed);
            }
            self.verify(hash, &[first, srs0_rest])?;
            return Ok(format!("SRS0{srs0_rest}@{first}"));
        }
        Err(SrsError::NotSrs)
    }

    fn verify(&self, hash: &str, parts: &[&str]) -> Result<(), SrsError> {
        let ok = self.secrets.iter().any(|secret| {
            let full = self.hash(secret, parts);
            full.eq_ignore_ascii_case(hash)
        });
        if ok { Ok(()) } else { Err(SrsError::BadHash) }
    }

    /// The truncated base64 HMAC-SHA-256 of the parts, in lower case as libsrs2 hashes
    /// them, so that a server folding the case of the address does not break it.
    fn hash(&self, secret: &[u8], parts: &[&str]) -> String {
        // HMAC takes keys of any length, so this never fails; an empty MAC would only
        // make verification fail.
        let Ok(mut mac) = <Hmac<Sha256> as KeyInit>::new_from_slice(secret) else {
            return String::new();
        };
        for part in parts {
            mac.update(part.to_ascii_lowercase().as_bytes());
        }
        let digest = mac.finalize().into_bytes();
        let mut b64 = base64::engine::general_purpose::STANDARD.encode(digest);
        b64.truncate(self.hash_len);
        b64
    }
}

/// The part after `SRS0`/`SRS1` (any case) when it starts with a separator (`=`, `+` or
/// `-`, as libsrs2 accepts).
fn strip_tag<'a>(local: &'a str, tag: &str) -> Option<&'a str> {
    let head = local.get(..tag.len())?;
    let rest = &local[tag.len()..];
    (head.eq_ignore_ascii_case(tag) && rest.starts_with(['=', '+', '-']) && rest.len() > 1)
        .then_some(rest)
}

fn day_slot(now: DateTime<Utc>) -> i64 {
    now.timestamp().div_euclid(86_400).rem_euclid(STAMP_SLOTS)
}

fn encode_stamp(now: DateTime<Utc>) -> String {
    let slot = day_slot(now) as usize;
    let chars = [STAMP_ALPHABET[(slot >> 5) & 31], STAMP_ALPHABET[slot & 31]];
    String::from_utf8_lossy(&chars).into_owned()
}

fn decode_stamp(stamp: &str) -> Option<i64> {
    let bytes = stamp.as_bytes();
    if bytes.len() != 2 {
        return None;
    }
    let mut value = 0i64;
    for b in bytes {
        let b = b.to_ascii_uppercase();
        let pos = STAMP_ALPHABET.iter().position(|&c| c == b)?;
        value = (value << 5) | pos as i64;
    }
    Some(value)
}
