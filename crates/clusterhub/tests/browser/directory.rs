//! The directory as a visitor uses it: search by keyword, tick a facet and see the result count,
//! the other facets' counts and the map change, open a profile from the results and see its
//! suggested partners with their reasons, put it on the selected list and export that list as
//! CSV. Every page on the way is checked with axe-core at
//! desktop and phone widths.

use std::collections::BTreeMap;
use std::time::Duration;

use fantoccini::key::Key;
use serde_json::{Value, json};

use crate::harness::Session;

/// Enough organisations for facets with several values and a map with many markers.
const DEMO_ORGS: usize = 2_000;

/// The first number in a text written in any of our languages ("1,234", "1 234", "1.234").
fn number_in(text: &str) -> u64 {
    let start = text
        .find(|c: char| c.is_ascii_digit())
        .unwrap_or_else(|| panic!("no number in {text:?}"));
    let digits: String = text[start..]
        .chars()
        .take_while(|c| {
            c.is_ascii_digit() || matches!(c, ',' | '.' | ' ' | '\'' | '\u{a0}' | '\u{202f}')
        })
        .filter(char::is_ascii_digit)
        .collect();
    digits.parse().expect("digits")
}

async fn result_count(session: &Session) -> u64 {
    number_in(&session.text("#results-heading").await)
}

/// Every facet checkbox's count, by its input id.
async fn facet_counts(session: &Session) -> BTreeMap<String, String> {
    let value = session
        .js(
            "return Array.from(document.querySelectorAll('.facet-group input[type=checkbox]')) \
               .map(i => [i.id, (document.querySelector('label[for=\"' + i.id + '\"] .facet-count') \
                                 || {}).textContent || '']);",
            vec![],
        )
        .await;
    serde_json::from_value::<Vec<(String, String)>>(value)
        .expect("facet counts")
        .into_iter()
        .collect()
}

/// What the map shows: each shaded area's colour class and the markers with their counts.
async fn map_state(session: &Session) -> String {
    session
        .js(
            "const areas = Array.from(document.querySelectorAll('#map-areas [data-code]')) \
               .map(a => a.dataset.code + ':' + (a.querySelector('path') || a).getAttribute('class')); \
             const markers = Array.from(document.querySelectorAll('#map-markers > *')) \
               .map(m => m.getAttribute('data-id') || m.getAttribute('data-bounds') || m.textContent); \
             return JSON.stringify({ areas, markers });",
            vec![],
        )
        .await
        .as_str()
        .expect("map state")
        .to_owned()
}

/// Waits for the page to be replaced by a new one after `action`.
async fn navigates(session: &Session, what: &str) {
    session
        .wait_until(
            what,
            "return window.__clusterhubOldPage === undefined && document.readyState === 'complete';",
        )
        .await;
}

async fn mark_page(session: &Session) {
    session
        .js("window.__clusterhubOldPage = true;", vec![])
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn search_facets_map_profile_selected_list_and_export() {
    let Some(session) = Session::start("directory", DEMO_ORGS).await else {
        return;
    };
    session.open("/organisations").await;
    let everything = result_count(&session).await;
    assert!(everything > 0, "the directory lists the demo organisations");
    assert!(
        !session.find_all("#result-list .result").await.is_empty(),
        "the first page of results is shown"
    );
    session.check_page("directory").await;

    // A keyword: the rarest-looking word of the first result's name.
    let first_name = session.text("#result-list .result-name a").await;
    let keyword = first_name
        .split(|c: char| !c.is_alphanumeric())
        .filter(|word| word.chars().count() >= 4)
        .max_by_key(|word| word.chars().count())
        .unwrap_or_else(|| panic!("a word to search for in {first_name:?}"))
        .to_owned();
    let search_box = session.find("#directory-q").await;
    search_box
        .send_keys(&keyword)
        .await
        .expect("type a keyword");
    mark_page(&session).await;
    search_box
        .send_keys(&Key::Enter)
        .await
        .expect("press Enter");
    navigates(&session, "the search results").await;
    assert!(
        session.path().await.contains(&format!("q={keyword}")),
        "the search is in the address: {}",
        session.path().await
    );
    let found = result_count(&session).await;
    assert!(
        found > 0 && found < everything,
        "searching {keyword:?} finds some but not all of {everything}: {found}"
    );
    let names = session.text("#result-list").await;
    assert!(
        names.to_lowercase().contains(&keyword.to_lowercase()),
        "the results for {keyword:?} show it:\n{names}"
    );
    session.check_page("directory-search").await;

    // A facet: tick the first country; the result count becomes that country's count, the other
    // groups' counts and the map change.
    session.open("/organisations").await;
    let before_counts = facet_counts(&session).await;
    let before_map = map_state(&session).await;
    let checkbox = session.find("#facet-country input[type=checkbox]").await;
    let checkbox_id = checkbox.attr("id").await.expect("id").expect("checkbox id");
    let country = checkbox
        .attr("value")
        .await
        .expect("value")
        .expect("country code");
    let country_count = number_in(&before_counts[&checkbox_id]);
    assert!(country_count > 0 && country_count < everything);
    mark_page(&session).await;
    session
        .find(&format!("label[for=\"{checkbox_id}\"]"))
        .await
        .click()
        .await
        .expect("tick the country");
    // Pages with scripts apply a ticked filter at once; without, the Apply button does.
    tokio::time::sleep(Duration::from_millis(1_500)).await;
    let still_here = session
        .js("return window.__clusterhubOldPage === true;", vec![])
        .await;
    if still_here == Value::Bool(true) {
        session
            .find("#apply-filters")
            .await
            .click()
            .await
            .expect("apply the filters");
    }
    navigates(&session, "the filtered results").await;
    assert!(
        session.path().await.contains(&format!("country={country}")),
        "the filter is in the address: {}",
        session.path().await
    );
    let ticked = session
        .js(
            "return document.getElementById(arguments[0]).checked;",
            vec![json!(checkbox_id)],
        )
        .await;
    assert_eq!(ticked, true, "the ticked country stays ticked");
    assert_eq!(
        result_count(&session).await,
        country_count,
        "the result count is the count the country's checkbox showed"
    );
    let after_counts = facet_counts(&session).await;
    let changed = before_counts
        .iter()
        .filter(|(id, _)| !id.contains("country"))
        .filter(|(id, count)| after_counts.get(*id) != Some(*count))
        .count();
    assert!(
        changed > 0,
        "the other facets' counts follow the country filter:\nbefore {before_counts:?}\nafter {after_counts:?}"
    );
    let after_map = map_state(&session).await;
    assert_ne!(before_map, after_map, "the map follows the country filter");
    session.check_page("directory-facet").await;

    // A profile from the results.
    let link = session.find("#result-list .result-name a").await;
    let name = link.text().await.expect("name");
    let href = link
        .attr("href")
        .await
        .expect("href")
        .expect("profile link");
    mark_page(&session).await;
    link.click().await.expect("open the profile");
    navigates(&session, "the profile").await;
    assert_eq!(session.path().await, href);
    assert_eq!(session.text("h1#profile-title").await, name);
    let id = href.rsplit('/').next().expect("id").to_owned();

    // Its suggested partners, each with its reasons; the score shown is the sum of the points
    // shown beside them.
    let shown = session
        .js(
            "return Array.from(document.querySelectorAll('#suggested-partners .partner')) \
               .map(p => [p.querySelector('.partner-score').textContent, \
                          Array.from(p.querySelectorAll('.partner-points')).map(e => e.textContent), \
                          Array.from(p.querySelectorAll('.partner-why')).map(e => e.textContent)]);",
            vec![],
        )
        .await;
    let shown: Vec<(String, Vec<String>, Vec<String>)> =
        serde_json::from_value(shown).expect("the suggested partners");
    assert!(!shown.is_empty(), "profile {id} suggests partners");
    for (score, points, reasons) in &shown {
        assert!(!reasons.is_empty() && reasons.iter().all(|reason| reason.len() > 10));
        assert_eq!(
            number_in(score),
            points.iter().map(|points| number_in(points)).sum::<u64>(),
            "{score} is the sum of {points:?}"
        );
    }
    session.check_page("profile-partners").await;

    // The selected list: add the organisation from the results, then open the list.
    session.client.back().await.expect("back to the results");
    let toggle = session
        .find(&format!("#result-list .basket-toggle[data-id=\"{id}\"]"))
        .await;
    session
        .wait_until(
            "the add-to-list button to show",
            &format!(
                "const b = document.querySelector('#result-list .basket-toggle[data-id=\"{id}\"]'); \
                 return b !== null && !b.hidden && b.offsetParent !== null;"
            ),
        )
        .await;
    toggle.click().await.expect("add to the selected list");
    assert_eq!(
        toggle
            .attr("aria-pressed")
            .await
            .expect("pressed")
            .as_deref(),
        Some("true"),
        "the button says the organisation is on the list"
    );
    session.check_page("directory-selected-one").await;
    session.open("/selected").await;
    session
        .wait_until(
            "the selected organisation to be listed",
            &format!("return document.body.innerText.includes({});", json!(name)),
        )
        .await;
    session.check_page("selected").await;

    // The CSV export of the list holds exactly that organisation.
    let export = session.find("a[href*=\"export.csv\"]").await;
    let export_href = export
        .attr("href")
        .await
        .expect("href")
        .expect("export link");
    assert!(
        export_href.contains(&format!("id={id}")),
        "the export link names the selected organisation: {export_href}"
    );
    let csv = session
        .client
        .execute_async(
            "const done = arguments[arguments.length - 1]; \
             fetch(arguments[0]).then(r => r.text().then(t => done({ status: r.status, \
                 type: r.headers.get('content-type'), text: t }))) \
               .catch(e => done({ status: 0, text: String(e) }));",
            vec![json!(export_href)],
        )
        .await
        .expect("fetch the export");
    assert_eq!(csv["status"], 200, "the export answers: {csv}");
    assert!(
        csv["type"].as_str().unwrap_or("").starts_with("text/csv"),
        "the export is CSV: {csv}"
    );
    let text = csv["text"].as_str().expect("CSV text");
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header = reader.headers().expect("a header line").clone();
    assert_eq!(
        (header.get(0), header.get(1)),
        (Some("id"), Some("name")),
        "the CSV header: {header:?}"
    );
    let rows: Vec<csv::StringRecord> = reader
        .records()
        .collect::<Result<_, _>>()
        .expect("CSV rows");
    assert_eq!(rows.len(), 1, "one selected organisation, one row:\n{text}");
    assert_eq!(rows[0].get(0), Some(id.as_str()), "{:?}", rows[0]);
    assert_eq!(rows[0].get(1), Some(name.as_str()), "{:?}", rows[0]);
    session.finish().await;
}
