//! The identifier an organisation has in the system it was imported from, which makes a second
//! import of the same file change nothing.

use crate::string_form;

/// A non-empty, trimmed identifier of at most 200 characters, without control characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ExternalKey(Box<str>);

/// Why a text is not an external key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ExternalKeyError {
    #[error("a key cannot be empty")]
    Empty,
    #[error("a key is at most 200 characters; this has {0}")]
    TooLong(usize),
    #[error("a key cannot contain control characters such as tabs or line breaks")]
    ControlCharacter,
}

impl ExternalKey {
    /// The longest key, in characters.
    pub const MAX_CHARS: usize = 200;

    /// Parses a key, trimming surrounding white space.
    pub fn parse(text: &str) -> Result<Self, ExternalKeyError> {
        let trimmed = text.trim();
        if trimmed.is_empty() {
            return Err(ExternalKeyError::Empty);
        }
        let length = trimmed.chars().count();
        if length > Self::MAX_CHARS {
            return Err(ExternalKeyError::TooLong(length));
        }
        if trimmed.chars().any(char::is_control) {
            return Err(ExternalKeyError::ControlCharacter);
        }
        Ok(Self(trimmed.into()))
    }

    /// The key.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

string_form!(ExternalKey, ExternalKeyError, "an external key");

#[cfg(test)]
mod tests {
    use super::*;

    fn check(input: &str, expected: Result<&str, ExternalKeyError>) {
        assert_eq!(
            ExternalKey::parse(input)
                .as_ref()
                .map(ExternalKey::as_str)
                .map_err(Clone::clone),
            expected,
            "input {input:?}"
        );
    }

    #[test]
    fn parses_keys() {
        check("eccp-1234", Ok("eccp-1234"));
        check("  CORDIS 999993953 ", Ok("CORDIS 999993953"));
        check("Pôle Mer Méditerranée", Ok("Pôle Mer Méditerranée"));
        check(&"é".repeat(200), Ok(&"é".repeat(200)));
        check("", Err(ExternalKeyError::Empty));
        check(" \t ", Err(ExternalKeyError::Empty));
        check(&"k".repeat(201), Err(ExternalKeyError::TooLong(201)));
        check("a\tb", Err(ExternalKeyError::ControlCharacter));
        check("a\u{0}b", Err(ExternalKeyError::ControlCharacter));
    }
}
