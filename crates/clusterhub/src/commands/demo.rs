//! `clusterhub demo`: generate a deterministic, realistic data set and load it (or write it as CSV).

use std::io::Write;
use std::process::ExitCode;

use anyhow::Context;
use clusterhub_demo::{CSV_HEADER, DemoConfig};

use crate::cli::DemoArgs;
use crate::config::DatabaseConfig;
use crate::pipeline;

pub async fn run(database: &DatabaseConfig, args: DemoArgs) -> anyhow::Result<ExitCode> {
    if let Some(path) = &args.csv {
        let rows = write_csv(
            path,
            &DemoConfig {
                organisations: args.orgs,
                seed: args.seed,
            },
        )?;
        println!("{rows} demo organisation(s) written to {}", path.display());
        return Ok(ExitCode::SUCCESS);
    }
    let storage = database.open().await?;
    let report = pipeline::load_demo(&storage, args.orgs, args.seed).await?;
    storage.close().await;
    let summary = report.summary;
    println!(
        "{} demo organisation(s) (seed {}) in {:.2} s: {} new, {} updated, {} unchanged, {} membership(s)",
        report.rows,
        args.seed,
        report.elapsed.as_secs_f64(),
        summary.inserted,
        summary.updated,
        summary.unchanged,
        summary.memberships_added
    );
    Ok(ExitCode::SUCCESS)
}

/// Writes the demo rows as a CSV file in the import layout; returns how many rows.
pub fn write_csv(path: &std::path::Path, config: &DemoConfig) -> anyhow::Result<u64> {
    let file =
        std::fs::File::create(path).with_context(|| format!("creating {}", path.display()))?;
    let mut writer = csv::Writer::from_writer(std::io::BufWriter::with_capacity(1 << 20, file));
    writer.write_record(CSV_HEADER)?;
    let mut rows = 0;
    for row in clusterhub_demo::generate(config) {
        writer.write_record(row.fields())?;
        rows += 1;
    }
    writer.flush()?;
    writer
        .into_inner()
        .map_err(|error| anyhow::anyhow!("{error}"))?
        .flush()?;
    Ok(rows)
}
