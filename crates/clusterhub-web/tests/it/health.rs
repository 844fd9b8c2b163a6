//! `GET /api/v1/health`.

use axum::http::StatusCode;

use crate::support::{TestApp, assert_problem, organisation};

#[tokio::test]
async fn health_reports_the_database_and_the_number_of_organisations() {
    let app = TestApp::with_organisations(&[
        organisation("c1", "cluster", "DE"),
        organisation("s1", "sme", "FR"),
        organisation("s2", "sme", "FR"),
    ])
    .await;
    let response = app.get("/api/v1/health").await;
    assert_eq!(response.status, StatusCode::OK);
    assert_eq!(response.header("content-type"), Some("application/json"));
    assert_eq!(response.header("cache-control"), Some("no-store"));
    let health = response.json();
    assert_eq!(health["status"], "ok");
    assert_eq!(health["database"], "sqlite");
    assert_eq!(health["organisations"], 3);
    assert_eq!(health["version"], "9.9.9-test");
}

#[tokio::test]
async fn health_answers_503_when_the_database_does_not() {
    let app = TestApp::new().await;
    app.storage.close().await;
    let response = app.get("/api/v1/health").await;
    let problem = assert_problem(
        &response,
        StatusCode::SERVICE_UNAVAILABLE,
        "database_unavailable",
    );
    // The cause (a closed pool) is logged, not sent.
    assert!(
        !response.text().to_lowercase().contains("pool"),
        "{problem}"
    );
}

#[tokio::test]
async fn health_takes_no_parameters() {
    let app = TestApp::new().await;
    let response = app.get("/api/v1/health?verbose=1").await;
    let problem = assert_problem(&response, StatusCode::BAD_REQUEST, "unknown_parameter");
    assert_eq!(problem["parameter"], "verbose");
}
