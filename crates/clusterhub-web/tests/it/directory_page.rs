//! The directory page, `/organisations`: facets with the search's counts, escaping of user text,
//! the search state in the URL, the map beside the list, and the page in French and German; the
//! selected list page.

use axum::http::StatusCode;
use clusterhub_storage::OrganisationImport;

use crate::support::{TestApp, organisation};

fn placed(
    key: &str,
    kind: &str,
    country: &str,
    city: &str,
    (lat, lon): (f64, f64),
    nuts: &str,
) -> OrganisationImport {
    let mut row = organisation(key, kind, country);
    row.city = Some(city.to_owned());
    row.lat = Some(lat);
    row.lon = Some(lon);
    row.nuts = Some(nuts.to_owned());
    row
}

fn seeded() -> Vec<OrganisationImport> {
    let mut munich = placed("m1", "cluster", "DE", "München", (48.14, 11.58), "DE212");
    munich.name = String::from("Bayern Wasserstoff Cluster");
    munich.sectors = vec![String::from("7")];
    munich.descriptions = std::collections::BTreeMap::from([(
        String::from("en"),
        String::from("Hydrogen cluster in Bavaria."),
    )]);
    vec![
        munich,
        placed("m2", "sme", "DE", "München", (48.15, 11.57), "DE212"),
        placed("b1", "sme", "DE", "Berlin", (52.52, 13.40), "DE300"),
        placed("p1", "university", "FR", "Paris", (48.85, 2.35), "FR101"),
        placed("l1", "cluster", "FR", "Lyon", (45.76, 4.84), "FRK26"),
        organisation("x1", "sme", "PT"),
    ]
}

/// The number shown as the count of a facet checkbox, by its input id.
fn facet_count(page: &str, input_id: &str) -> Option<u64> {
    let start = page.find(&format!("id=\"{input_id}\""))?;
    let rest = &page[start..];
    let count_start = rest.find("class=\"facet-count\">")? + "class=\"facet-count\">".len();
    let count_end = rest[count_start..].find('<')?;
    rest[count_start..count_start + count_end]
        .replace([',', '.', ' ', '\u{202f}'], "")
        .parse()
        .ok()
}

#[tokio::test]
async fn the_page_shows_facets_with_the_counts_of_the_search() {
    let app = TestApp::with_organisations(&seeded()).await;
    let response = app.get("/organisations?lang=en").await;
    assert_eq!(response.status, StatusCode::OK);
    let page = response.text();
    assert!(page.contains("6 organisations"), "the total");
    assert_eq!(facet_count(&page, "f-country-DE"), Some(3));
    assert_eq!(facet_count(&page, "f-country-FR"), Some(2));
    assert_eq!(facet_count(&page, "f-type-sme"), Some(3));
    assert!(page.contains("Bayern Wasserstoff Cluster"));
    assert!(
        page.contains("Hydrogen cluster in Bavaria."),
        "the description"
    );

    // Disjunctive: with Germany chosen, France keeps its count, and the types count Germany only.
    let page = app.get("/organisations?country=DE&lang=en").await.text();
    assert!(page.contains("3 organisations"));
    assert_eq!(facet_count(&page, "f-country-FR"), Some(2));
    assert_eq!(facet_count(&page, "f-type-sme"), Some(2));
    assert_eq!(facet_count(&page, "f-type-university"), None);
    // The chosen country is checked, and Germany's regions appear under it.
    assert!(page.contains(
        "id=\"f-country-DE\" name=\"country\" value=\"DE\" form=\"directory-form\" checked"
    ));
    assert_eq!(facet_count(&page, "f-nuts-DE2"), Some(2));
    assert_eq!(facet_count(&page, "f-nuts-DE21"), Some(2));
    // Its chip removes it again, and the map shows Germany's regions.
    assert!(page.contains("href=\"/organisations\" aria-label=\"Remove filter Country: Germany\""));
    assert!(page.contains("data-code=\"DE21\""));
    assert!(!page.contains("data-code=\"FR\""));
    // A page with a script, loaded from this origin only.
    assert!(page.contains("<script src=\"/static/directory."));
    assert!(!page.contains("<script>"));
    assert!(!page.contains(" style="));
}

#[tokio::test]
async fn user_text_is_escaped_everywhere_on_the_page() {
    let mut hostile = placed(
        "h1",
        "sme",
        "DE",
        "<img src=x onerror=alert(1)>",
        (50.0, 8.0),
        "DE712",
    );
    hostile.name = String::from("<script>alert(1)</script>");
    hostile.descriptions = std::collections::BTreeMap::from([(
        String::from("en"),
        String::from("\"><svg onload=alert(2)>"),
    )]);
    let app = TestApp::with_organisations(&[hostile]).await;
    let page = app
        .get("/organisations?q=%3Cscript%3Ealert(3)%3C%2Fscript%3E")
        .await;
    assert_eq!(page.status, StatusCode::OK);
    let body = page.text();
    assert!(!body.contains("<script>alert"), "a raw script");
    assert!(
        body.contains("&lt;script&gt;alert(3)&lt;/script&gt;"),
        "the keywords"
    );
    let page = app.get("/organisations").await.text();
    assert!(!page.contains("<script>alert"));
    assert!(!page.contains("<img src=x"));
    assert!(!page.contains("<svg onload"));
    assert!(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(page.contains("&lt;img src=x onerror=alert(1)&gt;"));
}

#[tokio::test]
async fn the_url_holds_the_whole_search_and_links_keep_it() {
    let mut rows = seeded();
    for index in 0..45 {
        rows.push(placed(
            &format!("s{index}"),
            "sme",
            "DE",
            "Berlin",
            (52.5, 13.4),
            "DE300",
        ));
    }
    let app = TestApp::with_organisations(&rows).await;
    let page = app
        .get("/organisations?q=Organisation&type=sme&country=DE&sort=name&page=2&lang=en")
        .await;
    assert_eq!(page.status, StatusCode::OK);
    let page = page.text();
    assert!(page.contains("47 organisations"), "the total");
    // The form carries the keywords, the order and every filter back.
    assert!(page.contains("name=\"q\" value=\"Organisation\""));
    assert!(page.contains("<option value=\"name\" selected>"));
    assert!(page.contains("value=\"sme\" form=\"directory-form\" checked"));
    // Pages keep the search; the next page of page 2 is page 3.
    assert!(page.contains(
        "href=\"/organisations?q=Organisation&amp;type=sme&amp;country=DE&amp;sort=name&amp;page=3\""
    ));
    assert!(page.contains("aria-current=\"page\">2<"));
    // The list starts at the 21st hit.
    assert!(page.contains("start=\"21\""));
    // Removing the type goes back to page 1 with everything else kept.
    assert!(page.contains("href=\"/organisations?q=Organisation&amp;country=DE&amp;sort=name\""));
    // Following a link gives the same page again.
    let again = app
        .get("/organisations?q=Organisation&type=sme&country=DE&sort=name&page=3")
        .await;
    assert_eq!(again.status, StatusCode::OK);
    assert!(again.text().contains("start=\"41\""));
    // A search the parser refuses is a 400 page that names the problem.
    let bad = app.get("/organisations?country=XX&lang=en").await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(bad.text().contains("country=XX"));
    // A form's empty fields are no filter.
    let blank = app.get("/organisations?q=&sort=relevance").await;
    assert_eq!(blank.status, StatusCode::OK);
}

#[tokio::test]
async fn the_map_shows_the_same_set_as_the_list() {
    let app = TestApp::with_organisations(&seeded()).await;
    let page = app.get("/organisations?type=sme&lang=en").await.text();
    // Three SMEs, two of them located: markers for both, and the one without a place noted.
    assert!(page.contains("2 organisations on the map."), "located");
    assert!(page.contains("1 without a location."), "unlocated");
    // Countries are shaded with their counts and link to the search narrowed to them.
    assert!(page.contains("Germany: 2 organisations"));
    assert!(page.contains("href=\"/organisations?type=sme&amp;country=DE\""));
    // The markers' endpoint gets the same filters.
    assert!(page.contains("data-markers=\"/api/v1/organisations/map?type=sme\""));
    // The text alternative lists the counts.
    assert!(page.contains(
        "<th scope=\"row\"><a href=\"/organisations?type=sme&amp;country=DE\">Germany</a></th>"
    ));
}

#[tokio::test]
async fn the_page_speaks_french_and_german() {
    let app = TestApp::with_organisations(&seeded()).await;
    for (language, title, germany, filters) in [
        ("fr", "Annuaire des organisations", "Allemagne", "Filtres"),
        (
            "de",
            "Verzeichnis der Organisationen",
            "Deutschland",
            "Filter",
        ),
    ] {
        let response = app.get(&format!("/organisations?lang={language}")).await;
        assert_eq!(response.status, StatusCode::OK);
        assert_eq!(response.header("content-language"), Some(language));
        let page = response.text();
        assert!(page.contains(&format!("<html lang=\"{language}\"")));
        assert!(page.contains(title), "{language}");
        assert!(page.contains(germany), "{language}");
        assert!(page.contains(filters), "{language}");
        // No message key shows as text (the script's file name is `directory.<hash>.js`).
        for key_start in [">directory.", ">facet.", ">basket.", "\"directory.map"] {
            assert!(!page.contains(key_start), "{key_start} shows in {language}");
        }
    }
}

#[tokio::test]
async fn the_selected_list_shows_the_ids_of_its_address_with_exports() {
    let app = TestApp::with_organisations(&seeded()).await;
    let first = app
        .storage
        .organisation_by_key("m1")
        .await
        .expect("read")
        .expect("exists")
        .id;
    let second = app
        .storage
        .organisation_by_key("p1")
        .await
        .expect("read")
        .expect("exists")
        .id;
    let page = app
        .get(&format!(
            "/selected?id={first}&id={second}&id=999999&lang=en"
        ))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    let page = page.text();
    assert!(page.contains("2 selected organisations"));
    assert!(page.contains("Bayern Wasserstoff Cluster"));
    assert!(page.contains(&format!(
        "href=\"/api/v1/organisations/export.csv?id={first}&amp;id={second}\""
    )));
    assert!(page.contains(&format!(
        "href=\"/api/v1/organisations/export.xlsx?id={first}&amp;id={second}\""
    )));
    // Removing one links to the list without it.
    assert!(page.contains(&format!("href=\"/selected?id={second}\"")));
    let empty = app.get("/selected?lang=en").await.text();
    assert!(empty.contains("Your selected list is empty."));
}

#[tokio::test]
async fn a_kept_page_gives_way_to_an_edit_once_the_index_has_it() {
    let app = TestApp::with_organisations(&seeded()).await;
    let search = "/organisations?country=DE&lang=en";
    let first = app.get(search).await.text();
    assert!(first.contains("Bayern Wasserstoff Cluster"));
    // The same search again is answered from the page cache, word for word.
    assert_eq!(app.get(search).await.text(), first);
    let names = |answer: serde_json::Value| -> Vec<String> {
        answer["hits"]
            .as_array()
            .expect("hits")
            .iter()
            .map(|hit| hit["name"].as_str().unwrap_or_default().to_owned())
            .collect()
    };
    let json_search = "/api/v1/organisations?country=DE";
    assert!(
        names(app.get(json_search).await.json())
            .contains(&String::from("Bayern Wasserstoff Cluster"))
    );

    let stored = app.storage.organisations_page(0, 100).await.unwrap();
    let munich = stored
        .iter()
        .find(|organisation| organisation.profile.external_key == "m1")
        .expect("the Munich cluster");
    let mut edited = munich.profile.clone();
    edited.name = String::from("Hydrogen Valley Bavaria");
    edited.descriptions = std::collections::BTreeMap::from([(
        String::from("en"),
        String::from("Renamed and described anew."),
    )]);
    app.storage
        .update_organisation(munich.id, &edited)
        .await
        .unwrap()
        .expect("updated");
    app.reindex().await;

    let after = app.get(search).await.text();
    assert!(after.contains("Hydrogen Valley Bavaria"), "the new name");
    assert!(
        after.contains("Renamed and described anew."),
        "the new description"
    );
    assert!(!after.contains("Bayern Wasserstoff Cluster"));
    // The JSON search is kept the same way and follows the same edit.
    let after = names(app.get(json_search).await.json());
    assert!(
        after.contains(&String::from("Hydrogen Valley Bavaria")),
        "{after:?}"
    );
    assert!(!after.contains(&String::from("Bayern Wasserstoff Cluster")));
}
