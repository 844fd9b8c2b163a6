//! `clusterhub import employment FILE`: regional employment by sector (Eurostat
//! `nama_10r_3empers`, raw TSV or the Data Commons CSV) into the employment table, on NUTS 2021
//! regions; and the shipped table, embedded in the binary, as an observatory table.

use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;
use clusterhub_import::{
    EmploymentError, EmploymentOnNuts2021, TOTAL_SECTOR, parse_employment, translate_to_nuts_2021,
};
use clusterhub_observatory::{Classification, EmploymentTable, TableBuilder};
use clusterhub_reference::Reference;
use clusterhub_storage::{EmploymentImportSummary, EmploymentRow, Storage};

use crate::cli::ImportEmploymentArgs;
use crate::config::DatabaseConfig;

/// The classification name stored with NACE A*10 rows.
pub const NACE_A10: &str = "nace_a10";

/// The Eurostat table shipped in `data/eurostat/` (NUTS 0–3, 1995–2018), embedded so that a
/// fresh machine has real data without reading anything outside the binary.
pub const SHIPPED_EMPLOYMENT_CSV: &str =
    include_str!("../../../../data/eurostat/employment_by_nace_a10_nuts.csv");

/// The name the shipped table's rows carry as their source.
pub const SHIPPED_EMPLOYMENT_FILE: &str = "employment_by_nace_a10_nuts.csv";

/// Loads the shipped table ([`SHIPPED_EMPLOYMENT_CSV`]) into the database, as
/// `clusterhub import employment data/eurostat/employment_by_nace_a10_nuts.csv` would: parsed
/// and translated to NUTS 2021 on a blocking thread, written in one transaction.
pub async fn load_shipped(storage: &Storage) -> anyhow::Result<EmploymentImportSummary> {
    let rows = tokio::task::spawn_blocking(|| {
        read_employment(SHIPPED_EMPLOYMENT_CSV.as_bytes())
            .map(|values| storage_rows(&values, Path::new(SHIPPED_EMPLOYMENT_FILE)))
    })
    .await
    .context("reading the shipped employment table")?
    .map_err(anyhow::Error::msg)
    .context("the shipped employment table")?;
    Ok(storage.import_employment(&rows).await?)
}

/// Reads an employment file into NUTS 2021 values, refusing sectors outside NACE A*10.
pub fn read_employment(bytes: &[u8]) -> Result<EmploymentOnNuts2021, String> {
    let file = parse_employment(bytes).map_err(|error| match error {
        EmploymentError::File(error) => error.to_string(),
        EmploymentError::Rows(errors) => {
            let mut text = format!("{} bad value(s):", errors.len());
            for error in errors.iter().take(50) {
                text.push_str(&format!("\n  {error}"));
            }
            if errors.len() > 50 {
                text.push_str(&format!("\n  … and {} more", errors.len() - 50));
            }
            text
        }
    })?;
    let classification = Classification::nace_a10();
    let mut unknown: Vec<&str> = file
        .observations
        .iter()
        .map(|observation| observation.sector.as_str())
        .filter(|sector| *sector != TOTAL_SECTOR && classification.position(sector).is_none())
        .collect();
    unknown.sort_unstable();
    unknown.dedup();
    if !unknown.is_empty() {
        return Err(format!(
            "sectors outside NACE A*10 ({}): {}",
            classification
                .sectors()
                .iter()
                .map(|sector| sector.code.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            unknown.join(", ")
        ));
    }
    Ok(translate_to_nuts_2021(&file.observations, Reference::get()))
}

/// The observatory's table of NACE A*10 values.
pub fn employment_table(values: &EmploymentOnNuts2021) -> anyhow::Result<EmploymentTable> {
    let mut builder = TableBuilder::new(Classification::nace_a10());
    for value in &values.values {
        let sector = (value.sector != TOTAL_SECTOR).then_some(value.sector.as_str());
        builder
            .set(&value.nuts, sector, value.year, value.persons)
            .with_context(|| format!("{} {} {}", value.nuts, value.sector, value.year))?;
    }
    Ok(builder.build())
}

fn print_translation(values: &EmploymentOnNuts2021) {
    println!(
        "{} values on NUTS 2021 regions ({} codes relabelled)",
        values.values.len(),
        values.relabelled.len()
    );
    for dropped in &values.dropped {
        println!(
            "  left out {} ({} values): {}",
            dropped.code, dropped.values, dropped.reason
        );
    }
}

pub async fn run(
    database: &DatabaseConfig,
    args: ImportEmploymentArgs,
) -> anyhow::Result<ExitCode> {
    let bytes = std::fs::read(&args.file)
        .with_context(|| format!("cannot read {}", args.file.display()))?;
    let values = match read_employment(&bytes) {
        Ok(values) => values,
        Err(problem) => {
            eprintln!("{}: {problem}", args.file.display());
            eprintln!("nothing was written");
            return Ok(ExitCode::FAILURE);
        }
    };
    print_translation(&values);
    if args.dry_run {
        println!("dry run: nothing was written");
        return Ok(ExitCode::SUCCESS);
    }
    let storage = database.open().await?;
    let summary = storage
        .import_employment(&storage_rows(&values, &args.file))
        .await?;
    storage.close().await;
    println!(
        "{} rows written, {} unchanged",
        summary.written, summary.unchanged
    );
    Ok(ExitCode::SUCCESS)
}

/// The values as storage rows, with the file's name as their source.
pub fn storage_rows(values: &EmploymentOnNuts2021, file: &Path) -> Vec<EmploymentRow> {
    let source = file.file_name().map_or_else(
        || file.display().to_string(),
        |name| name.to_string_lossy().into_owned(),
    );
    values
        .values
        .iter()
        .map(|value| EmploymentRow {
            classification: String::from(NACE_A10),
            region: value.nuts.clone(),
            sector: value.sector.clone(),
            year: i64::from(value.year),
            persons: value.persons.map(|persons| persons as i64),
            flags: value.flags.clone(),
            code_in_file: value.code_in_file.clone(),
            source: source.clone(),
        })
        .collect()
}
