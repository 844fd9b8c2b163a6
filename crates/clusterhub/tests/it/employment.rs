//! `clusterhub import employment`: the Eurostat sample TSV, twice, and a bad file.

use crate::{data, run, stdout};

#[test]
fn importing_the_eurostat_sample_twice_writes_nothing_the_second_time() {
    let directory = tempfile::tempdir().expect("temp dir");
    let file = data("eurostat/nama_10r_3empers_sample.tsv");
    let file = file.to_str().expect("UTF-8 path");

    let dry = run(
        directory.path(),
        &["import", "employment", "--dry-run", file],
    );
    assert!(dry.status.success(), "{dry:?}");
    assert!(
        stdout(&dry).contains("nothing was written"),
        "{}",
        stdout(&dry)
    );

    let first = run(directory.path(), &["import", "employment", file]);
    assert!(first.status.success(), "{first:?}");
    let text = stdout(&first);
    // Every EMP row of the sample has 28 years; SAL rows are left out.
    let written: u64 = text
        .lines()
        .find_map(|line| line.strip_suffix(" rows written, 0 unchanged"))
        .unwrap_or_else(|| panic!("{text}"))
        .parse()
        .expect("a count");
    assert!(written > 0 && written.is_multiple_of(28), "{text}");

    let second = run(directory.path(), &["import", "employment", file]);
    assert!(second.status.success(), "{second:?}");
    assert!(
        stdout(&second).contains(&format!("0 rows written, {written} unchanged")),
        "{}",
        stdout(&second)
    );
}

#[test]
fn a_bad_value_is_reported_with_line_and_year_and_nothing_is_written() {
    let directory = tempfile::tempdir().expect("temp dir");
    let file = directory.path().join("bad.tsv");
    std::fs::write(
        &file,
        "freq,unit,wstatus,nace_r2,geo\\TIME_PERIOD\t2019\t2020\n\
         A,THS,EMP,C,AT11\t1.5 \t2 \n\
         A,THS,EMP,C,AT12\t1.5 \tlots \n",
    )
    .expect("write");
    let output = run(
        directory.path(),
        &["import", "employment", file.to_str().expect("UTF-8 path")],
    );
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    let errors = String::from_utf8_lossy(&output.stderr);
    assert!(errors.contains("line 3, column 2020: 'lots'"), "{errors}");
    assert!(errors.contains("nothing was written"), "{errors}");
    assert!(!directory.path().join("clusterhub.db").exists());
}
