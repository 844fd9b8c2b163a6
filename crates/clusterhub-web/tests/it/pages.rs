//! The home page: languages, live figures, the chart, escaping, no inline script.

use axum::http::StatusCode;

use crate::support::{TestApp, TestResponse, organisation};

fn seeded_organisations() -> Vec<clusterhub_storage::OrganisationImport> {
    let mut organisations = vec![
        organisation("c1", "cluster", "DE"),
        organisation("c2", "cluster", "FR"),
        organisation("s1", "sme", "DE"),
        organisation("s2", "sme", "DE"),
        organisation("u1", "university", "PT"),
    ];
    // A value that arrived from an import file and must never reach the page unescaped.
    organisations.push(organisation("x1", "sme", "<img src=x onerror=alert(1)>\"'"));
    organisations
}

fn assert_well_formed_page(response: &TestResponse, language: &str) -> String {
    assert_eq!(response.status, StatusCode::OK);
    assert_eq!(
        response.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    assert_eq!(response.header("content-language"), Some(language));
    let page = response.text();
    assert!(page.starts_with("<!DOCTYPE html>"));
    assert!(
        page.contains(&format!("<html lang=\"{language}\" dir=\"ltr\">")),
        "{page}"
    );
    // Landmarks, skip link and a strict-CSP-friendly page: no script, no inline style.
    for landmark in [
        "<header",
        "<main id=\"main\"",
        "<footer",
        "<nav",
        "href=\"#main\"",
    ] {
        assert!(page.contains(landmark), "{landmark} is missing");
    }
    assert!(!page.contains("<script"), "the page has a script");
    assert!(!page.contains(" style="), "the page has an inline style");
    assert!(!page.contains("<style"), "the page has a style element");
    page
}

#[tokio::test]
async fn the_home_page_renders_in_english_french_and_german() {
    let app = TestApp::with_organisations(&seeded_organisations()).await;
    let expectations = [
        (
            "en",
            "Organisations by country",
            "Germany",
            "Cluster organisations",
        ),
        (
            "fr",
            "Organisations par pays",
            "Allemagne",
            "Organisations de clusters",
        ),
        (
            "de",
            "Organisationen nach Land",
            "Deutschland",
            "Cluster\u{ad}organisationen",
        ),
    ];
    for (language, chart_title, germany, clusters) in expectations {
        let response = app.get(&format!("/?lang={language}")).await;
        let page = assert_well_formed_page(&response, language);
        assert!(page.contains(chart_title), "{language}");
        assert!(page.contains(germany), "{language}");
        assert!(page.contains(clusters), "{language}");
        // The visitor's choice is remembered.
        let cookie = response.header("set-cookie").expect("a language cookie");
        assert!(cookie.starts_with(&format!("lang={language};")), "{cookie}");
        // Every language is offered, and the current one is marked.
        for other in ["en", "fr", "de"] {
            assert!(
                page.contains(&format!("href=\"/?lang={other}\"")),
                "{language}: {other}"
            );
        }
        assert!(page.contains("aria-current=\"true\""));
    }
}

#[tokio::test]
async fn the_language_comes_from_the_cookie_then_the_browser() {
    let app = TestApp::new().await;
    let from_cookie = app
        .get_with("/", &[("cookie", "lang=de"), ("accept-language", "fr")])
        .await;
    assert_well_formed_page(&from_cookie, "de");
    // The language cookie is not set again (the CSRF cookie of the page's forms may be).
    assert!(
        from_cookie
            .headers
            .get_all("set-cookie")
            .iter()
            .all(|value| !value.to_str().unwrap_or_default().starts_with("lang="))
    );

    let from_browser = app
        .get_with("/", &[("accept-language", "fr-BE,fr;q=0.9")])
        .await;
    assert_well_formed_page(&from_browser, "fr");

    let default = app
        .get_with("/", &[("accept-language", "pl,it;q=0.8")])
        .await;
    assert_well_formed_page(&default, "en");
}

#[tokio::test]
async fn the_home_page_shows_live_figures_and_the_country_chart() {
    let app = TestApp::with_organisations(&seeded_organisations()).await;
    let page = assert_well_formed_page(&app.get("/?lang=en").await, "en");
    // Six organisations, two clusters, four distinct country values, no projects.
    assert!(page.contains("<dt>Organisations</dt><dd>6</dd>"), "{page}");
    assert!(page.contains("<dt>Cluster organisations</dt><dd>2</dd>"));
    assert!(page.contains("<dt>Countries</dt><dd>4</dd>"));
    assert!(page.contains("<dt>EU-funded projects</dt><dd>0</dd>"));
    assert!(page.contains("<svg class=\"bar-chart\""));
    assert!(page.contains("role=\"img\""));
    assert_eq!(page.matches("class=\"bar-row\"").count(), 4);
    // Germany has the most organisations, so its bar is the full width.
    assert!(page.contains("width=\"100.00%\""));
    assert!(page.contains("action=\"/organisations\""));
    assert!(page.contains("name=\"q\""));
}

#[tokio::test]
async fn every_stored_value_on_the_page_is_escaped() {
    let app = TestApp::with_organisations(&seeded_organisations()).await;
    for language in ["en", "fr", "de"] {
        let page = assert_well_formed_page(&app.get(&format!("/?lang={language}")).await, language);
        assert!(!page.contains("<img src=x"), "{language}: unescaped markup");
        assert!(
            page.contains("&lt;img src=x onerror=alert(1)&gt;&quot;'"),
            "{language}"
        );
    }
}

#[tokio::test]
async fn an_empty_directory_says_so_instead_of_drawing_an_empty_chart() {
    let app = TestApp::new().await;
    let page = assert_well_formed_page(&app.get("/?lang=en").await, "en");
    assert!(page.contains("No organisations are in the directory yet"));
    assert!(!page.contains("class=\"bar-chart\""));
}

#[tokio::test]
async fn the_home_page_survives_a_database_that_does_not_answer() {
    let app = TestApp::new().await;
    app.storage.close().await;
    let page = assert_well_formed_page(&app.get("/").await, "en");
    assert!(page.contains("Live figures are not available"));
}

#[tokio::test]
async fn only_existing_sections_are_linked() {
    let app = TestApp::new().await;
    let page = app.get("/").await.text();
    let links: Vec<&str> = page
        .split("href=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .collect();
    for link in links {
        if link.starts_with('#') || link.starts_with("/?lang=") {
            continue;
        }
        let response = app.get(link).await;
        assert_eq!(
            response.status,
            StatusCode::OK,
            "{link} is linked but answers {}",
            response.status
        );
    }
}
