//! Countries, identified by their ISO 3166-1 alpha-2 code, read from the codes people and EU
//! statistics write (`gr`, `EL`, `UK`, `GB`).

use std::sync::LazyLock;

use clusterhub_reference::{Country, Reference};

use crate::string_form;

/// A country that exists in ISO 3166-1 (plus Kosovo, `XK`, which the EU uses), stored as its
/// alpha-2 code in capitals.
///
/// EU statistics write Greece `EL` and the United Kingdom `UK`; both are accepted and stored as the
/// ISO codes `GR` and `GB`. [`CountryCode::eu_code`] gives the EU spelling back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CountryCode([u8; 2]);

/// Why a text is not a country code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CountryError {
    #[error("a country cannot be empty")]
    Empty,
    #[error("a country is given by its two-letter ISO 3166-1 code, such as DE, FR or GR")]
    NotTwoLetters,
    #[error("'{0}' is not an ISO 3166-1 country code")]
    Unknown(String),
}

/// Every country of the reference table, indexed by its two letters (AA = 0, AB = 1, ... ZZ = 675),
/// so a lookup on the import path is one array access.
static COUNTRY_BY_LETTERS: LazyLock<Vec<Option<&'static Country>>> = LazyLock::new(|| {
    let mut table = vec![None; 26 * 26];
    for country in Reference::get().countries().iter() {
        if let Some(index) = letters_index(country.alpha2.as_bytes()) {
            table[index] = Some(country);
        }
    }
    table
});

fn letters_index(code: &[u8]) -> Option<usize> {
    match code {
        [first, second] if first.is_ascii_uppercase() && second.is_ascii_uppercase() => {
            Some(usize::from(first - b'A') * 26 + usize::from(second - b'A'))
        }
        _ => None,
    }
}

impl CountryCode {
    /// Parses a two-letter code in any letter case, mapping `EL` to `GR` and `UK` to `GB`.
    pub fn parse(text: &str) -> Result<Self, CountryError> {
        let trimmed = text.trim();
        let letters = match trimmed.as_bytes() {
            [] => return Err(CountryError::Empty),
            [first, second] if first.is_ascii_alphabetic() && second.is_ascii_alphabetic() => {
                [first.to_ascii_uppercase(), second.to_ascii_uppercase()]
            }
            _ => return Err(CountryError::NotTwoLetters),
        };
        let iso = match &letters {
            b"EL" => *b"GR",
            b"UK" => *b"GB",
            _ => letters,
        };
        let index = letters_index(&iso).expect("two upper-case letters");
        match COUNTRY_BY_LETTERS[index] {
            Some(_) => Ok(Self(iso)),
            None => Err(CountryError::Unknown(trimmed.to_ascii_uppercase())),
        }
    }

    /// The ISO 3166-1 alpha-2 code (`GR`, `GB`).
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).expect("two ASCII letters")
    }

    /// The code EU statistics use: `EL` for Greece, `UK` for the United Kingdom, otherwise the
    /// ISO code.
    pub fn eu_code(&self) -> &str {
        match &self.0 {
            b"GR" => "EL",
            b"GB" => "UK",
            _ => self.as_str(),
        }
    }

    /// The country's entry in the reference table (names, alpha-3, EU membership).
    pub fn reference(&self) -> &'static Country {
        let index = letters_index(&self.0).expect("two upper-case letters");
        COUNTRY_BY_LETTERS[index].expect("a parsed country code is in the reference table")
    }

    /// The short English name.
    pub fn name(&self) -> &'static str {
        &self.reference().name
    }

    /// Whether the country is one of the 27 member states of the European Union.
    pub fn is_eu_member(&self) -> bool {
        self.reference().eu_member
    }

    /// Whether NUTS 2021 divides the country into regions.
    pub fn has_nuts_regions(&self) -> bool {
        self.reference().nuts
    }
}

string_form!(
    CountryCode,
    CountryError,
    "a two-letter ISO 3166-1 country code"
);

#[cfg(test)]
mod tests {
    use super::*;

    fn check(input: &str, expected: Result<&str, CountryError>) {
        assert_eq!(
            CountryCode::parse(input)
                .as_ref()
                .map(CountryCode::as_str)
                .map_err(Clone::clone),
            expected,
            "input {input:?}"
        );
    }

    #[test]
    fn parses_codes() {
        check("DE", Ok("DE"));
        check(" fr ", Ok("FR"));
        check("El", Ok("GR"));
        check("GR", Ok("GR"));
        check("UK", Ok("GB"));
        check("gb", Ok("GB"));
        check("XK", Ok("XK"));
        check("", Err(CountryError::Empty));
        check("DEU", Err(CountryError::NotTwoLetters));
        check("D1", Err(CountryError::NotTwoLetters));
        check("Ü", Err(CountryError::NotTwoLetters));
        check("QQ", Err(CountryError::Unknown("QQ".to_owned())));
        check("eu", Err(CountryError::Unknown("EU".to_owned())));
    }

    #[test]
    fn gives_the_eu_spelling_and_reference_facts() {
        let greece = CountryCode::parse("EL").unwrap();
        assert_eq!(greece.eu_code(), "EL");
        assert_eq!(greece.name(), "Greece");
        assert!(greece.is_eu_member());
        let britain = CountryCode::parse("UK").unwrap();
        assert_eq!(britain.eu_code(), "UK");
        assert!(!britain.is_eu_member());
        assert_eq!(CountryCode::parse("de").unwrap().eu_code(), "DE");
        assert!(CountryCode::parse("DE").unwrap().has_nuts_regions());
    }

    #[test]
    fn serialises_as_the_iso_code() {
        let greece = CountryCode::parse("EL").unwrap();
        assert_eq!(serde_json::to_string(&greece).unwrap(), "\"GR\"");
        assert_eq!(
            serde_json::from_str::<CountryCode>("\"el\"").unwrap(),
            greece
        );
        assert!(serde_json::from_str::<CountryCode>("\"QQ\"").is_err());
    }
}
