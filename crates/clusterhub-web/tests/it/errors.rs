//! Errors: problem+json under `/api`, friendly pages elsewhere, the error-code table.

use axum::body::Body;
use axum::http::{Request, StatusCode};

use crate::support::{TestApp, assert_problem};

#[tokio::test]
async fn an_unknown_api_route_is_a_problem_json_404() {
    let app = TestApp::new().await;
    for uri in [
        "/api/v1/organisations-that-do-not-exist",
        "/api",
        "/api/v2/health",
    ] {
        let response = app.get(uri).await;
        let problem = assert_problem(&response, StatusCode::NOT_FOUND, "route_not_found");
        assert!(problem.get("parameter").is_none());
    }
}

#[tokio::test]
async fn a_wrong_method_is_a_problem_json_405_that_keeps_allow() {
    let app = TestApp::new().await;
    let response = app
        .send(
            Request::post("/api/v1/health")
                .body(Body::empty())
                .expect("a request"),
        )
        .await;
    assert_problem(
        &response,
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
    );
    assert!(
        response
            .header("allow")
            .is_some_and(|allow| allow.contains("GET"))
    );
}

#[tokio::test]
async fn an_oversized_body_is_refused_before_it_is_read() {
    let app = TestApp::new().await;
    let body = vec![b'x'; clusterhub_web::REQUEST_BODY_LIMIT + 1];
    let response = app
        .send(
            Request::post("/api/v1/health")
                .header("content-length", body.len())
                .body(Body::from(body))
                .expect("a request"),
        )
        .await;
    assert_problem(
        &response,
        StatusCode::PAYLOAD_TOO_LARGE,
        "payload_too_large",
    );
}

#[tokio::test]
async fn the_error_code_table_is_published_and_each_type_resolves() {
    let app = TestApp::new().await;
    let table = app.get("/api/v1/problems").await.json();
    let codes: Vec<&str> = table["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|item| item["code"].as_str().expect("code"))
        .collect();
    assert!(codes.contains(&"invalid_parameter"));
    assert!(codes.contains(&"internal_error"));
    let one = app.get("/api/v1/problems/route_not_found").await.json();
    assert_eq!(one["status"], 404);
    let missing = app.get("/api/v1/problems/no_such_code").await;
    assert_problem(&missing, StatusCode::NOT_FOUND, "problem_type_not_found");
}

#[tokio::test]
async fn an_unknown_page_is_a_friendly_html_404_in_the_visitor_language() {
    let app = TestApp::new().await;
    let response = app
        .get_with(
            "/directory/nowhere",
            &[("accept-language", "de-DE,de;q=0.9,en;q=0.5")],
        )
        .await;
    assert_eq!(response.status, StatusCode::NOT_FOUND);
    assert_eq!(
        response.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    let page = response.text();
    assert!(page.contains("<html lang=\"de\""), "{page}");
    assert!(page.contains("Seite nicht gefunden"));
    assert!(page.contains("/directory/nowhere"));
    assert!(page.contains("href=\"/\""));
}

#[tokio::test]
async fn a_wrong_method_on_a_page_is_an_html_page() {
    let app = TestApp::new().await;
    let response = app
        .send(Request::delete("/").body(Body::empty()).expect("a request"))
        .await;
    assert_eq!(response.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(
        response.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    assert!(response.text().contains("<html lang=\"en\""));
}

#[tokio::test]
async fn request_ids_are_answered_and_sensible_ones_are_kept() {
    let app = TestApp::new().await;
    let generated = app.get("/api/v1/nothing").await;
    let id = generated.header("x-request-id").expect("a request id");
    assert_eq!(id.len(), 16);
    assert!(id.bytes().all(|byte| byte.is_ascii_hexdigit()));

    let kept = app
        .get_with("/api/v1/health", &[("x-request-id", "lb-42.a_b")])
        .await;
    assert_eq!(kept.header("x-request-id"), Some("lb-42.a_b"));

    let replaced = app
        .get_with("/api/v1/health", &[("x-request-id", "bad id with spaces")])
        .await;
    assert_ne!(replaced.header("x-request-id"), Some("bad id with spaces"));
}

/// A log destination the test can read back.
#[derive(Clone, Default)]
struct CapturedLog(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for CapturedLog {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .expect("the log lock")
            .extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn a_server_side_failure_is_logged_with_its_request_id_and_not_sent() {
    let log = CapturedLog::default();
    let writer = log.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    // The test runs on one thread, so the subscriber sees every event of the request.
    let _guard = tracing::subscriber::set_default(subscriber);

    let app = TestApp::new().await;
    app.storage.close().await;
    let response = app.get("/api/v1/health").await;
    assert_problem(
        &response,
        StatusCode::SERVICE_UNAVAILABLE,
        "database_unavailable",
    );
    let request_id = response.header("x-request-id").expect("a request id");

    let logged = String::from_utf8(log.0.lock().expect("the log lock").clone()).expect("UTF-8");
    let line = logged
        .lines()
        .find(|line| line.contains("server error"))
        .unwrap_or_else(|| panic!("no server error was logged:\n{logged}"));
    assert!(line.contains(request_id), "{line}");
    assert!(line.contains("closed"), "the cause is missing: {line}");
    assert!(!response.text().contains("closed"));
}
