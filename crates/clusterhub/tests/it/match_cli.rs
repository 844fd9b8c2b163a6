//! `clusterhub match`: the JSON format end to end, exit codes, and equality with OR-Tools on
//! random problems when Python has `ortools`.

use std::path::Path;
use std::process::Output;

use crate::{clusterhub, stdout};

fn run_match(directory: &Path, problem: &str, output: bool) -> Output {
    let input = directory.join("problem.json");
    std::fs::write(&input, problem).expect("write problem");
    let mut command = clusterhub();
    command.arg("match").arg("--input").arg(&input);
    if output {
        command
            .arg("--output")
            .arg(directory.join("assignment.json"));
    }
    command.output().expect("run clusterhub match")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

const PROBLEM: &str = r#"{
  "agents": [{"id": "v1", "groups": ["sme"]}, {"id": "v2"}, {"id": "v3", "groups": ["sme"]}],
  "targets": [{"id": "h1", "min": 1, "max": 2}, {"id": "h2"}],
  "edges": [
    {"agent": "v1", "target": "h1", "score": 830},
    {"agent": "v1", "target": "h2", "score": 700},
    {"agent": "v2", "target": "h1", "score": 900},
    {"agent": "v2", "target": "h2", "score": 100},
    {"agent": "v3", "target": "h2", "score": 50}
  ],
  "forbidden": [["v2", "h2"]],
  "total": 2,
  "quotas": [{"group": "sme", "min_share": 0.5}]
}"#;

#[test]
fn solves_and_writes_the_pairs() {
    let directory = tempfile::tempdir().expect("temp dir");
    let output = run_match(directory.path(), PROBLEM, true);
    assert!(output.status.success(), "{output:?}");
    let text = stdout(&output);
    // Best two pairs with at least one SME agent: (v2,h1) 900 + (v1,h1) 830, h1 taking two.
    assert_eq!(text.lines().last(), Some("objective: 1730"), "{text}");
    let written: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(directory.path().join("assignment.json")).expect("output"),
    )
    .expect("json");
    assert_eq!(
        written,
        serde_json::json!({"objective": 1730, "pairs": [["v1", "h1"], ["v2", "h1"]]})
    );
}

#[test]
fn forced_pairs_and_quotas_change_the_answer() {
    let directory = tempfile::tempdir().expect("temp dir");
    let forced = PROBLEM.replace(r#""total": 2,"#, r#""total": 2, "forced": [["v3", "h2"]],"#);
    let output = run_match(directory.path(), &forced, false);
    assert!(output.status.success(), "{output:?}");
    assert_eq!(stdout(&output).lines().last(), Some("objective: 950"));
}

#[test]
fn an_infeasible_problem_exits_2_with_the_reason() {
    let directory = tempfile::tempdir().expect("temp dir");
    let output = run_match(
        directory.path(),
        &PROBLEM.replace("\"total\": 2", "\"total\": 4"),
        false,
    );
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    assert!(
        stderr(&output).contains("the total 4 exceeds the maximum possible 3"),
        "{}",
        stderr(&output)
    );
    let both = PROBLEM.replace(r#""total": 2,"#, r#""total": 2, "forced": [["v2", "h2"]],"#);
    let output = run_match(directory.path(), &both, false);
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    assert!(stderr(&output).contains("both forced (forced[0]) and forbidden (forbidden[0])"));
}

#[test]
fn malformed_input_exits_1_with_the_place() {
    let directory = tempfile::tempdir().expect("temp dir");
    for (from, to, place) in [
        (
            r#""agent": "v3""#,
            r#""agent": "v9""#,
            "edges[4].agent: unknown agent \"v9\"",
        ),
        (
            r#""min": 1, "max": 2"#,
            r#""min": 3, "max": 2"#,
            "targets[0]: min 3 is greater than max 2",
        ),
        (
            r#""min": 1, "max": 2"#,
            r#""min": -1, "max": 2"#,
            "targets[0].min: negative load -1",
        ),
        (
            r#""agent": "v3", "target": "h2""#,
            r#""agent": "v1", "target": "h2""#,
            "edges[4]: the pair (\"v1\", \"h2\") is already edges[1]",
        ),
        (r#""score": 830"#, r#""score": "high""#, "line 5 column"),
    ] {
        let output = run_match(directory.path(), &PROBLEM.replace(from, to), false);
        assert_eq!(output.status.code(), Some(1), "{to}: {output:?}");
        assert!(
            stderr(&output).contains(place),
            "{place}: {}",
            stderr(&output)
        );
    }
}

/// Runs `scripts/ortools_match.py --check`, which builds random problems with minimum loads,
/// forced and forbidden pairs, totals and quotas for OR-Tools' min-cost flow and for this
/// binary and compares the objectives. Skipped (with a note) when Python lacks `ortools`, unless
/// `CLUSTERHUB_REQUIRE_ORTOOLS` is set (CI sets it), when a missing `ortools` fails the test.
#[test]
fn objectives_equal_ortools_on_random_problems() {
    let importable = std::process::Command::new("python3")
        .args(["-c", "import ortools.graph.python.min_cost_flow"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !importable {
        assert!(
            std::env::var_os("CLUSTERHUB_REQUIRE_ORTOOLS").is_none(),
            "CLUSTERHUB_REQUIRE_ORTOOLS is set but python3 cannot import ortools (pip install ortools)"
        );
        eprintln!("skipped: python3 with ortools is not installed (pip install ortools)");
        return;
    }
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/ortools_match.py");
    let output = std::process::Command::new("python3")
        .arg(script)
        .args([
            "--check",
            "400",
            "--clusterhub",
            env!("CARGO_BIN_EXE_clusterhub"),
        ])
        .output()
        .expect("run the OR-Tools script");
    assert!(
        output.status.success(),
        "{}{}",
        stdout(&output),
        stderr(&output)
    );
    assert!(stdout(&output).contains("400 problems agree with OR-Tools"));
}
