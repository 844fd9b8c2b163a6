//! The error an organisation profile reports for one field: which field, what was given, and why
//! it was refused. Importers turn it into "line 12, column vat: 'DE12345' — German VAT numbers are
//! DE followed by 9 digits".

use serde::{Deserialize, Deserializer, Serialize};

/// The stable names of an organisation's fields, as they appear in [`FieldError::field`], in
/// import column headers and in the JSON of an [`crate::Organisation`].
pub mod field {
    pub const EXTERNAL_KEY: &str = "external_key";
    pub const KIND: &str = "kind";
    pub const LANGUAGE: &str = "language";
    pub const NAMES: &str = "names";
    pub const DESCRIPTION: &str = "description";
    pub const WEBSITE: &str = "website";
    pub const EMAIL: &str = "email";
    pub const PIC: &str = "pic";
    pub const VAT: &str = "vat";
    pub const COUNTRY: &str = "country";
    pub const NUTS: &str = "nuts";
    pub const CITY: &str = "city";
    pub const LATITUDE: &str = "latitude";
    pub const LONGITUDE: &str = "longitude";
    pub const LOCATION: &str = "location";
    pub const FOUNDED: &str = "founded";
    pub const STAFF: &str = "staff";
    pub const TURNOVER: &str = "turnover";
    pub const BALANCE_SHEET: &str = "balance_sheet";
    pub const CURRENCY: &str = "currency";
    pub const SECTORS: &str = "sectors";
    pub const NACE: &str = "nace";
    pub const TECHNOLOGIES: &str = "technologies";
    pub const S3_AREAS: &str = "s3_areas";
    pub const EMERGING_INDUSTRIES: &str = "emerging_industries";
    pub const TARGET_COUNTRIES_INTERNATIONAL: &str = "target_countries_international";
    pub const TARGET_COUNTRIES_TRANSNATIONAL: &str = "target_countries_transnational";
    pub const ESCP: &str = "escp";
    pub const LABEL: &str = "label";
    pub const LABEL_AWARDED: &str = "label_awarded";
    pub const OFFERS: &str = "offers";
    pub const REQUESTS: &str = "requests";
    pub const MEMBERS_SME: &str = "members_sme";
    pub const MEMBERS_LARGE: &str = "members_large";
    pub const MEMBERS_RESEARCH: &str = "members_research";
    pub const MEMBERS_OTHER: &str = "members_other";
    pub const MEMBER_OF: &str = "member_of";

    /// Every field name above, so a name read back from JSON maps to the same `&'static str`.
    pub const ALL: &[&str] = &[
        EXTERNAL_KEY,
        KIND,
        LANGUAGE,
        NAMES,
        DESCRIPTION,
        WEBSITE,
        EMAIL,
        PIC,
        VAT,
        COUNTRY,
        NUTS,
        CITY,
        LATITUDE,
        LONGITUDE,
        LOCATION,
        FOUNDED,
        STAFF,
        TURNOVER,
        BALANCE_SHEET,
        CURRENCY,
        SECTORS,
        NACE,
        TECHNOLOGIES,
        S3_AREAS,
        EMERGING_INDUSTRIES,
        TARGET_COUNTRIES_INTERNATIONAL,
        TARGET_COUNTRIES_TRANSNATIONAL,
        ESCP,
        LABEL,
        LABEL_AWARDED,
        OFFERS,
        REQUESTS,
        MEMBERS_SME,
        MEMBERS_LARGE,
        MEMBERS_RESEARCH,
        MEMBERS_OTHER,
        MEMBER_OF,
    ];
}

/// One refused field of an organisation profile.
///
/// `value` is what the person gave (shortened when very long) and `reason` is a sentence for that
/// person, without the value repeated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("{field}: '{value}' — {reason}")]
pub struct FieldError {
    pub field: &'static str,
    pub value: String,
    pub reason: String,
}

impl FieldError {
    /// Builds the error for `field` from the value given and any error type whose `Display` is
    /// the reason.
    pub fn new(field: &'static str, value: &str, reason: impl std::fmt::Display) -> Self {
        Self {
            field,
            value: crate::excerpt(value),
            reason: reason.to_string(),
        }
    }
}

impl<'de> Deserialize<'de> for FieldError {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        struct Stored {
            field: String,
            value: String,
            reason: String,
        }
        let stored = Stored::deserialize(deserializer)?;
        let field = field::ALL
            .iter()
            .copied()
            .find(|name| *name == stored.field)
            .ok_or_else(|| {
                serde::de::Error::custom(format!("'{}' is not an organisation field", stored.field))
            })?;
        Ok(Self {
            field,
            value: stored.value,
            reason: stored.reason,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn displays_field_value_and_reason() {
        let error = FieldError::new(
            field::VAT,
            "DE12345",
            "German VAT numbers are DE followed by 9 digits",
        );
        assert_eq!(
            error.to_string(),
            "vat: 'DE12345' — German VAT numbers are DE followed by 9 digits"
        );
    }

    #[test]
    fn long_values_are_shortened() {
        let error = FieldError::new(field::NAMES, &"x".repeat(500), "too long");
        assert_eq!(error.value.chars().count(), 61);
    }

    #[test]
    fn round_trips_through_json_to_the_same_static_field_name() {
        let error = FieldError::new(field::NUTS, "FR", "a country, not a region");
        let json = serde_json::to_string(&error).unwrap();
        assert_eq!(serde_json::from_str::<FieldError>(&json).unwrap(), error);
        let unknown = r#"{"field":"colour","value":"red","reason":"no"}"#;
        assert!(serde_json::from_str::<FieldError>(unknown).is_err());
    }
}
