//! The directory search as JSON (`/api/v1/organisations`): parameters (repeats OR-ed, groups
//! AND-ed, refusals naming the parameter), the answer's shape, and stable pages.

use axum::http::StatusCode;
use clusterhub_storage::OrganisationImport;

use crate::support::{TestApp, assert_problem, organisation};

/// Six organisations in three countries with distinct types, sectors and places.
fn seeded() -> Vec<OrganisationImport> {
    let mut list = Vec::new();
    let places = [
        ("DE", "DE212", "München", 48.137, 11.575, "cluster", "7"),
        ("DE", "DE300", "Berlin", 52.52, 13.405, "sme", "7"),
        ("FR", "FR101", "Paris", 48.857, 2.352, "sme", "10"),
        ("FR", "FRK26", "Lyon", 45.764, 4.836, "university", "10"),
        ("AT", "AT130", "Wien", 48.208, 16.373, "sme", "7"),
        ("AT", "AT130", "Wien", 48.21, 16.37, "rto", "22"),
    ];
    for (number, (country, nuts, city, lat, lon, kind, sector)) in places.into_iter().enumerate() {
        let mut row = organisation(&format!("org-{number}"), kind, country);
        row.name = format!("Photonics {city} {number}");
        row.nuts = Some(nuts.to_owned());
        row.city = Some(city.to_owned());
        row.lat = Some(lat);
        row.lon = Some(lon);
        row.sectors = vec![sector.to_owned()];
        list.push(row);
    }
    list
}

#[tokio::test]
async fn the_answer_has_total_page_hits_and_every_facet_group() {
    let app = TestApp::with_organisations(&seeded()).await;
    let response = app.get("/api/v1/organisations?country=DE").await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.text());
    assert_eq!(response.header("content-type"), Some("application/json"));
    let body = response.json();
    assert_eq!(body["total"], 2);
    assert_eq!(body["page"], 1);
    assert_eq!(body["per_page"], 20);
    let hits = body["hits"].as_array().expect("hits");
    assert_eq!(hits.len(), 2);
    for hit in hits {
        for key in [
            "id", "name", "type", "country", "nuts", "city", "lat", "lon", "sectors",
        ] {
            assert!(hit.get(key).is_some(), "hit without {key}: {hit}");
        }
        assert_eq!(hit["country"], "DE");
    }
    let facets = body["facets"].as_object().expect("facets");
    for group in [
        "type",
        "country",
        "nuts",
        "sector",
        "nace",
        "technology",
        "s3",
        "emerging",
        "staff",
        "members",
        "label",
        "escp",
        "programme",
        "target_country",
        "sme",
    ] {
        assert!(facets.contains_key(group), "no facet group {group}");
    }
    // Disjunctive: the country counts ignore the country filter, the others apply it.
    assert_eq!(body["facets"]["country"]["DE"], 2);
    assert_eq!(body["facets"]["country"]["FR"], 2);
    assert_eq!(body["facets"]["country"]["AT"], 2);
    assert_eq!(body["facets"]["type"]["cluster"], 1);
    assert_eq!(body["facets"]["type"]["sme"], 1);
    assert!(body["facets"]["type"].get("university").is_none());
    assert_eq!(body["facets"]["nuts"]["DE2"], 1);
}

#[tokio::test]
async fn values_of_one_group_are_or_ed_and_groups_are_and_ed() {
    let app = TestApp::with_organisations(&seeded()).await;
    let total = |query: &'static str| {
        let app = &app;
        async move {
            let response = app.get(&format!("/api/v1/organisations?{query}")).await;
            assert_eq!(response.status, StatusCode::OK, "{}", response.text());
            response.json()["total"].as_u64().expect("a total")
        }
    };
    assert_eq!(total("").await, 6);
    assert_eq!(total("country=DE&country=FR").await, 4);
    assert_eq!(total("country=DE&country=FR&type=sme").await, 2);
    assert_eq!(total("type=sme&type=rto&sector=7").await, 2);
    assert_eq!(total("nuts=AT&sector=22").await, 1);
    assert_eq!(
        total("country=at&country=AT").await,
        2,
        "a repeated value counts once"
    );
    // Munich and Vienna lie in this box; Berlin, Paris and Lyon do not.
    assert_eq!(total("bbox=11,47,17,49").await, 3);
    assert_eq!(total("q=photonics&country=FR").await, 2);
}

#[tokio::test]
async fn distance_order_measures_from_the_point() {
    let app = TestApp::with_organisations(&seeded()).await;
    let body = app
        .get("/api/v1/organisations?near=48.2,16.37&sort=distance&per_page=3")
        .await
        .json();
    let cities: Vec<&str> = body["hits"]
        .as_array()
        .expect("hits")
        .iter()
        .map(|hit| hit["city"].as_str().expect("a city"))
        .collect();
    assert_eq!(cities, ["Wien", "Wien", "München"]);
    let first = body["hits"][0]["distance_km"].as_f64().expect("a distance");
    assert!(first < 2.0, "{first}");
}

#[tokio::test]
async fn pages_are_stable_and_do_not_overlap() {
    let app = TestApp::with_organisations(&seeded()).await;
    for sort in ["relevance", "name"] {
        let mut seen = Vec::new();
        for page in 1..=3 {
            let uri = format!("/api/v1/organisations?sort={sort}&per_page=2&page={page}");
            let first = app.get(&uri).await.json();
            let again = app.get(&uri).await.json();
            assert_eq!(first["hits"], again["hits"], "the same page twice");
            for hit in first["hits"].as_array().expect("hits") {
                seen.push(hit["id"].as_i64().expect("an id"));
            }
        }
        let last = app
            .get(&format!(
                "/api/v1/organisations?sort={sort}&per_page=2&page=3"
            ))
            .await
            .json();
        assert!(last["links"]["next"].is_null(), "no page after the last");
        assert_eq!(
            last["links"]["prev"],
            format!("/api/v1/organisations?sort={sort}&page=2&per_page=2")
                .replace("sort=relevance&", "")
        );
        let mut unique = seen.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(
            unique.len(),
            6,
            "{sort}: every organisation once over the pages: {seen:?}"
        );
    }
}

#[tokio::test]
async fn bad_parameters_are_refused_by_name() {
    let app = TestApp::with_organisations(&seeded()).await;
    let cases = [
        ("colour=red", "unknown_parameter", "colour"),
        ("country=ZZ", "invalid_parameter", "country"),
        ("type=company", "invalid_parameter", "type"),
        ("nuts=XX9", "invalid_parameter", "nuts"),
        ("nace=99.99", "invalid_parameter", "nace"),
        ("sector=0", "invalid_parameter", "sector"),
        ("s3=space", "invalid_parameter", "s3"),
        ("members=many", "invalid_parameter", "members"),
        ("label=platinum", "invalid_parameter", "label"),
        ("target_country=XX", "invalid_parameter", "target_country"),
        ("bbox=10,50,20", "invalid_parameter", "bbox"),
        ("bbox=10,50,200,60", "invalid_parameter", "bbox"),
        ("near=48", "invalid_parameter", "near"),
        ("near=48,east", "invalid_parameter", "near"),
        ("sort=distance", "invalid_parameter", "sort"),
        ("sort=random", "invalid_parameter", "sort"),
        ("page=0", "invalid_parameter", "page"),
        ("page=x", "invalid_parameter", "page"),
        ("page=501", "invalid_parameter", "page"),
        ("per_page=1000", "invalid_parameter", "per_page"),
        ("per_page=-1", "invalid_parameter", "per_page"),
        ("q=a&q=b", "repeated_parameter", "q"),
        ("sort=name&sort=name", "repeated_parameter", "sort"),
    ];
    for (query, code, parameter) in cases {
        let response = app.get(&format!("/api/v1/organisations?{query}")).await;
        let problem = assert_problem(&response, StatusCode::BAD_REQUEST, code);
        assert_eq!(problem["parameter"], parameter, "{query}: {problem}");
    }
    // The cap is 100 per page; 100 itself is fine.
    let response = app.get("/api/v1/organisations?per_page=100").await;
    assert_eq!(response.status, StatusCode::OK);
}
