//! The Participant Identification Code that the EU Funding & Tenders Portal gives every
//! organisation taking part in EU programmes.

use crate::string_form;

/// A PIC: exactly 9 digits. Spaces inside are tolerated on input ("999 123 456"); the canonical
/// form has none. No check digit is published for PICs, so only the shape is checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Pic([u8; 9]);

/// Why a text is not a PIC.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PicError {
    #[error("a PIC cannot be empty")]
    Empty,
    #[error("a PIC has only digits; '{0}' is not a digit")]
    NotADigit(char),
    #[error("a PIC is exactly 9 digits; this has {0}")]
    WrongLength(usize),
}

impl Pic {
    /// Parses a PIC, ignoring surrounding and inner spaces.
    pub fn parse(text: &str) -> Result<Self, PicError> {
        let mut digits = [0u8; 9];
        let mut count = 0;
        for character in text.chars() {
            if character.is_whitespace() {
                continue;
            }
            if !character.is_ascii_digit() {
                return Err(PicError::NotADigit(character));
            }
            if count < digits.len() {
                digits[count] = character as u8;
            }
            count += 1;
        }
        match count {
            0 => Err(PicError::Empty),
            9 => Ok(Self(digits)),
            other => Err(PicError::WrongLength(other)),
        }
    }

    /// The 9 digits.
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).expect("a PIC holds ASCII digits only")
    }
}

string_form!(Pic, PicError, "a PIC of 9 digits");

#[cfg(test)]
mod tests {
    use super::*;

    fn check(input: &str, expected: Result<&str, PicError>) {
        assert_eq!(
            Pic::parse(input)
                .as_ref()
                .map(Pic::as_str)
                .map_err(Clone::clone),
            expected,
            "input {input:?}"
        );
    }

    #[test]
    fn parses_pics() {
        check("999993953", Ok("999993953"));
        check(" 999 993 953 ", Ok("999993953"));
        check("", Err(PicError::Empty));
        check("   ", Err(PicError::Empty));
        check("99999395", Err(PicError::WrongLength(8)));
        check("9999939531", Err(PicError::WrongLength(10)));
        check("99999-3953", Err(PicError::NotADigit('-')));
        check("E99993953", Err(PicError::NotADigit('E')));
    }

    #[test]
    fn reasons_read_well() {
        assert_eq!(
            PicError::WrongLength(8).to_string(),
            "a PIC is exactly 9 digits; this has 8"
        );
    }

    #[test]
    fn serialises_as_its_string() {
        let pic = Pic::parse("999993953").unwrap();
        assert_eq!(serde_json::to_string(&pic).unwrap(), "\"999993953\"");
        assert_eq!(serde_json::from_str::<Pic>("\"999993953\"").unwrap(), pic);
        assert!(serde_json::from_str::<Pic>("\"12\"").is_err());
    }
}
