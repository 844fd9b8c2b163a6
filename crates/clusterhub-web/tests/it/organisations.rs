//! The organisation profile, as JSON (`/api/v1/organisations/{id}`) and as a page
//! (`/organisations/{id}`): values and labels, 404s, unknown parameters and escaping.

use std::collections::BTreeMap;

use axum::http::StatusCode;
use clusterhub_storage::{OrganisationImport, ParticipantImport, Project, ProjectImport};

use crate::support::{TestApp, assert_problem, organisation};

const SCRIPT: &str = "<script>alert(1)</script>";

/// A cluster with every field filled, one member, and a project the cluster took part in.
fn seeded() -> (Vec<OrganisationImport>, Vec<ProjectImport>) {
    let mut cluster = organisation("cluster-1", "cluster", "DE");
    cluster.name = String::from("Bavarian Photonics Cluster");
    cluster.names = BTreeMap::from([
        (
            String::from("en"),
            String::from("Bavarian Photonics Cluster"),
        ),
        (String::from("de"), String::from("Photonik-Cluster Bayern")),
    ]);
    cluster.descriptions = BTreeMap::from([
        (String::from("en"), String::from("Light for industry.")),
        (
            String::from("fr"),
            String::from("La lumière pour l’industrie."),
        ),
    ]);
    cluster.website = Some(String::from("https://photonics.example.eu/"));
    cluster.email = Some(String::from("office@photonics.example.eu"));
    cluster.pic = Some(String::from("999999999"));
    cluster.vat = Some(String::from("DE123456789"));
    cluster.nuts = Some(String::from("DE212"));
    cluster.city = Some(String::from("München"));
    cluster.lat = Some(48.137);
    cluster.lon = Some(11.575);
    cluster.founded = Some(2001);
    cluster.staff = Some(12);
    cluster.turnover_cents = Some(150_000_000);
    cluster.turnover_currency = Some(String::from("EUR"));
    cluster.balance_sheet_cents = Some(90_000_050);
    cluster.balance_sheet_currency = Some(String::from("EUR"));
    cluster.sme_status = String::from("small");
    cluster.sectors = vec![String::from("7")];
    cluster.nace = vec![String::from("62.01")];
    cluster.technologies = vec![String::from("artificial_intelligence")];
    cluster.emerging = vec![String::from("digital_industries")];
    cluster.target_international = vec![String::from("JP")];
    cluster.target_transnational = vec![String::from("FR")];
    cluster.label = Some(String::from("gold"));
    cluster.label_date = Some(String::from("2024-02-29"));
    cluster.offers = vec![String::from("Laser test bench")];
    cluster.requests = vec![String::from("Partners in Japan")];
    cluster.members_sme = Some(120);
    cluster.members_research = Some(8);
    let mut member = organisation("sme-1", "sme", "DE");
    member.name = String::from("Optics GmbH");
    member.member_of = vec![String::from("cluster-1")];
    let project = ProjectImport {
        project: Project {
            source: String::from("cordis"),
            source_id: String::from("101000001"),
            acronym: String::from("LUMEN"),
            title: String::from("Light for manufacturing"),
            programme: String::from("HORIZON"),
            call_id: None,
            start_date: Some(String::from("2023-01-01")),
            end_date: None,
            total_cost_cents: None,
            ec_max_contribution_cents: None,
            currency: String::from("EUR"),
        },
        participants: vec![ParticipantImport {
            organisation: cluster.clone(),
            role: String::from("coordinator"),
            ec_contribution_cents: Some(25_000_000),
        }],
    };
    (vec![cluster, member], vec![project])
}

async fn seeded_app() -> (TestApp, i64, i64) {
    let (organisations, projects) = seeded();
    let app = TestApp::with_organisations(&organisations).await;
    app.storage
        .import_projects(&projects)
        .await
        .expect("import projects");
    let id = |key: &'static str| {
        let storage = app.storage.clone();
        async move {
            storage
                .organisation_by_key(key)
                .await
                .expect("read")
                .expect("exists")
                .id
        }
    };
    let cluster = id("cluster-1").await;
    let member = id("sme-1").await;
    (app, cluster, member)
}

#[tokio::test]
async fn the_json_profile_has_every_field_with_labels() {
    let (app, cluster, member) = seeded_app().await;
    let response = app.get(&format!("/api/v1/organisations/{cluster}")).await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.text());
    let profile = response.json();
    assert_eq!(profile["id"], cluster);
    assert_eq!(profile["name"], "Bavarian Photonics Cluster");
    assert_eq!(profile["names"]["de"], "Photonik-Cluster Bayern");
    assert_eq!(profile["type"]["id"], "cluster");
    assert_eq!(profile["type"]["name"], "Cluster organisation");
    assert_eq!(profile["country"]["id"], "DE");
    assert_eq!(profile["country"]["name"], "Germany");
    assert_eq!(profile["nuts"]["code"], "DE212");
    assert_eq!(profile["nuts"]["level"], 3);
    let ancestry: Vec<&str> = profile["nuts"]["ancestry"]
        .as_array()
        .expect("ancestry")
        .iter()
        .map(|region| region["code"].as_str().expect("code"))
        .collect();
    assert_eq!(ancestry, ["DE21", "DE2", "DE"]);
    assert_eq!(profile["city"], "München");
    assert_eq!(profile["lat"], 48.137);
    assert_eq!(profile["turnover"]["cents"], 150_000_000);
    assert_eq!(profile["turnover"]["currency"], "EUR");
    assert_eq!(profile["balance_sheet"]["cents"], 90_000_050);
    assert_eq!(profile["staff"], 12);
    assert_eq!(profile["staff_band"]["id"], "10_49");
    assert_eq!(profile["sme_status"]["id"], "small");
    assert_eq!(profile["sectors"][0]["id"], "7");
    assert!(
        profile["sectors"][0]["name"]
            .as_str()
            .is_some_and(|name| name != "7")
    );
    assert_eq!(profile["nace"][0]["id"], "62.01");
    assert_eq!(
        profile["nace"][0]["name"],
        "Computer programming activities"
    );
    assert_eq!(profile["technologies"][0]["id"], "artificial_intelligence");
    assert_eq!(
        profile["target_countries"]["international"][0]["name"],
        "Japan"
    );
    assert_eq!(profile["target_countries"]["transnational"][0]["id"], "FR");
    assert_eq!(profile["label"]["level"], "gold");
    assert_eq!(profile["label"]["awarded"], "2024-02-29");
    assert_eq!(profile["label"]["expires"], "2026-03-01");
    assert_eq!(profile["offers"][0], "Laser test bench");
    assert_eq!(profile["requests"][0], "Partners in Japan");
    assert_eq!(profile["member_counts"]["sme"], 120);
    assert_eq!(profile["member_counts"]["total"], 128);
    assert_eq!(profile["cluster_members"]["total"], 1);
    assert_eq!(profile["cluster_members"]["members"][0]["id"], member);
    assert_eq!(
        profile["cluster_members"]["members"][0]["name"],
        "Optics GmbH"
    );
    assert_eq!(
        profile["cluster_members"]["members"][0]["type"]["id"],
        "sme"
    );
    assert_eq!(profile["participations"][0]["acronym"], "LUMEN");
    assert_eq!(profile["participations"][0]["role"], "coordinator");
    assert_eq!(profile["participations"][0]["programme"], "HORIZON");
    assert_eq!(
        profile["participations"][0]["ec_contribution_cents"],
        25_000_000
    );

    // The member names its cluster and has no member list of its own.
    let member_profile = app
        .get(&format!("/api/v1/organisations/{member}"))
        .await
        .json();
    assert_eq!(member_profile["member_of"][0]["id"], cluster);
    assert_eq!(
        member_profile["member_of"][0]["name"],
        "Bavarian Photonics Cluster"
    );
    assert!(member_profile["cluster_members"].is_null());

    // Labels follow `lang`.
    let french = app
        .get(&format!("/api/v1/organisations/{cluster}?lang=fr"))
        .await
        .json();
    assert_eq!(french["lang"], "fr");
    assert_eq!(french["type"]["name"], "Organisation de cluster");
    assert_eq!(french["country"]["name"], "Allemagne");
    assert_eq!(french["nace"][0]["name"], "Programmation informatique");
}

#[tokio::test]
async fn unknown_and_non_numeric_ids_are_404() {
    let (app, _, _) = seeded_app().await;
    for id in ["999999", "abc", "0", "-1", "1.5"] {
        let response = app.get(&format!("/api/v1/organisations/{id}")).await;
        assert_problem(&response, StatusCode::NOT_FOUND, "organisation_not_found");
        let page = app.get(&format!("/organisations/{id}")).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "{id}");
        assert_eq!(
            page.header("content-type"),
            Some("text/html; charset=utf-8")
        );
        assert!(page.text().contains("Page not found"), "{id}");
    }
}

#[tokio::test]
async fn unknown_parameters_and_languages_are_400() {
    let (app, cluster, _) = seeded_app().await;
    let response = app
        .get(&format!("/api/v1/organisations/{cluster}?colour=red"))
        .await;
    let problem = assert_problem(&response, StatusCode::BAD_REQUEST, "unknown_parameter");
    assert_eq!(problem["parameter"], "colour");
    let response = app
        .get(&format!("/api/v1/organisations/{cluster}?lang=xx"))
        .await;
    let problem = assert_problem(&response, StatusCode::BAD_REQUEST, "invalid_parameter");
    assert_eq!(problem["parameter"], "lang");
}

#[tokio::test]
async fn the_page_shows_the_profile_in_french() {
    let (app, cluster, member) = seeded_app().await;
    let response = app.get(&format!("/organisations/{cluster}?lang=fr")).await;
    assert_eq!(response.status, StatusCode::OK);
    assert_eq!(response.header("content-language"), Some("fr"));
    let page = response.text();
    for expected in [
        "Bavarian Photonics Cluster",
        "Photonik-Cluster Bayern",
        "Profil de partenariat",
        "Ce que nous proposons",
        "Projets européens",
        "Programmation informatique",
        "Allemagne",
        "La lumière pour l’industrie.",
        "LUMEN",
        "rel=\"noopener nofollow ugc\"",
        "<svg",
        "map-dot",
        &format!("href=\"/organisations/{member}\""),
    ] {
        assert!(page.contains(expected), "{expected} is missing");
    }
    assert!(!page.contains("What we offer"));
    // The only script is the external one that enhances the page (the selected list).
    assert_eq!(page.matches("<script").count(), 1);
    assert!(page.contains("<script src=\"/static/directory."));
    assert!(!page.contains(" style="));

    let member_page = app.get(&format!("/organisations/{member}")).await.text();
    assert!(member_page.contains(&format!("href=\"/organisations/{cluster}\"")));
}

#[tokio::test]
async fn user_text_is_escaped_on_the_page_and_in_json() {
    let mut hostile = organisation("x-1", "sme", "FR");
    hostile.name = SCRIPT.to_owned();
    hostile.names = BTreeMap::from([(String::from("fr"), SCRIPT.to_owned())]);
    hostile.descriptions = BTreeMap::from([(String::from("en"), SCRIPT.to_owned())]);
    hostile.offers = vec![SCRIPT.to_owned()];
    hostile.requests = vec![SCRIPT.to_owned()];
    hostile.city = Some(SCRIPT.to_owned());
    hostile.website = Some(String::from("javascript:alert(1)"));
    let app = TestApp::with_organisations(&[hostile]).await;
    let id = app
        .storage
        .organisation_by_key("x-1")
        .await
        .expect("read")
        .expect("exists")
        .id;
    let page = app.get(&format!("/organisations/{id}")).await;
    assert_eq!(page.status, StatusCode::OK);
    let body = page.text();
    assert!(!body.contains("<script>"), "raw script in the page");
    assert!(!body.contains("javascript:"), "a javascript: link");
    assert!(body.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    let json = app.get(&format!("/api/v1/organisations/{id}")).await;
    assert_eq!(json.json()["name"], SCRIPT);
    assert_eq!(json.header("content-type"), Some("application/json"));
}
