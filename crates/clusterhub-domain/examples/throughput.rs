//! Measures how fast one core validates organisation records, and what each value type costs.
//! Run with `cargo run --release -p clusterhub-domain --example throughput`.

use std::hint::black_box;
use std::time::Instant;

use clusterhub_domain::{
    ClusterCategoryId, CountryCode, Currency, Email, ExternalKey, GeoPoint, Language,
    LocalisedText, Money, NaceCode, NutsCode, OrgType, Organisation, OrganisationRecord, Pic,
    VatNumber, WebUrl,
};
use time::macros::date;

/// Prints the mean time of one call of `function`.
fn time_one(name: &str, mut function: impl FnMut()) {
    let calls = 1_000_000;
    let start = Instant::now();
    for _ in 0..calls {
        function();
    }
    let nanoseconds = start.elapsed().as_nanos() as f64 / f64::from(calls);
    println!("{name:>18}: {nanoseconds:>6.0} ns");
}

fn main() {
    let today = date!(2025 - 06 - 15);
    let record = OrganisationRecord {
        external_key: "eccp-42",
        kind: "cluster",
        language: "de",
        name: "Cluster Medizintechnik Bayern",
        description: "Das Netzwerk der Medizintechnik in Bayern.",
        other_names: vec![("en", "Bavarian Medical Technology Cluster")],
        website: "www.medtech-bayern.example.eu",
        email: "info@medtech-bayern.example.eu",
        pic: "999 123 456",
        vat: "811 363 057",
        country: "DE",
        nuts: "DE212",
        city: "München",
        latitude: "48.1372",
        longitude: "11.5755",
        founded: "2006",
        staff: "6",
        turnover: "1 250 000,50",
        sectors: "1; 12",
        nace: "72.19 | 2660",
        target_countries_international: "US, JP;CA",
        escp: "ESCP-4i Health",
        label: "Gold",
        label_awarded: "31.05.2024",
        offers: "Access to hospitals\nRegulatory advice",
        members_sme: "80",
        member_of: "national-cluster-de",
        ..OrganisationRecord::default()
    };
    // The first parse loads the reference data; it is not part of the measurement.
    let draft = record
        .parse(today)
        .expect("the sample record is valid")
        .into_draft();

    let records = 300_000;
    let start = Instant::now();
    for _ in 0..records {
        black_box(record.parse(today).expect("the sample record is valid"));
    }
    let per_second = f64::from(records) / start.elapsed().as_secs_f64();
    println!("full record (every field filled): {per_second:.0} records per second on one core");

    time_one("country", || {
        drop(black_box(CountryCode::parse(black_box("DE"))))
    });
    time_one("organisation type", || {
        drop(black_box(OrgType::parse(black_box("cluster"))))
    });
    time_one("external key", || {
        drop(black_box(ExternalKey::parse(black_box("eccp-42"))))
    });
    time_one("names", || {
        let names = LocalisedText::new(Language::De, black_box("Cluster Medizintechnik Bayern"))
            .and_then(|names| names.with(Language::En, "Bavarian Medical Technology Cluster"));
        drop(black_box(names));
    });
    time_one("website", || {
        drop(black_box(WebUrl::parse(black_box("www.example.eu"))))
    });
    time_one("e-mail", || {
        drop(black_box(Email::parse(black_box("info@example.eu"))))
    });
    time_one("PIC", || {
        drop(black_box(Pic::parse(black_box("999 123 456"))))
    });
    time_one("VAT", || {
        drop(black_box(VatNumber::parse(black_box("DE 811 363 057"))))
    });
    time_one("NUTS", || {
        drop(black_box(NutsCode::parse_region(black_box("DE212"))))
    });
    time_one("money", || {
        drop(black_box(Money::parse_in(
            black_box("1 250 000,50"),
            Currency::EUR,
        )));
    });
    time_one("NACE", || {
        drop(black_box(NaceCode::parse(black_box("2660"))))
    });
    time_one("sector", || {
        drop(black_box(ClusterCategoryId::parse(black_box("12"))))
    });
    time_one("coordinates", || {
        drop(black_box(GeoPoint::parse(
            black_box("48.1372"),
            black_box("11.5755"),
        )));
    });
    time_one("cross-field checks", || {
        drop(black_box(Organisation::new(draft.clone(), today)));
    });
    time_one("(clone of a draft)", || drop(black_box(draft.clone())));
}
