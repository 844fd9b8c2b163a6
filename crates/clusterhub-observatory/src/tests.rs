//! Statistics on small tables worked out by hand, and on three real regions checked against the
//! raw rows of the shipped Eurostat file.

use crate::{
    Classification, EmploymentTable, Options, ReferenceArea, Statistics, TableBuilder, compute,
};

fn close(actual: Option<f64>, expected: f64) -> bool {
    actual.is_some_and(|actual| (actual - expected).abs() <= 1e-9 * expected.abs().max(1.0))
}

#[track_caller]
fn check(actual: Option<f64>, expected: f64) {
    assert!(close(actual, expected), "{actual:?} ≠ {expected}");
}

/// Two countries AA and BB, five level-1 regions, sectors X and Y (a flat, exhaustive
/// classification), years 2000–2002 (2001 entirely missing).
///
/// | region | level | X 2000 | total 2000 | X 2002 | total 2002 |
/// |---|---|---|---|---|---|
/// | AA | 0 | 60 | 200 | 66 | 200 |
/// | BB | 0 | 40 | 400 | 40 | 400 |
/// | AA1 | 1 | 50 | 100 | 72 | 100 |
/// | AA2 | 1 | 10 | 100 | 10 | 100 |
/// | BB1 | 1 | 0 | 100 | 5 | 100 |
/// | BB2 | 1 | 30 | 300 | 30 | 300 |
/// | BB3 | 1 | missing | 50 | missing | 50 |
fn small_table() -> EmploymentTable {
    let classification = Classification::flat("test", &[("X", "x"), ("Y", "y")], true).unwrap();
    let mut builder = TableBuilder::new(classification);
    // Region, X 2000, total 2000, X 2002, total 2002.
    type Row = (&'static str, Option<u64>, u64, Option<u64>, u64);
    let rows: [Row; 7] = [
        ("AA", Some(60), 200, Some(66), 200),
        ("BB", Some(40), 400, Some(40), 400),
        ("AA1", Some(50), 100, Some(72), 100),
        ("AA2", Some(10), 100, Some(10), 100),
        ("BB1", Some(0), 100, Some(5), 100),
        ("BB2", Some(30), 300, Some(30), 300),
        ("BB3", None, 50, None, 50),
    ];
    for (region, x_2000, total_2000, x_2002, total_2002) in rows {
        for (year, x, total) in [(2000, x_2000, total_2000), (2002, x_2002, total_2002)] {
            builder.set(region, Some("X"), year, x).unwrap();
            let y = x.map(|x| total - x);
            builder.set(region, Some("Y"), year, y).unwrap();
            builder.set(region, None, year, Some(total)).unwrap();
        }
    }
    builder.build()
}

fn small_statistics(options: &Options) -> (EmploymentTable, Statistics) {
    let table = small_table();
    let statistics = compute(&table, options);
    (table, statistics)
}

fn cell<'s>(
    table: &EmploymentTable,
    statistics: &'s Statistics,
    region: &str,
    sector: &str,
    year: u16,
) -> &'s crate::CellStatistics {
    statistics
        .cell(
            table.region_position(region).unwrap(),
            table.classification().position(sector).unwrap(),
            table.year_position(year).unwrap(),
        )
        .unwrap()
}

#[test]
fn shares_and_location_quotients() {
    let (table, statistics) = small_statistics(&Options::default());
    // Reference 2000 = AA + BB: X = 60 + 40 = 100 of 200 + 400 = 600, a share of 1/6.
    let reference = &statistics.reference[0];
    assert_eq!(reference.countries, ["AA", "BB"]);
    assert_eq!(
        (reference.sectors[0], reference.total),
        (Some(100), Some(600))
    );
    // AA1: 50 / 100 = 0.5, LQ = 0.5 / (1/6) = 3.
    let aa1 = cell(&table, &statistics, "AA1", "X", 2000);
    check(aa1.share, 0.5);
    check(aa1.lq, 3.0);
    // AA2: 10 / 100 = 0.1, LQ 0.6; BB2: 30 / 300 = 0.1, LQ 0.6 too (a tie).
    check(cell(&table, &statistics, "AA2", "X", 2000).lq, 0.6);
    check(cell(&table, &statistics, "BB2", "X", 2000).lq, 0.6);
    // BB1 employs nobody in X: share and LQ are 0, not unknown.
    let bb1 = cell(&table, &statistics, "BB1", "X", 2000);
    assert_eq!(
        (bb1.employment, bb1.share, bb1.lq),
        (Some(0), Some(0.0), Some(0.0))
    );
    // BB3's X is missing: everything about it stays missing, its total does not.
    let bb3 = cell(&table, &statistics, "BB3", "X", 2000);
    assert_eq!(
        (bb3.employment, bb3.region_employment, bb3.share, bb3.lq),
        (None, Some(50), None, None)
    );
    assert_eq!(
        (bb3.employment_rank, bb3.eco.stars(), bb3.us.strong),
        (None, 0, false)
    );
    // Countries: AA 60 / 200 = 0.3, LQ 1.8; BB 0.1, LQ 0.6.
    check(cell(&table, &statistics, "AA", "X", 2000).lq, 1.8);
    check(cell(&table, &statistics, "BB", "X", 2000).lq, 0.6);
}

#[test]
fn an_explicit_reference_area() {
    let options = Options {
        reference: ReferenceArea::Countries(vec![String::from("AA")]),
        ..Options::default()
    };
    let (table, statistics) = small_statistics(&options);
    // Against AA alone: X is 60 / 200 = 0.3 of it; AA1's LQ = 0.5 / 0.3.
    check(cell(&table, &statistics, "AA1", "X", 2000).lq, 0.5 / 0.3);
    // A country not in the table: no reference, no LQ, and a note that says why.
    let options = Options {
        reference: ReferenceArea::Countries(vec![String::from("AA"), String::from("CC")]),
        ..Options::default()
    };
    let (table, statistics) = small_statistics(&options);
    assert_eq!(cell(&table, &statistics, "AA1", "X", 2000).lq, None);
    assert_eq!(
        statistics.reference[0].note.as_deref(),
        Some("missing or incomplete: CC")
    );
}

#[test]
fn percentile_ranks_with_ties_and_missing_values() {
    let (table, statistics) = small_statistics(&Options::default());
    let ranks = |region: &str| {
        let cell = cell(&table, &statistics, region, "X", 2000);
        (cell.employment_rank, cell.share_rank, cell.lq_rank)
    };
    // Level 1, X, 2000, BB3 missing so n = 4. Employment sorted 0, 10, 30, 50 (no ties): ranks
    // 0, 100/3, 200/3, 100. Shares 0, 0.1, 0.1, 0.5 and LQs 0, 0.6, 0.6, 3: AA2 and BB2 tie
    // with L = 1 below and E = 2 equal, so 100 · (1 + 1/2) / 3 = 50.
    let (employment, share, lq) = ranks("AA2");
    check(employment, 100.0 / 3.0);
    check(share, 50.0);
    check(lq, 50.0);
    let (employment, share, lq) = ranks("BB2");
    check(employment, 200.0 / 3.0);
    check(share, 50.0);
    check(lq, 50.0);
    assert_eq!(ranks("BB1"), (Some(0.0), Some(0.0), Some(0.0)));
    assert_eq!(ranks("AA1"), (Some(100.0), Some(100.0), Some(100.0)));
    // The countries are ranked among themselves (n = 2).
    let aa = cell(&table, &statistics, "AA", "X", 2000);
    assert_eq!(aa.employment_rank, Some(100.0));
}

#[test]
fn european_cluster_observatory_stars() {
    let (table, statistics) = small_statistics(&Options::default());
    let level_1 = statistics
        .groups
        .iter()
        .find(|group| group.level == 1 && group.sector == 0 && group.year == 2000)
        .unwrap();
    // Size: P90 of 0, 10, 30, 50: h = 3 · 0.9 = 2.7, 30 + 0.7 · (50 − 30) = 44.
    check(level_1.size_threshold, 44.0);
    // Focus: P90 of 0, 0.1, 0.1, 0.5 = 0.1 + 0.7 · 0.4 = 0.38.
    check(level_1.focus_threshold, 0.38);
    let aa1 = cell(&table, &statistics, "AA1", "X", 2000).eco;
    assert!(aa1.size && aa1.specialisation && aa1.focus);
    assert_eq!(aa1.stars(), 3);
    for region in ["AA2", "BB1", "BB2", "BB3"] {
        assert_eq!(cell(&table, &statistics, region, "X", 2000).eco.stars(), 0);
    }
    // Y: shares 0.5, 0.9, 1, 0.9 (BB3 unknown) and LQs against 500 / 600. BB1 has the largest
    // share (1) and LQ 1 / (5/6) = 1.2 < 2: a focus star only.
    let bb1 = cell(&table, &statistics, "BB1", "Y", 2000).eco;
    assert_eq!(
        (bb1.size, bb1.specialisation, bb1.focus),
        (false, false, true)
    );
    // Thresholds are configurable: with specialisation at LQ ≥ 0.5, AA2 (0.6) qualifies.
    let mut options = Options::default();
    options.eco.specialisation_lq = 0.5;
    let (table, statistics) = small_statistics(&options);
    assert!(
        cell(&table, &statistics, "AA2", "X", 2000)
            .eco
            .specialisation
    );
    assert!(
        !cell(&table, &statistics, "BB1", "X", 2000)
            .eco
            .specialisation
    );
}

#[test]
fn a_zero_group_gives_no_size_or_focus_star() {
    // Every region employs nobody in X: the thresholds are 0, yet nobody is "in the top 10%".
    let classification = Classification::flat("test", &[("X", "x"), ("Y", "y")], true).unwrap();
    let mut builder = TableBuilder::new(classification);
    for region in ["AA", "AA1", "AA2"] {
        builder.set(region, Some("X"), 2000, Some(0)).unwrap();
        builder.set(region, Some("Y"), 2000, Some(10)).unwrap();
    }
    let table = builder.build();
    let statistics = compute(&table, &Options::default());
    let aa1 = statistics.cell(1, 0, 0).unwrap();
    // The total comes from the partition (no total given): 0 + 10.
    assert_eq!(aa1.region_employment, Some(10));
    assert_eq!((aa1.eco.size, aa1.eco.focus), (false, false));
    // Reference X = 0: the LQ is undefined.
    assert_eq!(aa1.lq, None);
}

#[test]
fn us_cluster_mapping_strong_clusters() {
    let (table, statistics) = small_statistics(&Options::default());
    let level_1 = statistics
        .groups
        .iter()
        .find(|group| group.level == 1 && group.sector == 0 && group.year == 2000)
        .unwrap();
    // P75 of LQs 0, 0.6, 0.6, 3: h = 2.25, 0.6 + 0.25 · 2.4 = 1.2. P25 of employment 0, 10, 30,
    // 50: h = 0.75, 0 + 0.75 · 10 = 7.5. P90 of LQs: 0.6 + 0.7 · 2.4 = 2.28.
    check(level_1.us_lq_threshold, 1.2);
    check(level_1.us_employment_threshold, 7.5);
    check(level_1.us_top_tier_lq_threshold, 2.28);
    // AA1: LQ 3 ≥ 1.2, 50 > 7.5, LQ ≥ 1, and 3 ≥ 2.28: strong, top tier.
    let aa1 = cell(&table, &statistics, "AA1", "X", 2000).us;
    assert!(aa1.strong && aa1.top_tier);
    // BB2: 30 > 7.5 but LQ 0.6 < 1.2.
    let bb2 = cell(&table, &statistics, "BB2", "X", 2000).us;
    assert!(bb2.employment_above_percentile && !bb2.lq_at_least_percentile && !bb2.strong);
    // BB1: 0 is not above 7.5.
    assert!(
        !cell(&table, &statistics, "BB1", "X", 2000)
            .us
            .employment_above_percentile
    );
    // Y: LQs 0.6, 1.08, 1.2, 1.08 against 5/6, sorted 0.6, 1.08, 1.08, 1.2, so P75 = 1.08 +
    // 0.25 · 0.12 = 1.11; employment 50, 90, 100, 270, so P25 = 50 + 0.75 · 40 = 80. BB1 (LQ 1.2,
    // 100 persons) is strong; AA1 (LQ 0.6) is not.
    let bb1 = cell(&table, &statistics, "BB1", "Y", 2000).us;
    assert!(bb1.strong);
    assert!(!cell(&table, &statistics, "AA1", "Y", 2000).us.strong);
    assert_eq!(statistics.us_method_notes.len(), 2);
}

#[test]
fn growth_over_a_span() {
    let options = Options {
        growth_span: 2,
        ..Options::default()
    };
    let (table, statistics) = small_statistics(&options);
    // AA1, X: 50 in 2000, 72 in 2002: (72 / 50)^(1/2) − 1 = 1.2 − 1 = 0.2.
    check(cell(&table, &statistics, "AA1", "X", 2002).growth, 0.2);
    // AA2 unchanged: 0.
    check(cell(&table, &statistics, "AA2", "X", 2002).growth, 0.0);
    // BB1 started from 0: no rate. BB3 missing: none. 2000 has no earlier year.
    assert_eq!(cell(&table, &statistics, "BB1", "X", 2002).growth, None);
    assert_eq!(cell(&table, &statistics, "BB3", "X", 2002).growth, None);
    assert_eq!(cell(&table, &statistics, "AA1", "X", 2000).growth, None);
    // 2001 is missing throughout: no reference and no statistics, but nothing invented.
    let year_2001 = cell(&table, &statistics, "AA1", "X", 2001);
    assert_eq!((year_2001.employment, year_2001.lq), (None, None));
    assert_eq!(
        statistics.reference[1].note.as_deref(),
        Some("incomplete, left out: AA, BB")
    );
}

#[test]
fn three_real_regions_match_a_hand_calculation() {
    use clusterhub_import::{TOTAL_SECTOR, parse_employment, translate_to_nuts_2021};
    let text = include_str!("../../../data/eurostat/employment_by_nace_a10_nuts.csv");
    let file = parse_employment(text.as_bytes()).unwrap();
    let on_2021 =
        translate_to_nuts_2021(&file.observations, clusterhub_reference::Reference::get());
    let mut builder = TableBuilder::new(Classification::nace_a10());
    for value in &on_2021.values {
        let sector = (value.sector != TOTAL_SECTOR).then_some(value.sector.as_str());
        builder
            .set(&value.nuts, sector, value.year, value.persons)
            .unwrap();
    }
    let table = builder.build();
    // The shipped table covers 31 countries, but France only with totals: not the full table,
    // so its default reference is every country loaded.
    assert_eq!(
        ReferenceArea::default_for(&table),
        ReferenceArea::AllCountries
    );
    let options = Options {
        reference: ReferenceArea::Countries(vec![String::from("AT")]),
        ..Options::default()
    };
    let statistics = compute(&table, &options);

    // The raw rows (columns A, B-E, C, F, G-I, G-J, J, K, K-N, L, M-N, O-Q, O-U, R-U, total):
    // 2015,dcid:nuts/AT,176600.0,683900.0,627900.0,283100.0,1155600.0,1265700.0,110100.0,
    //   127900.0,682400.0,62300.0,492200.0,1000700.0,1193900.0,193200.0,4285500.0
    // 2010,dcid:nuts/AT130,…,63100.0 (C),…            2015,dcid:nuts/AT130,1200.0,68400.0,
    //   57100.0,50800.0,,306000.0,,,238000.0,,,,324300.0,,988700.0
    // 2010,dcid:nuts/AT221,…,31400.0 (C),…            2015,dcid:nuts/AT221,4700.0,34200.0,
    //   31300.0,14100.0,,66200.0,,,50600.0,,,,84500.0,,254300.0
    // 2010,dcid:nuts/AT332,…,18500.0 (C),…            2015,dcid:nuts/AT332,3300.0,21100.0,
    //   18800.0,9800.0,,50900.0,,,27800.0,,,,58300.0,,171300.0
    //
    // Austria 2015: C is 627,900 of 4,285,500 = 0.146517326; K-N = K + L + M-N = 127,900 +
    // 62,300 + 492,200 = 682,400 (as reported) of 4,285,500 = 0.159234628.
    // NUTS-3 rows carry K-N but not its parts, so K-N is the reported figure there.
    //
    // | region | C share 2015 | LQ C | CAGR C 2010–2015 | K-N share | LQ K-N |
    // | Wien AT130 | 57,100 / 988,700 = 0.057752604 | 0.057752604 / 0.146517326 = 0.394169113 | (57,100 / 63,100)^(1/5) − 1 = −0.019784987 | 238,000 / 988,700 = 0.240720138 | 1.511732341 |
    // | Graz AT221 | 31,300 / 254,300 = 0.123082973 | 0.840057462 | (31,300 / 31,400)^(1/5) − 1 = −0.000637756 | 50,600 / 254,300 = 0.198977586 | 1.249587402 |
    // | Innsbruck AT332 | 18,800 / 171,300 = 0.109748978 | 0.749051198 | (18,800 / 18,500)^(1/5) − 1 = 0.003222408 | 27,800 / 171,300 = 0.162288383 | 1.019177704 |
    let expected = [
        (
            "AT130",
            57_100,
            988_700,
            0.057752604430,
            0.394169113370,
            -0.019784987211,
            238_000,
            0.240720137554,
            1.511732340987,
        ),
        (
            "AT221",
            31_300,
            254_300,
            0.123082972867,
            0.840057461730,
            -0.000637755621,
            50_600,
            0.198977585529,
            1.249587401501,
        ),
        (
            "AT332",
            18_800,
            171_300,
            0.109748978400,
            0.749051197540,
            0.003222408381,
            27_800,
            0.162288382954,
            1.019177703911,
        ),
    ];
    let c = table.classification().position("C").unwrap();
    let k_n = table.classification().position("K-N").unwrap();
    let year = table.year_position(2015).unwrap();
    for (region, c_2015, total, share, lq, growth, k_n_2015, k_n_share, k_n_lq) in expected {
        let position = table.region_position(region).unwrap();
        let manufacturing = statistics.cell(position, c, year).unwrap();
        assert_eq!(manufacturing.employment, Some(c_2015), "{region}");
        assert_eq!(manufacturing.region_employment, Some(total), "{region}");
        check(manufacturing.share, share);
        check(manufacturing.lq, lq);
        check(manufacturing.growth, growth);
        // None is twice as specialised as Austria in manufacturing.
        assert!(!manufacturing.eco.specialisation);
        let services = statistics.cell(position, k_n, year).unwrap();
        assert_eq!(services.employment, Some(k_n_2015), "{region}");
        check(services.share, k_n_share);
        check(services.lq, k_n_lq);
        assert!(services.us.lq_at_least_minimum);
    }
}

/// A table of the given countries, each with X, Y and a total in 2000 (all of them complete,
/// except `incomplete`, which has only its total).
fn countries_table(countries: &[&str], incomplete: Option<&str>) -> EmploymentTable {
    let classification = Classification::flat("test", &[("X", "x"), ("Y", "y")], true).unwrap();
    let mut builder = TableBuilder::new(classification);
    for (number, country) in countries.iter().enumerate() {
        let x = 10 + number as u64;
        builder.set(country, None, 2000, Some(100)).unwrap();
        if Some(*country) != incomplete {
            builder.set(country, Some("X"), 2000, Some(x)).unwrap();
            builder
                .set(country, Some("Y"), 2000, Some(100 - x))
                .unwrap();
        }
    }
    builder.build()
}

#[test]
fn the_default_reference_is_the_eu27_only_when_the_full_table_is_loaded() {
    use crate::EU27_2020;
    let mut all: Vec<&str> = EU27_2020.to_vec();
    all.push("NO");
    // Every member state complete (and Norway besides): the EU27, Norway left out.
    let full = countries_table(&all, None);
    let reference = ReferenceArea::default_for(&full);
    assert_eq!(
        reference,
        ReferenceArea::Countries(EU27_2020.iter().map(|code| (*code).to_owned()).collect())
    );
    let statistics = compute(
        &full,
        &Options {
            reference,
            ..Options::default()
        },
    );
    assert_eq!(statistics.reference[0].countries.len(), 27);
    assert!(
        !statistics.reference[0]
            .countries
            .contains(&String::from("NO"))
    );
    // One member state missing: every country loaded.
    let without_malta: Vec<&str> = all.iter().copied().filter(|c| *c != "MT").collect();
    assert_eq!(
        ReferenceArea::default_for(&countries_table(&without_malta, None)),
        ReferenceArea::AllCountries
    );
    // One member state with only its total (as France in the shipped table): every country.
    assert_eq!(
        ReferenceArea::default_for(&countries_table(&all, Some("FR"))),
        ReferenceArea::AllCountries
    );
    // A member state present only through its regions is not the country itself.
    let mut regional: Vec<&str> = all.iter().copied().filter(|c| *c != "LU").collect();
    regional.push("LU0");
    assert_eq!(
        ReferenceArea::default_for(&countries_table(&regional, None)),
        ReferenceArea::AllCountries
    );
}

#[test]
fn the_eu27_list_is_the_reference_datas_member_states() {
    let mut members: Vec<String> = clusterhub_reference::Reference::get()
        .countries()
        .eu_members()
        .map(|country| country.eu_code.clone())
        .collect();
    members.sort();
    assert_eq!(members, crate::EU27_2020);
}
