//! Script written into every text field of a profile is shown as text on every page that shows
//! the profile, and leaves the JSON API and the exports as inert data.

use std::collections::BTreeMap;

use crate::support::{TestApp, organisation};

const SCRIPT: &str = "<script>alert('x')</script>";
const TAG: &str = "\"><img src=x onerror=alert(1)>";

fn payload(field: &str) -> String {
    format!("{field} {SCRIPT}{TAG}")
}

fn assert_inert_html(page: &str, text: &str) {
    assert!(!text.contains(SCRIPT), "{page} carries a raw <script>");
    assert!(!text.contains("<img src=x"), "{page} carries a raw <img>");
    assert!(
        !text.contains("onerror=alert(1)>"),
        "{page} carries a raw attribute"
    );
}

#[tokio::test]
async fn script_in_every_profile_text_field_is_inert_everywhere() {
    let mut profile = organisation("xss-1", "sme", "DE");
    profile.name = payload("name");
    profile.names = BTreeMap::from([
        (String::from("en"), payload("name-en")),
        (String::from("de"), payload("name-de")),
    ]);
    profile.descriptions = BTreeMap::from([
        (String::from("en"), payload("description-en")),
        (String::from("fr"), payload("description-fr")),
    ]);
    profile.city = Some(payload("city"));
    profile.offers = vec![payload("offer")];
    profile.requests = vec![payload("request")];
    profile.nuts = Some(String::from("DE212"));
    profile.lat = Some(48.14);
    profile.lon = Some(11.58);
    let mut cluster = organisation("xss-cluster", "cluster", "DE");
    cluster.name = payload("cluster");
    profile.member_of = vec![String::from("xss-cluster")];
    let app = TestApp::with_organisations(&[cluster, profile]).await;
    let hits = app.get("/api/v1/organisations?q=request").await.json();
    let id = hits["hits"][0]["id"]
        .as_i64()
        .expect("the profile is found");

    for page in [
        String::from("/"),
        String::from("/organisations"),
        String::from("/organisations?q=offer"),
        format!("/organisations/{id}"),
        format!("/organisations/{id}?lang=fr"),
        String::from("/selected"),
    ] {
        let answer = app.get(&page).await;
        assert_eq!(answer.status, 200, "{page}");
        let text = answer.text();
        assert_inert_html(&page, &text);
        assert!(
            answer
                .header("content-security-policy")
                .is_some_and(|csp| csp.contains("script-src 'self'")),
            "{page} has no strict CSP"
        );
    }
    let profile_page = app.get(&format!("/organisations/{id}")).await.text();
    for field in [
        "name",
        "description-en",
        "city",
        "offer",
        "request",
        "cluster",
    ] {
        assert!(
            profile_page.contains(&format!("{field} &lt;script&gt;")),
            "the profile page does not show {field} as text"
        );
    }

    // JSON: data, served as JSON that browsers will not sniff into HTML.
    for url in [
        format!("/api/v1/organisations/{id}"),
        String::from("/api/v1/organisations?q=offer"),
        String::from("/api/v1/organisations/map?zoom=3"),
    ] {
        let answer = app.get(&url).await;
        assert_eq!(answer.status, 200, "{url}");
        assert!(
            answer
                .header("content-type")
                .is_some_and(|t| t.starts_with("application/json")),
            "{url}"
        );
        assert_eq!(
            answer.header("x-content-type-options"),
            Some("nosniff"),
            "{url}"
        );
    }

    // Exports: attachments of data, never pages; the text is kept as text.
    for (url, media) in [
        (
            format!("/api/v1/organisations/export.csv?id={id}"),
            "text/csv",
        ),
        (
            format!("/api/v1/organisations/export.xlsx?id={id}"),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
    ] {
        let answer = app.get(&url).await;
        assert_eq!(answer.status, 200, "{url}");
        assert!(
            answer
                .header("content-type")
                .is_some_and(|t| t.starts_with(media)),
            "{url}"
        );
        assert!(
            answer
                .header("content-disposition")
                .is_some_and(|d| d.starts_with("attachment")),
            "{url}"
        );
        assert_eq!(
            answer.header("x-content-type-options"),
            Some("nosniff"),
            "{url}"
        );
    }
    let csv = app
        .get(&format!("/api/v1/organisations/export.csv?id={id}"))
        .await
        .text();
    assert!(
        csv.contains("name <script>"),
        "the CSV keeps the name as text"
    );
}
