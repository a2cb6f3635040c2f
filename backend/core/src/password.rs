//! The password policy: what makes a password acceptable, with reasons a user can act on.

/// Limits of the password policy.
#[derive(Debug, Clone, Copy)]
pub struct PasswordPolicy {
    /// Fewest characters accepted.
    pub min_len: usize,
    /// Most octets accepted (argon2 would take more; the limit keeps requests small).
    pub max_len: usize,
    /// Character classes (lower, upper, digit, other) needed below `relaxed_len`.
    pub min_classes: usize,
    /// From this many characters on, any mix of classes is accepted (a passphrase).
    pub relaxed_len: usize,
}

impl Default for PasswordPolicy {
    fn default() -> Self {
        Self {
            min_len: 10,
            max_len: 256,
            min_classes: 3,
            relaxed_len: 16,
        }
    }
}

const COMMON: &[&str] = &[
    "password", "passw0rd", "qwerty", "letmein", "welcome", "admin", "123456", "iloveyou",
    "monkey", "dragon", "abc123", "changeme", "secret",
];

/// Returns the reasons why `password` is not acceptable for the account `login`;
/// an empty list means it is acceptable.
pub fn password_problems(password: &str, login: &str, policy: &PasswordPolicy) -> Vec<String> {
    let mut problems = Vec::new();
    let chars = password.chars().count();
    if chars < policy.min_len {
        problems.push(format!(
            "must be at least {} characters long",
            policy.min_len
        ));
    }
    if password.len() > policy.max_len {
        problems.push(format!("must be at most {} bytes long", policy.max_len));
    }
    let classes = [
        password.chars().any(|c| c.is_lowercase()),
        password.chars().any(|c| c.is_uppercase()),
        password.chars().any(|c| c.is_ascii_digit()),
        password.chars().any(|c| !c.is_alphanumeric()),
    ]
    .iter()
    .filter(|present| **present)
    .count();
    if chars < policy.relaxed_len && classes < policy.min_classes {
        problems.push(format!(
            "must mix at least {} of lower case, upper case, digits and symbols, or be at least {} characters long",
            policy.min_classes, policy.relaxed_len
        ));
    }
    let lower = password.to_lowercase();
    let local = login.split('@').next().unwrap_or("").to_lowercase();
    if local.len() >= 3 && lower.contains(&local) {
        problems.push("must not contain the account name".to_owned());
    }
    if COMMON.iter().any(|w| lower.contains(w)) {
        problems.push("must not contain a commonly used password".to_owned());
    }
    if password
        .chars()
        .collect::<std::collections::HashSet<_>>()
        .len()
        < 4
        && chars > 0
    {
        problems.push("must use more than three different characters".to_owned());
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(p: &str) -> Vec<String> {
        password_problems(p, "alice@example.com", &PasswordPolicy::default())
    }

    #[test]
    fn accepts_strong_passwords_and_passphrases() {
        assert!(check("Tr0ub4dor&3x").is_empty());
        assert!(check("correct horse battery staple").is_empty());
    }

    #[test]
    fn names_each_problem() {
        assert_eq!(
            check("Ab1!"),
            vec!["must be at least 10 characters long".to_string()]
        );
        assert_eq!(check("abcdefghijk").len(), 1, "one class only");
        assert!(
            check("Alice-Rocks-2026")
                .iter()
                .any(|p| p.contains("account name"))
        );
        assert!(
            check("MyPassword2026!")
                .iter()
                .any(|p| p.contains("commonly used"))
        );
        assert!(
            check("aaaaaaaaaaaaaaaaaaaa")
                .iter()
                .any(|p| p.contains("different characters"))
        );
        assert!(!check(&"Ab1!".repeat(70)).is_empty(), "too long");
    }
}
