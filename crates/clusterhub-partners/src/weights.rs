//! How much each score component may give, and the thresholds below which a component gives
//! nothing: one [`Weights`] value with defaults, readable from a JSON configuration file.

use serde::{Deserialize, Serialize};

/// The most points each component may give, and the thresholds of the components that have one.
///
/// The default weights add up to 1,000 points, so a score reads as "per mille of a perfect
/// match". Every field may be left out of a configuration file (the default is used); an unknown
/// field is refused, so that a misspelt weight cannot go unnoticed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Weights {
    /// The candidate offers what the seeker requests (text relevance).
    pub offers_what_you_request: u32,
    /// The candidate requests what the seeker offers (text relevance, the other way round).
    pub requests_what_you_offer: u32,
    /// The candidate works in a sector related to one of the seeker's along value chains
    /// (input–output links), but not in the same one.
    pub complementary_sector: u32,
    /// The candidate works with the seeker's technology fields.
    pub shared_technologies: u32,
    /// The candidate is in a country the seeker targets.
    pub in_your_target_country: u32,
    /// The candidate targets the seeker's country.
    pub targets_your_country: u32,
    /// The sizes complement each other (an SME and a large enterprise, a company and a research
    /// organisation, ...).
    pub size_fit: u32,
    /// The candidate is in another country (given only with one of the matches above).
    pub cross_border: u32,
    /// The candidate works in none of the seeker's sectors (given only with one of the matches
    /// above).
    pub cross_sectoral: u32,
    /// The least share, in percent, of a request's weighted terms that an offer must cover for
    /// the text components to count.
    pub min_text_coverage_percent: u32,
    /// The least number of terms an offer and a request must share for the text components to
    /// count (a request with fewer terms must have all of them covered): one shared word, such
    /// as a country name, is too often a coincidence.
    pub min_shared_terms: u32,
    /// The least input–output relatedness percentile (0–99) of two sectors for them to count as
    /// complementary: a pair at this percentile gives 1/(100 − it) of the weight, a pair at the
    /// 99th the whole weight.
    pub min_sector_percentile: u32,
}

impl Default for Weights {
    fn default() -> Self {
        Weights {
            offers_what_you_request: 350,
            requests_what_you_offer: 150,
            complementary_sector: 100,
            shared_technologies: 100,
            in_your_target_country: 75,
            targets_your_country: 50,
            size_fit: 75,
            cross_border: 50,
            cross_sectoral: 50,
            min_text_coverage_percent: 25,
            min_shared_terms: 2,
            min_sector_percentile: 90,
        }
    }
}

/// The largest weight of one component: large enough for any ranking, small enough that no sum
/// of points can overflow.
pub const MAX_WEIGHT: u32 = 1_000_000;

/// Why a weights configuration was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WeightsError {
    /// The text is not JSON of the expected shape (the message names the field and position).
    #[error("partner weights: {0}")]
    Malformed(String),
    /// A value is out of its range.
    #[error("partner weights: `{field}` is {value}; it must be at most {maximum}")]
    OutOfRange {
        field: &'static str,
        value: u32,
        maximum: u32,
    },
}

impl Weights {
    /// Reads weights from a JSON object such as `{"size_fit": 120, "cross_border": 0}`; fields
    /// left out keep their defaults.
    pub fn from_json(text: &str) -> Result<Weights, WeightsError> {
        let weights: Weights = serde_json::from_str(text)
            .map_err(|error| WeightsError::Malformed(error.to_string()))?;
        weights.validate()?;
        Ok(weights)
    }

    /// Checks every value against its range.
    pub fn validate(&self) -> Result<(), WeightsError> {
        let checks = [
            (
                "offers_what_you_request",
                self.offers_what_you_request,
                MAX_WEIGHT,
            ),
            (
                "requests_what_you_offer",
                self.requests_what_you_offer,
                MAX_WEIGHT,
            ),
            (
                "complementary_sector",
                self.complementary_sector,
                MAX_WEIGHT,
            ),
            ("shared_technologies", self.shared_technologies, MAX_WEIGHT),
            (
                "in_your_target_country",
                self.in_your_target_country,
                MAX_WEIGHT,
            ),
            (
                "targets_your_country",
                self.targets_your_country,
                MAX_WEIGHT,
            ),
            ("size_fit", self.size_fit, MAX_WEIGHT),
            ("cross_border", self.cross_border, MAX_WEIGHT),
            ("cross_sectoral", self.cross_sectoral, MAX_WEIGHT),
            (
                "min_text_coverage_percent",
                self.min_text_coverage_percent,
                100,
            ),
            ("min_shared_terms", self.min_shared_terms, 10),
            ("min_sector_percentile", self.min_sector_percentile, 99),
        ];
        for (field, value, maximum) in checks {
            if value > maximum {
                return Err(WeightsError::OutOfRange {
                    field,
                    value,
                    maximum,
                });
            }
        }
        Ok(())
    }

    /// The most points a candidate can get: the sum of the component weights.
    pub fn maximum_score(&self) -> i64 {
        [
            self.offers_what_you_request,
            self.requests_what_you_offer,
            self.complementary_sector,
            self.shared_technologies,
            self.in_your_target_country,
            self.targets_your_country,
            self.size_fit,
            self.cross_border,
            self.cross_sectoral,
        ]
        .into_iter()
        .map(i64::from)
        .sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_add_up_to_a_thousand() {
        assert_eq!(Weights::default().maximum_score(), 1_000);
        assert_eq!(Weights::default().validate(), Ok(()));
    }

    #[test]
    fn a_file_overrides_some_weights_and_keeps_the_rest() {
        let weights = Weights::from_json(r#"{"size_fit": 120, "cross_border": 0}"#).expect("valid");
        assert_eq!(weights.size_fit, 120);
        assert_eq!(weights.cross_border, 0);
        assert_eq!(
            weights.offers_what_you_request,
            Weights::default().offers_what_you_request
        );
        assert_eq!(Weights::from_json("{}"), Ok(Weights::default()));
    }

    #[test]
    fn unknown_fields_and_bad_values_are_named() {
        let error = Weights::from_json(r#"{"size_fitt": 1}"#).expect_err("a typo");
        assert!(error.to_string().contains("size_fitt"), "{error}");
        let error = Weights::from_json(r#"{"size_fit": -1}"#).expect_err("negative");
        assert!(matches!(error, WeightsError::Malformed(_)), "{error}");
        assert_eq!(
            Weights::from_json(r#"{"min_sector_percentile": 100}"#),
            Err(WeightsError::OutOfRange {
                field: "min_sector_percentile",
                value: 100,
                maximum: 99
            })
        );
    }
}
