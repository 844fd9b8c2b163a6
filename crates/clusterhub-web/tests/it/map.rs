//! `GET /api/v1/organisations/map`: clustered markers of a directory search.

use axum::http::StatusCode;

use crate::support::{TestApp, assert_problem, organisation};

fn located(key: &str, country: &str, lat: f64, lon: f64) -> clusterhub_storage::OrganisationImport {
    let mut row = organisation(key, "sme", country);
    row.lat = Some(lat);
    row.lon = Some(lon);
    row
}

fn rows() -> Vec<clusterhub_storage::OrganisationImport> {
    let mut rows = vec![
        located("a", "DE", 48.14, 11.58),
        located("b", "DE", 48.15, 11.57),
        located("c", "DE", 52.52, 13.40),
        located("d", "FR", 48.85, 2.35),
        organisation("e", "cluster", "FR"),
    ];
    for index in 0..20 {
        rows.push(located(
            &format!("n{index}"),
            "IT",
            45.0 + f64::from(index) * 0.2,
            9.0 + f64::from(index) * 0.3,
        ));
    }
    rows
}

#[tokio::test]
async fn clusters_add_up_to_the_search_total_at_every_zoom() {
    let app = TestApp::with_organisations(&rows()).await;
    for filters in ["", "country=DE&", "type=sme&", "country=FR&"] {
        let total = app
            .get(&format!("/api/v1/organisations?{filters}per_page=1"))
            .await
            .json()["total"]
            .as_u64()
            .expect("a total");
        for zoom in [0, 4, 6, 9, 14, 20] {
            let response = app
                .get(&format!("/api/v1/organisations/map?{filters}zoom={zoom}"))
                .await;
            assert_eq!(response.status, StatusCode::OK, "{}", response.text());
            let map = response.json();
            let clusters = map["clusters"].as_array().expect("clusters");
            let sum: u64 = clusters
                .iter()
                .map(|cluster| cluster["count"].as_u64().expect("a count"))
                .sum();
            assert_eq!(
                sum,
                map["located"].as_u64().expect("located"),
                "{filters} {zoom}"
            );
            assert_eq!(map["total"].as_u64(), Some(total), "{filters} {zoom}");
            assert_eq!(
                map["located"].as_u64().expect("located")
                    + map["unlocated"].as_u64().expect("unlocated"),
                total
            );
            for cluster in clusters {
                let count = cluster["count"].as_u64().expect("a count");
                assert_eq!(cluster["id"].is_number(), count == 1, "{cluster}");
            }
        }
    }
    // Zoomed in far enough, every located organisation stands alone, with its name.
    let map = app.get("/api/v1/organisations/map?zoom=18").await.json();
    let clusters = map["clusters"].as_array().expect("clusters");
    assert_eq!(clusters.len(), 24);
    assert!(clusters.iter().all(|cluster| cluster["name"].is_string()));
    // Zoomed out, the two Munich organisations share one marker.
    let map = app
        .get("/api/v1/organisations/map?zoom=6&country=DE")
        .await
        .json();
    let clusters = map["clusters"].as_array().expect("clusters");
    assert_eq!(clusters[0]["count"], 2);
    assert_eq!(clusters.len(), 2);
}

#[tokio::test]
async fn the_box_limits_the_markers_and_bad_parameters_are_refused() {
    let app = TestApp::with_organisations(&rows()).await;
    let map = app
        .get("/api/v1/organisations/map?zoom=10&bbox=11,48,12,48.5")
        .await
        .json();
    assert_eq!(map["located"], 2);
    for (query, parameter) in [
        ("zoom=21", "zoom"),
        ("zoom=x", "zoom"),
        ("bbox=1,2,3", "bbox"),
        ("country=XX", "country"),
        ("page=2", "page"),
    ] {
        let response = app.get(&format!("/api/v1/organisations/map?{query}")).await;
        let problem = assert_problem(
            &response,
            StatusCode::BAD_REQUEST,
            if parameter == "page" {
                "unknown_parameter"
            } else {
                "invalid_parameter"
            },
        );
        assert_eq!(problem["parameter"], parameter, "{query}");
    }
    let response = app.get("/api/v1/organisations/map?zoom=2&zoom=3").await;
    assert_problem(&response, StatusCode::BAD_REQUEST, "repeated_parameter");
}
