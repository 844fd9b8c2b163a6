//! Tests of the embedded reference data as a whole: counts, cross-references and known values.

use crate::*;

fn reference() -> &'static Reference {
    Reference::get()
}

#[test]
fn parses_every_embedded_file() {
    Reference::parse().expect("the embedded data parses");
}

#[test]
fn nuts_2021_has_2010_codes_on_four_levels() {
    let nuts = reference().nuts(NutsVersion::V2021);
    assert_eq!(nuts.version(), NutsVersion::V2021);
    assert_eq!(nuts.len(), 2010);
    let per_level: Vec<usize> = (0..=3).map(|level| nuts.at_level(level).count()).collect();
    assert_eq!(per_level, vec![37, 125, 334, 1514]);
    assert!(nuts.iter().all(|region| region.centroid.is_some()));
    let codes: Vec<&str> = nuts.iter().map(|region| region.code.as_str()).collect();
    assert!(
        codes.windows(2).all(|pair| pair[0] < pair[1]),
        "iteration is in code order"
    );
}

#[test]
fn nuts_2016_has_its_own_codes_with_centroids_where_the_code_survives() {
    let nuts = reference().nuts(NutsVersion::V2016);
    assert_eq!(nuts.len(), 2016);
    assert!(nuts.contains("HR04"));
    assert!(!reference().nuts(NutsVersion::V2021).contains("HR04"));
    assert_eq!(nuts.get("HR04").unwrap().centroid, None);
    assert!(nuts.get("DE212").unwrap().centroid.is_some());
    // NUTS 2016 numbered Northern Ireland's level-3 regions under UKN0 without the prefix rule.
    assert_eq!(nuts.get("UKN10").unwrap().parent.as_deref(), Some("UKN0"));
}

#[test]
fn nuts_hierarchy_goes_both_ways() {
    let nuts = reference().nuts(NutsVersion::V2021);
    let munich = nuts.get("DE212").unwrap();
    assert_eq!(munich.level, 3);
    assert_eq!(munich.country, "DE");
    assert_eq!(munich.name, "München, Kreisfreie Stadt");
    let (lon, lat) = munich.centroid.unwrap();
    assert!(
        (11.0..12.0).contains(&lon) && (48.0..48.5).contains(&lat),
        "{lon} {lat}"
    );
    let chain: Vec<&str> = nuts
        .ancestors("DE212")
        .iter()
        .map(|region| region.code.as_str())
        .collect();
    assert_eq!(chain, vec!["DE212", "DE21", "DE2", "DE"]);
    assert!(nuts.ancestors("XX999").is_empty());
    let bavaria: Vec<&str> = nuts
        .children("DE2")
        .map(|region| region.code.as_str())
        .collect();
    assert_eq!(
        bavaria,
        vec!["DE21", "DE22", "DE23", "DE24", "DE25", "DE26", "DE27"]
    );
    assert_eq!(nuts.children("DE212").count(), 0);
    assert_eq!(nuts.ancestor_at_level("DE212", 2).unwrap().code, "DE21");
}

#[test]
fn greece_and_the_united_kingdom_use_eu_codes_in_nuts() {
    let reference = reference();
    let nuts = reference.nuts(NutsVersion::V2021);
    assert!(
        nuts.contains("EL") && nuts.contains("UK") && !nuts.contains("GR") && !nuts.contains("GB")
    );
    assert_eq!(nuts.get("EL30").unwrap().name_national, "Aττική");
    let countries = reference.countries();
    assert_eq!(countries.by_alpha2("GR").unwrap().eu_code, "EL");
    assert_eq!(countries.by_eu_code("EL").unwrap().alpha2, "GR");
    assert_eq!(countries.by_eu_code("UK").unwrap().alpha2, "GB");
    assert_eq!(countries.by_alpha2("gb").unwrap().name, "United Kingdom");
    assert!(countries.by_eu_code("GR").is_none());
    assert_eq!(countries.by_any_code("EL").unwrap().alpha3, "GRC");
    assert_eq!(countries.by_any_code("GR").unwrap().numeric, 300);
    assert_eq!(countries.by_alpha2("DE").unwrap().eu_code, "DE");
}

#[test]
fn countries_know_eu_membership_and_nuts_coverage() {
    let countries = reference().countries();
    assert!(countries.len() >= 249);
    assert_eq!(countries.eu_members().count(), 27);
    assert!(!countries.by_alpha2("GB").unwrap().eu_member);
    assert!(countries.by_alpha2("GB").unwrap().nuts);
    assert!(countries.by_alpha2("NO").unwrap().nuts);
    assert!(!countries.by_alpha2("UA").unwrap().nuts);
    assert_eq!(countries.iter().filter(|country| country.nuts).count(), 37);
    // Every NUTS country code resolves to a country.
    for region in reference().nuts(NutsVersion::V2021).at_level(0) {
        assert!(
            countries
                .by_eu_code(&region.code)
                .is_some_and(|country| country.nuts),
            "{}",
            region.code
        );
    }
}

#[test]
fn nace_has_its_four_levels_in_three_languages() {
    let nace = reference().nace();
    let per_level: Vec<usize> = (1..=4).map(|level| nace.at_level(level).count()).collect();
    assert_eq!(per_level, vec![21, 88, 272, 615]);
    let class = nace.get("62.01").unwrap();
    assert_eq!(class.level, 4);
    assert_eq!(class.parent.as_deref(), Some("62.0"));
    assert_eq!(class.label(Lang::En), "Computer programming activities");
    assert_eq!(class.label(Lang::Fr), "Programmation informatique");
    assert_eq!(class.label(Lang::De), "Programmierungstätigkeiten");
    assert_eq!(nace.section_of("62.01").unwrap().code, "J");
    assert!(nace.is_within("62.01", "62"));
    assert!(!nace.is_within("62", "62.01"));
    assert_eq!(nace.iter().next().unwrap().code, "A");
    assert_eq!(nace.children("A").count(), 3);
}

#[test]
fn languages_have_codes() {
    assert_eq!(Lang::from_code("FR"), Some(Lang::Fr));
    assert_eq!(Lang::from_code("it"), None);
    assert_eq!(Lang::De.code(), "de");
}

#[test]
fn versions_display_as_years() {
    assert_eq!(NutsVersion::V2016.to_string(), "2016");
    assert_eq!(NutsVersion::V2021.to_string(), "2021");
    assert_eq!(
        serde_json::to_string(&NutsVersion::V2021).unwrap(),
        "\"2021\""
    );
}

#[test]
fn old_nuts_codes_translate_to_2021() {
    let reference = reference();
    let cases = [
        // Valid in 2021: itself, whatever the letter case.
        ("DE212", Some("DE212")),
        (" de212 ", Some("DE212")),
        // Bulgaria, 2003 → 2006 relabelling.
        ("BG111", Some("BG311")),
        ("BG21", Some("BG41")),
        // Germany: Brandenburg (2006 → 2010), Chemnitz merged, Sachsen-Anhalt (2016 → 2021).
        ("DE411", Some("DE403")),
        ("DED1", Some("DED4")),
        ("DEE3B", Some("DEE04")),
        // France, 2013 → 2016: Lyon's Rhône.
        ("FR716", Some("FRK26")),
        ("FR7", Some("FRK")),
        // Greece: GR (2006) became EL; Attiki had one level-3 region until 2013, then seven.
        ("GR300", Some("EL30")),
        // Northern Ireland, 2016 → 2021.
        ("UKN10", Some("UKN0A")),
        // Croatia's HR04 was split in 2021 into HR02, HR05 and HR06.
        ("HR04", Some("HR0")),
        ("HR041", Some("HR050")),
        // Mazowieckie was split in 2016.
        ("PL12", Some("PL9")),
        ("PL127", Some("PL911")),
        // Extra-Regio.
        ("DEZZZ", Some("DE")),
        // Unknown.
        ("XX123", None),
        ("", None),
    ];
    for (code, expected) in cases {
        assert_eq!(
            reference.translate_nuts_to_2021(code).as_deref(),
            expected,
            "{code:?}"
        );
    }
    let split = reference.nuts_translation("HR04").unwrap();
    assert_eq!(split.method, NutsTranslationMethod::CommonAncestor);
    assert!(reference.nuts_translation("DE212").is_none());
}

#[test]
fn every_old_nuts_code_of_2016_translates() {
    let reference = reference();
    for region in reference.nuts(NutsVersion::V2016).iter() {
        let translated = reference.translate_nuts_to_2021(&region.code);
        assert!(
            translated.is_some(),
            "{} has no 2021 counterpart",
            region.code
        );
    }
}

#[test]
fn cities_lie_in_their_nuts_3_region() {
    let reference = reference();
    assert_eq!(reference.cities().len(), 24_443);
    let cases = [
        (2_867_714, "Munich", Some("DE212")),
        (2_996_944, "Lyon", Some("FRK26")),
        (2_988_507, "Paris", Some("FR101")),
        (2_950_159, "Berlin", Some("DE300")),
        (264_371, "Athens", Some("EL303")),
        (2_643_743, "London", Some("UKI32")),
        // Cádiz lies on a spit that the 1:10 million shapes leave out.
        (2_520_600, "Cadiz", Some("ES612")),
    ];
    for (geonameid, name, nuts3) in cases {
        let city = reference
            .city(geonameid)
            .unwrap_or_else(|| panic!("{name} is missing"));
        assert_eq!(city.ascii, name);
        assert_eq!(city.nuts3.as_deref(), nuts3, "{name}");
    }
    let nuts = reference.nuts(NutsVersion::V2021);
    let countries = reference.countries();
    for city in reference.cities() {
        assert!(
            countries.by_alpha2(&city.country).is_some(),
            "{} has an unknown country",
            city.name
        );
        if let Some(code) = &city.nuts3 {
            let region = nuts
                .get(code)
                .unwrap_or_else(|| panic!("{} has an unknown region {code}", city.name));
            assert_eq!(region.level, 3);
        }
    }
    let kyiv = reference
        .cities()
        .iter()
        .find(|city| city.ascii == "Kyiv")
        .unwrap();
    assert_eq!(kyiv.nuts3, None, "Ukraine has no NUTS regions");
}

#[test]
fn fifty_one_cluster_categories_with_existing_nace_codes() {
    let reference = reference();
    let categories = reference.cluster_categories();
    assert_eq!(categories.len(), usize::from(CLUSTER_CATEGORY_COUNT));
    for (index, category) in categories.iter().enumerate() {
        assert_eq!(usize::from(category.id), index + 1);
        assert!(
            !category.nace.is_empty(),
            "{} has no NACE codes",
            category.name_en
        );
        for code in &category.nace {
            assert!(
                reference.nace().get(code).is_some(),
                "{} names unknown NACE {code}",
                category.name_en
            );
        }
        for lang in Lang::ALL {
            assert!(!category.name(lang).is_empty());
        }
    }
    let automotive = reference.cluster_category(4).unwrap();
    assert_eq!(automotive.slug, "automotive");
    assert_eq!(automotive.name(Lang::De), "Automobilindustrie");
    assert!(reference.cluster_category(0).is_none());
    assert!(reference.cluster_category(52).is_none());
}

#[test]
fn nace_codes_find_their_cluster_categories() {
    let reference = reference();
    let ids = |code: &str| -> Vec<u8> {
        reference
            .cluster_categories_for_nace(code)
            .iter()
            .map(|category| category.id)
            .collect()
    };
    // A class inside a mapped group, the mapped class itself, and a division spanning several.
    assert_eq!(ids("10.11"), vec![28]);
    assert_eq!(ids("21.20"), vec![5]);
    assert_eq!(ids("30.30"), vec![1]);
    assert_eq!(ids("10"), vec![2, 17, 18, 28]);
    assert!(
        ids("84.11").is_empty(),
        "public administration is not a traded cluster"
    );
}

#[test]
fn relatedness_is_known_for_every_pair() {
    let reference = reference();
    for a in 1..=CLUSTER_CATEGORY_COUNT {
        for b in 1..=CLUSTER_CATEGORY_COUNT {
            assert!(reference.relatedness(a, b).is_some(), "{a}-{b}");
        }
    }
    assert!(reference.relatedness(0, 1).is_none());
    assert!(reference.relatedness(1, 52).is_none());
    // Aerospace with itself, as published.
    let own = reference.relatedness(1, 1).unwrap();
    assert_eq!(
        (own.cr_all_pc, own.cr_io_pc, own.cr_occ_pc, own.cr_lc_pc),
        (99, 99, 99, 63)
    );
    // Apparel's closest relatives include leather and textiles (and, as published, printing first).
    let related: Vec<u8> = reference
        .related_categories(3)
        .iter()
        .take(5)
        .map(|(category, _)| category.id)
        .collect();
    assert_eq!(related.first(), Some(&39));
    assert!(
        related.contains(&26) && related.contains(&42),
        "{related:?}"
    );
}

#[test]
fn vocabularies_have_labels_in_every_language() {
    let reference = reference();
    assert_eq!(reference.emerging_industries().len(), 10);
    assert_eq!(reference.technology_fields().len(), 16);
    assert_eq!(reference.s3_priority_areas().len(), 8);
    let blue = reference
        .emerging_industries()
        .iter()
        .find(|term| term.id == "blue_growth_industries")
        .unwrap();
    assert_eq!(blue.label(Lang::Fr), "Industries de la croissance bleue");
    let ai = reference
        .technology_fields()
        .iter()
        .find(|term| term.id == "artificial_intelligence")
        .unwrap();
    assert_eq!(ai.label(Lang::De), "Künstliche Intelligenz");
}

#[test]
fn every_transcribed_cohesion_code_resolves() {
    let reference = reference();
    let nuts_2016 = reference.nuts(NutsVersion::V2016);
    let regions_2021_27 = reference.cohesion_regions(CohesionPeriod::P2021_2027);
    assert_eq!(regions_2021_27.len(), 240);
    for region in &regions_2021_27 {
        assert_eq!(
            nuts_2016.get(&region.nuts).map(|found| found.level),
            Some(2),
            "{}",
            region.nuts
        );
    }
    let regions_2014_20 = reference.cohesion_regions(CohesionPeriod::P2014_2020);
    assert_eq!(regions_2014_20.len(), 274);
    for region in &regions_2014_20 {
        assert!(
            reference.translate_nuts_to_2021(&region.nuts).is_some(),
            "{}",
            region.nuts
        );
    }
    // The counts the Commission published: 71 less developed regions plus Mayotte, 51 transition.
    let count = |category| {
        regions_2014_20
            .iter()
            .filter(|region| region.category == category)
            .count()
    };
    assert_eq!(
        (
            count(RegionCategory::LessDeveloped),
            count(RegionCategory::Transition),
            count(RegionCategory::MoreDeveloped)
        ),
        (72, 51, 151)
    );
}

#[test]
fn every_eu_region_of_2021_has_a_category_in_each_period() {
    let reference = reference();
    let nuts = reference.nuts(NutsVersion::V2021);
    let countries = reference.countries();
    for region in nuts.at_level(3) {
        let member_now = countries
            .by_eu_code(&region.country)
            .is_some_and(|country| country.eu_member);
        let member_in_2014 = member_now || region.country == "UK";
        let category_2021 = reference.region_category(CohesionPeriod::P2021_2027, &region.code);
        let category_2014 = reference.region_category(CohesionPeriod::P2014_2020, &region.code);
        assert_eq!(
            category_2021.is_some(),
            member_now,
            "2021-2027 {}",
            region.code
        );
        assert_eq!(
            category_2014.is_some(),
            member_in_2014,
            "2014-2020 {}",
            region.code
        );
    }
}

#[test]
fn known_cohesion_categories() {
    use CohesionPeriod::{P2014_2020, P2021_2027};
    use RegionCategory::{LessDeveloped, MoreDeveloped, Transition};
    let reference = reference();
    let cases = [
        (P2021_2027, "BG31", Some(LessDeveloped)),
        (P2021_2027, "DE11", Some(MoreDeveloped)),
        (P2021_2027, "DE212", Some(MoreDeveloped)),
        // Andalucía fell below 75 % for 2021–2027; it was a transition region in 2014–2020.
        (P2021_2027, "ES61", Some(LessDeveloped)),
        (P2014_2020, "ES61", Some(Transition)),
        (P2021_2027, "ITF1", Some(Transition)),
        (P2021_2027, "EL30", Some(Transition)),
        (P2014_2020, "EL30", Some(MoreDeveloped)),
        // Croatia is listed under NUTS 2016 (HR04); its 2021 regions inherit the category.
        (P2021_2027, "HR05", Some(LessDeveloped)),
        (P2021_2027, "HR050", Some(LessDeveloped)),
        // Decision 2014/99/EU used NUTS 2006: Greek, Italian, German and French codes have since
        // changed, and the lookup follows them back.
        (P2014_2020, "EL51", Some(LessDeveloped)),
        (P2014_2020, "ITH5", Some(MoreDeveloped)),
        (P2014_2020, "DED4", Some(Transition)),
        (P2014_2020, "DED5", Some(MoreDeveloped)),
        (P2014_2020, "FRY1", Some(LessDeveloped)),
        (P2014_2020, "FRE1", Some(Transition)),
        (P2014_2020, "FRE2", Some(Transition)),
        (P2014_2020, "UKN0", Some(Transition)),
        (P2014_2020, "UKN0A", Some(Transition)),
        (P2014_2020, "UKD71", Some(Transition)),
        (P2014_2020, "PL91", Some(MoreDeveloped)),
        (P2014_2020, "PL92", Some(MoreDeveloped)),
        (P2021_2027, "PL92", Some(LessDeveloped)),
        // Ireland's 2016 regions straddle the 2006 ones: IE063 (Midland) was in Border, Midland
        // and Western, IE061 (Dublin) in Southern and Eastern; both were more developed.
        (P2014_2020, "IE06", Some(MoreDeveloped)),
        // Outside the EU, or not a region.
        (P2021_2027, "UKI3", None),
        (P2021_2027, "CH01", None),
        (P2021_2027, "DE1", None),
        (P2021_2027, "XX99", None),
        // Older codes are translated first.
        (P2021_2027, "FR716", Some(MoreDeveloped)),
    ];
    for (period, code, expected) in cases {
        assert_eq!(
            reference.region_category(period, code),
            expected,
            "{period:?} {code}"
        );
    }
    assert!(reference.cohesion_source(P2014_2020).contains("2014/99/EU"));
    assert!(
        reference
            .cohesion_source(P2021_2027)
            .contains("(EU) 2021/1130")
    );
}
