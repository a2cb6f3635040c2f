//! Modified UTF-7 mailbox names, RFC 3501 §5.1.3 (kept by RFC 9051 §5.1.3 for clients
//! that have not enabled UTF-8).
//!
//! Owns the conversion between that form and Rust strings, nothing else: the session
//! decides which form a client speaks.

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,";

fn sextet(b: u8) -> Option<u32> {
    ALPHABET
        .iter()
        .position(|&a| a == b)
        .and_then(|p| u32::try_from(p).ok())
}

/// Encodes a name into modified UTF-7: printable US-ASCII stays, `&` becomes `&-`, every
/// other run of characters becomes `&` + modified base64 of UTF-16BE + `-`.
pub fn encode(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut pending: Vec<u16> = Vec::new();
    for c in name.chars() {
        if (' '..='~').contains(&c) {
            flush(&mut out, &mut pending);
            out.push(c);
            if c == '&' {
                out.push('-');
            }
        } else {
            let mut buf = [0u16; 2];
            pending.extend_from_slice(c.encode_utf16(&mut buf));
        }
    }
    flush(&mut out, &mut pending);
    out
}

fn flush(out: &mut String, pending: &mut Vec<u16>) {
    if pending.is_empty() {
        return;
    }
    let bytes: Vec<u8> = pending.iter().flat_map(|u| u.to_be_bytes()).collect();
    out.push('&');
    for chunk in bytes.chunks(3) {
        let b0 = u32::from(chunk.first().copied().unwrap_or(0));
        let b1 = u32::from(chunk.get(1).copied().unwrap_or(0));
        let b2 = u32::from(chunk.get(2).copied().unwrap_or(0));
        let n = (b0 << 16) | (b1 << 8) | b2;
        // Unpadded: 2, 3 or 4 characters for 1, 2 or 3 bytes.
        for i in 0..=chunk.len() {
            let idx = (n >> (18 - 6 * i)) & 0x3f;
            if let Some(&c) = ALPHABET.get(idx as usize) {
                out.push(char::from(c));
            }
        }
    }
    out.push('-');
    pending.clear();
}

/// Decodes a modified UTF-7 name. Returns `None` if and only if it is not in the
/// canonical form RFC 3501 §5.1.3 requires: 8-bit or control characters, an
/// unterminated or empty shift (other than `&-`), bad base64 or padding bits, a shifted
/// run of printable ASCII, or invalid UTF-16.
pub fn decode(name: &str) -> Option<String> {
    let bytes = name.as_bytes();
    let mut out = String::with_capacity(name.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if !(0x20..0x7f).contains(&b) {
            return None;
        }
        if b != b'&' {
            out.push(char::from(b));
            i += 1;
            continue;
        }
        let rest = bytes.get(i + 1..)?;
        let end = rest.iter().position(|&c| c == b'-')?;
        let run = rest.get(..end)?;
        i += end + 2;
        if run.is_empty() {
            out.push('&');
            continue;
        }
        let mut bits: u32 = 0;
        let mut nbits = 0;
        let mut units: Vec<u16> = Vec::new();
        let mut high: Option<u8> = None;
        for &c in run {
            bits = (bits << 6) | sextet(c)?;
            nbits += 6;
            if nbits >= 8 {
                nbits -= 8;
                let byte = ((bits >> nbits) & 0xff) as u8;
                match high.take() {
                    None => high = Some(byte),
                    Some(h) => units.push(u16::from_be_bytes([h, byte])),
                }
            }
        }
        // Leftover bits must be zero padding and no half unit may remain.
        if high.is_some() || bits & ((1 << nbits) - 1) != 0 {
            return None;
        }
        let decoded = String::from_utf16(&units).ok()?;
        if decoded.chars().any(|c| (' '..='~').contains(&c)) {
            return None;
        }
        out.push_str(&decoded);
    }
    Some(out)
}
