//! Gzip: pages and JSON come compressed when the client asks, spreadsheets never do, and a
//! client that does not ask gets the plain body.

use std::io::Read;

use axum::http::StatusCode;

use crate::support::{TestApp, organisation};

fn gunzip(bytes: &[u8]) -> String {
    let mut text = String::new();
    flate2::read::GzDecoder::new(bytes)
        .read_to_string(&mut text)
        .expect("a gzip body of UTF-8 text");
    text
}

#[tokio::test]
async fn pages_and_json_come_gzipped_when_asked_and_spreadsheets_do_not() {
    let organisations: Vec<_> = (0..40)
        .map(|n| {
            organisation(
                &format!("o{n}"),
                "sme",
                if n % 2 == 0 { "DE" } else { "FR" },
            )
        })
        .collect();
    let app = TestApp::with_organisations(&organisations).await;
    let gzip = [("accept-encoding", "gzip")];

    for uri in [
        "/organisations?country=DE",
        "/api/v1/organisations?country=DE",
    ] {
        let plain = app.get(uri).await;
        assert_eq!(plain.status, StatusCode::OK, "{uri}");
        assert_eq!(plain.header("content-encoding"), None, "{uri}");
        let compressed = app.get_with(uri, &gzip).await;
        assert_eq!(compressed.status, StatusCode::OK, "{uri}");
        assert_eq!(compressed.header("content-encoding"), Some("gzip"), "{uri}");
        assert!(
            compressed.headers.get_all("vary").iter().any(|vary| vary
                .to_str()
                .is_ok_and(|vary| vary.to_ascii_lowercase().contains("accept-encoding"))),
            "{uri}: {:?}",
            compressed.headers
        );
        assert!(
            compressed.body.len() * 2 < plain.body.len(),
            "{uri}: {} bytes gzipped of {}",
            compressed.body.len(),
            plain.body.len()
        );
        // A visitor who is not signed in gets the same page, word for word, either way; the
        // second gzipped answer is the kept one.
        assert_eq!(gunzip(&compressed.body), plain.text(), "{uri}");
        let again = app.get_with(uri, &gzip).await;
        assert_eq!(again.header("content-encoding"), Some("gzip"), "{uri}");
        assert_eq!(again.body, compressed.body, "{uri}");
    }

    let spreadsheet = app
        .get_with("/api/v1/organisations/export.xlsx?country=DE", &gzip)
        .await;
    assert_eq!(spreadsheet.status, StatusCode::OK);
    assert_eq!(spreadsheet.header("content-encoding"), None);
    assert!(spreadsheet.body.starts_with(b"PK"), "an xlsx file is a zip");
}

#[tokio::test]
async fn a_kept_gzipped_page_gives_way_to_an_edit_and_is_never_shown_to_someone_signed_in() {
    let organisations: Vec<_> = (0..10)
        .map(|n| organisation(&format!("o{n}"), "sme", "DE"))
        .collect();
    let app = TestApp::with_organisations(&organisations).await;
    let gzip = [("accept-encoding", "gzip")];
    let page = "/organisations?country=DE";
    let json = "/api/v1/organisations?country=DE";
    let before = gunzip(&app.get_with(page, &gzip).await.body);
    assert!(before.contains("Organisation o3<"));
    assert!(gunzip(&app.get_with(json, &gzip).await.body).contains("Organisation o3\""));

    let stored = app.storage.organisations_page(0, 100).await.unwrap();
    let o3 = stored
        .iter()
        .find(|organisation| organisation.profile.external_key == "o3")
        .expect("o3");
    let mut edited = o3.profile.clone();
    edited.name = String::from("Renamed Robotics");
    app.storage
        .update_organisation(o3.id, &edited)
        .await
        .unwrap()
        .expect("updated");
    app.reindex().await;
    let after = gunzip(&app.get_with(page, &gzip).await.body);
    assert!(after.contains("Renamed Robotics"));
    assert!(!after.contains("Organisation o3<"));
    let after = gunzip(&app.get_with(json, &gzip).await.body);
    assert!(after.contains("Renamed Robotics"), "{after}");

    // Someone signed in sees their own frame (their name), gzipped by the layer, not the page
    // kept for visitors.
    let mut browser = crate::accounts::signed_in(&app, "ada@example.org", "Ada Lovelace").await;
    let response = browser
        .request(axum::http::Method::GET, page, None, &gzip)
        .await;
    assert_eq!(response.status, StatusCode::OK);
    assert_eq!(response.header("content-encoding"), Some("gzip"));
    let signed_in_page = gunzip(&response.body);
    assert!(signed_in_page.contains("Ada Lovelace"));
    assert!(signed_in_page.contains("Renamed Robotics"));
    assert!(!gunzip(&app.get_with(page, &gzip).await.body).contains("Ada Lovelace"));
}
