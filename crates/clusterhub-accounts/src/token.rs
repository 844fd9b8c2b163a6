//! Secret tokens: session ids, API tokens and the one-time links of e-mail verification,
//! password reset and invitations.
//!
//! A token is 32 random bytes from the caller's CSPRNG, shown once as `<prefix>_<43 base64url
//! characters>` (the prefix says what it is for, so a leaked token is recognisable). The
//! database keeps only its SHA-256, so a copy of the database signs nobody in.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};

/// Random bytes in a token.
pub const TOKEN_BYTES: usize = 32;
const ENCODED_CHARS: usize = 43;

/// What a token is for; each kind has its own prefix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TokenKind {
    /// A browser session (the session cookie).
    Session,
    /// A personal API token (`Authorization: Bearer …`).
    Api,
    /// A one-time link sent by e-mail (verification, reset, invitation).
    OneTime,
}

impl TokenKind {
    /// The text before the underscore.
    pub fn prefix(self) -> &'static str {
        match self {
            TokenKind::Session => "chs",
            TokenKind::Api => "cht",
            TokenKind::OneTime => "cho",
        }
    }
}

/// What a one-time token allows, and for how long.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TokenPurpose {
    VerifyEmail,
    ResetPassword,
    Invitation,
    /// Confirms a new e-mail address (the payload holds it).
    ChangeEmail,
}

impl TokenPurpose {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            TokenPurpose::VerifyEmail => "verify_email",
            TokenPurpose::ResetPassword => "reset_password",
            TokenPurpose::Invitation => "invitation",
            TokenPurpose::ChangeEmail => "change_email",
        }
    }

    /// Seconds from issue to expiry: a reset link lives 30 minutes, a verification link (also
    /// of a new address) a day, an invitation a week.
    pub fn lifetime_seconds(self) -> i64 {
        match self {
            TokenPurpose::VerifyEmail | TokenPurpose::ChangeEmail => 24 * 3600,
            TokenPurpose::ResetPassword => 30 * 60,
            TokenPurpose::Invitation => 7 * 24 * 3600,
        }
    }

    /// The purpose with this stored name.
    pub fn parse(text: &str) -> Option<TokenPurpose> {
        [
            TokenPurpose::VerifyEmail,
            TokenPurpose::ResetPassword,
            TokenPurpose::Invitation,
            TokenPurpose::ChangeEmail,
        ]
        .into_iter()
        .find(|purpose| purpose.as_str() == text)
    }
}

/// Why a presented token was not even looked up.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    #[error("the token does not start with `{expected}_`")]
    WrongPrefix { expected: &'static str },
    #[error("the token has {found} characters after the prefix; a token has {ENCODED_CHARS}")]
    WrongLength { found: usize },
    #[error("the token has a character outside A-Z, a-z, 0-9, - and _")]
    BadCharacter,
}

/// A token as presented or just made; its text is secret, its [`Token::digest`] is stored.
#[derive(Clone, PartialEq, Eq)]
pub struct Token {
    kind: TokenKind,
    text: String,
}

impl std::fmt::Debug for Token {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(formatter, "Token({}_…)", self.kind.prefix())
    }
}

impl Token {
    /// A new token of `kind` from 32 random bytes.
    pub fn new(kind: TokenKind, random: &[u8; TOKEN_BYTES]) -> Token {
        Token {
            kind,
            text: format!("{}_{}", kind.prefix(), URL_SAFE_NO_PAD.encode(random)),
        }
    }

    /// Reads a presented token of `kind`; anything else is refused before any lookup.
    pub fn parse(kind: TokenKind, text: &str) -> Result<Token, TokenError> {
        let expected = kind.prefix();
        let rest = text
            .strip_prefix(expected)
            .and_then(|rest| rest.strip_prefix('_'))
            .ok_or(TokenError::WrongPrefix { expected })?;
        if rest.len() != ENCODED_CHARS {
            return Err(TokenError::WrongLength {
                found: rest.chars().count(),
            });
        }
        if !rest
            .bytes()
            .all(|byte| byte.is_ascii_alphanumeric() || byte == b'-' || byte == b'_')
        {
            return Err(TokenError::BadCharacter);
        }
        // 43 characters carry 258 bits; the last character's two spare bits must be zero, or
        // two texts would name the same bytes.
        let bytes = URL_SAFE_NO_PAD
            .decode(rest)
            .map_err(|_| TokenError::BadCharacter)?;
        debug_assert_eq!(bytes.len(), TOKEN_BYTES);
        Ok(Token {
            kind,
            text: text.to_owned(),
        })
    }

    /// What the token is for.
    pub fn kind(&self) -> TokenKind {
        self.kind
    }

    /// The secret text, to give to its owner once.
    pub fn expose(&self) -> &str {
        &self.text
    }

    /// The SHA-256 of the text, lowercase hex: what the database stores and looks up.
    pub fn digest(&self) -> String {
        digest_hex(self.text.as_bytes())
    }
}

/// SHA-256 of `bytes` as lowercase hex.
pub fn digest_hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let mut hex = String::with_capacity(64);
    for byte in digest {
        hex.push_str(&format!("{byte:02x}"));
    }
    hex
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_reads_back_and_digests_stably() {
        let token = Token::new(TokenKind::Session, &[0xAB; TOKEN_BYTES]);
        assert!(token.expose().starts_with("chs_"));
        assert_eq!(token.expose().len(), 4 + ENCODED_CHARS);
        let parsed = Token::parse(TokenKind::Session, token.expose()).expect("valid");
        assert_eq!(parsed, token);
        assert_eq!(parsed.digest(), token.digest());
        assert_eq!(token.digest().len(), 64);
        assert!(!format!("{token:?}").contains(&token.expose()[4..]));
    }

    #[test]
    fn malformed_tokens_are_refused_with_the_reason() {
        let token = Token::new(TokenKind::Api, &[7; TOKEN_BYTES]);
        assert_eq!(
            Token::parse(TokenKind::Session, token.expose()),
            Err(TokenError::WrongPrefix { expected: "chs" })
        );
        assert_eq!(
            Token::parse(TokenKind::Api, "cht_abc"),
            Err(TokenError::WrongLength { found: 3 })
        );
        let mut bad = token.expose().to_owned();
        bad.replace_range(10..11, "!");
        assert_eq!(
            Token::parse(TokenKind::Api, &bad),
            Err(TokenError::BadCharacter)
        );
        // Multi-byte characters never panic the length check.
        assert!(Token::parse(TokenKind::Api, "cht_ééééééééééééééééééééé").is_err());
        // Spare bits set in the last character: refused, so one token has one text.
        let mut spare = token.expose().to_owned();
        spare.pop();
        spare.push('B');
        let canonical_last = token.expose().chars().last();
        if canonical_last != Some('B') {
            assert_eq!(
                Token::parse(TokenKind::Api, &spare),
                Err(TokenError::BadCharacter)
            );
        }
    }

    #[test]
    fn purposes_have_short_lifetimes_and_stored_names() {
        assert_eq!(TokenPurpose::ResetPassword.lifetime_seconds(), 1800);
        for purpose in [
            TokenPurpose::VerifyEmail,
            TokenPurpose::ResetPassword,
            TokenPurpose::Invitation,
            TokenPurpose::ChangeEmail,
        ] {
            assert_eq!(TokenPurpose::parse(purpose.as_str()), Some(purpose));
        }
        assert_eq!(TokenPurpose::parse("login"), None);
    }
}
