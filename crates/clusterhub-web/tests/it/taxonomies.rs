//! The reference data under `/api/v1/taxonomies`.

use axum::http::StatusCode;
use serde_json::Value;

use crate::support::{TestApp, assert_problem};

fn codes(body: &Value) -> Vec<String> {
    body["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|item| item["code"].as_str().expect("a code").to_owned())
        .collect()
}

#[tokio::test]
async fn the_index_links_to_every_taxonomy_and_every_link_answers() {
    let app = TestApp::new().await;
    let index = app.get("/api/v1/taxonomies").await;
    assert_eq!(index.status, StatusCode::OK);
    let index = index.json();
    let items = index["items"].as_array().expect("items");
    let ids: Vec<&str> = items
        .iter()
        .map(|item| item["id"].as_str().expect("id"))
        .collect();
    assert_eq!(
        ids,
        [
            "nuts",
            "nace",
            "countries",
            "cities",
            "cluster-categories",
            "emerging-industries",
            "technology-fields",
            "s3-priority-areas",
            "region-categories"
        ]
    );
    for item in items {
        let href = item["href"].as_str().expect("href");
        let response = app.get(href).await;
        assert_eq!(
            response.status,
            StatusCode::OK,
            "{href}: {}",
            response.text()
        );
        assert!(item["count"].as_u64().expect("count") > 0, "{href}");
    }
    let root = app.get("/api/v1").await.json();
    assert_eq!(root["links"][1]["href"], "/api/v1/taxonomies");
}

#[tokio::test]
async fn nuts_2021_level_2_regions_of_germany() {
    let app = TestApp::new().await;
    let body = app
        .get("/api/v1/taxonomies/nuts?version=2021&level=2&parent=DE")
        .await
        .json();
    assert_eq!(body["count"], 38);
    assert_eq!(body["version"], "2021");
    let region_codes = codes(&body);
    assert_eq!(region_codes.len(), 38);
    assert!(
        region_codes
            .iter()
            .all(|code| code.starts_with("DE") && code.len() == 4)
    );
    assert!(region_codes.contains(&String::from("DE21")));

    // Without a level, a parent gives the regions one level below it.
    let baden_wuerttemberg = app.get("/api/v1/taxonomies/nuts?parent=de1").await.json();
    assert_eq!(codes(&baden_wuerttemberg), ["DE11", "DE12", "DE13", "DE14"]);

    let countries = app.get("/api/v1/taxonomies/nuts?level=0").await.json();
    assert!(codes(&countries).contains(&String::from("EL")));
}

#[tokio::test]
async fn a_nuts_region_comes_with_its_ancestors_children_and_categories() {
    let app = TestApp::new().await;
    let region = app.get("/api/v1/taxonomies/nuts/DE21").await.json();
    assert_eq!(region["code"], "DE21");
    assert_eq!(region["name"], "Oberbayern");
    let ancestors: Vec<&str> = region["ancestors"]
        .as_array()
        .expect("ancestors")
        .iter()
        .map(|ancestor| ancestor["code"].as_str().expect("code"))
        .collect();
    assert_eq!(ancestors, ["DE", "DE2"]);
    assert!(region["children"].as_array().expect("children").len() > 10);
    assert_eq!(region["region_categories"]["2021-2027"], "more_developed");

    // Western Norway was NO05 in NUTS 2016 and is NO0A in NUTS 2021.
    let missing = app.get("/api/v1/taxonomies/nuts/NO05").await;
    assert_problem(&missing, StatusCode::NOT_FOUND, "nuts_region_not_found");
    let in_2016 = app
        .get("/api/v1/taxonomies/nuts/NO05?version=2016")
        .await
        .json();
    assert_eq!(in_2016["version"], "2016");
    assert_eq!(in_2016["nuts_2021"], "NO0A");
}

#[tokio::test]
async fn old_nuts_codes_are_recoded_to_2021() {
    let app = TestApp::new().await;
    let recoded = app.get("/api/v1/taxonomies/nuts/recode/DE411").await.json();
    assert_eq!(recoded["nuts_2021"], "DE403");
    assert_eq!(recoded["method"], "recoded");
    assert_eq!(recoded["region"]["code"], "DE403");

    let current = app.get("/api/v1/taxonomies/nuts/recode/de40").await.json();
    assert_eq!(current["nuts_2021"], "DE40");
    assert_eq!(current["method"], "unchanged");

    let unknown = app.get("/api/v1/taxonomies/nuts/recode/QQ123").await;
    assert_problem(&unknown, StatusCode::NOT_FOUND, "nuts_code_unknown");
}

#[tokio::test]
async fn nace_sections_in_french() {
    let app = TestApp::new().await;
    let body = app
        .get("/api/v1/taxonomies/nace?level=1&lang=fr")
        .await
        .json();
    assert_eq!(body["count"], 21);
    assert_eq!(body["lang"], "fr");
    assert_eq!(body["items"][0]["code"], "A");
    assert_eq!(
        body["items"][0]["label"],
        "AGRICULTURE, SYLVICULTURE ET PÊCHE"
    );

    let manufacturing = app.get("/api/v1/taxonomies/nace?parent=c").await.json();
    assert_eq!(manufacturing["count"], 24);
    assert_eq!(manufacturing["items"][0]["code"], "10");
}

#[tokio::test]
async fn a_nace_class_comes_with_its_ancestors_and_cluster_categories() {
    let app = TestApp::new().await;
    let class = app
        .get("/api/v1/taxonomies/nace/10.11?lang=de")
        .await
        .json();
    assert_eq!(class["level"], 4);
    let ancestors: Vec<&str> = class["ancestors"]
        .as_array()
        .expect("ancestors")
        .iter()
        .map(|ancestor| ancestor["code"].as_str().expect("code"))
        .collect();
    assert_eq!(ancestors, ["C", "10", "10.1"]);
    assert!(
        !class["cluster_categories"]
            .as_array()
            .expect("categories")
            .is_empty()
    );

    let missing = app.get("/api/v1/taxonomies/nace/99.99").await;
    assert_problem(&missing, StatusCode::NOT_FOUND, "nace_activity_not_found");
}

#[tokio::test]
async fn countries_cities_and_vocabularies() {
    let app = TestApp::new().await;
    let countries = app.get("/api/v1/taxonomies/countries").await.json();
    let greece = countries["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|country| country["alpha2"] == "GR")
        .expect("Greece");
    assert_eq!(greece["eu_code"], "EL");
    assert_eq!(greece["eu_member"], true);

    let cities = app
        .get("/api/v1/taxonomies/cities?country=EL&q=ath&limit=5")
        .await
        .json();
    assert_eq!(cities["country"], "GR");
    assert_eq!(cities["items"][0]["name"], "Athens");
    assert_eq!(cities["items"][0]["nuts3"], "EL303");
    assert!(cities["items"].as_array().expect("items").len() <= 5);

    let categories = app
        .get("/api/v1/taxonomies/cluster-categories?lang=fr")
        .await
        .json();
    assert_eq!(categories["count"], 51);
    assert!(
        categories["items"][0]["nace"]
            .as_array()
            .is_some_and(|nace| !nace.is_empty())
    );

    let emerging = app
        .get("/api/v1/taxonomies/emerging-industries")
        .await
        .json();
    assert_eq!(emerging["count"], 10);
    let technologies = app
        .get("/api/v1/taxonomies/technology-fields?lang=de")
        .await
        .json();
    assert_eq!(technologies["count"], 16);
    let s3 = app.get("/api/v1/taxonomies/s3-priority-areas").await.json();
    assert_eq!(s3["count"], 8);
}

#[tokio::test]
async fn region_categories_cite_their_legal_source() {
    let app = TestApp::new().await;
    let current = app.get("/api/v1/taxonomies/region-categories").await.json();
    assert_eq!(current["period"], "2021-2027");
    assert_eq!(current["count"], 240);
    assert!(
        current["source"]
            .as_str()
            .expect("source")
            .contains("2021/1130")
    );
    assert_eq!(current["items"][0]["nuts"], "AT11");
    assert_eq!(current["items"][0]["category"], "transition");

    let previous = app
        .get("/api/v1/taxonomies/region-categories?period=2014-2020")
        .await
        .json();
    assert!(
        previous["source"]
            .as_str()
            .expect("source")
            .contains("2014/99/EU")
    );
}

#[tokio::test]
async fn bad_parameters_are_refused_by_name() {
    let app = TestApp::new().await;
    let cases = [
        (
            "/api/v1/taxonomies/nuts?level=9",
            "invalid_parameter",
            "level",
        ),
        (
            "/api/v1/taxonomies/nuts?version=2019",
            "invalid_parameter",
            "version",
        ),
        (
            "/api/v1/taxonomies/nuts?parent=XX9",
            "invalid_parameter",
            "parent",
        ),
        (
            "/api/v1/taxonomies/nuts?parent=DE&level=0",
            "invalid_parameter",
            "level",
        ),
        (
            "/api/v1/taxonomies/nuts?colour=red",
            "unknown_parameter",
            "colour",
        ),
        (
            "/api/v1/taxonomies/nuts?level=1&level=2",
            "repeated_parameter",
            "level",
        ),
        (
            "/api/v1/taxonomies/nace?lang=es",
            "invalid_parameter",
            "lang",
        ),
        (
            "/api/v1/taxonomies/nace?level=",
            "invalid_parameter",
            "level",
        ),
        (
            "/api/v1/taxonomies/cities?limit=1000",
            "invalid_parameter",
            "limit",
        ),
        (
            "/api/v1/taxonomies/cities?country=Germany",
            "invalid_parameter",
            "country",
        ),
        (
            "/api/v1/taxonomies/countries?eu=1",
            "unknown_parameter",
            "eu",
        ),
        (
            "/api/v1/taxonomies/region-categories?period=2028-2034",
            "invalid_parameter",
            "period",
        ),
    ];
    for (uri, code, parameter) in cases {
        let response = app.get(uri).await;
        let problem = assert_problem(&response, StatusCode::BAD_REQUEST, code);
        assert_eq!(problem["parameter"], parameter, "{uri}: {problem}");
    }
}

#[tokio::test]
async fn reference_answers_are_cacheable_and_revalidated_with_their_etag() {
    let app = TestApp::new().await;
    let first = app.get("/api/v1/taxonomies/countries").await;
    assert_eq!(first.header("cache-control"), Some("public, max-age=86400"));
    let etag = first.header("etag").expect("an ETag").to_owned();
    assert!(etag.starts_with("W/\""));

    let second = app
        .get_with("/api/v1/taxonomies/countries", &[("if-none-match", &etag)])
        .await;
    assert_eq!(second.status, StatusCode::NOT_MODIFIED);
    assert!(second.body.is_empty());
    assert_eq!(second.header("etag"), Some(etag.as_str()));

    let other = app
        .get_with("/api/v1/taxonomies/nace", &[("if-none-match", &etag)])
        .await;
    assert_eq!(other.status, StatusCode::OK);
}
