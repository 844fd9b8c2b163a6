//! The benchmarks run end to end on small sizes: they finish, measure what they were asked to
//! (both databases for the import) and print their figures beside their references.

use std::process::Command;

use crate::{clusterhub, postgres_url, stdout};

#[test]
fn bench_import_measures_sqlite_and_postgresql_beside_their_references() {
    let data_dir = tempfile::tempdir().unwrap();
    let mut command = clusterhub();
    command
        .arg("bench")
        .arg("import")
        .arg("--data-dir")
        .arg(data_dir.path())
        .args(["--orgs", "1500"]);
    let postgres = postgres_url();
    match &postgres {
        Some(url) => {
            command.args([
                "--backend",
                "sqlite",
                "--backend",
                "postgres",
                "--postgres-url",
                url,
            ]);
        }
        None => {
            assert!(
                std::env::var_os("CLUSTERHUB_REQUIRE_POSTGRES").is_none(),
                "CLUSTERHUB_REQUIRE_POSTGRES is set but CLUSTERHUB_TEST_POSTGRES is not"
            );
            command.args(["--backend", "sqlite"]);
        }
    }
    let text = succeeds_printing(
        &mut command,
        &[
            "SQLite: CSV → validated → committed",
            "plain multi-row INSERT",
            "SQLite alone, the same bytes in 3 columns",
            "target: SQLite ≥ 300000 rows/s",
        ],
    );
    if postgres.is_some() {
        assert!(
            text.contains("PostgreSQL: CSV → validated → committed"),
            "{text}"
        );
        assert!(text.contains("COPY of the same rows"), "{text}");
    }
    assert!(!text.contains("not measured"), "{text}");
}

#[test]
fn bench_start_times_a_cold_and_a_second_start_of_serve() {
    succeeds_printing(
        clusterhub().args(["bench", "start", "--runs", "1"]),
        &[
            "reference: this binary started and finished",
            "cold start (empty data directory",
            "second start (the data reused)",
            "observatory map answered",
        ],
    );
}

#[test]
fn bench_http_loads_every_target_in_a_scratch_directory() {
    let cwd = tempfile::tempdir().unwrap();
    succeeds_printing(
        clusterhub().current_dir(cwd.path()).args([
            "bench",
            "http",
            "--orgs",
            "60",
            "--seconds",
            "1",
            "--connections",
            "4",
        ]),
        &[
            "reference: axum + one SQLite query",
            "page /organisations (8 searches)",
            "JSON /api/v1/organisations (8 searches)",
            "directory page /organisations (8 searches): ",
        ],
    );
    // Nothing is left behind: the global `--data-dir` default is not the bench's directory.
    let left: Vec<_> = std::fs::read_dir(cwd.path()).unwrap().collect();
    assert!(left.is_empty(), "{left:?}");
}

#[test]
fn bench_search_builds_our_index_beside_the_text_only_reference_searches_and_changes_it() {
    succeeds_printing(
        clusterhub().args([
            "bench",
            "search",
            "--orgs",
            "3000",
            "--reference-orgs",
            "0",
            "--queries",
            "30",
            "--upserts",
            "500",
        ]),
        &[
            "index build: 3000 profiles",
            "upserts: 500 changed profiles applied and committed in ",
            "reference: tantivy indexing only the texts of the same profiles",
            "opening the index (facet tables read from the profile columns",
            "clusterhub-search (tantivy)",
            "target: build ≥ 200000 profiles/s: ",
            "target: p50 ≤ 1 ms: ",
        ],
    );
}

/// Runs `command`, checks that it succeeds and prints every one of `lines`; gives its output.
fn succeeds_printing(command: &mut Command, lines: &[&str]) -> String {
    let output = command.output().expect("run clusterhub bench");
    let text = stdout(&output);
    assert!(
        output.status.success(),
        "{text}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    for line in lines {
        assert!(text.contains(line), "{line:?} missing from:\n{text}");
    }
    text
}
