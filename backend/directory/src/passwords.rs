//! Passwords the server draws for accounts: at account creation without a password
//! (`osprey user add`, the first administrator, an import line without one).

use osprey_core::PasswordPolicy;

/// A random password for the account `login` that satisfies `policy`: drawn again in the
/// rare case a draw holds the account's name or a common password.
pub fn generate_password(login: &str, policy: &PasswordPolicy) -> String {
    loop {
        let pw = draw_password();
        if osprey_core::password_problems(&pw, login, policy).is_empty() {
            return pw;
        }
    }
}

fn draw_password() -> String {
    const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut bytes = [0u8; 20];
    getrandom::fill(&mut bytes).expect("the operating system provides randomness");
    let body: String = bytes
        .iter()
        .map(|b| ALPHABET[*b as usize % ALPHABET.len()] as char)
        .collect();
    // Groups of five with a class of each kind, e.g. "abcde-FGHJK-23456-mnpqr-7Aa".
    format!(
        "{}-{}-{}-{}-7Aa",
        &body[0..5],
        &body[5..10],
        &body[10..15],
        &body[15..20]
    )
}

#[cfg(test)]
mod password_tests {
    use super::*;

    #[test]
    fn generated_passwords_never_hold_the_account_name() {
        // "eve" or "ann" turn up in about one draw in a thousand; many draws must all
        // pass the policy for those accounts.
        for _ in 0..5_000 {
            for login in ["eve@cli.example", "ann@example.com", "Dee@example.com"] {
                let pw = generate_password(login, &PasswordPolicy::default());
                let local = login.split('@').next().unwrap().to_lowercase();
                assert!(!pw.to_lowercase().contains(&local), "{pw} for {login}");
            }
        }
    }
}
