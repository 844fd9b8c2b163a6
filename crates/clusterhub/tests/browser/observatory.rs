//! The observatory as an analyst uses it, on the Eurostat table `serve` loads on first start:
//! open the map, switch the sector and the year with the form and see the map change, open a
//! region's portfolio from the list of strongest regions, download its table as CSV, and look
//! at a sector and a comparison. Every page is checked with axe-core at desktop and phone widths.

use serde_json::{Value, json};

use crate::harness::Session;

/// The observatory needs no organisations; a few give the region pages something to list.
const DEMO_ORGS: usize = 300;

/// What the map shows: its sector, year and level, and each region's colour class.
async fn map_state(session: &Session) -> (String, String, String, Vec<(String, String)>) {
    let value = session
        .js(
            "const map = document.querySelector('#obs-map'); \
             const areas = Array.from(document.querySelectorAll('#obs-areas [data-code]')) \
               .map(a => [a.dataset.code, a.dataset.class]); \
             return [map.dataset.sector, map.dataset.year, map.dataset.level, areas];",
            vec![],
        )
        .await;
    serde_json::from_value(value).expect("the map's state")
}

async fn mark_page(session: &Session) {
    session
        .js("window.__clusterhubOldPage = true;", vec![])
        .await;
}

async fn navigates(session: &Session, what: &str) {
    session
        .wait_until(
            what,
            "return window.__clusterhubOldPage === undefined && document.readyState === 'complete';",
        )
        .await;
}

/// Fetches a link of the page from inside the page (same origin, same cookies) and returns its
/// status, content type and text.
async fn fetch(session: &Session, href: &str) -> (u64, String, String) {
    let result = session
        .client
        .execute_async(
            "const done = arguments[arguments.length - 1]; \
             fetch(arguments[0]).then(r => r.text().then(t => done([r.status, \
               r.headers.get('content-type') || '', t]))).catch(e => done([0, '', String(e)]));",
            vec![json!(href)],
        )
        .await
        .expect("fetch from the page");
    serde_json::from_value(result).expect("status, type and text")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn map_switch_sector_and_year_open_a_portfolio_and_export_it() {
    let Some(session) = Session::start("observatory", DEMO_ORGS).await else {
        return;
    };
    // The navigation leads to the observatory.
    session.open("/").await;
    mark_page(&session).await;
    session
        .find("nav.primary-nav a[href='/observatory']")
        .await
        .click()
        .await
        .expect("follow the Observatory link");
    navigates(&session, "the observatory map").await;
    assert_eq!(session.path().await, "/observatory");
    let (sector, year, level, areas) = map_state(&session).await;
    assert_eq!((sector.as_str(), level.as_str()), ("C", "2"));
    let coloured = areas.iter().filter(|(_, class)| class != "0").count();
    assert!(
        coloured > 200,
        "the shipped table colours most NUTS-2 regions of {year}: {coloured} of {}",
        areas.len()
    );
    assert!(
        !session.find_all(".obs-ranking li").await.is_empty(),
        "the strongest regions are listed"
    );
    session.check_page("observatory-map").await;

    // Switch the sector and the year with the form.
    let years: Vec<String> = serde_json::from_value(
        session
            .js(
                "return Array.from(document.querySelectorAll('#obs-year option')).map(o => o.value);",
                vec![],
            )
            .await,
    )
    .expect("the years");
    // 2010, well covered in the shipped table, else any other year.
    let other_year = if year != "2010" && years.iter().any(|candidate| candidate == "2010") {
        String::from("2010")
    } else {
        years
            .iter()
            .find(|candidate| **candidate != year)
            .expect("another year")
            .clone()
    };
    session
        .find("#obs-sector")
        .await
        .select_by_value("J")
        .await
        .expect("choose Information and communication");
    session
        .find("#obs-year")
        .await
        .select_by_value(&other_year)
        .await
        .expect("choose an earlier year");
    mark_page(&session).await;
    session
        .find("#obs-apply")
        .await
        .click()
        .await
        .expect("apply the choice");
    navigates(&session, "the map of another sector and year").await;
    let path = session.path().await;
    assert!(
        path.contains("sector=J") && path.contains(&format!("year={other_year}")),
        "the choice is in the address: {path}"
    );
    let (new_sector, new_year, _, new_areas) = map_state(&session).await;
    assert_eq!(
        (new_sector.as_str(), new_year.as_str()),
        ("J", other_year.as_str())
    );
    let changed = areas
        .iter()
        .zip(&new_areas)
        .filter(|(before, after)| before.0 == after.0 && before.1 != after.1)
        .count();
    assert!(changed > 20, "the colours of {changed} regions changed");
    assert_eq!(
        session
            .js(
                "return document.querySelector('#obs-sector').value;",
                vec![]
            )
            .await,
        Value::from("J"),
        "the form shows the choice"
    );
    session.check_page("observatory-map-j").await;

    // Open the portfolio of the strongest region in J.
    let first = session.find(".obs-ranking li a").await;
    let region_name = first.text().await.expect("the region's name");
    mark_page(&session).await;
    first.click().await.expect("open the region");
    navigates(&session, "the region's portfolio").await;
    let path = session.path().await;
    assert!(path.starts_with("/observatory/regions/"), "{path}");
    let code = path
        .trim_start_matches("/observatory/regions/")
        .split('?')
        .next()
        .expect("a code")
        .to_owned();
    assert!(
        session.text("h1").await.contains(&region_name),
        "the portfolio is {region_name}'s"
    );
    assert_eq!(
        session
            .find_all("#obs-portfolio-chart .obs-bar-row")
            .await
            .len(),
        10,
        "one bar per main sector"
    );
    session.find("#obs-timeseries-chart").await;
    session.check_page("observatory-region").await;

    // Export the portfolio as CSV: the same sectors, with the region's code on every line.
    let href = session
        .find(".obs-portfolio a[href*='export.csv']")
        .await
        .attr("href")
        .await
        .expect("href")
        .expect("the CSV link");
    let (status, content_type, csv) = fetch(&session, &href).await;
    assert_eq!(status, 200, "{href}: {csv}");
    assert!(content_type.starts_with("text/csv"), "{content_type}");
    let mut lines = csv.lines();
    let header = lines.next().expect("a header");
    assert!(
        header.starts_with("region,region_name,level,country,sector,"),
        "{header}"
    );
    let rows: Vec<&str> = lines.collect();
    assert_eq!(rows.len(), 14, "one line per sector:\n{csv}");
    assert!(
        rows.iter()
            .all(|line| line.starts_with(&format!("{code},")))
    );
    assert!(rows.iter().any(|line| line.contains(",J,")));

    // The sector view and a comparison of two regions.
    session.open("/observatory/sectors/J?level=2").await;
    assert!(
        !session
            .find_all("#obs-sector-table tbody tr")
            .await
            .is_empty()
    );
    session.check_page("observatory-sector").await;
    session
        .open(&format!(
            "/observatory/compare?region={code}&region=AT13&sector=J"
        ))
        .await;
    assert_eq!(
        session.find_all("#obs-compare-table thead th").await.len(),
        3,
        "a sector column and two regions"
    );
    session.find("#obs-compare-chart").await;
    session.check_page("observatory-compare").await;
    // In French too.
    session.open("/observatory?lang=fr").await;
    assert_eq!(
        session
            .js("return document.documentElement.lang;", vec![])
            .await,
        "fr"
    );
    assert!(session.text("#obs-controls").await.contains("Secteur"));
    session.check_page("observatory-map-fr").await;
    session.finish().await;
}
