//! Bands of staff and member counts, for the directory's facets ("number of staff", "total number
//! of members").
//!
//! Staff bands follow the headcount ceilings of the SME definition (10, 50, 250) so the facet and
//! the SME status agree; member bands follow the sizes of cluster organisations, where 15
//! committed members is the ECCP's minimum and a few hundred is large.

use crate::{labelled_enum, string_form};

labelled_enum! {
    /// A band of staff headcount.
    pub enum StaffBand {
        /// Fewer than 10, the micro-enterprise ceiling.
        From1To9 => "1_9", "1–9", "1–9", "1–9";
        From10To49 => "10_49", "10–49", "10–49", "10–49";
        From50To249 => "50_249", "50–249", "50–249", "50–249";
        From250To499 => "250_499", "250–499", "250–499", "250–499";
        From500 => "500_plus", "500 or more", "500 ou plus", "500 oder mehr";
    }
}

labelled_enum! {
    /// A band of a cluster's total number of members.
    pub enum MembersBand {
        From1To24 => "1_24", "1–24", "1–24", "1–24";
        From25To49 => "25_49", "25–49", "25–49", "25–49";
        From50To99 => "50_99", "50–99", "50–99", "50–99";
        From100To249 => "100_249", "100–249", "100–249", "100–249";
        From250To499 => "250_499", "250–499", "250–499", "250–499";
        From500 => "500_plus", "500 or more", "500 ou plus", "500 oder mehr";
    }
}

/// Why a text is not a band slug.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a band; use one of {expected}")]
pub struct BandError {
    expected: &'static str,
}

impl StaffBand {
    /// The band of a staff headcount; `None` for an organisation without staff.
    pub fn for_count(staff: u32) -> Option<Self> {
        Some(match staff {
            0 => return None,
            1..=9 => StaffBand::From1To9,
            10..=49 => StaffBand::From10To49,
            50..=249 => StaffBand::From50To249,
            250..=499 => StaffBand::From250To499,
            _ => StaffBand::From500,
        })
    }

    /// The headcounts in the band, both ends included; `None` above for the open band.
    pub fn range(self) -> (u32, Option<u32>) {
        match self {
            StaffBand::From1To9 => (1, Some(9)),
            StaffBand::From10To49 => (10, Some(49)),
            StaffBand::From50To249 => (50, Some(249)),
            StaffBand::From250To499 => (250, Some(499)),
            StaffBand::From500 => (500, None),
        }
    }

    /// Parses a slug (`1_9`, `10_49`, `50_249`, `250_499`, `500_plus`).
    pub fn parse(text: &str) -> Result<Self, BandError> {
        Self::from_slug(text.trim()).ok_or(BandError {
            expected: "1_9, 10_49, 50_249, 250_499 or 500_plus",
        })
    }
}

impl MembersBand {
    /// The band of a member count; `None` for a cluster without members.
    pub fn for_count(members: u32) -> Option<Self> {
        Some(match members {
            0 => return None,
            1..=24 => MembersBand::From1To24,
            25..=49 => MembersBand::From25To49,
            50..=99 => MembersBand::From50To99,
            100..=249 => MembersBand::From100To249,
            250..=499 => MembersBand::From250To499,
            _ => MembersBand::From500,
        })
    }

    /// The member counts in the band, both ends included; `None` above for the open band.
    pub fn range(self) -> (u32, Option<u32>) {
        match self {
            MembersBand::From1To24 => (1, Some(24)),
            MembersBand::From25To49 => (25, Some(49)),
            MembersBand::From50To99 => (50, Some(99)),
            MembersBand::From100To249 => (100, Some(249)),
            MembersBand::From250To499 => (250, Some(499)),
            MembersBand::From500 => (500, None),
        }
    }

    /// Parses a slug (`1_24`, `25_49`, `50_99`, `100_249`, `250_499`, `500_plus`).
    pub fn parse(text: &str) -> Result<Self, BandError> {
        Self::from_slug(text.trim()).ok_or(BandError {
            expected: "1_24, 25_49, 50_99, 100_249, 250_499 or 500_plus",
        })
    }
}

string_form!(StaffBand, BandError, "a staff band");
string_form!(MembersBand, BandError, "a members band");

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Language;

    #[test]
    fn staff_counts_fall_in_their_band() {
        let check = |staff, expected: Option<StaffBand>| {
            assert_eq!(StaffBand::for_count(staff), expected, "{staff}")
        };
        check(0, None);
        check(1, Some(StaffBand::From1To9));
        check(9, Some(StaffBand::From1To9));
        check(10, Some(StaffBand::From10To49));
        check(49, Some(StaffBand::From10To49));
        check(50, Some(StaffBand::From50To249));
        check(249, Some(StaffBand::From50To249));
        check(250, Some(StaffBand::From250To499));
        check(499, Some(StaffBand::From250To499));
        check(500, Some(StaffBand::From500));
        check(u32::MAX, Some(StaffBand::From500));
    }

    #[test]
    fn member_counts_fall_in_their_band() {
        let check = |members, expected: Option<MembersBand>| {
            assert_eq!(MembersBand::for_count(members), expected, "{members}")
        };
        check(0, None);
        check(1, Some(MembersBand::From1To24));
        check(24, Some(MembersBand::From1To24));
        check(25, Some(MembersBand::From25To49));
        check(99, Some(MembersBand::From50To99));
        check(100, Some(MembersBand::From100To249));
        check(250, Some(MembersBand::From250To499));
        check(500, Some(MembersBand::From500));
    }

    #[test]
    fn bands_tile_the_counts_without_gaps() {
        for pair in StaffBand::ALL.windows(2) {
            assert_eq!(
                pair[0].range().1.map(|end| end + 1),
                Some(pair[1].range().0)
            );
        }
        for pair in MembersBand::ALL.windows(2) {
            assert_eq!(
                pair[0].range().1.map(|end| end + 1),
                Some(pair[1].range().0)
            );
        }
        for band in StaffBand::ALL {
            assert_eq!(StaffBand::for_count(band.range().0), Some(*band));
        }
        for band in MembersBand::ALL {
            assert_eq!(MembersBand::for_count(band.range().0), Some(*band));
        }
    }

    #[test]
    fn bands_have_slugs_and_labels() {
        assert_eq!(StaffBand::parse("500_plus"), Ok(StaffBand::From500));
        assert!(StaffBand::parse("9000").is_err());
        assert_eq!(StaffBand::From500.label(Language::De), "500 oder mehr");
        assert_eq!(
            serde_json::to_string(&MembersBand::From25To49).unwrap(),
            "\"25_49\""
        );
        assert_eq!(MembersBand::parse("100_249"), Ok(MembersBand::From100To249));
    }
}
