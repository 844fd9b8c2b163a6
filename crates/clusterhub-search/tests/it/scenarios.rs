//! Keywords, every filter group, facets, the map, order and pagination, and index maintenance.

use clusterhub_search::{
    BoundingBox, FacetGroup, Filters, OrganisationDocument, SearchError, SearchIndex, SearchQuery,
    Sort,
};

use crate::oracle::{self, Corpus, Random, both_ways, check, corpus, index_of, index_with};

fn text(words: &str) -> SearchQuery {
    SearchQuery {
        text: Some(words.to_owned()),
        ..SearchQuery::default()
    }
}

fn ids(index: &SearchIndex, query: &SearchQuery) -> Vec<i64> {
    index
        .search(query)
        .expect("search")
        .hits
        .iter()
        .map(|hit| hit.id)
        .collect()
}

fn strings(values: &[&str]) -> Vec<String> {
    values.iter().map(|value| (*value).to_owned()).collect()
}

/// Three hand-written profiles in three languages.
fn multilingual() -> Vec<OrganisationDocument> {
    let mut munich = OrganisationDocument::new(1, 1, "Bayern Innovativ", "cluster", "DE");
    munich.names = strings(&["Bayern Innovativ", "Bavarian Innovation Agency"]);
    munich.descriptions = strings(&[
        "Netzwerk für Wasserstoff und Brennstoffzellen in München.",
        "Network for hydrogen and fuel cells in Munich.",
    ]);
    munich.city = Some(String::from("München"));
    munich.nuts = Some(String::from("DE212"));
    munich.location = Some((48.137, 11.575));
    munich.nace = strings(&["72.19"]);

    let mut lyon = OrganisationDocument::new(2, 1, "Pôle Véhicule du Futur", "cluster", "FR");
    lyon.descriptions = strings(&["Pôle de compétitivité pour la mobilité électrique."]);
    lyon.offers = strings(&["Essais de batteries et bancs d'hydrogène."]);
    lyon.city = Some(String::from("Lyon"));
    lyon.nuts = Some(String::from("FRK26"));
    lyon.location = Some((45.764, 4.8357));
    lyon.nace = strings(&["29.10"]);

    let mut athens = OrganisationDocument::new(3, 1, "Hydrogen Hellas", "sme", "GR");
    athens.descriptions = strings(&["Software for electrolysers and energy storage."]);
    athens.requests = strings(&["Looking for partners in Munich."]);
    athens.nuts = Some(String::from("EL301"));
    athens.location = Some((37.98, 23.72));
    athens.nace = strings(&["62.01"]);
    vec![munich, lyon, athens]
}

#[test]
fn keywords_match_every_language_with_accents_folded() {
    let (index, _writer) = index_of(&multilingual(), 1);
    let check = |words: &str, expected: &[i64]| {
        let mut found = ids(&index, &text(words));
        found.sort_unstable();
        assert_eq!(found, expected, "{words}");
    };
    check("Wasserstoff", &[1]);
    check("wasserstoff brennstoffzellen", &[1]);
    check("Munchen", &[1]);
    check("MÜNCHEN", &[1]);
    check("Munich", &[1, 3]);
    check("competitivite", &[2]);
    check("vehicule", &[2]);
    check("hydrogene", &[2]);
    check("hydrogen", &[1, 3]);
    check("electrolysers", &[3]);
    check("hydrogen munich", &[1, 3]);
    check("hydrogen lyon", &[]);
    // NACE labels in English, French and German: 62.01 is computer programming.
    check("programming", &[3]);
    check("programmation", &[3]);
    check("programmierungstatigkeiten", &[3]);
    // Only function words: no keyword at all, so everything matches.
    check("the and of", &[1, 2, 3]);
}

#[test]
fn names_weigh_more_than_descriptions() {
    let (index, _writer) = index_of(&multilingual(), 1);
    let results = index.search(&text("hydrogen")).expect("search");
    let order: Vec<i64> = results.hits.iter().map(|hit| hit.id).collect();
    assert_eq!(order, [3, 1], "the name match comes first");
    assert!(results.hits[0].score > results.hits[1].score);
}

#[test]
fn hits_carry_what_the_result_list_shows() {
    let (index, _writer) = index_of(&multilingual(), 1);
    let mut query = text("electrolysers");
    query.near = Some((48.137, 11.575));
    let results = index.search(&query).expect("search");
    let hit = &results.hits[0];
    assert_eq!(hit.id, 3);
    assert_eq!(hit.name, "Hydrogen Hellas");
    assert_eq!(hit.kind, "sme");
    assert_eq!(hit.country, "GR");
    assert_eq!(hit.nuts.as_deref(), Some("EL301"));
    assert_eq!(hit.city, None);
    assert_eq!((hit.lat, hit.lon), (Some(37.98), Some(23.72)));
    let distance = hit.distance_km.expect("a distance");
    assert!((distance - 1_500.0).abs() < 30.0, "{distance}");
}

#[test]
fn nuts_filters_match_the_region_and_everything_below() {
    let (index, _writer) = index_of(&multilingual(), 1);
    for code in ["DE", "DE2", "DE21", "DE212"] {
        let query = SearchQuery {
            filters: Filters {
                nuts: vec![code.to_owned()],
                ..Filters::default()
            },
            ..SearchQuery::default()
        };
        assert_eq!(ids(&index, &query), [1], "{code}");
    }
    let query = SearchQuery {
        filters: Filters {
            nuts: strings(&["DE21", "EL3"]),
            ..Filters::default()
        },
        ..SearchQuery::default()
    };
    let results = index.search(&query).expect("search");
    assert_eq!(results.total, 2);
    // NUTS counts ignore the NUTS filter and cover countries and levels 1 and 2; level 3 shows
    // inside the selected NUTS-2 region.
    let nuts = &results.facets[&FacetGroup::Nuts];
    assert_eq!(nuts["DE"], 1);
    assert_eq!(nuts["FR"], 1);
    assert_eq!(nuts["FRK2"], 1);
    assert_eq!(nuts["DE212"], 1);
    assert!(!nuts.contains_key("FRK26"));
    assert!(!nuts.contains_key("EL301"));
    assert_eq!(nuts["EL3"], 1);
}

#[test]
fn nace_filters_match_by_code_prefix_and_section() {
    let (index, _writer) = index_of(&multilingual(), 1);
    let check = |codes: &[&str], expected: &[i64]| {
        let query = SearchQuery {
            filters: Filters {
                nace: strings(codes),
                ..Filters::default()
            },
            ..SearchQuery::default()
        };
        assert_eq!(ids(&index, &query), expected, "{codes:?}");
    };
    check(&["62"], &[3]);
    check(&["62.0"], &[3]);
    check(&["62.01"], &[3]);
    check(&["J"], &[3]);
    check(&["62.02"], &[]);
    check(&["29", "72.1"], &[1, 2]);
    check(&["C"], &[2]);
}

#[test]
fn every_filter_group_agrees_with_brute_force() {
    let documents = corpus(11, 240);
    let oracle = Corpus::new(&documents);
    for options in both_ways() {
        let (index, _writer) = index_with(&documents, 3, options);
        let single_values: Vec<(FacetGroup, Vec<&str>)> = vec![
            (FacetGroup::Kind, oracle::KINDS.to_vec()),
            (FacetGroup::Country, vec!["DE", "FR", "GR", "CH"]),
            (FacetGroup::Nuts, vec!["DE", "DE2", "DE21", "FRK26", "EL"]),
            (FacetGroup::Sector, oracle::SECTORS.to_vec()),
            (FacetGroup::Nace, vec!["62", "26.4", "10.51", "C", "J"]),
            (FacetGroup::Technology, oracle::TECHNOLOGIES.to_vec()),
            (FacetGroup::S3, oracle::S3.to_vec()),
            (FacetGroup::Emerging, oracle::EMERGING.to_vec()),
            (FacetGroup::Staff, oracle::STAFF.to_vec()),
            (FacetGroup::Members, oracle::MEMBERS.to_vec()),
            (FacetGroup::Label, oracle::LABELS.to_vec()),
            (FacetGroup::Programme, oracle::PROGRAMMES.to_vec()),
            (FacetGroup::TargetCountry, oracle::TARGETS.to_vec()),
            (FacetGroup::Sme, oracle::SME.to_vec()),
        ];
        for (group, values) in single_values {
            for value in values {
                let mut query = SearchQuery::default();
                set(&mut query.filters, group, vec![value.to_owned()]);
                let results = index.search(&query).expect("search");
                assert!(results.total > 0, "{group:?} {value} matches something");
                check(&index, &oracle, &query);
            }
        }
        for escp in [true, false] {
            let query = SearchQuery {
                filters: Filters {
                    escp: vec![escp],
                    ..Filters::default()
                },
                ..SearchQuery::default()
            };
            check(&index, &oracle, &query);
        }
    }
}

fn set(filters: &mut Filters, group: FacetGroup, values: Vec<String>) {
    match group {
        FacetGroup::Kind => filters.kind = values,
        FacetGroup::Country => filters.country = values,
        FacetGroup::Nuts => filters.nuts = values,
        FacetGroup::Sector => filters.sector = values,
        FacetGroup::Nace => filters.nace = values,
        FacetGroup::Technology => filters.technology = values,
        FacetGroup::S3 => filters.s3 = values,
        FacetGroup::Emerging => filters.emerging = values,
        FacetGroup::Staff => filters.staff = values,
        FacetGroup::Members => filters.members = values,
        FacetGroup::Label => filters.label = values,
        FacetGroup::Escp => filters.escp = values.iter().map(|value| value == "true").collect(),
        FacetGroup::Programme => filters.programme = values,
        FacetGroup::TargetCountry => filters.target_country = values,
        FacetGroup::Sme => filters.sme = values,
    }
}

fn values_for(group: FacetGroup) -> Vec<&'static str> {
    match group {
        FacetGroup::Kind => oracle::KINDS.to_vec(),
        FacetGroup::Country => vec!["DE", "FR", "IT", "PL", "GR", "CH"],
        FacetGroup::Nuts => vec![
            "DE", "DE2", "DE21", "DE212", "DEA", "FR1", "FRK26", "EL3", "ITC",
        ],
        FacetGroup::Sector => oracle::SECTORS.to_vec(),
        FacetGroup::Nace => vec!["62", "62.01", "26", "26.4", "10.51", "29", "C", "M"],
        FacetGroup::Technology => oracle::TECHNOLOGIES.to_vec(),
        FacetGroup::S3 => oracle::S3.to_vec(),
        FacetGroup::Emerging => oracle::EMERGING.to_vec(),
        FacetGroup::Staff => oracle::STAFF.to_vec(),
        FacetGroup::Members => oracle::MEMBERS.to_vec(),
        FacetGroup::Label => oracle::LABELS.to_vec(),
        FacetGroup::Escp => vec!["true", "false"],
        FacetGroup::Programme => oracle::PROGRAMMES.to_vec(),
        FacetGroup::TargetCountry => oracle::TARGETS.to_vec(),
        FacetGroup::Sme => oracle::SME.to_vec(),
    }
}

/// A random query: maybe keywords, up to four filter groups with one to three values each,
/// maybe a box, any order.
fn random_query(random: &mut Random) -> SearchQuery {
    let mut query = SearchQuery::default();
    if random.chance(50) {
        let words = 1 + random.below(2);
        query.text = Some(
            (0..words)
                .map(|_| random.pick(oracle::WORDS))
                .collect::<Vec<_>>()
                .join(" "),
        );
    }
    for _ in 0..random.below(5) {
        let group = FacetGroup::ALL[random.below(FacetGroup::ALL.len())];
        let candidates = values_for(group);
        let values = random.some(&candidates, 3);
        if !values.is_empty() {
            set(&mut query.filters, group, values);
        }
    }
    if random.chance(20) {
        let west = random.between(-9.0, 20.0);
        let south = random.between(36.0, 52.0);
        query.bbox = Some(BoundingBox {
            west,
            south,
            east: west + random.between(2.0, 15.0),
            north: south + random.between(2.0, 10.0),
        });
    }
    query.sort = match random.below(4) {
        0 => Sort::Name,
        1 => Sort::Distance,
        _ => Sort::Relevance,
    };
    if query.sort == Sort::Distance || random.chance(20) {
        query.near = Some((random.between(40.0, 55.0), random.between(0.0, 20.0)));
    }
    query
}

#[test]
fn random_queries_agree_with_brute_force() {
    let documents = corpus(5, 400);
    let oracle = Corpus::new(&documents);
    for options in both_ways() {
        let (index, _writer) = index_with(&documents, 4, options);
        let mut random = Random::new(99);
        let mut matching = 0;
        for _ in 0..300 {
            let query = random_query(&mut random);
            check(&index, &oracle, &query);
            matching += usize::from(index.search(&query).expect("search").total > 0);
        }
        assert!(
            matching > 100,
            "only {matching} of 300 queries match anything"
        );
    }
}

#[test]
fn facet_counts_are_disjunctive() {
    let documents = corpus(21, 300);
    let (index, _writer) = index_with(&documents, 2, oracle::with_bases());
    let oracle = Corpus::new(&documents);
    let query = SearchQuery {
        filters: Filters {
            country: strings(&["DE"]),
            kind: strings(&["sme", "cluster"]),
            ..Filters::default()
        },
        ..SearchQuery::default()
    };
    let results = index.search(&query).expect("search");
    let countries = &results.facets[&FacetGroup::Country];
    // Country counts apply the type filter only, so other countries stay visible...
    let sme_or_cluster = |country: &str| {
        documents
            .iter()
            .filter(|document| {
                document.country == country && ["sme", "cluster"].contains(&document.kind.as_str())
            })
            .count() as u64
    };
    assert_eq!(countries["FR"], sme_or_cluster("FR"));
    assert_eq!(countries["DE"], sme_or_cluster("DE"));
    assert_eq!(results.total, sme_or_cluster("DE"));
    // ... and type counts apply the country filter only.
    let kinds = &results.facets[&FacetGroup::Kind];
    let german = |kind: &str| {
        documents
            .iter()
            .filter(|document| document.country == "DE" && document.kind == kind)
            .count() as u64
    };
    assert_eq!(kinds["university"], german("university"));
    assert_eq!(kinds["sme"], german("sme"));
    // An unfiltered group counts within the full selection.
    let staff_total: u64 = results.facets[&FacetGroup::Staff].values().sum();
    let with_staff = documents
        .iter()
        .filter(|document| {
            document.country == "DE"
                && ["sme", "cluster"].contains(&document.kind.as_str())
                && document.staff_band.is_some()
        })
        .count() as u64;
    assert_eq!(staff_total, with_staff);
    check(&index, &oracle, &query);
}

#[test]
fn selected_values_show_even_without_matches() {
    let (index, _writer) = index_of(&multilingual(), 1);
    let query = SearchQuery {
        filters: Filters {
            programme: strings(&["COSME"]),
            ..Filters::default()
        },
        ..SearchQuery::default()
    };
    let results = index.search(&query).expect("search");
    assert_eq!(results.total, 0);
    assert_eq!(results.facets[&FacetGroup::Programme]["COSME"], 0);
    assert_eq!(results.facets[&FacetGroup::Country].len(), 0);
}

#[test]
fn map_box_and_distance_order() {
    let (index, _writer) = index_of(&multilingual(), 1);
    let alps = BoundingBox {
        west: 4.0,
        south: 44.0,
        east: 12.0,
        north: 49.0,
    };
    let query = SearchQuery {
        bbox: Some(alps),
        ..SearchQuery::default()
    };
    assert_eq!(ids(&index, &query), [1, 2]);
    let query = SearchQuery {
        near: Some((38.0, 23.0)),
        sort: Sort::Distance,
        ..SearchQuery::default()
    };
    let results = index.search(&query).expect("search");
    let order: Vec<i64> = results.hits.iter().map(|hit| hit.id).collect();
    assert_eq!(order, [3, 1, 2], "Athens, then Munich, then Lyon");
    let distances: Vec<f64> = results
        .hits
        .iter()
        .map(|hit| hit.distance_km.expect("located"))
        .collect();
    assert!(distances.windows(2).all(|pair| pair[0] <= pair[1]));

    let documents = corpus(3, 300);
    let (index, _writer) = index_with(&documents, 3, oracle::with_bases());
    let oracle = Corpus::new(&documents);
    for (near, bbox) in [
        ((48.0, 11.0), None),
        ((41.0, 2.0), Some(alps)),
        (
            (52.0, 21.0),
            Some(BoundingBox {
                west: 170.0,
                south: -10.0,
                east: 30.0,
                north: 70.0,
            }),
        ),
    ] {
        let query = SearchQuery {
            near: Some(near),
            bbox,
            sort: Sort::Distance,
            ..SearchQuery::default()
        };
        check(&index, &oracle, &query);
    }
}

#[test]
fn distance_order_needs_a_point() {
    let (index, _writer) = index_of(&multilingual(), 1);
    let query = SearchQuery {
        sort: Sort::Distance,
        ..SearchQuery::default()
    };
    assert!(matches!(
        index.search(&query),
        Err(SearchError::InvalidQuery(_))
    ));
}

#[test]
fn upsert_replaces_and_delete_removes() {
    let documents = multilingual();
    let (index, mut writer) = index_of(&documents, 1);
    assert_eq!(index.revision(2).expect("revision"), Some(1));

    let mut changed = documents[1].clone();
    changed.revision = 2;
    changed.descriptions = strings(&["Cluster textile et matériaux souples."]);
    changed.country = String::from("BE");
    writer.upsert(&changed).expect("upsert");
    writer.commit().expect("commit");
    assert_eq!(index.num_documents(), 3);
    assert_eq!(index.revision(2).expect("revision"), Some(2));
    assert_eq!(ids(&index, &text("mobilite")), Vec::<i64>::new());
    assert_eq!(ids(&index, &text("textile")), [2]);
    let everything = index.search(&SearchQuery::default()).expect("search");
    assert_eq!(everything.facets[&FacetGroup::Country]["BE"], 1);
    assert!(!everything.facets[&FacetGroup::Country].contains_key("FR"));

    writer.delete(1).expect("delete");
    writer.commit().expect("commit");
    assert_eq!(index.num_documents(), 2);
    assert_eq!(index.revision(1).expect("revision"), None);
    assert_eq!(ids(&index, &text("wasserstoff")), Vec::<i64>::new());
    let everything = index.search(&SearchQuery::default()).expect("search");
    assert_eq!(everything.total, 2);
    assert!(!everything.facets[&FacetGroup::Country].contains_key("DE"));
}

#[test]
fn changes_across_segments_agree_with_brute_force() {
    for options in both_ways() {
        let mut documents = corpus(8, 300);
        let (index, mut writer) = index_with(&documents, 3, options);
        let mut random = Random::new(4);
        // Replace a third of the profiles with new ones under the same ids and delete a tenth.
        for document in documents.iter_mut() {
            if random.chance(33) {
                let mut replacement = oracle::document(&mut random, document.id);
                replacement.revision = 2;
                writer.upsert(&replacement).expect("upsert");
                *document = replacement;
            }
        }
        writer.commit().expect("commit");
        let deleted: Vec<i64> = documents
            .iter()
            .filter(|_| random.chance(10))
            .map(|document| document.id)
            .collect();
        for id in &deleted {
            writer.delete(*id).expect("delete");
        }
        writer.commit().expect("commit");
        documents.retain(|document| !deleted.contains(&document.id));
        assert_eq!(index.num_documents(), documents.len() as u64);
        let oracle = Corpus::new(&documents);
        for _ in 0..100 {
            let query = random_query(&mut random);
            check(&index, &oracle, &query);
        }
        check(&index, &oracle, &SearchQuery::default());
    }
}

#[test]
fn pages_are_stable_and_do_not_overlap() {
    let documents = corpus(2, 250);
    for options in both_ways() {
        let (index, _writer) = index_with(&documents, 3, options);
        for (words, sort) in [
            (None, Sort::Relevance),
            (Some("hydrogen"), Sort::Relevance),
            (Some("robotics"), Sort::Name),
            (None, Sort::Name),
        ] {
            let mut query = SearchQuery {
                text: words.map(str::to_owned),
                sort,
                per_page: 1_000,
                ..SearchQuery::default()
            };
            let all = ids(&index, &query);
            assert!(all.len() > 20, "{words:?} matches enough to page");
            query.per_page = 7;
            let mut paged = Vec::new();
            for page in 1.. {
                query.page = page;
                let hits = ids(&index, &query);
                if hits.is_empty() {
                    break;
                }
                assert!(hits.len() <= 7);
                assert_eq!(hits, ids(&index, &query), "the same page twice");
                paged.extend(hits);
            }
            assert_eq!(paged, all, "{words:?} {sort:?}");
        }
    }
}

#[test]
fn pages_past_the_window_are_refused() {
    let (index, _writer) = index_of(&multilingual(), 1);
    let query = SearchQuery {
        page: 1_000,
        per_page: 100,
        ..SearchQuery::default()
    };
    assert!(matches!(
        index.search(&query),
        Err(SearchError::InvalidQuery(_))
    ));
}

#[test]
fn merging_down_keeps_every_profile_and_every_answer() {
    let mut documents = corpus(9, 400);
    let (index, mut writer) = index_of(&documents, 7);
    assert_eq!(index.committed_segments().expect("segments"), 7);
    // A deletion in a segment that is merged away stays deleted.
    let deleted = documents.remove(10).id;
    writer.delete(deleted).expect("delete");
    writer.commit().expect("commit");
    writer.merge_down_to(3).expect("merge down to three");
    assert_eq!(index.committed_segments().expect("segments"), 3);
    assert_eq!(index.num_segments(), 3);
    assert_eq!(index.num_documents(), documents.len() as u64);
    let oracle = Corpus::new(&documents);
    let mut random = Random::new(9);
    for _ in 0..60 {
        check(&index, &oracle, &random_query(&mut random));
    }
    // Fewer segments than asked for: nothing to merge.
    writer.merge_down_to(5).expect("no merge");
    assert_eq!(index.committed_segments().expect("segments"), 3);
    writer.merge_all().expect("merge all");
    assert_eq!(index.num_segments(), 1);
    check(&index, &oracle, &SearchQuery::default());
    check(&index, &oracle, &text("hydrogen cluster"));
}

#[test]
fn an_index_on_disk_opens_again() {
    let directory = tempfile::tempdir().expect("a temporary directory");
    let path = directory.path().join("search");
    {
        let index = SearchIndex::open_or_create_in_dir(&path).expect("create");
        let mut writer = index.writer().expect("writer");
        for document in multilingual() {
            writer.upsert(&document).expect("upsert");
        }
        writer.commit().expect("commit");
        writer.finish().expect("finish");
    }
    let index = SearchIndex::open_or_create_in_dir(&path).expect("open");
    assert_eq!(index.num_documents(), 3);
    let mut found = ids(&index, &text("hydrogen"));
    found.sort_unstable();
    assert_eq!(found, [1, 3]);
}
