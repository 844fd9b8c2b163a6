//! NUTS regions, as codes that exist in a given version of the classification (NUTS 2021 unless
//! said otherwise).

use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};

use clusterhub_reference::{NutsRegion, NutsTranslationMethod, NutsVersion, Reference};

use crate::CountryCode;

/// A region that exists in a NUTS version: a country (level 0) or a region of level 1 to 3.
///
/// Codes are read in any letter case; `GR` and `GB` at the start are read as NUTS writes them,
/// `EL` and `UK`. The value refers to the region's entry in the embedded reference table, so it is
/// small, cheap to copy, and knows its name and parent.
#[derive(Clone, Copy)]
pub struct NutsCode {
    region: &'static NutsRegion,
    version: NutsVersion,
}

/// Why a text is not a NUTS region (of the version asked for, or for an organisation's profile).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NutsError {
    #[error("a NUTS code cannot be empty")]
    Empty,
    #[error(
        "a NUTS code is a two-letter country code followed by up to 3 letters or digits, such as DE21 or FR101"
    )]
    Shape,
    #[error("not a region of NUTS {version}")]
    Unknown { version: NutsVersion },
    #[error("a code of an older NUTS version; in NUTS 2021 this region is {replacement}")]
    Outdated { replacement: String },
    #[error("a code of an older NUTS version, for a region NUTS 2021 no longer has")]
    Discontinued,
    #[error(
        "an Extra-Regio code, which stands for no place; give the region where the organisation is"
    )]
    ExtraRegio,
    #[error("a whole country (NUTS level 0); give a region of level 1 to 3")]
    WholeCountry,
}

impl NutsCode {
    /// Parses a code that exists in NUTS 2021.
    pub fn parse(text: &str) -> Result<Self, NutsError> {
        Self::parse_in(text, NutsVersion::V2021)
    }

    /// Parses a code that exists in the given NUTS version.
    pub fn parse_in(text: &str, version: NutsVersion) -> Result<Self, NutsError> {
        let mut buffer = [0u8; 5];
        let code = normalise(text, &mut buffer)?;
        let reference = Reference::get();
        if let Some(region) = reference.nuts(version).get(code) {
            return Ok(Self { region, version });
        }
        if version == NutsVersion::V2021
            && let Some(translation) = reference.nuts_translation(code)
        {
            return Err(match (translation.method, &translation.nuts_2021) {
                (NutsTranslationMethod::ExtraRegio, _) => NutsError::ExtraRegio,
                (_, Some(replacement)) => NutsError::Outdated {
                    replacement: replacement.clone(),
                },
                (_, None) => NutsError::Discontinued,
            });
        }
        Err(NutsError::Unknown { version })
    }

    /// Parses a code of any NUTS version from 2003 to 2021 and gives the NUTS 2021 region it
    /// corresponds to (the same region when it was only relabelled, otherwise the smallest 2021
    /// region known to contain it), as imports of older data (CORDIS) need.
    pub fn parse_translated(text: &str) -> Result<Self, NutsError> {
        let mut buffer = [0u8; 5];
        let code = normalise(text, &mut buffer)?;
        let reference = Reference::get();
        let nuts_2021 = reference.nuts(NutsVersion::V2021);
        if let Some(region) = nuts_2021.get(code) {
            return Ok(Self {
                region,
                version: NutsVersion::V2021,
            });
        }
        match reference.nuts_translation(code) {
            Some(translation) if translation.method == NutsTranslationMethod::ExtraRegio => {
                Err(NutsError::ExtraRegio)
            }
            Some(translation) => {
                let region = translation
                    .nuts_2021
                    .as_deref()
                    .and_then(|replacement| nuts_2021.get(replacement))
                    .ok_or(NutsError::Discontinued)?;
                Ok(Self {
                    region,
                    version: NutsVersion::V2021,
                })
            }
            None => Err(NutsError::Unknown {
                version: NutsVersion::V2021,
            }),
        }
    }

    /// Parses the region of an organisation's profile: a NUTS 2021 region of level 1 to 3.
    pub fn parse_region(text: &str) -> Result<Self, NutsError> {
        let code = Self::parse(text)?;
        code.require_region()?;
        Ok(code)
    }

    /// Refuses a whole country (level 0), which is not a region of a profile.
    pub fn require_region(&self) -> Result<(), NutsError> {
        if self.level() == 0 {
            Err(NutsError::WholeCountry)
        } else {
            Ok(())
        }
    }

    /// The code, as NUTS writes it (`EL30`, `DE212`).
    pub fn as_str(&self) -> &'static str {
        &self.region.code
    }

    /// 0 for a country, then 1, 2 or 3.
    pub fn level(&self) -> u8 {
        self.region.level
    }

    /// The NUTS version the code was checked against.
    pub fn version(&self) -> NutsVersion {
        self.version
    }

    /// The country, as an ISO code (`GR` for a code starting `EL`).
    pub fn country(&self) -> CountryCode {
        CountryCode::parse(&self.region.country)
            .expect("every NUTS country is an ISO 3166-1 country")
    }

    /// The region's name in Latin script.
    pub fn name(&self) -> &'static str {
        &self.region.name
    }

    /// The region's entry in the reference table.
    pub fn reference(&self) -> &'static NutsRegion {
        self.region
    }

    /// The region one level up; `None` for a country.
    pub fn parent(&self) -> Option<NutsCode> {
        let parent = self.region.parent.as_deref()?;
        let region = Reference::get().nuts(self.version).get(parent)?;
        Some(Self {
            region,
            version: self.version,
        })
    }

    /// Whether this region is `other` or lies inside it (same version).
    pub fn is_within(&self, other: &NutsCode) -> bool {
        self.version == other.version && self.as_str().starts_with(other.as_str())
    }
}

/// Trims, upper-cases and checks the shape of a code; `GR` and `GB` become `EL` and `UK`.
fn normalise<'a>(text: &str, buffer: &'a mut [u8; 5]) -> Result<&'a str, NutsError> {
    let trimmed = text.trim().as_bytes();
    if trimmed.is_empty() {
        return Err(NutsError::Empty);
    }
    if !(2..=5).contains(&trimmed.len())
        || !trimmed[..2].iter().all(u8::is_ascii_alphabetic)
        || !trimmed.iter().all(u8::is_ascii_alphanumeric)
    {
        return Err(NutsError::Shape);
    }
    let code = &mut buffer[..trimmed.len()];
    for (target, source) in code.iter_mut().zip(trimmed) {
        *target = source.to_ascii_uppercase();
    }
    match &code[..2] {
        b"GR" => code[..2].copy_from_slice(b"EL"),
        b"GB" => code[..2].copy_from_slice(b"UK"),
        _ => {}
    }
    Ok(std::str::from_utf8(code).expect("ASCII letters and digits"))
}

impl fmt::Debug for NutsCode {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            formatter,
            "NutsCode({} in NUTS {})",
            self.as_str(),
            self.version
        )
    }
}

impl PartialEq for NutsCode {
    fn eq(&self, other: &Self) -> bool {
        self.version == other.version && self.as_str() == other.as_str()
    }
}

impl Eq for NutsCode {}

impl Hash for NutsCode {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.version.hash(state);
        self.as_str().hash(state);
    }
}

impl PartialOrd for NutsCode {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for NutsCode {
    fn cmp(&self, other: &Self) -> Ordering {
        (self.as_str(), self.version).cmp(&(other.as_str(), other.version))
    }
}

impl fmt::Display for NutsCode {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(self.as_str())
    }
}

impl std::str::FromStr for NutsCode {
    type Err = NutsError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::parse(text)
    }
}

/// Serialised as the code alone. The version is not written: a code read back is checked against
/// NUTS 2021, the version the platform stores (older codes are translated on import).
impl serde::Serialize for NutsCode {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> serde::Deserialize<'de> for NutsCode {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct CodeVisitor;

        impl serde::de::Visitor<'_> for CodeVisitor {
            type Value = NutsCode;

            fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
                formatter.write_str("a NUTS 2021 code")
            }

            fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<NutsCode, E> {
                NutsCode::parse(text).map_err(E::custom)
            }
        }

        deserializer.deserialize_str(CodeVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(input: &str, expected: Result<(&str, u8, &str), NutsError>) {
        let parsed = NutsCode::parse(input);
        assert_eq!(
            parsed.map(|code| (
                code.as_str(),
                code.level(),
                code.country().as_str().to_owned()
            )),
            expected.map(|(code, level, country)| (code, level, country.to_owned())),
            "input {input:?}"
        );
    }

    #[test]
    fn parses_nuts_2021_codes() {
        check("DE212", Ok(("DE212", 3, "DE")));
        check(" de21 ", Ok(("DE21", 2, "DE")));
        check("FR1", Ok(("FR1", 1, "FR")));
        check("DE", Ok(("DE", 0, "DE")));
        check("EL30", Ok(("EL30", 2, "GR")));
        check("gr30", Ok(("EL30", 2, "GR")));
        check("", Err(NutsError::Empty));
        check("D", Err(NutsError::Shape));
        check("DE2123", Err(NutsError::Shape));
        check("12345", Err(NutsError::Shape));
        check("DE-21", Err(NutsError::Shape));
        check(
            "DE999",
            Err(NutsError::Unknown {
                version: NutsVersion::V2021,
            }),
        );
        check("DEZZZ", Err(NutsError::ExtraRegio));
    }

    #[test]
    fn explains_codes_of_older_versions() {
        // NUTS writes the United Kingdom UK; ISO writes GB.
        let in_2016 = NutsCode::parse_in("gbc1", NutsVersion::V2016).unwrap();
        assert_eq!(
            (in_2016.as_str(), in_2016.country().as_str()),
            ("UKC1", "GB")
        );
        assert_eq!(in_2016.version(), NutsVersion::V2016);
        assert_ne!(in_2016, NutsCode::parse("UKC1").unwrap(), "versions differ");
        // A relabelled region: find one in the reference data and check both ways of reading it.
        let reference = Reference::get();
        let old = reference
            .nuts(NutsVersion::V2016)
            .iter()
            .find(|region| {
                !reference.nuts(NutsVersion::V2021).contains(&region.code)
                    && reference
                        .nuts_translation(&region.code)
                        .is_some_and(|translation| {
                            translation.method == NutsTranslationMethod::Recoded
                        })
            })
            .expect("NUTS 2021 relabelled some 2016 regions");
        let replacement = reference.translate_nuts_to_2021(&old.code).unwrap();
        assert_eq!(
            NutsCode::parse(&old.code).map(|code| code.to_string()),
            Err(NutsError::Outdated {
                replacement: replacement.clone()
            })
        );
        assert_eq!(
            NutsCode::parse_translated(&old.code).unwrap().as_str(),
            replacement
        );
        assert_eq!(
            NutsCode::parse_translated("DE212").unwrap().as_str(),
            "DE212"
        );
        assert_eq!(
            NutsCode::parse_translated("DEZZZ"),
            Err(NutsError::ExtraRegio)
        );
    }

    #[test]
    fn every_region_of_the_reference_tables_parses_and_has_a_country() {
        for version in NutsVersion::ALL {
            for region in Reference::get().nuts(version).iter() {
                let code = NutsCode::parse_in(&region.code.to_lowercase(), version).unwrap();
                assert_eq!(
                    (code.as_str(), code.level()),
                    (region.code.as_str(), region.level)
                );
                assert_eq!(code.country().eu_code(), region.country, "{}", region.code);
            }
        }
    }

    #[test]
    fn a_profile_region_is_of_level_1_to_3() {
        assert_eq!(NutsCode::parse_region("DE"), Err(NutsError::WholeCountry));
        assert_eq!(NutsCode::parse_region("DE2").unwrap().level(), 1);
        assert_eq!(
            NutsError::WholeCountry.to_string(),
            "a whole country (NUTS level 0); give a region of level 1 to 3"
        );
    }

    #[test]
    fn knows_its_parents() {
        let code = NutsCode::parse("DE212").unwrap();
        let parent = code.parent().unwrap();
        assert_eq!(parent.as_str(), "DE21");
        assert!(code.is_within(&parent));
        assert!(code.is_within(&NutsCode::parse("DE").unwrap()));
        assert!(!parent.is_within(&code));
        assert_eq!(NutsCode::parse("DE").unwrap().parent(), None);
        assert!(!code.name().is_empty());
    }

    #[test]
    fn serialises_as_the_code() {
        let code = NutsCode::parse("el30").unwrap();
        assert_eq!(serde_json::to_string(&code).unwrap(), "\"EL30\"");
        assert_eq!(serde_json::from_str::<NutsCode>("\"EL30\"").unwrap(), code);
        assert!(serde_json::from_str::<NutsCode>("\"XX99\"").is_err());
    }
}
