//! Entries of the platform's controlled vocabularies: the 51 traded cluster categories
//! ("sectoral industries"), technology fields, S3 EU priority areas and emerging industries.

use std::fmt;

use clusterhub_reference::{ClusterCategory, Lang, Reference, Term};

use crate::{Language, string_form};

/// Why a text is not an entry of a vocabulary.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TermError {
    #[error("a {vocabulary} cannot be empty")]
    Empty { vocabulary: &'static str },
    #[error("not a known {vocabulary}; use one of: {known}")]
    Unknown {
        vocabulary: &'static str,
        known: String,
    },
}

fn lang_of(language: Language) -> Lang {
    match language {
        Language::Fr => Lang::Fr,
        Language::De => Lang::De,
        _ => Lang::En,
    }
}

/// Compares a user's text with an identifier or label: letter case, and the difference between
/// spaces, hyphens and underscores, do not matter.
fn loosely_equal(text: &str, candidate: &str) -> bool {
    let simplify = |character: char| match character {
        ' ' | '-' | '_' => '_',
        other => other,
    };
    let mut left = text.chars().map(simplify).flat_map(char::to_lowercase);
    let mut right = candidate.chars().map(simplify).flat_map(char::to_lowercase);
    loop {
        match (left.next(), right.next()) {
            (None, None) => return true,
            (Some(a), Some(b)) if a == b => continue,
            _ => return false,
        }
    }
}

/// Lists the identifiers of a vocabulary for an error message, or says where to find them when
/// there are too many to read.
fn known_identifiers<'a>(identifiers: impl ExactSizeIterator<Item = &'a str>) -> String {
    if identifiers.len() > 20 {
        return "see the reference list of the platform".to_owned();
    }
    identifiers.collect::<Vec<_>>().join(", ")
}

/// One of the 51 traded cluster categories of the US Cluster Mapping benchmark, which the ECCP
/// calls "sectoral industries".
#[derive(Clone, Copy)]
pub struct ClusterCategoryId(&'static ClusterCategory);

const SECTOR: &str = "sectoral industry (cluster category 1 to 51)";

impl ClusterCategoryId {
    /// Parses the number (1 to 51), the slug or the English, French or German name.
    pub fn parse(text: &str) -> Result<Self, TermError> {
        let trimmed = text.trim();
        if trimmed.is_empty() {
            return Err(TermError::Empty { vocabulary: SECTOR });
        }
        let reference = Reference::get();
        let found = match trimmed.parse::<u8>() {
            Ok(id) => reference.cluster_category(id),
            Err(_) => reference.cluster_categories().iter().find(|category| {
                loosely_equal(trimmed, &category.slug)
                    || [&category.name_en, &category.name_fr, &category.name_de]
                        .iter()
                        .any(|name| loosely_equal(trimmed, name))
            }),
        };
        found.map(Self).ok_or_else(|| TermError::Unknown {
            vocabulary: SECTOR,
            known: "a number from 1 to 51 or the category's name".to_owned(),
        })
    }

    /// The category by number, if it exists.
    pub fn from_id(id: u8) -> Option<Self> {
        Reference::get().cluster_category(id).map(Self)
    }

    /// The number, 1 to 51.
    pub fn id(&self) -> u8 {
        self.0.id
    }

    /// The stable slug.
    pub fn slug(&self) -> &'static str {
        &self.0.slug
    }

    /// The name in `language` (English, French or German; English for the others).
    pub fn name(&self, language: Language) -> &'static str {
        self.0.name(lang_of(language))
    }

    /// The category's entry in the reference table.
    pub fn reference(&self) -> &'static ClusterCategory {
        self.0
    }
}

impl fmt::Debug for ClusterCategoryId {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            formatter,
            "ClusterCategoryId({} {})",
            self.id(),
            self.slug()
        )
    }
}

impl fmt::Display for ClusterCategoryId {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "{}", self.id())
    }
}

impl PartialEq for ClusterCategoryId {
    fn eq(&self, other: &Self) -> bool {
        self.id() == other.id()
    }
}

impl Eq for ClusterCategoryId {}

impl std::hash::Hash for ClusterCategoryId {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.id().hash(state);
    }
}

impl PartialOrd for ClusterCategoryId {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for ClusterCategoryId {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.id().cmp(&other.id())
    }
}

/// Serialised as its number, the identifier the ECCP and the US Cluster Mapping use.
impl serde::Serialize for ClusterCategoryId {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_u8(self.id())
    }
}

impl<'de> serde::Deserialize<'de> for ClusterCategoryId {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct IdVisitor;

        impl serde::de::Visitor<'_> for IdVisitor {
            type Value = ClusterCategoryId;

            fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
                formatter.write_str("a cluster category number from 1 to 51")
            }

            fn visit_u64<E: serde::de::Error>(self, id: u64) -> Result<ClusterCategoryId, E> {
                u8::try_from(id)
                    .ok()
                    .and_then(ClusterCategoryId::from_id)
                    .ok_or_else(|| E::custom(format!("{id} is not a cluster category (1 to 51)")))
            }

            fn visit_i64<E: serde::de::Error>(self, id: i64) -> Result<ClusterCategoryId, E> {
                u64::try_from(id)
                    .map_err(|_| E::custom(format!("{id} is not a cluster category (1 to 51)")))
                    .and_then(|id| self.visit_u64(id))
            }

            fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<ClusterCategoryId, E> {
                ClusterCategoryId::parse(text).map_err(E::custom)
            }
        }

        deserializer.deserialize_any(IdVisitor)
    }
}

/// Declares a newtype over an entry of one of the reference vocabularies of [`Term`]s.
macro_rules! vocabulary_term {
    ($(#[$meta:meta])* $name:ident, $vocabulary:literal, $list:ident) => {
        $(#[$meta])*
        #[derive(Clone, Copy)]
        pub struct $name(&'static Term);

        impl $name {
            /// Parses the identifier or the English, French or German label, ignoring letter case
            /// and the difference between spaces, hyphens and underscores.
            pub fn parse(text: &str) -> Result<Self, TermError> {
                let trimmed = text.trim();
                if trimmed.is_empty() {
                    return Err(TermError::Empty { vocabulary: $vocabulary });
                }
                let terms = Reference::get().$list();
                terms
                    .iter()
                    .find(|term| term.id == trimmed)
                    .or_else(|| {
                        terms.iter().find(|term| {
                            [&term.id, &term.label_en, &term.label_fr, &term.label_de]
                                .iter()
                                .any(|candidate| loosely_equal(trimmed, candidate))
                        })
                    })
                    .map(Self)
                    .ok_or_else(|| TermError::Unknown {
                        vocabulary: $vocabulary,
                        known: known_identifiers(terms.iter().map(|term| term.id.as_str())),
                    })
            }

            /// The stable identifier.
            pub fn as_str(&self) -> &'static str {
                &self.0.id
            }

            /// The label in `language` (English, French or German; English for the others).
            pub fn label(&self, language: Language) -> &'static str {
                self.0.label(lang_of(language))
            }

            /// The entry in the reference vocabulary.
            pub fn reference(&self) -> &'static Term {
                self.0
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(formatter, "{}({})", stringify!($name), self.as_str())
            }
        }

        impl PartialEq for $name {
            fn eq(&self, other: &Self) -> bool {
                self.as_str() == other.as_str()
            }
        }

        impl Eq for $name {}

        impl std::hash::Hash for $name {
            fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
                self.as_str().hash(state);
            }
        }

        impl PartialOrd for $name {
            fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
                Some(self.cmp(other))
            }
        }

        impl Ord for $name {
            fn cmp(&self, other: &Self) -> std::cmp::Ordering {
                self.as_str().cmp(other.as_str())
            }
        }

        string_form!($name, TermError, $vocabulary);
    };
}

vocabulary_term!(
    /// A technology field of the ECCP's "technology fields" facet.
    TechnologyField,
    "technology field",
    technology_fields
);

vocabulary_term!(
    /// An S3 EU priority area (smart specialisation) of the ECCP's facet.
    S3PriorityArea,
    "S3 EU priority area",
    s3_priority_areas
);

vocabulary_term!(
    /// One of the 10 emerging industries of the European Observatory for Clusters and Industrial
    /// Change.
    EmergingIndustry,
    "emerging industry",
    emerging_industries
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_cluster_categories_by_number_slug_and_name() {
        let first = Reference::get().cluster_category(1).unwrap();
        assert_eq!(ClusterCategoryId::parse("1").unwrap().id(), 1);
        assert_eq!(ClusterCategoryId::parse(" 51 ").unwrap().id(), 51);
        assert_eq!(ClusterCategoryId::parse(&first.slug).unwrap().id(), 1);
        assert_eq!(
            ClusterCategoryId::parse(&first.name_en.to_uppercase())
                .unwrap()
                .id(),
            1
        );
        assert_eq!(ClusterCategoryId::parse(&first.name_de).unwrap().id(), 1);
        assert!(matches!(
            ClusterCategoryId::parse("0"),
            Err(TermError::Unknown { .. })
        ));
        assert!(matches!(
            ClusterCategoryId::parse("52"),
            Err(TermError::Unknown { .. })
        ));
        assert!(matches!(
            ClusterCategoryId::parse("-1"),
            Err(TermError::Unknown { .. })
        ));
        assert!(matches!(
            ClusterCategoryId::parse(""),
            Err(TermError::Empty { .. })
        ));
        assert!(matches!(
            ClusterCategoryId::parse("basket weaving"),
            Err(TermError::Unknown { .. })
        ));
        assert_eq!(
            ClusterCategoryId::from_id(7).unwrap().name(Language::En),
            Reference::get().cluster_category(7).unwrap().name_en
        );
    }

    #[test]
    fn cluster_categories_serialise_as_numbers() {
        let category = ClusterCategoryId::from_id(12).unwrap();
        assert_eq!(serde_json::to_string(&category).unwrap(), "12");
        assert_eq!(
            serde_json::from_str::<ClusterCategoryId>("12").unwrap(),
            category
        );
        assert_eq!(
            serde_json::from_str::<ClusterCategoryId>("\"12\"").unwrap(),
            category
        );
        assert!(serde_json::from_str::<ClusterCategoryId>("52").is_err());
        assert!(serde_json::from_str::<ClusterCategoryId>("-3").is_err());
    }

    #[test]
    fn compares_loosely() {
        assert!(loosely_equal("Blue Economy", "blue_economy"));
        assert!(loosely_equal("blue-economy", "Blue economy"));
        assert!(!loosely_equal("blue", "blue_economy"));
        assert!(loosely_equal("Économie bleue", "économie BLEUE"));
    }

    /// Checks one vocabulary against the reference list, whatever entries it holds.
    fn check_vocabulary<T: PartialEq + fmt::Debug>(
        terms: &[Term],
        parse: impl Fn(&str) -> Result<T, TermError>,
        identifier: impl Fn(&T) -> &'static str,
    ) {
        for term in terms {
            let by_id = parse(&term.id).unwrap();
            assert_eq!(identifier(&by_id), term.id);
            assert_eq!(parse(&term.label_en.to_uppercase()).unwrap(), by_id);
            assert_eq!(parse(&term.label_fr).unwrap(), by_id);
            assert_eq!(parse(&term.label_de).unwrap(), by_id);
        }
        assert!(matches!(
            parse("no such term at all"),
            Err(TermError::Unknown { .. })
        ));
        assert!(matches!(parse("  "), Err(TermError::Empty { .. })));
    }

    #[test]
    fn reads_every_vocabulary_entry_by_identifier_and_label() {
        let reference = Reference::get();
        check_vocabulary(
            reference.technology_fields(),
            TechnologyField::parse,
            TechnologyField::as_str,
        );
        check_vocabulary(
            reference.s3_priority_areas(),
            S3PriorityArea::parse,
            S3PriorityArea::as_str,
        );
        check_vocabulary(
            reference.emerging_industries(),
            EmergingIndustry::parse,
            EmergingIndustry::as_str,
        );
    }
}
