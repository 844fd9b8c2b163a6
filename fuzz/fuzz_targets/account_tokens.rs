//! Fuzzes what a browser or client presents to the account code: session, API and one-time
//! tokens, token purposes, TOTP codes and secrets, recovery codes, stored password hashes and
//! the password policy. The first byte picks the parser.

#![no_main]

use clusterhub_accounts::{
    PasswordHash, PasswordPolicy, RecoveryCode, Token, TokenKind, TokenPurpose, TotpSecret,
};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    match selector % 7 {
        0 | 1 | 2 => {
            let kind =
                [TokenKind::Session, TokenKind::Api, TokenKind::OneTime][selector as usize % 3];
            if let Ok(token) = Token::parse(kind, text) {
                // An accepted token is exactly what was presented, and parses again.
                assert_eq!(token.expose(), text);
                assert_eq!(token.kind(), kind);
                assert_eq!(token.digest().len(), 64);
                assert!(Token::parse(kind, token.expose()).is_ok());
            }
        }
        3 => {
            if let Some(purpose) = TokenPurpose::parse(text) {
                assert_eq!(purpose.as_str(), text);
            }
        }
        4 => {
            // A code checked against a fixed secret at a time taken from the input.
            let secret = TotpSecret::new([7; 20]);
            let time = u64::from(text.len() as u32) * 1_000_003;
            if let Ok(step) = secret.verify(text, time, None) {
                assert!(
                    step.abs_diff(time / 30) <= 1,
                    "a code accepted outside the window"
                );
                assert_eq!(
                    secret.verify(text, time, Some(step)).ok(),
                    None,
                    "a replay accepted"
                );
            }
        }
        5 => {
            if let Ok(secret) = TotpSecret::from_base32(text) {
                let again = TotpSecret::from_base32(&secret.to_base32()).expect("own base32");
                assert_eq!(again.code_at(59), secret.code_at(59));
            }
            let _ = RecoveryCode::digest_of_typed(text);
        }
        _ => {
            // Stored hashes are outside input too (a restored database); they must never panic.
            if let Some(hash) = PasswordHash::from_stored(text) {
                let _ = hash.needs_rehash();
            }
            let _ = PasswordPolicy.check(text, "someone@example.eu", "Some One");
        }
    }
});
