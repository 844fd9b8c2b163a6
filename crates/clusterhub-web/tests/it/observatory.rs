//! The observatory's API, exports and pages over Austria's rows of the shipped Eurostat table:
//! the numbers answered equal the statistics crate's and, for Wien, a hand calculation; bad
//! parameters are 400s naming them, unknown regions and sectors 404s; the statistics are
//! computed again after an import changes the rows.

use axum::http::StatusCode;
use clusterhub_import::{parse_employment, translate_to_nuts_2021};
use clusterhub_observatory::{Classification, Options, ReferenceArea, TableBuilder, compute};
use clusterhub_reference::Reference;
use clusterhub_storage::{EmploymentRow, OrganisationImport};
use serde_json::Value;

use crate::support::{TestApp, assert_problem, organisation};

/// The shipped table's rows for Austria (the header and every `AT` line), as storage rows.
pub(crate) fn austria() -> Vec<EmploymentRow> {
    let text = include_str!("../../../../data/eurostat/employment_by_nace_a10_nuts.csv");
    let mut lines = text.lines();
    let mut kept = String::from(lines.next().expect("a header"));
    kept.push('\n');
    for line in lines.filter(|line| line.contains(",dcid:nuts/AT")) {
        kept.push_str(line);
        kept.push('\n');
    }
    let file = parse_employment(kept.as_bytes()).expect("the shipped table parses");
    let values = translate_to_nuts_2021(&file.observations, Reference::get());
    values
        .values
        .iter()
        .map(|value| EmploymentRow {
            classification: String::from("nace_a10"),
            region: value.nuts.clone(),
            sector: value.sector.clone(),
            year: i64::from(value.year),
            persons: value.persons.map(|persons| persons as i64),
            flags: value.flags.clone(),
            code_in_file: value.code_in_file.clone(),
            source: String::from("employment_by_nace_a10_nuts.csv"),
        })
        .collect()
}

async fn app_with(rows: &[EmploymentRow], organisations: &[OrganisationImport]) -> TestApp {
    let app = TestApp::with_organisations(organisations).await;
    app.storage
        .import_employment(rows)
        .await
        .expect("import the employment rows");
    app
}

fn close(actual: &Value, expected: f64) -> bool {
    actual
        .as_f64()
        .is_some_and(|actual| (actual - expected).abs() <= 1e-9 * expected.abs().max(1.0))
}

fn row<'a>(rows: &'a [Value], region: &str, sector: &str, year: u64) -> &'a Value {
    rows.iter()
        .find(|row| row["region"] == region && row["sector"] == sector && row["year"] == year)
        .unwrap_or_else(|| panic!("no row {region} {sector} {year}"))
}

/// The JSON value of an optional number.
fn json_of_f64(value: Option<f64>) -> Value {
    value.map_or(Value::Null, |value| serde_json::json!(value))
}

#[tokio::test]
async fn region_rows_equal_the_statistics_crate_and_a_hand_calculation() {
    let rows = austria();
    let app = app_with(&rows, &[]).await;
    let response = app.get("/api/v1/observatory/regions/AT130?year=2015").await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.text());
    let body = response.json();
    assert_eq!(body["region"]["code"], "AT130");
    assert_eq!(body["region"]["name"], "Wien");
    assert_eq!(body["region"]["level"], 3);
    assert_eq!(body["year"], "2015");
    assert_eq!(body["method"], "eco");
    // Only Austria is loaded, so the reference is Austria alone: the figures of the statistics
    // crate's hand calculation (crates/clusterhub-observatory/src/tests.rs).
    assert_eq!(body["reference"]["area"], "all_countries");
    assert_eq!(body["reference"]["countries"], serde_json::json!(["AT"]));
    let answered = body["rows"].as_array().expect("rows").clone();
    assert_eq!(answered.len(), 14, "one row per sector");
    assert_eq!(body["count"], 14);
    let manufacturing = row(&answered, "AT130", "C", 2015);
    assert_eq!(manufacturing["employment"], 57_100);
    assert_eq!(manufacturing["region_employment"], 988_700);
    assert_eq!(manufacturing["sector_role"], "subgroup");
    assert!(close(&manufacturing["share"], 0.057_752_604_430));
    assert!(close(&manufacturing["lq"], 0.394_169_113_370));
    assert!(close(&manufacturing["growth"], -0.019_784_987_211));
    let services = row(&answered, "AT130", "K-N", 2015);
    assert_eq!(services["employment"], 238_000);
    assert!(close(&services["lq"], 1.511_732_340_987));

    // Every number equals the statistics crate's, computed here from the same rows.
    let mut builder = TableBuilder::new(Classification::nace_a10());
    for stored in &rows {
        let sector = (stored.sector != "TOTAL").then_some(stored.sector.as_str());
        builder
            .set(
                &stored.region,
                sector,
                stored.year as u16,
                stored.persons.map(|persons| persons as u64),
            )
            .expect("a valid row");
    }
    let table = builder.build();
    let options = Options {
        reference: ReferenceArea::default_for(&table),
        ..Options::default()
    };
    assert_eq!(options.reference, ReferenceArea::AllCountries);
    let statistics = compute(&table, &options);
    let region = table.region_position("AT130").expect("Wien");
    let year = table.year_position(2015).expect("2015");
    for (sector, info) in table.classification().sectors().iter().enumerate() {
        let cell = statistics.cell(region, sector, year).expect("a cell");
        let answer = row(&answered, "AT130", &info.code, 2015);
        assert_eq!(
            answer["employment"],
            serde_json::json!(cell.employment),
            "{}",
            info.code
        );
        assert_eq!(answer["share"], json_of_f64(cell.share), "{}", info.code);
        assert_eq!(answer["lq"], json_of_f64(cell.lq), "{}", info.code);
        assert_eq!(
            answer["lq_rank"],
            json_of_f64(cell.lq_rank),
            "{}",
            info.code
        );
        assert_eq!(answer["growth"], json_of_f64(cell.growth), "{}", info.code);
        assert_eq!(answer["stars"], cell.eco.stars(), "{}", info.code);
        let criteria: Vec<&str> = [
            (cell.eco.size, "size"),
            (cell.eco.specialisation, "specialisation"),
            (cell.eco.focus, "focus"),
        ]
        .into_iter()
        .filter_map(|(met, name)| met.then_some(name))
        .collect();
        assert_eq!(
            answer["criteria"],
            serde_json::json!(criteria),
            "{}",
            info.code
        );
    }
    // The links repeat the request.
    assert_eq!(
        body["links"]["csv"],
        "/api/v1/observatory/regions/AT130/export.csv?year=2015&method=eco"
    );
    assert_eq!(
        body["links"]["page"],
        "/observatory/regions/AT130?year=2015&method=eco"
    );
}

#[tokio::test]
async fn sectors_list_a_levels_regions_strongest_first_by_either_method() {
    let app = app_with(&austria(), &[]).await;
    let response = app
        .get("/api/v1/observatory/sectors/c?level=3&year=2015")
        .await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.text());
    let body = response.json();
    assert_eq!(body["sector"]["code"], "C");
    assert_eq!(body["sector"]["parent"], "B-E");
    let rows = body["rows"].as_array().expect("rows");
    assert!(rows.len() > 30, "Austria's NUTS-3 regions: {}", rows.len());
    assert!(
        rows.iter()
            .all(|row| row["level"] == 3 && row["sector"] == "C")
    );
    // Most stars first, then the highest LQ.
    for pair in rows.windows(2) {
        let key = |row: &Value| {
            (
                row["stars"].as_u64().unwrap_or(0),
                row["lq"].as_f64().unwrap_or(f64::NEG_INFINITY),
            )
        };
        let (first, second) = (key(&pair[0]), key(&pair[1]));
        assert!(
            first.0 > second.0 || (first.0 == second.0 && first.1 >= second.1),
            "{first:?} before {second:?}"
        );
    }
    // Among about 35 regions, the top 10% in size is a handful of stars.
    let sized = rows
        .iter()
        .filter(|row| {
            row["criteria"]
                .as_array()
                .is_some_and(|criteria| criteria.iter().any(|name| name == "size"))
        })
        .count();
    assert!((1..=rows.len() / 5).contains(&sized), "{sized}");

    let us = app
        .get("/api/v1/observatory/sectors/C?level=3&year=2015&method=us")
        .await
        .json();
    assert_eq!(us["method"], "us");
    assert_eq!(us["method_notes"].as_array().map(Vec::len), Some(2));
    let allowed = [
        "lq_at_least_percentile",
        "employment_above_percentile",
        "lq_at_least_minimum",
        "top_tier",
    ];
    let mut strong = 0;
    for row in us["rows"].as_array().expect("rows") {
        let criteria: Vec<&str> = row["criteria"]
            .as_array()
            .expect("criteria")
            .iter()
            .map(|name| name.as_str().expect("a name"))
            .collect();
        assert!(criteria.iter().all(|name| allowed.contains(name)));
        let stars = row["stars"].as_u64().expect("stars");
        // Strong = the three criteria; the top tier adds a star.
        let all_three = criteria.len() >= 3;
        assert_eq!(stars >= 1, all_three, "{row}");
        assert_eq!(stars == 2, criteria.contains(&"top_tier"), "{row}");
        strong += usize::from(all_three);
    }
    assert!(strong > 0);
}

#[tokio::test]
async fn every_year_and_the_sub_regions_of_a_region() {
    let app = app_with(&austria(), &[]).await;
    let body = app
        .get("/api/v1/observatory/regions/AT1?level=3&year=all")
        .await
        .json();
    let rows = body["rows"].as_array().expect("rows");
    let index = app.get("/api/v1/observatory").await.json();
    let years = index["years"].as_array().expect("years").len();
    assert!(years >= 19, "{years}");
    let regions: std::collections::BTreeSet<&str> = rows
        .iter()
        .map(|row| row["region"].as_str().expect("a region"))
        .collect();
    // Ostösterreich's NUTS-3 regions: Burgenland, Niederösterreich and Wien.
    assert!(regions.len() >= 10, "{regions:?}");
    assert!(
        regions
            .iter()
            .all(|code| code.starts_with("AT1") && code.len() == 5)
    );
    assert_eq!(rows.len(), regions.len() * 14 * years);
    assert_eq!(index["reference_area"], "all_countries");
    assert_eq!(index["sectors"].as_array().map(Vec::len), Some(14));
    assert!(index["levels"][3]["regions"].as_u64().unwrap_or(0) >= 30);
}

#[tokio::test]
async fn bad_parameters_are_400s_naming_them_and_unknown_things_404s() {
    let app = app_with(&austria(), &[]).await;
    for (uri, code, parameter) in [
        (
            "/api/v1/observatory/regions/AT13?colour=red",
            "unknown_parameter",
            "colour",
        ),
        (
            "/api/v1/observatory/regions/AT13?year=1900",
            "invalid_parameter",
            "year",
        ),
        (
            "/api/v1/observatory/regions/AT13?year=latest",
            "invalid_parameter",
            "year",
        ),
        (
            "/api/v1/observatory/regions/AT13?method=best",
            "invalid_parameter",
            "method",
        ),
        (
            "/api/v1/observatory/regions/AT13?level=2&level=3",
            "repeated_parameter",
            "level",
        ),
        (
            "/api/v1/observatory/regions/AT13?level=1",
            "invalid_parameter",
            "level",
        ),
        (
            "/api/v1/observatory/sectors/C?level=4",
            "invalid_parameter",
            "level",
        ),
        (
            "/api/v1/observatory/sectors/C?year=",
            "invalid_parameter",
            "year",
        ),
        ("/api/v1/observatory/compare", "invalid_parameter", "region"),
        (
            "/api/v1/observatory/compare?region=AT13&region=XX99",
            "invalid_parameter",
            "region",
        ),
        (
            "/api/v1/observatory/compare?region=AT11&region=AT12&region=AT13&region=AT21&region=AT22&region=AT31",
            "invalid_parameter",
            "region",
        ),
        (
            "/api/v1/observatory/compare?region=AT13&sector=Z",
            "invalid_parameter",
            "sector",
        ),
        (
            "/api/v1/observatory/sectors/C/export.csv?method=x",
            "invalid_parameter",
            "method",
        ),
        ("/api/v1/observatory?year=2015", "unknown_parameter", "year"),
    ] {
        let response = app.get(uri).await;
        let problem = assert_problem(&response, StatusCode::BAD_REQUEST, code);
        assert_eq!(problem["parameter"], parameter, "{uri}: {problem}");
    }
    for (uri, code) in [
        (
            "/api/v1/observatory/regions/XX99",
            "observatory_region_not_found",
        ),
        (
            "/api/v1/observatory/regions/FR10",
            "observatory_region_not_found",
        ),
        (
            "/api/v1/observatory/sectors/Z",
            "observatory_sector_not_found",
        ),
        (
            "/api/v1/observatory/sectors/B-Z/export.csv",
            "observatory_sector_not_found",
        ),
    ] {
        assert_problem(&app.get(uri).await, StatusCode::NOT_FOUND, code);
    }
    // Five regions are fine, repeats count once.
    let five = app
        .get("/api/v1/observatory/compare?region=AT11&region=AT12&region=at13&region=AT13&region=AT21&region=AT22&sector=C&year=2015")
        .await;
    assert_eq!(five.status, StatusCode::OK, "{}", five.text());
    let body = five.json();
    assert_eq!(body["regions"].as_array().map(Vec::len), Some(5));
    assert_eq!(body["count"], 5);
}

fn csv_rows(body: &[u8]) -> (Vec<String>, Vec<Vec<String>>) {
    let mut reader = csv::Reader::from_reader(body);
    let header = reader
        .headers()
        .expect("a header")
        .iter()
        .map(str::to_owned)
        .collect();
    let rows = reader
        .records()
        .map(|record| {
            record
                .expect("a record")
                .iter()
                .map(str::to_owned)
                .collect()
        })
        .collect();
    (header, rows)
}

#[tokio::test]
async fn exports_hold_the_rows_of_the_json_answer() {
    let app = app_with(&austria(), &[]).await;
    let json = app
        .get("/api/v1/observatory/sectors/C?level=2&year=2015")
        .await
        .json();
    let csv = app
        .get("/api/v1/observatory/sectors/C/export.csv?level=2&year=2015")
        .await;
    assert_eq!(csv.status, StatusCode::OK);
    assert_eq!(csv.header("content-type"), Some("text/csv; charset=utf-8"));
    assert_eq!(
        csv.header("content-disposition"),
        Some("attachment; filename=\"observatory-C-nuts2-2015-eco.csv\"")
    );
    let (header, rows) = csv_rows(&csv.body);
    assert_eq!(
        header[..8],
        [
            "region",
            "region_name",
            "level",
            "country",
            "sector",
            "sector_label",
            "sector_role",
            "year"
        ]
    );
    let column = |name: &str| header.iter().position(|column| column == name).expect(name);
    let json_rows = json["rows"].as_array().expect("rows");
    assert_eq!(rows.len(), json_rows.len());
    for (line, answer) in rows.iter().zip(json_rows) {
        assert_eq!(
            line[column("region")],
            answer["region"].as_str().expect("region")
        );
        assert_eq!(line[column("stars")], answer["stars"].to_string());
        let lq: f64 = line[column("lq")].parse().expect("an LQ");
        assert!(close(&answer["lq"], lq), "{lq} {}", answer["lq"]);
        assert_eq!(line[column("employment")], answer["employment"].to_string());
    }
    let xlsx = app
        .get("/api/v1/observatory/sectors/C/export.xlsx?level=2&year=2015")
        .await;
    assert_eq!(xlsx.status, StatusCode::OK);
    use calamine::Reader;
    let mut workbook: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(xlsx.body.clone())).expect("XLSX");
    let sheet = workbook.worksheet_range("observatory").expect("the sheet");
    assert_eq!(sheet.height(), rows.len() + 1);
    assert_eq!(
        sheet.get_value((1, 0)).map(ToString::to_string).as_deref(),
        json_rows[0]["region"].as_str()
    );
    // The comparison and a region's whole series export too.
    let compare = app
        .get("/api/v1/observatory/compare/export.csv?region=AT13&region=AT21&year=2015")
        .await;
    assert_eq!(compare.status, StatusCode::OK);
    assert_eq!(csv_rows(&compare.body).1.len(), 2 * 14);
    let series = app
        .get("/api/v1/observatory/regions/AT13/export.csv?year=all")
        .await;
    assert_eq!(series.status, StatusCode::OK);
    assert!(csv_rows(&series.body).1.len() >= 14 * 19);
}

#[tokio::test]
async fn the_statistics_are_computed_again_after_an_import() {
    let rows = austria();
    let app = app_with(&rows, &[]).await;
    let first = app
        .get("/api/v1/observatory/regions/AT130?year=2015")
        .await
        .json();
    assert_eq!(
        row(first["rows"].as_array().expect("rows"), "AT130", "C", 2015)["employment"],
        57_100
    );
    let mut changed: Vec<EmploymentRow> = rows
        .iter()
        .filter(|stored| stored.region == "AT130" && stored.sector == "C" && stored.year == 2015)
        .cloned()
        .collect();
    assert_eq!(changed.len(), 1);
    changed[0].persons = Some(60_000);
    app.storage
        .import_employment(&changed)
        .await
        .expect("import the change");
    let second = app
        .get("/api/v1/observatory/regions/AT130?year=2015")
        .await
        .json();
    let manufacturing = row(second["rows"].as_array().expect("rows"), "AT130", "C", 2015);
    assert_eq!(manufacturing["employment"], 60_000);
    assert!(close(&manufacturing["share"], 60_000.0 / 988_700.0));
}

#[tokio::test]
async fn an_empty_observatory_says_so() {
    let app = TestApp::new().await;
    let index = app.get("/api/v1/observatory").await;
    assert_eq!(index.status, StatusCode::OK);
    assert_eq!(index.json()["years"], serde_json::json!([]));
    assert_problem(
        &app.get("/api/v1/observatory/regions/AT").await,
        StatusCode::NOT_FOUND,
        "observatory_region_not_found",
    );
    let page = app.get("/observatory").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text().contains("obs-no-data"));
}

#[tokio::test]
async fn the_pages_show_the_map_a_portfolio_a_sector_and_a_comparison() {
    let mut wien = organisation("wien-cluster", "cluster", "AT");
    wien.name = String::from("Vienna Mobility Cluster");
    wien.nuts = Some(String::from("AT130"));
    wien.nace = vec![String::from("29.10"), String::from("62.01")];
    let app = app_with(&austria(), &[wien]).await;

    let map = app
        .get("/observatory?sector=C&level=3&year=2015&show=stars")
        .await;
    assert_eq!(map.status, StatusCode::OK, "{}", map.text());
    let text = map.text();
    assert!(text.contains("id=\"obs-map-svg\""));
    assert!(text.contains("data-code=\"AT130\""));
    assert!(
        text.contains(
            "/api/v1/observatory/sectors/C/export.csv?level=3&amp;year=2015&amp;method=eco"
        )
    );
    assert!(
        text.contains("aria-current=\"page\">Observatory<"),
        "the navigation marks the section"
    );
    // The same map in German.
    let german = app.get("/observatory?lang=de").await.text();
    assert!(german.contains("Standortquotient"));

    let portfolio = app.get("/observatory/regions/AT13?year=2015").await;
    assert_eq!(portfolio.status, StatusCode::OK);
    let text = portfolio.text();
    assert!(text.contains("id=\"obs-portfolio-table\""));
    assert!(text.contains("id=\"obs-timeseries-chart\""));
    assert!(text.contains("/api/v1/observatory/regions/AT13/export.csv?year=2015&amp;method=eco"));
    assert!(
        text.contains("Vienna Mobility Cluster"),
        "the region's cluster organisations"
    );
    assert!(text.contains("/organisations?nuts=AT13&amp;type=cluster"));

    let sector = app
        .get("/observatory/sectors/J?level=2&year=2015&method=us")
        .await;
    assert_eq!(sector.status, StatusCode::OK);
    assert!(sector.text().contains("id=\"obs-sector-table\""));

    let compare = app
        .get("/observatory/compare?region=AT13&region=AT21&region=&sector=J")
        .await;
    assert_eq!(compare.status, StatusCode::OK);
    let text = compare.text();
    assert!(text.contains("id=\"obs-compare-table\""));
    assert!(text.contains("id=\"obs-compare-chart\""));

    // Six regions, an unknown parameter, an unknown region or sector.
    let six = app
        .get("/observatory/compare?region=AT11&region=AT12&region=AT13&region=AT21&region=AT22&region=AT31")
        .await;
    assert_eq!(six.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        app.get("/observatory?zoom=3").await.status,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        app.get("/observatory/regions/XX99").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get("/observatory/sectors/Z").await.status,
        StatusCode::NOT_FOUND
    );

    // The directory filtered on one region links to its portfolio.
    let directory = app.get("/organisations?nuts=AT13").await.text();
    assert!(directory.contains("href=\"/observatory/regions/AT13\""));
    assert!(
        !app.get("/organisations")
            .await
            .text()
            .contains("/observatory/regions/"),
        "no region, no link"
    );

    // The profile shows its NUTS-2 region's stars in its sectors (29.10 is in C, 62.01 in J).
    let search = app.get("/api/v1/organisations?q=Vienna").await.json();
    let id = search["hits"][0]["id"]
        .as_i64()
        .expect("the organisation's id");
    let profile = app.get(&format!("/organisations/{id}")).await.text();
    assert!(profile.contains("id=\"regional-strength\""), "{profile}");
    assert!(profile.contains("/observatory/regions/AT13?year="));
    assert!(profile.contains("/observatory/sectors/C?level=2"));
    assert!(profile.contains("/observatory/sectors/J?level=2"));
}
