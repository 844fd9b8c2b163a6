//! Cluster management excellence labels (bronze, silver, gold) and when they expire.
//!
//! DESIGN C7: bronze is valid 2 years; silver is awarded after a second benchmarking 1.5–2 years
//! after the first; gold is valid 2 years. The design gives no validity for silver, so we follow
//! the practice of the European Secretariat for Cluster Analysis, which runs the labelling: a
//! silver label, like the others, is valid for 2 years from its award.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use time::{Date, Month};

use crate::{labelled_enum, string_form};

labelled_enum! {
    /// The level of a cluster management excellence label.
    pub enum LabelLevel {
        Bronze => "bronze", "Bronze", "Bronze", "Bronze";
        Silver => "silver", "Silver", "Argent", "Silber";
        Gold => "gold", "Gold", "Or", "Gold";
    }
}

string_form!(LabelLevel, ExcellenceLabelError, "bronze, silver or gold");

/// A label with the day it was awarded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ExcellenceLabel {
    pub level: LabelLevel,
    pub awarded: Date,
}

/// Why a label was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ExcellenceLabelError {
    #[error("a label is bronze, silver or gold")]
    UnknownLevel,
    #[error("the award date cannot be empty")]
    MissingDate,
    #[error("not a date we can read; write it as 2024-05-31 or 31.05.2024")]
    UnreadableDate,
    #[error("the label cannot be awarded in the future")]
    AwardedInFuture,
}

impl LabelLevel {
    /// Parses a level in any letter case.
    pub fn parse(text: &str) -> Result<Self, ExcellenceLabelError> {
        let trimmed = text.trim();
        Self::ALL
            .iter()
            .copied()
            .find(|level| level.slug().eq_ignore_ascii_case(trimmed))
            .ok_or(ExcellenceLabelError::UnknownLevel)
    }

    /// How many years a label of this level stays valid.
    pub fn validity_years(self) -> i32 {
        match self {
            LabelLevel::Bronze | LabelLevel::Silver | LabelLevel::Gold => 2,
        }
    }
}

impl ExcellenceLabel {
    /// A label of `level` awarded on the date in `awarded` (`2024-05-31`, `31.05.2024` or
    /// `31/05/2024`, day first as in Europe), not after `today`.
    pub fn parse(level: &str, awarded: &str, today: Date) -> Result<Self, ExcellenceLabelError> {
        let label = Self {
            level: LabelLevel::parse(level)?,
            awarded: parse_date(awarded)?,
        };
        if label.awarded > today {
            return Err(ExcellenceLabelError::AwardedInFuture);
        }
        Ok(label)
    }

    /// The first day on which the label is no longer valid: the same calendar day,
    /// [`LabelLevel::validity_years`] later (1 March for a label awarded on 29 February).
    pub fn expires_on(&self) -> Date {
        let year = self.awarded.year() + self.level.validity_years();
        self.awarded.replace_year(year).unwrap_or_else(|_| {
            Date::from_calendar_date(year, Month::March, 1).expect("1 March exists every year")
        })
    }

    /// Whether the label is valid on `day`.
    pub fn is_valid_on(&self, day: Date) -> bool {
        self.awarded <= day && day < self.expires_on()
    }
}

/// Reads `YYYY-MM-DD`, `DD.MM.YYYY` or `DD/MM/YYYY`.
pub(crate) fn parse_date(text: &str) -> Result<Date, ExcellenceLabelError> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Err(ExcellenceLabelError::MissingDate);
    }
    let number = |part: &str| {
        if part.is_empty() || part.len() > 4 || !part.bytes().all(|byte| byte.is_ascii_digit()) {
            None
        } else {
            part.parse::<i32>().ok()
        }
    };
    let parts: Vec<&str> = trimmed.split(['-', '.', '/']).collect();
    let (year, month, day) = match parts.as_slice() {
        [year, month, day] if year.len() == 4 && trimmed.contains('-') => {
            (number(year), number(month), number(day))
        }
        [day, month, year] if year.len() == 4 && !trimmed.contains('-') => {
            (number(year), number(month), number(day))
        }
        _ => (None, None, None),
    };
    let (Some(year), Some(month), Some(day)) = (year, month, day) else {
        return Err(ExcellenceLabelError::UnreadableDate);
    };
    let month = u8::try_from(month)
        .ok()
        .and_then(|month| Month::try_from(month).ok())
        .ok_or(ExcellenceLabelError::UnreadableDate)?;
    let day = u8::try_from(day).map_err(|_| ExcellenceLabelError::UnreadableDate)?;
    Date::from_calendar_date(year, month, day).map_err(|_| ExcellenceLabelError::UnreadableDate)
}

/// Serialised as `{"level": "gold", "awarded": "2024-05-31"}`.
impl Serialize for ExcellenceLabel {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut state = serializer.serialize_struct("ExcellenceLabel", 2)?;
        state.serialize_field("level", &self.level)?;
        state.serialize_field("awarded", &self.awarded.to_string())?;
        state.end()
    }
}

impl<'de> Deserialize<'de> for ExcellenceLabel {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Stored {
            level: LabelLevel,
            awarded: String,
        }
        let stored = Stored::deserialize(deserializer)?;
        let awarded = parse_date(&stored.awarded).map_err(serde::de::Error::custom)?;
        Ok(Self {
            level: stored.level,
            awarded,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn check_date(input: &str, expected: Result<Date, ExcellenceLabelError>) {
        assert_eq!(parse_date(input), expected, "input {input:?}");
    }

    #[test]
    fn reads_dates_written_the_european_way() {
        check_date("2024-05-31", Ok(date!(2024 - 05 - 31)));
        check_date(" 31.05.2024 ", Ok(date!(2024 - 05 - 31)));
        check_date("31/05/2024", Ok(date!(2024 - 05 - 31)));
        check_date("1.5.2024", Ok(date!(2024 - 05 - 01)));
        check_date("", Err(ExcellenceLabelError::MissingDate));
        check_date("2024-02-30", Err(ExcellenceLabelError::UnreadableDate));
        check_date("31-05-2024", Err(ExcellenceLabelError::UnreadableDate));
        check_date("2024.05.31", Err(ExcellenceLabelError::UnreadableDate));
        check_date("05/31/2024", Err(ExcellenceLabelError::UnreadableDate));
        check_date("2024-5-x", Err(ExcellenceLabelError::UnreadableDate));
    }

    #[test]
    fn labels_expire_after_two_years() {
        let today = date!(2025 - 01 - 01);
        let gold = ExcellenceLabel::parse("Gold", "2024-05-31", today).unwrap();
        assert_eq!(gold.expires_on(), date!(2026 - 05 - 31));
        assert!(gold.is_valid_on(date!(2026 - 05 - 30)));
        assert!(!gold.is_valid_on(date!(2026 - 05 - 31)));
        assert!(!gold.is_valid_on(date!(2024 - 05 - 30)));
        for level in LabelLevel::ALL {
            let label = ExcellenceLabel {
                level: *level,
                awarded: date!(2024 - 02 - 29),
            };
            assert_eq!(label.expires_on(), date!(2026 - 03 - 01), "{level:?}");
        }
    }

    #[test]
    fn refuses_unknown_levels_and_future_awards() {
        let today = date!(2025 - 01 - 01);
        assert_eq!(
            ExcellenceLabel::parse("platinum", "2024-01-01", today),
            Err(ExcellenceLabelError::UnknownLevel)
        );
        assert_eq!(
            ExcellenceLabel::parse("silver", "2025-01-02", today),
            Err(ExcellenceLabelError::AwardedInFuture)
        );
        assert_eq!(LabelLevel::Silver.label(crate::Language::Fr), "Argent");
    }

    #[test]
    fn round_trips_through_json() {
        let label = ExcellenceLabel {
            level: LabelLevel::Silver,
            awarded: date!(2023 - 11 - 15),
        };
        let json = serde_json::to_string(&label).unwrap();
        assert_eq!(json, r#"{"level":"silver","awarded":"2023-11-15"}"#);
        assert_eq!(
            serde_json::from_str::<ExcellenceLabel>(&json).unwrap(),
            label
        );
    }
}
