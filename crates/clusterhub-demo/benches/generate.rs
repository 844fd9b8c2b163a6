//! Measures generation speed: `cargo bench -p clusterhub-demo -- [ROWS] [--no-csv]` generates
//! ROWS rows (1,000,000 by default) with `next_into`, as an importer would: with the default
//! helper threads, then on the caller's thread alone, then (unless `--no-csv`) written as CSV
//! into memory; it prints rows per second for each.

use std::time::Instant;

use clusterhub_demo::{DemoConfig, DemoRow, DemoRows, generate, write_csv_record};

fn main() {
    let arguments: Vec<String> = std::env::args().skip(1).collect();
    let organisations = arguments
        .iter()
        .find_map(|argument| argument.replace('_', "").parse::<usize>().ok())
        .unwrap_or(1_000_000);
    let with_csv = !arguments.iter().any(|argument| argument == "--no-csv");
    let config = DemoConfig {
        organisations,
        seed: 42,
    };

    // The first run also builds the shared view of the reference data; it is timed apart.
    let started = Instant::now();
    let mut rows = generate(&config);
    let planned = started.elapsed();
    let mut row = DemoRow::new();
    let mut bytes = 0_usize;
    while rows.next_into(&mut row) {
        bytes += row.fields().map(str::len).sum::<usize>();
    }
    report("generate", organisations, started.elapsed().as_secs_f64());
    println!(
        "  (of which reference data and cluster plan {:.3} s; {:.0} MB of cell text)",
        planned.as_secs_f64(),
        bytes as f64 / 1e6
    );

    for helpers in [0, 1] {
        let started = Instant::now();
        let mut rows = DemoRows::with_helper_threads(&config, helpers);
        let mut cell_bytes = 0_usize;
        while rows.next_into(&mut row) {
            cell_bytes += row.fields().map(str::len).sum::<usize>();
        }
        let what = format!("generate with {helpers} helper thread(s)");
        report(&what, organisations, started.elapsed().as_secs_f64());
        assert_eq!(cell_bytes, bytes, "the same rows whatever the threads");
    }
    if !with_csv {
        return;
    }

    let started = Instant::now();
    let mut csv = String::with_capacity(64 << 20);
    let mut csv_bytes = 0_usize;
    let mut rows = generate(&config);
    while rows.next_into(&mut row) {
        write_csv_record(&mut csv, row.fields()).expect("writing to a String cannot fail");
        if csv.len() > 60 << 20 {
            csv_bytes += csv.len();
            csv.clear();
        }
    }
    csv_bytes += csv.len();
    report(
        "generate + CSV",
        organisations,
        started.elapsed().as_secs_f64(),
    );
    println!("  ({:.0} MB of CSV)", csv_bytes as f64 / 1e6);
}

fn report(what: &str, rows: usize, seconds: f64) {
    println!(
        "{what}: {rows} rows in {seconds:.3} s = {:.0} rows/s",
        rows as f64 / seconds.max(1e-9)
    );
}
