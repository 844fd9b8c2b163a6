//! The security baseline: headers on every kind of answer.

use crate::support::{TestApp, organisation};

#[tokio::test]
async fn every_answer_carries_the_security_headers() {
    let app = TestApp::with_organisations(&[organisation("c1", "cluster", "DE")]).await;
    let home = app.get("/").await;
    let stylesheet = home
        .text()
        .split("href=\"")
        .find_map(|rest| rest.split('"').next().filter(|href| href.ends_with(".css")))
        .expect("a stylesheet link")
        .to_owned();
    for uri in [
        "/",
        "/?lang=fr",
        "/no-such-page",
        "/api/v1/health",
        "/api/v1/taxonomies/countries",
        "/api/v1/no-such-route",
        "/api/v1/taxonomies/nuts?level=9",
        stylesheet.as_str(),
    ] {
        let response = app.get(uri).await;
        assert_eq!(
            response.header("x-content-type-options"),
            Some("nosniff"),
            "{uri}"
        );
        let policy = response
            .header("content-security-policy")
            .unwrap_or_else(|| panic!("{uri} has no Content-Security-Policy"));
        assert!(policy.contains("default-src 'self'"), "{uri}: {policy}");
        assert!(policy.contains("script-src 'self'"), "{uri}: {policy}");
        assert!(policy.contains("frame-ancestors 'none'"), "{uri}: {policy}");
        assert!(!policy.contains("unsafe-inline"), "{uri}: {policy}");
        assert_eq!(
            response.header("referrer-policy"),
            Some("strict-origin-when-cross-origin"),
            "{uri}"
        );
        assert_eq!(response.header("x-frame-options"), Some("DENY"), "{uri}");
        assert!(response.header("x-request-id").is_some(), "{uri}");
    }
}

#[tokio::test]
async fn static_files_are_versioned_and_cached_for_a_year() {
    let app = TestApp::new().await;
    let page = app.get("/").await.text();
    let stylesheet = page
        .split("href=\"")
        .find_map(|rest| rest.split('"').next().filter(|href| href.ends_with(".css")))
        .expect("a stylesheet link")
        .to_owned();
    assert!(
        stylesheet.starts_with("/static/clusterhub."),
        "{stylesheet}"
    );
    let response = app.get(&stylesheet).await;
    assert_eq!(response.status, axum::http::StatusCode::OK);
    assert_eq!(
        response.header("content-type"),
        Some("text/css; charset=utf-8")
    );
    assert_eq!(
        response.header("cache-control"),
        Some("public, max-age=31536000, immutable")
    );
    let stale = app.get("/static/clusterhub.000000000000.css").await;
    assert_eq!(stale.status, axum::http::StatusCode::NOT_FOUND);
}
