//! Fuzzes the domain's parsers of single values (what every import column and form field goes
//! through): each must refuse or accept without panicking, and an accepted value's canonical
//! text must parse again to the same canonical text. The first byte picks the parser.

#![no_main]

use std::fmt::Display;

use clusterhub_domain::{
    ClusterCategoryId, CountryCode, Currency, Email, EmergingIndustry, ExternalKey, GeoPoint,
    LabelLevel, Language, MembersBand, Money, NaceCode, NutsCode, OrgType, Pic, S3PriorityArea,
    SmeStatus, StaffBand, TechnologyField, VatNumber, WebUrl,
};
use libfuzzer_sys::fuzz_target;

/// Parses `text`; when accepted, checks that the canonical form is a fixed point.
fn round_trip<T: Display, E>(text: &str, parse: impl Fn(&str) -> Result<T, E>) {
    if let Ok(value) = parse(text) {
        let canonical = value.to_string();
        match parse(&canonical) {
            Ok(again) => assert_eq!(
                again.to_string(),
                canonical,
                "the canonical form of {text:?} changes when read again"
            ),
            Err(_) => panic!("the canonical form {canonical:?} of {text:?} is refused"),
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    match selector % 21 {
        0 => round_trip(text, CountryCode::parse),
        1 => round_trip(text, NutsCode::parse),
        2 => round_trip(text, NaceCode::parse),
        3 => round_trip(text, Pic::parse),
        4 => round_trip(text, VatNumber::parse),
        5 => round_trip(text, WebUrl::parse),
        6 => round_trip(text, Email::parse),
        7 => round_trip(text, Money::parse),
        8 => round_trip(text, Currency::parse),
        9 => round_trip(text, OrgType::parse),
        10 => round_trip(text, StaffBand::parse),
        11 => round_trip(text, MembersBand::parse),
        12 => round_trip(text, Language::parse),
        13 => round_trip(text, SmeStatus::parse),
        14 => round_trip(text, ExternalKey::parse),
        15 => round_trip(text, LabelLevel::parse),
        16 => round_trip(text, ClusterCategoryId::parse),
        17 => round_trip(text, EmergingIndustry::parse),
        18 => round_trip(text, TechnologyField::parse),
        19 => round_trip(text, S3PriorityArea::parse),
        _ => {
            let (lat, lon) = text.split_once(',').unwrap_or((text, ""));
            if let Ok(point) = GeoPoint::parse(lat, lon) {
                let _ = point;
            }
        }
    }
});
