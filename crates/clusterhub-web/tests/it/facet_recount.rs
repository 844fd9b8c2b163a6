//! Facet counts equal a recount from the CSV export, for every facet group, on demo data loaded
//! through the real import parsing: for each group, the export of the search without that
//! group's own filter (its disjunctive set) is counted value by value and compared with the
//! group's counts in the JSON answer.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use axum::http::StatusCode;
use clusterhub_import::{OrganisationColumns, RawRow};
use clusterhub_storage::OrganisationImport;

use crate::support::TestApp;

/// How many demo organisations the test loads.
const ORGANISATIONS: usize = 3_000;

/// The facet groups with the export column that holds their values.
const GROUPS: [(&str, &str); 15] = [
    ("type", "type"),
    ("country", "country"),
    ("nuts", "nuts"),
    ("sector", "sectors"),
    ("nace", "nace"),
    ("technology", "technologies"),
    ("s3", "s3_areas"),
    ("emerging", "emerging"),
    ("staff", "staff_band"),
    ("members", "members_band"),
    ("label", "label"),
    ("escp", "escp"),
    ("programme", "programmes"),
    ("target_country", "target_countries"),
    ("sme", "sme_status"),
];

/// `count` demo rows, parsed by the importer exactly as `clusterhub import` parses them.
pub fn demo_organisations(count: usize) -> Vec<OrganisationImport> {
    demo_organisations_seeded(count, 7)
}

/// `count` demo rows of the generator's `seed`, parsed as `clusterhub import` parses them.
pub fn demo_organisations_seeded(count: usize, seed: u64) -> Vec<OrganisationImport> {
    let header: Vec<String> = clusterhub_demo::CSV_HEADER
        .iter()
        .map(|name| (*name).to_owned())
        .collect();
    let columns = OrganisationColumns::from_header(&header).expect("the demo header");
    let header: Arc<[String]> = header.into();
    let today = time::OffsetDateTime::now_utc().date();
    clusterhub_demo::generate(&clusterhub_demo::DemoConfig {
        organisations: count,
        seed,
    })
    .enumerate()
    .map(|(line, row)| {
        let raw = RawRow {
            line: line as u64 + 2,
            fields: row.fields().map(str::to_owned).collect(),
            header: header.clone(),
        };
        let parsed = columns
            .parse(&raw, today)
            .unwrap_or_else(|errors| panic!("demo row {line} refused: {errors:?}"));
        OrganisationImport::from_domain(&parsed.organisation)
    })
    .collect()
}

/// A search as (parameter, value) pairs.
type Filters = Vec<(String, String)>;

fn query_string(filters: &[(String, String)]) -> String {
    let mut out = url::form_urlencoded::Serializer::new(String::new());
    for (name, value) in filters {
        out.append_pair(name, value);
    }
    out.finish()
}

/// The values one exported row counts for in `group`, each once.
fn row_values(group: &str, cell: &str, selected: &[String]) -> BTreeSet<String> {
    let listed: Vec<&str> = cell.split("; ").filter(|value| !value.is_empty()).collect();
    let mut values = BTreeSet::new();
    match group {
        // A region counts for itself and every region above it, down to level 2; level-3
        // regions only inside a selected level-2 or level-3 region.
        "nuts" => {
            for code in listed {
                for length in 2..=code.len().min(4) {
                    values.insert(code[..length].to_owned());
                }
                if code.len() == 5
                    && selected
                        .iter()
                        .any(|chosen| chosen.len() >= 4 && chosen[..4] == code[..4])
                {
                    values.insert(code.to_owned());
                }
            }
        }
        // A class counts for its division, and for its group and itself below a selected code.
        "nace" => {
            for code in listed {
                if !code.starts_with(|character: char| character.is_ascii_digit()) {
                    continue;
                }
                let mut ancestry = vec![code[..2].to_owned()];
                if code.len() >= 4 {
                    ancestry.push(code[..4].to_owned());
                }
                if code.len() == 5 {
                    ancestry.push(code.to_owned());
                }
                for value in ancestry {
                    let shown = value.len() == 2
                        || selected
                            .iter()
                            .any(|chosen| value.starts_with(chosen.as_str()));
                    if shown {
                        values.insert(value);
                    }
                }
            }
        }
        _ => values.extend(listed.into_iter().map(str::to_owned)),
    }
    values
}

/// Counts every value of `group` over the CSV export of `filters`.
async fn recount(
    app: &TestApp,
    filters: &[(String, String)],
    group: &str,
    column: &str,
    selected: &[String],
) -> BTreeMap<String, u64> {
    let response = app
        .get(&format!(
            "/api/v1/organisations/export.csv?{}",
            query_string(filters)
        ))
        .await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.text());
    let mut reader = csv::Reader::from_reader(response.body.as_slice());
    let position = reader
        .headers()
        .expect("a header")
        .iter()
        .position(|name| name == column)
        .unwrap_or_else(|| panic!("no column {column}"));
    let mut counts = BTreeMap::new();
    for record in reader.records() {
        let record = record.expect("a record");
        for value in row_values(group, &record[position], selected) {
            *counts.entry(value).or_insert(0) += 1;
        }
    }
    counts
}

/// The `count` most frequent values of a group in an answer.
fn top_values(answer: &serde_json::Value, group: &str, count: usize) -> Vec<String> {
    let mut values: Vec<(String, u64)> = answer["facets"][group]
        .as_object()
        .expect("a facet group")
        .iter()
        .map(|(value, count)| (value.clone(), count.as_u64().expect("a count")))
        .collect();
    values.sort_by(|left, right| right.1.cmp(&left.1).then(left.0.cmp(&right.0)));
    values
        .into_iter()
        .take(count)
        .map(|(value, _)| value)
        .collect()
}

fn pairs(name: &str, values: &[String]) -> Filters {
    values
        .iter()
        .map(|value| (name.to_owned(), value.clone()))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn facet_counts_equal_a_recount_of_the_export_for_every_group() {
    let app = TestApp::with_organisations(&demo_organisations(ORGANISATIONS)).await;
    let everything = app.get("/api/v1/organisations").await.json();
    assert_eq!(everything["total"], ORGANISATIONS as u64);

    let countries = top_values(&everything, "country", 3);
    let sectors = top_values(&everything, "sector", 2);
    let regions: Vec<String> = top_values(&everything, "nuts", 40)
        .into_iter()
        .filter(|code| code.len() == 4)
        .take(2)
        .collect();
    let divisions = top_values(&everything, "nace", 1);
    let technologies = top_values(&everything, "technology", 2);
    let combinations: Vec<Filters> = vec![
        Vec::new(),
        pairs("country", &countries[..2]),
        [
            pairs("country", &countries),
            pairs("type", &[String::from("sme"), String::from("university")]),
            pairs("staff", &[String::from("10_49"), String::from("50_249")]),
        ]
        .concat(),
        [
            pairs("nuts", &regions),
            pairs("sector", &sectors),
            pairs("escp", &[String::from("false")]),
        ]
        .concat(),
        [
            pairs("nace", &divisions),
            pairs("technology", &technologies),
            pairs("sme", &[String::from("micro"), String::from("small")]),
        ]
        .concat(),
        [
            pairs("country", &countries[..1]),
            vec![(String::from("bbox"), String::from("-10,35,30,60"))],
        ]
        .concat(),
    ];

    for filters in &combinations {
        let answer = app
            .get(&format!("/api/v1/organisations?{}", query_string(filters)))
            .await;
        assert_eq!(answer.status, StatusCode::OK, "{}", answer.text());
        let answer = answer.json();
        let total = answer["total"].as_u64().expect("a total");
        assert!(total > 0, "the combination {filters:?} matches nothing");
        for (group, column) in GROUPS {
            let selected: Vec<String> = filters
                .iter()
                .filter(|(name, _)| name == group)
                .map(|(_, value)| value.clone())
                .collect();
            let others: Filters = filters
                .iter()
                .filter(|(name, _)| name != group)
                .cloned()
                .collect();
            let expected = recount(&app, &others, group, column, &selected).await;
            // Selected values are listed even with no match; the recount has no zeros.
            let counted: BTreeMap<String, u64> = answer["facets"][group]
                .as_object()
                .expect("a facet group")
                .iter()
                .map(|(value, count)| (value.clone(), count.as_u64().expect("a count")))
                .filter(|(_, count)| *count > 0)
                .collect();
            assert_eq!(
                counted, expected,
                "facet group {group} for {filters:?} differs from the recount of its export"
            );
            for value in &selected {
                assert!(
                    answer["facets"][group].get(value).is_some(),
                    "the selected {group}={value} is listed"
                );
            }
        }
    }
}
