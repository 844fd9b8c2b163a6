//! `clusterhub import`: dry runs report every bad row, real runs are all-or-nothing and
//! idempotent, a kill leaves the database as it was.

use std::time::{Duration, Instant};

use crate::{data, fixture, organisation_count, run, stdout};

#[test]
fn dry_run_reports_every_bad_row_and_writes_nothing() {
    let directory = tempfile::tempdir().expect("temp dir");
    let output = run(
        directory.path(),
        &[
            "import",
            "organisations",
            fixture("bad.csv").to_str().expect("path"),
            "--dry-run",
        ],
    );
    let text = stdout(&output);
    assert_eq!(output.status.code(), Some(1), "{text}");
    for expected in [
        "line 3, column nuts: 'FRZ99'",
        "line 4, column vat: 'DE12345'",
        "line 5, column name: ''",
        "line 6, column name:",
    ] {
        assert!(
            text.contains(expected),
            "{expected:?} missing from:\n{text}"
        );
    }
    assert!(text.contains("UTF-8"), "{text}");
    assert!(
        !text.contains("line 2,") && !text.contains("line 7,"),
        "valid rows reported:\n{text}"
    );
    assert!(text.contains("nothing was written"), "{text}");
    assert_eq!(organisation_count(directory.path()), 0);

    // A real run of the same file is refused as a whole.
    let output = run(
        directory.path(),
        &[
            "import",
            "organisations",
            fixture("bad.csv").to_str().expect("path"),
        ],
    );
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(organisation_count(directory.path()), 0);
}

#[test]
fn importing_twice_changes_nothing_the_second_time() {
    let directory = tempfile::tempdir().expect("temp dir");
    let csv = directory.path().join("demo.csv");
    let output = run(
        directory.path(),
        &[
            "demo",
            "--orgs",
            "300",
            "--seed",
            "7",
            "--csv",
            csv.to_str().expect("path"),
        ],
    );
    assert!(output.status.success(), "{output:?}");

    let first = run(
        directory.path(),
        &["import", "organisations", csv.to_str().expect("path")],
    );
    assert!(first.status.success(), "{}", stdout(&first));
    assert!(stdout(&first).contains("300 new"), "{}", stdout(&first));
    let database = directory.path().join("clusterhub.db");
    let second = run(
        directory.path(),
        &["import", "organisations", csv.to_str().expect("path")],
    );
    assert!(second.status.success(), "{}", stdout(&second));
    assert!(
        stdout(&second).contains("0 new, 0 updated, 300 unchanged, 0 membership(s) added"),
        "{}",
        stdout(&second)
    );
    assert_eq!(organisation_count(directory.path()), 300);
    assert!(database.is_file());
}

#[test]
fn a_kill_during_an_import_leaves_the_database_as_it_was() {
    let directory = tempfile::tempdir().expect("temp dir");
    let data_dir = directory.path();
    // A first, committed import.
    let output = run(data_dir, &["demo", "--orgs", "200", "--seed", "1"]);
    assert!(output.status.success(), "{output:?}");
    assert_eq!(organisation_count(data_dir), 200);

    // A large second import, killed while it writes.
    let csv = data_dir.join("big.csv");
    let output = run(
        data_dir,
        &[
            "demo",
            "--orgs",
            "60000",
            "--seed",
            "2",
            "--csv",
            csv.to_str().expect("path"),
        ],
    );
    assert!(output.status.success(), "{output:?}");
    let mut child = crate::clusterhub()
        .arg("--data-dir")
        .arg(data_dir)
        .args(["import", "organisations", csv.to_str().expect("path")])
        .spawn()
        .expect("start import");
    let wal = data_dir.join("clusterhub.db-wal");
    let started = Instant::now();
    loop {
        let written = std::fs::metadata(&wal)
            .map(|metadata| metadata.len())
            .unwrap_or(0);
        if written > 4 * 1024 * 1024 {
            break;
        }
        assert!(
            child.try_wait().expect("poll").is_none(),
            "the import ended before it could be killed"
        );
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "the import wrote nothing for two minutes"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(
        child.try_wait().expect("poll").is_none(),
        "the import ended before it could be killed"
    );
    child.kill().expect("SIGKILL");
    child.wait().expect("reap");

    assert_eq!(
        organisation_count(data_dir),
        200,
        "a killed import must leave no row behind"
    );
    // The database still works and the same import then goes through.
    let output = run(
        data_dir,
        &["import", "organisations", csv.to_str().expect("path")],
    );
    assert!(output.status.success(), "{}", stdout(&output));
    assert_eq!(organisation_count(data_dir), 60_200);
}

#[test]
fn cordis_xml_fixtures_import_idempotently() {
    let directory = tempfile::tempdir().expect("temp dir");
    let folder = data("fixtures/cordis-xml");
    let first = run(
        directory.path(),
        &["import", "cordis", folder.to_str().expect("path")],
    );
    let text = stdout(&first);
    assert!(first.status.success(), "{text}");
    assert!(text.contains("36 project(s): 36 new"), "{text}");
    let second = run(
        directory.path(),
        &["import", "cordis", folder.to_str().expect("path")],
    );
    let text = stdout(&second);
    assert!(
        text.contains(
            "0 new, 0 updated, 36 unchanged; 0 organisation(s) added; 0 participation(s) written"
        ),
        "{text}"
    );
}

#[test]
fn cordis_csv_translates_old_nuts_codes() {
    let directory = tempfile::tempdir().expect("temp dir");
    let csv = directory.path().join("organization.csv");
    std::fs::write(
        &csv,
        "projectID;projectAcronym;organisationID;vatNumber;name;shortName;SME;activityType;street;postCode;city;country;nutsCode;geolocation;organizationURL;contactForm;contentUpdateDate;rcn;order;role;ecContribution\n\
         777001;VALCHAIN;999888777;;Cluster One;C1;false;OTH;;;Sofia;BG;BG411;;;;;1;1;coordinator;120000.5\n\
         777001;VALCHAIN;999888776;;Robo SME;RS;true;PRC;;;Athens;EL;EL303;;;;;2;2;participant;60000\n",
    )
    .expect("write");
    let output = run(
        directory.path(),
        &["import", "cordis", csv.to_str().expect("path")],
    );
    let text = stdout(&output);
    assert!(output.status.success(), "{text}");
    assert!(text.contains("1 project(s): 1 new"), "{text}");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let storage =
            clusterhub_storage::Storage::open_sqlite(&directory.path().join("clusterhub.db"))
                .await
                .expect("open");
        let sme = storage
            .organisation_by_key("pic:999888776")
            .await
            .expect("read")
            .expect("exists");
        assert_eq!(sme.profile.country, "GR");
        assert_eq!(sme.profile.kind, "sme");
        let cluster = storage
            .organisation_by_key("pic:999888777")
            .await
            .expect("read")
            .expect("exists");
        assert_eq!(cluster.profile.nuts.as_deref(), Some("BG411"));
        let participations = storage
            .participations(cluster.id)
            .await
            .expect("participations");
        assert_eq!(participations[0].ec_contribution_cents, Some(12_000_050));
        storage.close().await;
    });
}
