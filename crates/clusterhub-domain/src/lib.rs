//! Clusterhub's domain: validated value types, the organisation profile and the rules that decide
//! things about them (SME status, label expiry, bands for facets).
//!
//! Every value type follows "parse, don't validate": it has a `parse` function that either returns
//! the value in its canonical form or an error whose text explains the refusal to the person who
//! typed it (import reports show it as "line 12, column vat: 'DE12345' — German VAT numbers are DE
//! followed by 9 digits"). Values serialise to their canonical string form and deserialising runs
//! the same `parse`, so a value read back from JSON is as trustworthy as one typed in.
//!
//! The crate does no I/O: reference data (NUTS, NACE, countries, terms) comes from the embedded
//! tables of `clusterhub-reference`, and functions that depend on "today" take the date as an
//! argument.

mod bands;
mod contact;
mod country;
mod excellence;
mod external_key;
mod field_error;
mod geo;
mod language;
mod money;
mod nace;
mod nuts;
mod org_type;
mod organisation;
mod pic;
mod sme;
mod terms;
mod vat;

pub use bands::{BandError, MembersBand, StaffBand};
pub use contact::{Email, EmailError, WebUrl, WebUrlError};
pub use country::{CountryCode, CountryError};
pub use excellence::{ExcellenceLabel, ExcellenceLabelError, LabelLevel};
pub use external_key::{ExternalKey, ExternalKeyError};
pub use field_error::{FieldError, field};
pub use geo::{GeoPoint, GeoPointError};
pub use language::{Language, LanguageError, LocalisedText, LocalisedTextError};
pub use money::{Currency, CurrencyError, Money, MoneyError};
pub use nace::{NaceCode, NaceError};
pub use nuts::{NutsCode, NutsError};
pub use org_type::{OrgType, OrgTypeError};
pub use organisation::{
    CITY_MAX_CHARS, DESCRIPTION_MAX_CHARS, EARLIEST_FOUNDING_YEAR, ESCP_MAX_CHARS, MAX_LIST_ITEMS,
    MAX_OFFERS, MemberCounts, NAME_MAX_CHARS, OFFER_MAX_CHARS, Organisation, OrganisationDraft,
    OrganisationRecord,
};
pub use pic::{Pic, PicError};
pub use sme::{SmeStatus, SmeStatusError};
pub use terms::{ClusterCategoryId, EmergingIndustry, S3PriorityArea, TechnologyField, TermError};
pub use vat::{VatError, VatNumber};

/// Re-exported so callers can name a NUTS version without depending on the reference crate.
pub use clusterhub_reference::NutsVersion;

/// Implements `Display`, `FromStr`, `Serialize` and `Deserialize` for a type that has
/// `fn as_str(&self) -> &str` and `fn parse(&str) -> Result<Self, E>`, so that it travels as its
/// canonical string and is parsed again, with the same checks, when it is read back.
macro_rules! string_form {
    ($type:ty, $error:ty, $expecting:literal) => {
        impl std::fmt::Display for $type {
            fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                formatter.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $type {
            type Err = $error;

            fn from_str(text: &str) -> Result<Self, Self::Err> {
                Self::parse(text)
            }
        }

        impl serde::Serialize for $type {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $type {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                struct StringVisitor;

                impl serde::de::Visitor<'_> for StringVisitor {
                    type Value = $type;

                    fn expecting(
                        &self,
                        formatter: &mut std::fmt::Formatter<'_>,
                    ) -> std::fmt::Result {
                        formatter.write_str($expecting)
                    }

                    fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<$type, E> {
                        <$type>::parse(text).map_err(E::custom)
                    }
                }

                deserializer.deserialize_str(StringVisitor)
            }
        }
    };
}
pub(crate) use string_form;

/// Shortens a user's input for an error message, so a pasted essay does not flood a report.
pub(crate) fn excerpt(text: &str) -> String {
    const LIMIT: usize = 60;
    match text.char_indices().nth(LIMIT) {
        None => text.to_owned(),
        Some((cut, _)) => format!("{}…", &text[..cut]),
    }
}

/// Declares a closed list of values with a stable snake_case slug and labels in English, French
/// and German (other languages fall back to English until they are translated), and gives it
/// `ALL`, `slug`, `from_slug`, `label` and `as_str` (the slug).
macro_rules! labelled_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $(
                $(#[$variant_meta:meta])*
                $variant:ident => $slug:literal, $english:literal, $french:literal, $german:literal;
            )*
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name {
            $(
                $(#[$variant_meta])*
                $variant,
            )*
        }

        impl $name {
            /// Every value, in display order.
            pub const ALL: &[$name] = &[$($name::$variant,)*];

            /// The stable identifier stored in databases, URLs and exports.
            pub fn slug(self) -> &'static str {
                match self {
                    $($name::$variant => $slug,)*
                }
            }

            /// The same as [`Self::slug`]; the canonical string form.
            pub fn as_str(&self) -> &'static str {
                self.slug()
            }

            /// The value with this exact slug.
            pub fn from_slug(slug: &str) -> Option<Self> {
                match slug {
                    $($slug => Some($name::$variant),)*
                    _ => None,
                }
            }

            /// The label in `language`; English where no translation exists yet.
            pub fn label(self, language: $crate::Language) -> &'static str {
                let (english, french, german) = match self {
                    $($name::$variant => ($english, $french, $german),)*
                };
                match language {
                    $crate::Language::Fr => french,
                    $crate::Language::De => german,
                    _ => english,
                }
            }
        }
    };
}
pub(crate) use labelled_enum;
