//! Partner suggestions through the API and on the profile page, on demo data loaded through the
//! real import parsing: ten organisations spread over the directory each get suggestions with
//! reasons, every score is the sum of its components' points, and nobody is suggested to itself.

use std::collections::BTreeSet;

use axum::http::StatusCode;
use clusterhub_storage::OrganisationImport;
use serde_json::Value;

use crate::support::{TestApp, assert_problem};

/// How many demo organisations the tests load.
const ORGANISATIONS: usize = 1_500;

/// Demo rows, parsed by the importer exactly as `clusterhub import` parses them.
fn demo(count: usize) -> Vec<OrganisationImport> {
    crate::facet_recount::demo_organisations_seeded(count, 11)
}

/// Ten organisation ids spread evenly over the directory (clusters come first in demo data, so
/// this takes a cluster and nine others).
async fn ten_ids(app: &TestApp) -> Vec<i64> {
    let all = app
        .storage
        .organisations_page(0, ORGANISATIONS as i64)
        .await
        .expect("read the organisations");
    assert_eq!(all.len(), ORGANISATIONS);
    all.iter()
        .step_by(ORGANISATIONS / 10)
        .take(10)
        .map(|organisation| organisation.id)
        .collect()
}

/// Checks one suggestion list: reasons present, score = sum of points, order, no repeats, and
/// never `seeker`. Gives the component kinds seen.
fn check_suggestions(suggestions: &[Value], seeker: Option<i64>) -> BTreeSet<String> {
    let mut kinds = BTreeSet::new();
    let mut seen = BTreeSet::new();
    let mut previous = i64::MAX;
    for suggestion in suggestions {
        let id = suggestion["id"].as_i64().expect("an id");
        assert_ne!(Some(id), seeker, "an organisation is never its own partner");
        assert!(seen.insert(id), "{id} suggested twice");
        assert!(
            suggestion["name"]
                .as_str()
                .is_some_and(|name| !name.is_empty())
        );
        assert_eq!(suggestion["country"].as_str().map(str::len), Some(2));
        assert!(suggestion["type"].is_string());
        let components = suggestion["components"].as_array().expect("components");
        assert!(
            !components.is_empty(),
            "a suggestion says why: {suggestion}"
        );
        let mut sum = 0;
        for component in components {
            let points = component["points"].as_i64().expect("whole points");
            assert!(points > 0, "{component}");
            sum += points;
            let reason = component["reason"].as_str().expect("a reason");
            assert!(
                reason.len() > 10 && !reason.contains('{'),
                "a reason in words: {reason}"
            );
            assert!(component["facts"].is_object(), "{component}");
            kinds.insert(component["kind"].as_str().expect("a kind").to_owned());
        }
        let score = suggestion["score"].as_i64().expect("a score");
        assert_eq!(
            score, sum,
            "the score is the sum of its components: {suggestion}"
        );
        assert!(score <= previous, "best first");
        previous = score;
    }
    kinds
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_demo_organisations_get_explained_suggestions_that_add_up() {
    let app = TestApp::with_organisations(&demo(ORGANISATIONS)).await;
    let document = crate::openapi::generated();
    let mut kinds = BTreeSet::new();
    for id in ten_ids(&app).await {
        let response = app
            .get(&format!("/api/v1/organisations/{id}/partners?limit=10"))
            .await;
        assert_eq!(response.status, StatusCode::OK, "{}", response.text());
        let answer = response.json();
        assert_eq!(answer["organisation"]["id"], id);
        assert_eq!(answer["lang"], "en");
        let suggestions = answer["suggestions"].as_array().expect("suggestions");
        assert!(
            !suggestions.is_empty(),
            "organisation {id} gets suggestions: {answer}"
        );
        assert!(suggestions.len() <= 10);
        kinds.extend(check_suggestions(suggestions, Some(id)));
        crate::openapi::conforms(
            &document,
            "/api/v1/organisations/{id}/partners",
            &format!("/api/v1/organisations/{id}/partners"),
            &response,
        );
    }
    for kind in [
        "offers_what_you_request",
        "complementary_sector",
        "size_fit",
        "cross_border",
    ] {
        assert!(kinds.contains(kind), "{kind} among {kinds:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_free_text_need_finds_organisations_that_offer_it() {
    let app = TestApp::with_organisations(&demo(ORGANISATIONS)).await;
    let response = app
        .get("/api/v1/partners?q=testing+and+validation+of+battery+modules&limit=5&lang=de")
        .await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.text());
    crate::openapi::conforms(
        &crate::openapi::generated(),
        "/api/v1/partners",
        "/api/v1/partners?q=…",
        &response,
    );
    let answer = response.json();
    assert_eq!(
        answer["need"]["q"],
        "testing and validation of battery modules"
    );
    assert_eq!(answer["lang"], "de");
    let suggestions = answer["suggestions"].as_array().expect("suggestions");
    assert!(!suggestions.is_empty(), "{answer}");
    check_suggestions(suggestions, None);
    for suggestion in suggestions {
        // A need has no country, size or sectors: only what the candidate offers can count.
        let components = suggestion["components"].as_array().expect("components");
        assert_eq!(components.len(), 1, "{suggestion}");
        assert_eq!(components[0]["kind"], "offers_what_you_request");
        let reason = components[0]["reason"].as_str().expect("a reason");
        assert!(reason.starts_with("Bietet, was Sie suchen"), "{reason}");
        let words: Vec<String> = components[0]["facts"]["words"]
            .as_array()
            .expect("words")
            .iter()
            .filter_map(|word| word.as_str().map(str::to_lowercase))
            .collect();
        assert!(
            words.iter().any(
                |word| ["battery", "modules", "validation", "testing"].contains(&word.as_str())
            ),
            "{words:?}"
        );
    }
}

#[tokio::test]
async fn unknown_organisations_and_bad_parameters_are_refused() {
    let app = TestApp::with_organisations(&demo(20)).await;
    assert_problem(
        &app.get("/api/v1/organisations/999999/partners").await,
        StatusCode::NOT_FOUND,
        "organisation_not_found",
    );
    assert_problem(
        &app.get("/api/v1/organisations/abc/partners").await,
        StatusCode::NOT_FOUND,
        "organisation_not_found",
    );
    let problem = assert_problem(
        &app.get("/api/v1/organisations/1/partners?limit=0").await,
        StatusCode::BAD_REQUEST,
        "invalid_parameter",
    );
    assert_eq!(problem["parameter"], "limit");
    let problem = assert_problem(
        &app.get("/api/v1/organisations/1/partners?limit=500").await,
        StatusCode::BAD_REQUEST,
        "invalid_parameter",
    );
    assert_eq!(problem["parameter"], "limit");
    let problem = assert_problem(
        &app.get("/api/v1/organisations/1/partners?sort=score").await,
        StatusCode::BAD_REQUEST,
        "unknown_parameter",
    );
    assert_eq!(problem["parameter"], "sort");
    let problem = assert_problem(
        &app.get("/api/v1/partners?q=hydrogen&sector=99").await,
        StatusCode::BAD_REQUEST,
        "invalid_parameter",
    );
    assert_eq!(problem["parameter"], "sector");
    let problem = assert_problem(
        &app.get("/api/v1/partners").await,
        StatusCode::BAD_REQUEST,
        "invalid_parameter",
    );
    assert_eq!(problem["parameter"], "q");
}

/// Escapes text the way the page's templates do.
fn escaped(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_profile_page_shows_the_suggestions_with_their_reasons() {
    let app = TestApp::with_organisations(&demo(ORGANISATIONS)).await;
    let id = ten_ids(&app).await[3];
    for (lang, title) in [
        ("en", "Suggested partners"),
        ("fr", "Partenaires suggérés"),
        ("de", "Vorgeschlagene Partner"),
    ] {
        let api = app
            .get(&format!(
                "/api/v1/organisations/{id}/partners?limit=8&lang={lang}"
            ))
            .await
            .json();
        let page = app.get(&format!("/organisations/{id}?lang={lang}")).await;
        assert_eq!(page.status, StatusCode::OK);
        let html = page.text();
        assert!(html.contains(title), "{lang}: the panel's heading");
        let suggestions = api["suggestions"].as_array().expect("suggestions");
        assert!(!suggestions.is_empty());
        let mut at = 0;
        for suggestion in suggestions {
            // The same suggestions, in the same order, each with every reason and its points.
            let link = format!("href=\"/organisations/{}\"", suggestion["id"]);
            let found = html[at..].find(&link).map(|offset| at + offset);
            let Some(position) = found else {
                panic!(
                    "{lang}: suggestion {} missing or out of order",
                    suggestion["id"]
                );
            };
            at = position;
            for component in suggestion["components"].as_array().expect("components") {
                let reason = escaped(component["reason"].as_str().expect("a reason"));
                assert!(html[at..].contains(&reason), "{lang}: {reason}");
            }
        }
        assert!(html.contains("class=\"partner-reasons\""));
    }
}
