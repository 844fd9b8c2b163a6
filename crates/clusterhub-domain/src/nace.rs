//! NACE Rev. 2 activity codes, read from the ways statistics and spreadsheets write them.

use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};

use clusterhub_reference::{Lang, NaceActivity, Reference};

use crate::Language;

/// An activity that exists in NACE Rev. 2: a section (`J`), division (`62`), group (`62.0`) or
/// class (`62.01`), always in the official dotted form.
///
/// Read forms: `62.01`, `6201`, `62,01`, `62.0`, `620`, `62`, `J`, the section letter in front
/// (`J62.01`, `J 6201`, checked against the code's section), and a division written with one digit
/// because a spreadsheet dropped its leading zero (`1.11` for `01.11`, `1` for `01`).
#[derive(Clone, Copy)]
pub struct NaceCode(&'static NaceActivity);

/// Why a text is not a NACE Rev. 2 code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NaceError {
    #[error("a NACE code cannot be empty")]
    Empty,
    #[error("a NACE Rev. 2 code is a section letter (A to U) or digits such as 62, 62.0 or 62.01")]
    Shape,
    #[error("{0} is not a NACE Rev. 2 code")]
    Unknown(String),
    #[error("{code} belongs to section {section}, not {given}")]
    WrongSection {
        given: char,
        code: &'static str,
        section: &'static str,
    },
}

impl NaceCode {
    /// Parses a code and normalises it to the official dotted form.
    pub fn parse(text: &str) -> Result<Self, NaceError> {
        let trimmed = text.trim();
        if trimmed.is_empty() {
            return Err(NaceError::Empty);
        }
        // Split an optional section letter from the digits.
        let (section_letter, digits_part) = match trimmed.as_bytes()[0] {
            letter if letter.is_ascii_alphabetic() => (
                Some(char::from(letter.to_ascii_uppercase())),
                trimmed[1..].trim_start(),
            ),
            _ => (None, trimmed),
        };
        let table = Reference::get().nace();
        if digits_part.is_empty() {
            let letter = section_letter.expect("the text is not empty");
            let mut buffer = [0u8; 4];
            let section = letter.encode_utf8(&mut buffer);
            return table
                .get(section)
                .filter(|activity| activity.level == 1)
                .map(Self)
                .ok_or_else(|| NaceError::Unknown(section.to_owned()));
        }

        let mut buffer = [0u8; 5];
        let code = dotted_form(digits_part, &mut buffer)?;
        let activity = table
            .get(code)
            .ok_or_else(|| NaceError::Unknown(code.to_owned()))?;
        let parsed = Self(activity);
        if let Some(given) = section_letter {
            let section = parsed.section();
            if !section.as_str().starts_with(given) {
                return Err(NaceError::WrongSection {
                    given,
                    code: parsed.as_str(),
                    section: section.as_str(),
                });
            }
        }
        Ok(parsed)
    }

    /// The code in the official form (`J`, `62`, `62.0`, `62.01`).
    pub fn as_str(&self) -> &'static str {
        &self.0.code
    }

    /// 1 for a section, 2 for a division, 3 for a group, 4 for a class.
    pub fn level(&self) -> u8 {
        self.0.level
    }

    /// The label in `language` (English, French or German; English for the others).
    pub fn label(&self, language: Language) -> &'static str {
        let lang = match language {
            Language::Fr => Lang::Fr,
            Language::De => Lang::De,
            _ => Lang::En,
        };
        self.0.label(lang)
    }

    /// The activity one level up; `None` for a section.
    pub fn parent(&self) -> Option<NaceCode> {
        let parent = self.0.parent.as_deref()?;
        Reference::get().nace().get(parent).map(Self)
    }

    /// The section (`A` to `U`) the activity belongs to; a section is its own section.
    pub fn section(&self) -> NaceCode {
        let mut current = *self;
        while let Some(parent) = current.parent() {
            current = parent;
        }
        current
    }

    /// Whether this activity is `other` or lies inside it.
    pub fn is_within(&self, other: &NaceCode) -> bool {
        if other.level() == 1 {
            self.section() == *other
        } else {
            self.level() >= other.level() && self.as_str().starts_with(other.as_str())
        }
    }

    /// The activity's entry in the reference table.
    pub fn reference(&self) -> &'static NaceActivity {
        self.0
    }
}

/// Turns the digits of a code (with or without dots) into the dotted form: `dd`, `dd.d` or `dd.dd`.
fn dotted_form<'a>(text: &str, buffer: &'a mut [u8; 5]) -> Result<&'a str, NaceError> {
    let bytes = text.as_bytes();
    let separator = bytes.iter().position(|byte| matches!(byte, b'.' | b','));
    let (division, rest): (&[u8], &[u8]) = match separator {
        Some(position) => (&bytes[..position], &bytes[position + 1..]),
        None if bytes.len() <= 2 => (bytes, &[]),
        None => (&bytes[..2], &bytes[2..]),
    };
    let all_digits = |part: &[u8]| part.iter().all(u8::is_ascii_digit);
    let shape_ok = all_digits(division)
        && all_digits(rest)
        && (1..=2).contains(&division.len())
        && rest.len() <= 2
        && (separator.is_none() || !rest.is_empty());
    if !shape_ok {
        return Err(NaceError::Shape);
    }
    // A division of one digit lost its leading zero in a spreadsheet.
    if division.len() == 1 {
        buffer[0] = b'0';
        buffer[1] = division[0];
    } else {
        buffer[..2].copy_from_slice(division);
    }
    let length = if rest.is_empty() {
        2
    } else {
        buffer[2] = b'.';
        buffer[3..3 + rest.len()].copy_from_slice(rest);
        3 + rest.len()
    };
    Ok(std::str::from_utf8(&buffer[..length]).expect("ASCII digits and a dot"))
}

impl fmt::Debug for NaceCode {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "NaceCode({})", self.as_str())
    }
}

impl PartialEq for NaceCode {
    fn eq(&self, other: &Self) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for NaceCode {}

impl Hash for NaceCode {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.as_str().hash(state);
    }
}

impl PartialOrd for NaceCode {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for NaceCode {
    fn cmp(&self, other: &Self) -> Ordering {
        self.as_str().cmp(other.as_str())
    }
}

crate::string_form!(NaceCode, NaceError, "a NACE Rev. 2 code");

#[cfg(test)]
mod tests {
    use super::*;

    fn check(input: &str, expected: Result<&str, NaceError>) {
        assert_eq!(
            NaceCode::parse(input).map(|code| code.as_str()),
            expected,
            "input {input:?}"
        );
    }

    #[test]
    fn normalises_to_the_dotted_form() {
        check("62.01", Ok("62.01"));
        check("6201", Ok("62.01"));
        check("62,01", Ok("62.01"));
        check("62.0", Ok("62.0"));
        check("620", Ok("62.0"));
        check("62", Ok("62"));
        check("J", Ok("J"));
        check(" j ", Ok("J"));
        check("J62.01", Ok("62.01"));
        check("J 6201", Ok("62.01"));
        check("c10.11", Ok("10.11"));
        check("1.11", Ok("01.11"));
        check("1", Ok("01"));
        check("01.11", Ok("01.11"));
    }

    #[test]
    fn refuses_codes_that_do_not_exist() {
        check("", Err(NaceError::Empty));
        check("62.", Err(NaceError::Shape));
        check("62.011", Err(NaceError::Shape));
        check("62010", Err(NaceError::Shape));
        check("620.1", Err(NaceError::Shape));
        check("6x", Err(NaceError::Shape));
        check("JJ", Err(NaceError::Shape));
        check("62.09x", Err(NaceError::Shape));
        check("99.99", Err(NaceError::Unknown("99.99".to_owned())));
        check("62.00", Err(NaceError::Unknown("62.00".to_owned())));
        check("Z", Err(NaceError::Unknown("Z".to_owned())));
        check(
            "C62.01",
            Err(NaceError::WrongSection {
                given: 'C',
                code: "62.01",
                section: "J",
            }),
        );
        assert_eq!(
            NaceError::WrongSection {
                given: 'C',
                code: "62.01",
                section: "J"
            }
            .to_string(),
            "62.01 belongs to section J, not C"
        );
    }

    #[test]
    fn every_activity_of_the_reference_table_parses_in_each_form() {
        for activity in Reference::get().nace().iter() {
            let code = NaceCode::parse(&activity.code).unwrap();
            assert_eq!(
                (code.as_str(), code.level()),
                (activity.code.as_str(), activity.level)
            );
            if activity.level > 1 {
                let undotted = activity.code.replace('.', "");
                assert_eq!(NaceCode::parse(&undotted).unwrap(), code, "{undotted}");
                let section = code.section().as_str().to_owned();
                assert_eq!(
                    NaceCode::parse(&format!("{section}{}", activity.code)).unwrap(),
                    code
                );
            }
        }
    }

    #[test]
    fn knows_its_hierarchy_and_labels() {
        let class = NaceCode::parse("62.01").unwrap();
        assert_eq!(class.level(), 4);
        assert_eq!(class.parent().unwrap().as_str(), "62.0");
        assert_eq!(class.section().as_str(), "J");
        assert!(class.is_within(&NaceCode::parse("62").unwrap()));
        assert!(class.is_within(&NaceCode::parse("J").unwrap()));
        assert!(!class.is_within(&NaceCode::parse("C").unwrap()));
        assert!(!NaceCode::parse("62").unwrap().is_within(&class));
        assert_eq!(class.label(Language::En), "Computer programming activities");
        assert!(!class.label(Language::De).is_empty());
    }

    #[test]
    fn serialises_as_the_dotted_code() {
        let code = NaceCode::parse("6201").unwrap();
        assert_eq!(serde_json::to_string(&code).unwrap(), "\"62.01\"");
        assert_eq!(serde_json::from_str::<NaceCode>("\"62.01\"").unwrap(), code);
    }
}
