//! The second factor: time-based one-time passwords (RFC 6238: HMAC-SHA-1, 6 digits, 30-second
//! steps, one step of clock skew either way) and single-use recovery codes.
//!
//! A code is accepted once: the caller stores the step of the last accepted code and passes it
//! back, and a code from that step or an earlier one is refused (RFC 6238 §5.2).

use totp_rs::{Algorithm, Builder, Secret, Totp};

use crate::token::digest_hex;

/// Random bytes in a TOTP secret (160 bits, as RFC 4226 recommends).
pub const SECRET_BYTES: usize = 20;
/// Random bytes behind one recovery code.
pub const RECOVERY_CODE_BYTES: usize = 8;
/// Recovery codes issued at a time.
pub const RECOVERY_CODES: usize = 10;

/// Why a code was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TotpError {
    #[error("the code must be 6 digits")]
    Malformed,
    #[error("the code is wrong or has expired")]
    Wrong,
    #[error("this code was already used; wait for the next one")]
    Replayed,
    #[error("the stored second-factor secret is unreadable")]
    BadSecret,
}

/// A TOTP secret; stored as base32, shown once as an `otpauth://` link for authenticator apps.
#[derive(Clone, PartialEq, Eq)]
pub struct TotpSecret(Vec<u8>);

impl std::fmt::Debug for TotpSecret {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str("TotpSecret(…)")
    }
}

impl TotpSecret {
    /// A new secret from the caller's random bytes.
    pub fn new(random: [u8; SECRET_BYTES]) -> TotpSecret {
        TotpSecret(random.to_vec())
    }

    /// A stored secret (base32, as [`TotpSecret::to_base32`] wrote it).
    pub fn from_base32(text: &str) -> Result<TotpSecret, TotpError> {
        let bytes = Secret::try_from_base32(text).map_err(|_| TotpError::BadSecret)?;
        if bytes.as_bytes().len() < 16 {
            return Err(TotpError::BadSecret);
        }
        Ok(TotpSecret(bytes.as_bytes().to_vec()))
    }

    /// The secret as base32 without padding: what is stored and what a person types into an
    /// authenticator app by hand.
    pub fn to_base32(&self) -> String {
        Secret::new(self.0.clone().into_boxed_slice()).to_base32()
    }

    fn totp(&self, account: &str, issuer: &str) -> Totp {
        Builder::new()
            .with_algorithm(Algorithm::SHA1)
            .with_digits(6)
            .with_skew(1)
            .with_step_duration(30)
            .with_secret(Secret::new(self.0.clone().into_boxed_slice()))
            .with_account_name(account.replace(':', " "))
            .with_issuer(Some(issuer.replace(':', " ")))
            .build()
            .expect("a 20-byte secret with RFC 6238 parameters is valid")
    }

    /// The `otpauth://totp/...` link that authenticator apps read (usually from a QR code).
    pub fn otpauth_url(&self, account: &str, issuer: &str) -> String {
        self.totp(account, issuer)
            .to_url()
            .expect("an account name is set")
    }

    /// The code for `unix_time` (for tests and for showing the current code in development).
    pub fn code_at(&self, unix_time: u64) -> String {
        self.totp("x", "x").generate(unix_time).to_string()
    }

    /// Checks `code` at `unix_time`; `last_step` is the step of the last accepted code. Returns
    /// the step to store.
    pub fn verify(
        &self,
        code: &str,
        unix_time: u64,
        last_step: Option<u64>,
    ) -> Result<u64, TotpError> {
        let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
        if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
            return Err(TotpError::Malformed);
        }
        let totp = self.totp("x", "x");
        let origin = unix_time / 30;
        // Newest step first, so a replay of an old code is not hidden by a newer match.
        for step in [origin + 1, origin, origin.saturating_sub(1)] {
            if totp.generate(step * 30).to_string() == code {
                if last_step.is_some_and(|last| step <= last) {
                    return Err(TotpError::Replayed);
                }
                return Ok(step);
            }
        }
        Err(TotpError::Wrong)
    }
}

/// A single-use recovery code, `xxxx-xxxx-xxxx` (lowercase base32 without confusable
/// characters), stored as its SHA-256.
#[derive(Clone, PartialEq, Eq)]
pub struct RecoveryCode(String);

impl std::fmt::Debug for RecoveryCode {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str("RecoveryCode(…)")
    }
}

const ALPHABET: &[u8; 32] = b"abcdefghjkmnpqrstuvwxyz023456789";

impl RecoveryCode {
    /// A code from the caller's random bytes.
    pub fn new(random: [u8; RECOVERY_CODE_BYTES]) -> RecoveryCode {
        let mut bits = u64::from_le_bytes(random);
        let mut text = String::with_capacity(17);
        for index in 0..12 {
            if index > 0 && index % 4 == 0 {
                text.push('-');
            }
            text.push(char::from(ALPHABET[(bits & 31) as usize]));
            bits >>= 5;
        }
        RecoveryCode(text)
    }

    /// The code as shown to its owner, once.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// What is stored: the SHA-256 of the normalised code.
    pub fn digest(&self) -> String {
        digest_hex(self.0.as_bytes())
    }

    /// The digest of a code as typed: case, spaces and dashes do not matter.
    pub fn digest_of_typed(typed: &str) -> Option<String> {
        let letters: String = typed
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .map(|c| c.to_ascii_lowercase())
            .collect();
        if letters.len() != 12 || !letters.bytes().all(|b| ALPHABET.contains(&b)) {
            return None;
        }
        let normalised = format!("{}-{}-{}", &letters[..4], &letters[4..8], &letters[8..]);
        Some(digest_hex(normalised.as_bytes()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238 Appendix B, SHA-1 rows (8 digits there; the last 6 digits are the 6-digit code).
    #[test]
    fn codes_match_the_rfc_6238_test_vectors() {
        let secret = TotpSecret(b"12345678901234567890".to_vec());
        for (time, eight) in [
            (59, "94287082"),
            (1_111_111_109, "07081804"),
            (1_111_111_111, "14050471"),
            (1_234_567_890, "89005924"),
            (2_000_000_000, "69279037"),
        ] {
            assert_eq!(secret.code_at(time), eight[2..], "at {time}");
        }
    }

    #[test]
    fn a_code_is_accepted_once_within_one_step_of_skew() {
        let secret = TotpSecret::new([9; SECRET_BYTES]);
        let now = 1_800_000_000;
        let code = secret.code_at(now);
        let step = secret.verify(&code, now, None).expect("current code");
        assert_eq!(step, now / 30);
        assert_eq!(
            secret.verify(&code, now, Some(step)),
            Err(TotpError::Replayed)
        );
        // The previous step's code still works 30 s later (skew), once.
        assert_eq!(secret.verify(&code, now + 30, None), Ok(step));
        assert_eq!(secret.verify(&code, now + 90, None), Err(TotpError::Wrong));
        assert_eq!(secret.verify("12345", now, None), Err(TotpError::Malformed));
        assert_eq!(
            secret.verify("12a456", now, None),
            Err(TotpError::Malformed)
        );
        let spaced = format!("{} {}", &code[..3], &code[3..]);
        assert_eq!(secret.verify(&spaced, now, None), Ok(step));
    }

    #[test]
    fn secrets_round_trip_through_base32_and_otpauth() {
        let secret = TotpSecret::new([3; SECRET_BYTES]);
        let stored = secret.to_base32();
        assert_eq!(TotpSecret::from_base32(&stored), Ok(secret.clone()));
        assert_eq!(TotpSecret::from_base32("!!"), Err(TotpError::BadSecret));
        let url = secret.otpauth_url("marie@example.eu", "Clusterhub");
        assert!(
            url.starts_with("otpauth://totp/Clusterhub:marie%40example.eu?"),
            "{url}"
        );
        assert!(url.contains(&format!("secret={stored}")), "{url}");
    }

    #[test]
    fn recovery_codes_accept_what_people_type() {
        let code = RecoveryCode::new([0x5A; RECOVERY_CODE_BYTES]);
        assert_eq!(code.expose().len(), 14);
        let typed = code.expose().replace('-', " ").to_uppercase();
        assert_eq!(RecoveryCode::digest_of_typed(&typed), Some(code.digest()));
        assert_eq!(RecoveryCode::digest_of_typed("short"), None);
        assert_eq!(RecoveryCode::digest_of_typed("iiii-iiii-iiii"), None);
    }
}
