//! Tests of whole generation runs: determinism, validity against the domain's own checks and the
//! reference data, and the realism the generator promises (size mix, cluster membership,
//! regional specialisation, name variety).

use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

use clusterhub_domain::OrganisationRecord;
use clusterhub_reference::{NutsVersion, Reference};
use time::macros::date;

use crate::{
    COLUMN_COUNT, Column, DemoConfig, DemoRow, DemoRows, OrganisationType, cluster_count, generate,
};

fn rows(organisations: usize, seed: u64) -> Vec<DemoRow> {
    generate(&DemoConfig {
        organisations,
        seed,
    })
    .collect()
}

/// One run of 20,000 rows shared by the tests that measure distributions.
fn twenty_thousand() -> &'static [DemoRow] {
    static ROWS: OnceLock<Vec<DemoRow>> = OnceLock::new();
    ROWS.get_or_init(|| rows(20_000, 2026))
}

fn list(cell: &str) -> impl Iterator<Item = &str> {
    cell.split('|').filter(|item| !item.is_empty())
}

fn kind(row: &DemoRow) -> OrganisationType {
    OrganisationType::from_slug(row.get(Column::Type)).expect("a known type")
}

fn index_of(external_id: &str) -> usize {
    external_id
        .rsplit('-')
        .next()
        .and_then(|digits| digits.parse().ok())
        .expect("an id ending in digits")
}

#[test]
fn the_same_seed_gives_the_same_rows_and_another_seed_other_rows() {
    let first = rows(3_000, 11);
    assert_eq!(first, rows(3_000, 11));
    let mut reused = DemoRow::new();
    let mut generator = generate(&DemoConfig {
        organisations: 3_000,
        seed: 11,
    });
    for expected in &first {
        assert!(generator.next_into(&mut reused));
        assert_eq!(&reused, expected);
    }
    assert!(!generator.next_into(&mut reused));

    let other = rows(3_000, 12);
    let same_names = first
        .iter()
        .zip(&other)
        .filter(|(a, b)| a.get(Column::Name) == b.get(Column::Name))
        .count();
    assert!(
        same_names < 30,
        "{same_names} rows share their name across seeds"
    );
    // A longer run starts with the same clusters' places but is a different plan: only the
    // seed and the size decide the rows.
    assert_eq!(rows(500, 11).len(), 500);
    assert!(rows(0, 11).is_empty());
}

#[test]
fn helper_threads_give_the_same_rows_as_the_callers_thread() {
    let config = DemoConfig {
        organisations: 5 * 1_024 + 17,
        seed: 3,
    };
    let inline: Vec<DemoRow> = DemoRows::new(&config).collect();
    assert_eq!(inline.len(), config.organisations);
    for helpers in [1, 2, 3] {
        let threaded: Vec<DemoRow> = DemoRows::with_helper_threads(&config, helpers).collect();
        assert!(
            threaded == inline,
            "{helpers} helper threads changed the rows"
        );
    }
    let mut reused = DemoRow::new();
    let mut threaded = DemoRows::with_helper_threads(&config, 2);
    assert_eq!(threaded.len(), config.organisations);
    for expected in inline.iter().take(3_000) {
        assert!(threaded.next_into(&mut reused));
        assert_eq!(&reused, expected);
    }
    assert_eq!(threaded.len(), config.organisations - 3_000);
    // Dropping a run half-way stops its helpers.
    drop(threaded);
}

#[test]
fn every_row_has_every_column() {
    for row in rows(200, 1) {
        assert_eq!(row.fields().count(), COLUMN_COUNT);
        assert!(!row.get(Column::Name).is_empty());
        assert!(
            row.fields().all(|cell| !cell.contains(['\n', '\r', '\t'])),
            "{row:?}"
        );
    }
}

#[test]
fn every_row_passes_the_domain_checks_of_the_importer() {
    let today = date!(2026 - 07 - 01);
    for row in rows(6_000, 77) {
        let cell = |column: Column| row.get(column);
        let other_names: Vec<(&str, &str)> = [
            ("en", Column::NameEn),
            ("fr", Column::NameFr),
            ("de", Column::NameDe),
        ]
        .into_iter()
        .filter(|(_, column)| !cell(*column).is_empty())
        .map(|(language, column)| (language, cell(column)))
        .collect();
        let other_descriptions: Vec<(&str, &str)> = if cell(Column::DescriptionEn).is_empty() {
            Vec::new()
        } else {
            vec![("en", cell(Column::DescriptionEn))]
        };
        let record = OrganisationRecord {
            external_key: cell(Column::ExternalId),
            kind: cell(Column::Type),
            language: cell(Column::Language),
            name: cell(Column::Name),
            description: cell(Column::Description),
            other_names,
            other_descriptions,
            website: cell(Column::Website),
            email: cell(Column::Email),
            pic: cell(Column::Pic),
            vat: cell(Column::Vat),
            country: cell(Column::Country),
            nuts: cell(Column::Nuts),
            city: cell(Column::City),
            latitude: cell(Column::Lat),
            longitude: cell(Column::Lon),
            founded: cell(Column::Founded),
            staff: cell(Column::Staff),
            turnover: cell(Column::Turnover),
            balance_sheet: cell(Column::BalanceSheet),
            currency: cell(Column::Currency),
            sectors: cell(Column::Sectors),
            nace: cell(Column::Nace),
            technologies: cell(Column::Technologies),
            s3_areas: cell(Column::S3Areas),
            emerging_industries: cell(Column::Emerging),
            target_countries_international: cell(Column::TargetCountriesInternational),
            target_countries_transnational: cell(Column::TargetCountriesTransnational),
            escp: cell(Column::Escp),
            label: cell(Column::Label),
            label_awarded: cell(Column::LabelDate),
            offers: cell(Column::Offers),
            requests: cell(Column::Requests),
            members_sme: cell(Column::MembersSme),
            members_large: cell(Column::MembersLarge),
            members_research: cell(Column::MembersResearch),
            members_other: cell(Column::MembersOther),
            member_of: cell(Column::MemberOf),
        };
        if let Err(errors) = record.parse(today) {
            panic!("{row:?} is refused: {errors:?}");
        }
    }
}

#[test]
fn every_code_exists_in_the_reference_data() {
    let reference = Reference::get();
    let nuts = reference.nuts(NutsVersion::V2021);
    let term_ids = |terms: &'static [clusterhub_reference::Term]| -> BTreeSet<&'static str> {
        terms.iter().map(|term| term.id.as_str()).collect()
    };
    let technologies = term_ids(reference.technology_fields());
    let s3_areas = term_ids(reference.s3_priority_areas());
    let emerging = term_ids(reference.emerging_industries());
    for row in twenty_thousand() {
        let country = row.get(Column::Country);
        let region = nuts.get(row.get(Column::Nuts)).expect("a NUTS 2021 code");
        assert_eq!(region.level, 3);
        let region_country = reference
            .countries()
            .by_eu_code(&region.country)
            .expect("a country");
        assert_eq!(region_country.alpha2, country);
        let sectors: Vec<u8> = list(row.get(Column::Sectors))
            .map(|id| id.parse().expect("a number"))
            .collect();
        assert!(!sectors.is_empty());
        let mut covered = BTreeSet::new();
        for sector in &sectors {
            let category = reference
                .cluster_category(*sector)
                .expect("a category from 1 to 51");
            covered.extend(category.nace.iter().map(String::as_str));
        }
        for code in list(row.get(Column::Nace)) {
            let activity = reference.nace().get(code).expect("a NACE code");
            assert_eq!(activity.level, 4, "{code} is a class");
            assert!(
                covered
                    .iter()
                    .any(|category_code| reference.nace().is_within(code, category_code)),
                "{code} does not belong to the sectors {sectors:?}"
            );
        }
        assert!(list(row.get(Column::Technologies)).all(|id| technologies.contains(id)));
        assert!(list(row.get(Column::S3Areas)).all(|id| s3_areas.contains(id)));
        assert!(list(row.get(Column::Emerging)).all(|id| emerging.contains(id)));
        for code in list(row.get(Column::TargetCountriesInternational)) {
            let target = reference.countries().by_alpha2(code).expect("a country");
            assert!(!target.nuts, "{code} is outside Europe");
        }
        for code in list(row.get(Column::TargetCountriesTransnational)) {
            assert!(
                reference
                    .countries()
                    .by_alpha2(code)
                    .is_some_and(|target| target.nuts),
                "{code} is in Europe"
            );
            assert_ne!(code, country, "a transnational target is another country");
        }
    }
}

#[test]
fn the_size_mix_resembles_european_enterprises() {
    let mut classes = [0_u32; 4];
    for row in twenty_thousand() {
        let Ok(staff) = row.get(Column::Staff).parse::<u32>() else {
            continue;
        };
        match kind(row) {
            OrganisationType::Sme | OrganisationType::LargeEnterprise => {
                let class = match staff {
                    0..10 => 0,
                    10..50 => 1,
                    50..250 => 2,
                    _ => 3,
                };
                classes[class] += 1;
            }
            OrganisationType::Cluster => assert!((2..=15).contains(&staff)),
            OrganisationType::University => assert!((300..=8_000).contains(&staff)),
            OrganisationType::Rto => assert!((40..=3_000).contains(&staff)),
            _ => {}
        }
    }
    let total = f64::from(classes.iter().sum::<u32>());
    let share = |class: usize| f64::from(classes[class]) / total;
    assert!(total > 14_000.0, "{total} enterprises declare their staff");
    assert!((0.90..0.96).contains(&share(0)), "micro {}", share(0));
    assert!((0.04..0.08).contains(&share(1)), "small {}", share(1));
    assert!((0.004..0.02).contains(&share(2)), "medium {}", share(2));
    assert!(classes[3] > 0 && share(3) < 0.006, "large {}", share(3));

    let undeclared = twenty_thousand()
        .iter()
        .filter(|row| row.get(Column::Staff).is_empty())
        .count();
    assert!(
        (500..3_000).contains(&undeclared),
        "{undeclared} rows without staff"
    );
    let without_money = twenty_thousand()
        .iter()
        .filter(|row| row.get(Column::Turnover).is_empty())
        .count();
    assert!(
        (4_000..12_000).contains(&without_money),
        "{without_money} rows without turnover"
    );
}

#[test]
fn clusters_come_first_and_their_members_sit_in_their_region() {
    let rows = twenty_thousand();
    let clusters = cluster_count(rows.len());
    assert_eq!(clusters, 400);
    assert!(
        rows[..clusters]
            .iter()
            .all(|row| kind(row) == OrganisationType::Cluster)
    );
    assert!(
        rows[clusters..]
            .iter()
            .all(|row| kind(row) != OrganisationType::Cluster)
    );

    let mut members: BTreeMap<usize, [u32; 4]> = BTreeMap::new();
    let mut member_rows = 0;
    for (index, row) in rows.iter().enumerate() {
        let memberships: Vec<usize> = list(row.get(Column::MemberOf)).map(index_of).collect();
        if !memberships.is_empty() {
            member_rows += 1;
        }
        for cluster_index in memberships {
            assert!(cluster_index < index, "a cluster comes before its members");
            let cluster = &rows[cluster_index];
            assert_eq!(kind(cluster), OrganisationType::Cluster);
            assert_eq!(
                &cluster.get(Column::Nuts)[..4],
                &row.get(Column::Nuts)[..4],
                "member in its cluster's NUTS-2 region"
            );
            let cluster_sectors: BTreeSet<&str> = list(cluster.get(Column::Sectors)).collect();
            assert!(
                list(row.get(Column::Sectors)).any(|sector| cluster_sectors.contains(sector)),
                "a member shares a sector"
            );
            members.entry(cluster_index).or_default()[kind(row).member_bucket()] += 1;
        }
    }
    assert!(
        member_rows > 2_000,
        "only {member_rows} organisations are members of a cluster"
    );
    for (cluster_index, counts) in members {
        let cluster = &rows[cluster_index];
        let declared = [
            Column::MembersSme,
            Column::MembersLarge,
            Column::MembersResearch,
            Column::MembersOther,
        ]
        .map(|column| cluster.get(column).parse::<u32>().expect("declared counts"));
        for bucket in 0..4 {
            assert!(
                counts[bucket] <= declared[bucket],
                "cluster {cluster_index}: {counts:?} members, {declared:?} declared"
            );
        }
    }
    assert!(
        rows[clusters..]
            .iter()
            .all(|row| row.get(Column::MembersSme).is_empty() && row.get(Column::Label).is_empty())
    );
}

#[test]
fn identifiers_are_unique() {
    for column in [Column::ExternalId, Column::Pic, Column::Vat] {
        let mut seen = BTreeSet::new();
        let mut given = 0;
        for row in twenty_thousand() {
            let value = row.get(column);
            if value.is_empty() {
                continue;
            }
            given += 1;
            assert!(seen.insert(value), "{} {value} repeats", column.name());
        }
        assert!(given > 1_000, "{} given {given} times", column.name());
    }
    let pics = twenty_thousand()
        .iter()
        .filter(|row| !row.get(Column::Pic).is_empty())
        .count();
    assert!(
        (1_500..4_500).contains(&pics),
        "{pics} PICs: only some organisations have one"
    );
}

#[test]
fn names_are_varied() {
    let mut counts: BTreeMap<&str, u32> = BTreeMap::new();
    for row in twenty_thousand() {
        *counts.entry(row.get(Column::Name)).or_default() += 1;
    }
    let most = counts
        .iter()
        .max_by_key(|(_, count)| **count)
        .map(|(name, count)| (*name, *count))
        .unwrap_or(("", 0));
    assert!(most.1 <= 8, "{most:?} is too common");
    assert!(
        counts.len() > 19_000,
        "only {} distinct names in 20,000",
        counts.len()
    );
}

#[test]
fn regions_and_countries_have_visible_specialisations() {
    let rows = twenty_thousand();
    let share_of = |filter: &dyn Fn(&DemoRow) -> bool, sectors: &[&str]| -> f64 {
        let selected: Vec<&DemoRow> = rows.iter().filter(|row| filter(row)).collect();
        let matching = selected
            .iter()
            .filter(|row| list(row.get(Column::Sectors)).any(|sector| sectors.contains(&sector)))
            .count();
        matching as f64 / selected.len().max(1) as f64
    };
    let everywhere = |_: &DemoRow| true;
    let automotive = ["4"];
    let german_or_czech = |row: &DemoRow| matches!(row.get(Column::Country), "DE" | "CZ" | "SK");
    assert!(share_of(&german_or_czech, &automotive) > 2.0 * share_of(&everywhere, &automotive));
    let ict = ["23", "8"];
    let baltic_or_finnish_or_irish =
        |row: &DemoRow| matches!(row.get(Column::Country), "EE" | "FI" | "IE");
    assert!(share_of(&baltic_or_finnish_or_irish, &ict) > 1.5 * share_of(&everywhere, &ict));
    // Water transportation concentrates where the big ports are, not in landlocked countries.
    let main_sector_share = |filter: &dyn Fn(&DemoRow) -> bool, sector: &str| -> f64 {
        let selected: Vec<&DemoRow> = rows.iter().filter(|row| filter(row)).collect();
        let matching = selected
            .iter()
            .filter(|row| list(row.get(Column::Sectors)).next() == Some(sector))
            .count();
        matching as f64 / selected.len().max(1) as f64
    };
    let port_regions = ["DE60", "NL33", "BE21", "FRL0", "ITC3", "EL30", "PL63"];
    let near_ports = |row: &DemoRow| port_regions.contains(&&row.get(Column::Nuts)[..4]);
    let landlocked = |row: &DemoRow| {
        matches!(
            row.get(Column::Country),
            "AT" | "CZ" | "HU" | "SK" | "CH" | "LU" | "RS" | "MK"
        )
    };
    let near_ports_share = main_sector_share(&near_ports, "50");
    assert!(near_ports_share > 0.015, "{near_ports_share}");
    assert!(near_ports_share > 8.0 * main_sector_share(&landlocked, "50"));
    // Each region has its own strengths: the most common sector differs between regions.
    let mut top_sectors = BTreeSet::new();
    let mut by_region: BTreeMap<&str, BTreeMap<&str, u32>> = BTreeMap::new();
    for row in rows {
        let sectors = by_region.entry(&row.get(Column::Nuts)[..4]).or_default();
        for sector in list(row.get(Column::Sectors)) {
            *sectors.entry(sector).or_default() += 1;
        }
    }
    for sectors in by_region
        .values()
        .filter(|sectors| sectors.values().sum::<u32>() > 150)
    {
        top_sectors.insert(
            sectors
                .iter()
                .max_by_key(|(_, count)| **count)
                .map(|(sector, _)| *sector),
        );
    }
    assert!(
        top_sectors.len() >= 12,
        "regions' leading sectors: {top_sectors:?}"
    );
}

#[test]
fn coordinates_stay_near_the_city_but_spread_out() {
    let rows = twenty_thousand();
    let mut points = BTreeSet::new();
    for row in rows {
        let lat: f64 = row.get(Column::Lat).parse().expect("a latitude");
        let lon: f64 = row.get(Column::Lon).parse().expect("a longitude");
        assert!(
            (27.0..72.0).contains(&lat) && (-32.0..46.0).contains(&lon),
            "{lat} {lon}"
        );
        assert!(
            row.get(Column::Lat)
                .split('.')
                .nth(1)
                .is_some_and(|decimals| decimals.len() == 6)
        );
        points.insert((row.get(Column::Lat), row.get(Column::Lon)));
    }
    assert!(points.len() > 19_900, "organisations share points");
}

#[test]
fn languages_and_texts_fit_the_place() {
    let rows = twenty_thousand();
    for row in rows {
        let language = row.get(Column::Language);
        match row.get(Column::Country) {
            "DE" | "AT" => assert_eq!(language, "de"),
            "FR" | "LU" => assert_eq!(language, "fr"),
            "IE" | "GB" | "MT" => assert_eq!(language, "en"),
            "TR" | "RS" | "NO" => assert_eq!(
                language, "",
                "no EU language code outside the EU's languages"
            ),
            _ => {}
        }
        if language == "en" || language.is_empty() {
            assert!(
                row.get(Column::DescriptionEn).is_empty(),
                "the English description is the primary one"
            );
            assert!(row.get(Column::NameEn).is_empty());
        }
        let offers: Vec<&str> = list(row.get(Column::Offers)).collect();
        let requests: Vec<&str> = list(row.get(Column::Requests)).collect();
        assert!(
            (1..=3).contains(&offers.len()) && (1..=3).contains(&requests.len()),
            "{row:?}"
        );
        assert!(
            offers
                .iter()
                .chain(&requests)
                .all(|entry| entry.ends_with('.') && !entry.contains('{'))
        );
    }
    let german_companies: Vec<&DemoRow> = rows
        .iter()
        .filter(|row| row.get(Column::Country) == "DE" && kind(row) == OrganisationType::Sme)
        .collect();
    let with_form = german_companies
        .iter()
        .filter(|row| {
            ["GmbH", "KG", "UG (haftungsbeschränkt)", "e.K."]
                .iter()
                .any(|form| row.get(Column::Name).ends_with(form))
        })
        .count();
    assert!(
        with_form * 10 > german_companies.len() * 8,
        "{with_form} of {} German SMEs have a legal form",
        german_companies.len()
    );
    // Institutions are named in their region's language.
    let named_like = |country: &str, kind_slug: &str, starts: &[&str]| {
        let selected: Vec<&DemoRow> = rows
            .iter()
            .filter(|row| row.get(Column::Country) == country && row.get(Column::Type) == kind_slug)
            .collect();
        assert!(!selected.is_empty(), "no {kind_slug} in {country}");
        for row in selected {
            let name = row.get(Column::Name);
            assert!(
                starts.iter().any(|start| name.contains(start)),
                "{country} {kind_slug}: {name}"
            );
        }
    };
    named_like(
        "FR",
        "university",
        &["Université", "École", "Institut", "Laboratoire"],
    );
    named_like(
        "DE",
        "cluster",
        &["Cluster", "cluster", "Netzwerk", "Kompetenznetz"],
    );
    named_like("IT", "cluster", &["Distretto", "Cluster", "Polo"]);
    named_like("PL", "cluster", &["Klaster"]);
    named_like(
        "ES",
        "public_authority",
        &[
            "Ayuntamiento",
            "Agencia",
            "Diputación",
            "Gobierno",
            "Concejalía",
        ],
    );
    let offers: BTreeSet<&str> = rows.iter().map(|row| row.get(Column::Offers)).collect();
    assert!(
        offers.len() > 15_000,
        "offers repeat: {} distinct",
        offers.len()
    );
    let clusters_with_english_names = rows
        .iter()
        .filter(|row| kind(row) == OrganisationType::Cluster && !row.get(Column::NameEn).is_empty())
        .count();
    assert!(clusters_with_english_names > 150);
}
