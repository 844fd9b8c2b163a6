//! Passwords: the policy a new password must meet (OWASP ASVS 5.0 V6.2) and argon2id hashing.
//!
//! A password is at least 12 and at most 128 characters (counted as Unicode scalar values, any
//! character allowed, nothing truncated, no composition rules), is not one of the 30,000 most
//! common passwords (`data/passwords/common-passwords.txt`), and does not contain the account's
//! e-mail address or name. Hashes are argon2id PHC strings with the OWASP parameters (19 MiB,
//! 2 passes, 1 lane); a stored hash with weaker parameters is reported as needing a rehash.

use std::collections::HashSet;
use std::sync::OnceLock;

use argon2::{Algorithm, Argon2, Params, PasswordHasher, PasswordVerifier, Version};

/// The shortest password accepted.
pub const MIN_CHARS: usize = 12;
/// The longest password accepted (longer input is refused, never truncated).
pub const MAX_CHARS: usize = 128;
/// Bytes of random salt per hash.
pub const SALT_BYTES: usize = 16;

const COMMON_PASSWORDS: &str = include_str!("../../../data/passwords/common-passwords.txt");

/// Why a new password is refused; each has a message a person can act on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PasswordProblem {
    #[error("the password has {chars} characters; it needs at least {MIN_CHARS}")]
    TooShort { chars: usize },
    #[error("the password has {chars} characters; at most {MAX_CHARS} are accepted")]
    TooLong { chars: usize },
    #[error("the password is one of the most common passwords; choose another")]
    Common,
    #[error("the password contains your {what}; choose one that does not")]
    ContainsPersonalData { what: &'static str },
    #[error("the password is only one character repeated; choose another")]
    Repeated,
}

/// The rules a new password must meet.
#[derive(Debug, Clone, Copy, Default)]
pub struct PasswordPolicy;

impl PasswordPolicy {
    /// Checks a new password for the account with this e-mail address and display name.
    pub fn check(&self, password: &str, email: &str, name: &str) -> Result<(), PasswordProblem> {
        let chars = password.chars().count();
        if chars < MIN_CHARS {
            return Err(PasswordProblem::TooShort { chars });
        }
        if chars > MAX_CHARS {
            return Err(PasswordProblem::TooLong { chars });
        }
        let mut distinct = password.chars();
        let first = distinct.next();
        if distinct.all(|c| Some(c) == first) {
            return Err(PasswordProblem::Repeated);
        }
        let lower = password.to_lowercase();
        if is_common(&lower) {
            return Err(PasswordProblem::Common);
        }
        let email = email.trim().to_lowercase();
        let local = email.split('@').next().unwrap_or_default();
        if local.chars().count() >= 4 && lower.contains(local) {
            return Err(PasswordProblem::ContainsPersonalData {
                what: "e-mail address",
            });
        }
        let name = name.trim().to_lowercase();
        if name.chars().count() >= 4 && lower.contains(&name) {
            return Err(PasswordProblem::ContainsPersonalData { what: "name" });
        }
        Ok(())
    }
}

/// Whether `lowercase` is on the common-password list, or is one of them with digits or
/// punctuation appended (`password2024!`).
fn is_common(lowercase: &str) -> bool {
    static LIST: OnceLock<HashSet<&'static str>> = OnceLock::new();
    let list = LIST.get_or_init(|| COMMON_PASSWORDS.lines().map(str::trim).collect());
    if list.contains(lowercase) {
        return true;
    }
    let stem = lowercase.trim_end_matches(|c: char| c.is_ascii_digit() || c.is_ascii_punctuation());
    stem.chars().count() >= 6 && list.contains(stem)
}

/// An argon2id hash in PHC string form (`$argon2id$v=19$m=19456,t=2,p=1$…`).
#[derive(Clone, PartialEq, Eq)]
pub struct PasswordHash(String);

impl std::fmt::Debug for PasswordHash {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str("PasswordHash(…)")
    }
}

impl PasswordHash {
    /// Hashes `password` with `salt` (random bytes from the caller's CSPRNG).
    pub fn new(password: &str, salt: &[u8; SALT_BYTES]) -> PasswordHash {
        let hash = hasher()
            .hash_password_with_salt(password.as_bytes(), salt)
            .expect("argon2id with fixed, valid parameters and a 16-byte salt cannot fail");
        PasswordHash(hash.to_string())
    }

    /// A stored hash; `None` if it is not a PHC string this crate can verify.
    pub fn from_stored(text: &str) -> Option<PasswordHash> {
        argon2::password_hash::phc::PasswordHash::new(text).ok()?;
        Some(PasswordHash(text.to_owned()))
    }

    /// The PHC string, to store.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether `password` is the one hashed (constant time in the password).
    pub fn verify(&self, password: &str) -> bool {
        let Ok(parsed) = argon2::password_hash::phc::PasswordHash::new(&self.0) else {
            return false;
        };
        Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok()
    }

    /// Whether the hash was made with other parameters than today's and should be replaced at
    /// the next successful sign-in.
    pub fn needs_rehash(&self) -> bool {
        !self.0.starts_with("$argon2id$v=19$m=19456,t=2,p=1$")
    }
}

/// The hash every password check costs, even for an unknown account, so that timing does not
/// tell which e-mail addresses have accounts.
pub fn dummy_verify(password: &str) {
    static DUMMY: OnceLock<PasswordHash> = OnceLock::new();
    let dummy = DUMMY.get_or_init(|| PasswordHash::new("not a real password", &[7; SALT_BYTES]));
    let _ = dummy.verify(password);
}

fn hasher() -> Argon2<'static> {
    let params = Params::new(19_456, 2, 1, None).expect("OWASP argon2id parameters are valid");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(password: &str) -> Result<(), PasswordProblem> {
        PasswordPolicy.check(password, "marie.curie@example.eu", "Marie Curie")
    }

    #[test]
    fn length_is_counted_in_characters_at_both_edges() {
        assert_eq!(
            check("kq8#Lz1!vR2"),
            Err(PasswordProblem::TooShort { chars: 11 })
        );
        assert_eq!(check("kq8#Lz1!vR2m"), Ok(()));
        // 12 characters, 24 bytes: accepted.
        assert_eq!(check("ééééééééééé1"), Ok(()));
        let longest = "ab".repeat(MAX_CHARS / 2);
        assert_eq!(check(&longest), Ok(()));
        assert_eq!(
            check(&format!("{longest}x")),
            Err(PasswordProblem::TooLong {
                chars: MAX_CHARS + 1
            })
        );
    }

    #[test]
    fn common_passwords_are_refused_even_with_a_suffix() {
        assert_eq!(check("baseball1234"), Err(PasswordProblem::Common));
        assert_eq!(check("Violet-Harbour-42"), Ok(()));
        assert_eq!(check("FOOTBALL2024!!"), Err(PasswordProblem::Common));
        assert_eq!(check("aaaaaaaaaaaaaaaa"), Err(PasswordProblem::Repeated));
    }

    #[test]
    fn personal_data_is_refused() {
        assert_eq!(
            check("xx-marie.curie-xx"),
            Err(PasswordProblem::ContainsPersonalData {
                what: "e-mail address"
            })
        );
        assert_eq!(
            check("i am MARIE CURIE!"),
            Err(PasswordProblem::ContainsPersonalData { what: "name" })
        );
    }

    #[test]
    fn a_hash_verifies_its_password_only() {
        let hash = PasswordHash::new("correct horse battery staple", &[1; SALT_BYTES]);
        assert!(hash.as_str().starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(hash.verify("correct horse battery staple"));
        assert!(!hash.verify("correct horse battery stapl"));
        assert!(!hash.needs_rehash());
        let stored = PasswordHash::from_stored(hash.as_str()).expect("a PHC string");
        assert!(stored.verify("correct horse battery staple"));
        assert!(PasswordHash::from_stored("plain text").is_none());
        // Different salts, different hashes.
        assert_ne!(
            hash,
            PasswordHash::new("correct horse battery staple", &[2; SALT_BYTES])
        );
    }
}
