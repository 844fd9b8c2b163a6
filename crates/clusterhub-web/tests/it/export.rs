//! The exports (`/api/v1/organisations/export.csv` and `.xlsx`): the rows of a search or of an
//! id list, and formula injection neutralised in both formats.

use axum::http::StatusCode;
use clusterhub_storage::OrganisationImport;

use crate::support::{TestApp, assert_problem, organisation};

/// Names a spreadsheet would run as formulas, or as commands after a tab or carriage return.
const DANGEROUS: [&str; 6] = [
    "=HYPERLINK(\"http://evil.example\",\"x\")",
    "+1+2",
    "-2+3",
    "@SUM(A1:A2)",
    "\t=1+1",
    "\r=1+1",
];

fn seeded() -> Vec<OrganisationImport> {
    let mut list: Vec<OrganisationImport> = DANGEROUS
        .iter()
        .enumerate()
        .map(|(number, name)| {
            let mut row = organisation(&format!("bad-{number}"), "sme", "DE");
            row.name = (*name).to_owned();
            row.city = Some(String::from("=cmd|' /C calc'!A0"));
            row
        })
        .collect();
    let mut plain = organisation("plain", "university", "FR");
    plain.name = String::from("Université de Lyon");
    plain.lat = Some(45.76);
    plain.lon = Some(-4.5);
    plain.sectors = vec![String::from("7"), String::from("10")];
    list.push(plain);
    list
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

fn column(header: &[String], name: &str) -> usize {
    header
        .iter()
        .position(|column| column == name)
        .unwrap_or_else(|| panic!("no column {name}"))
}

#[tokio::test]
async fn csv_cells_that_look_like_formulas_are_neutralised() {
    let app = TestApp::with_organisations(&seeded()).await;
    let response = app
        .get("/api/v1/organisations/export.csv?country=DE&sort=name")
        .await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.text());
    assert_eq!(
        response.header("content-type"),
        Some("text/csv; charset=utf-8")
    );
    assert!(
        response
            .header("content-disposition")
            .is_some_and(|value| value.starts_with("attachment"))
    );
    let (header, rows) = csv_rows(&response.body);
    assert_eq!(rows.len(), DANGEROUS.len());
    let (name, city) = (column(&header, "name"), column(&header, "city"));
    let mut names: Vec<&str> = rows.iter().map(|row| row[name].as_str()).collect();
    names.sort_unstable();
    let mut expected: Vec<String> = DANGEROUS.iter().map(|text| format!("'{text}")).collect();
    expected.sort_unstable();
    assert_eq!(names, expected);
    for row in &rows {
        assert_eq!(row[city], "'=cmd|' /C calc'!A0");
    }
}

#[tokio::test]
async fn xlsx_cells_that_look_like_formulas_are_neutralised_and_numbers_stay_numbers() {
    use calamine::{Data, Reader, Xlsx};
    let app = TestApp::with_organisations(&seeded()).await;
    let response = app.get("/api/v1/organisations/export.xlsx").await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.text());
    assert_eq!(
        response.header("content-type"),
        Some("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    );
    let mut workbook =
        Xlsx::new(std::io::Cursor::new(response.body.clone())).expect("a readable workbook");
    let sheet = workbook
        .worksheet_range("organisations")
        .expect("the organisations sheet");
    let formulas = workbook
        .worksheet_formula("organisations")
        .expect("the formula layer");
    assert!(
        formulas.cells().all(|(_, _, formula)| formula.is_empty()),
        "an export holds no formula"
    );
    let rows: Vec<&[Data]> = sheet.rows().collect();
    let header: Vec<String> = rows[0].iter().map(ToString::to_string).collect();
    let (name, lon) = (column(&header, "name"), column(&header, "lon"));
    assert_eq!(rows.len(), DANGEROUS.len() + 2);
    let mut names: Vec<String> = rows[1..].iter().map(|row| row[name].to_string()).collect();
    names.sort_unstable();
    let mut expected: Vec<String> = DANGEROUS.iter().map(|text| format!("'{text}")).collect();
    expected.push(String::from("Université de Lyon"));
    expected.sort_unstable();
    assert_eq!(names, expected);
    let lyon = rows[1..]
        .iter()
        .find(|row| row[name] == Data::String(String::from("Université de Lyon")))
        .expect("the plain row");
    assert_eq!(
        lyon[lon],
        Data::Float(-4.5),
        "a negative number is a number"
    );
}

#[tokio::test]
async fn an_id_list_exports_those_organisations_in_that_order() {
    let app = TestApp::with_organisations(&seeded()).await;
    let all = app.get("/api/v1/organisations?sort=name").await.json();
    let ids: Vec<i64> = all["hits"]
        .as_array()
        .expect("hits")
        .iter()
        .map(|hit| hit["id"].as_i64().expect("an id"))
        .collect();
    let chosen = [ids[3], ids[0], 999_999];
    let response = app
        .get(&format!(
            "/api/v1/organisations/export.csv?id={}&id={}&id={}",
            chosen[0], chosen[1], chosen[2]
        ))
        .await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.text());
    let (header, rows) = csv_rows(&response.body);
    let id = column(&header, "id");
    let exported: Vec<i64> = rows
        .iter()
        .map(|row| row[id].parse().expect("a number"))
        .collect();
    assert_eq!(exported, [chosen[0], chosen[1]], "unknown ids are left out");

    for (query, code, parameter) in [
        ("id=abc", "invalid_parameter", "id"),
        ("id=1&country=DE", "invalid_parameter", "id"),
        ("page=2", "unknown_parameter", "page"),
        ("per_page=10", "unknown_parameter", "per_page"),
        ("country=XX", "invalid_parameter", "country"),
    ] {
        for format in ["csv", "xlsx"] {
            let response = app
                .get(&format!("/api/v1/organisations/export.{format}?{query}"))
                .await;
            let problem = assert_problem(&response, StatusCode::BAD_REQUEST, code);
            assert_eq!(problem["parameter"], parameter, "{query}: {problem}");
        }
    }
}
