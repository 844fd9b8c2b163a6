//! `clusterhub bench ...`: performance figures printed beside a reference measured in the same
//! run on the same data, as a ratio. Never a pass/fail: machines are shared and noisy.

use std::path::Path;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::Context;
use clusterhub_demo::DemoConfig;
use clusterhub_import::{CsvRows, OrganisationColumns};
use clusterhub_storage::{OrganisationImport, PreparedOrganisation, Storage};
use sqlx::Connection;

use crate::cli::{BenchBackend, BenchCommand, BenchImportArgs};
use crate::commands::demo::write_csv;
use crate::pipeline::{self, RowSource};

pub async fn run(command: BenchCommand) -> anyhow::Result<ExitCode> {
    match command {
        BenchCommand::Import(args) => import(args).await,
        BenchCommand::Search(args) => crate::commands::bench_search::run(args).await,
        BenchCommand::Http(args) => crate::commands::bench_http::run(args).await,
        BenchCommand::Start(args) => crate::commands::bench_start::run(args).await,
        BenchCommand::Observatory(args) => crate::commands::bench_observatory::run(args).await,
        BenchCommand::Match(args) => crate::commands::bench_match::run(args),
        BenchCommand::MatchSolve(args) => crate::commands::bench_match::solve_child(args),
    }
}

/// One measured figure beside its reference.
struct Figure {
    what: String,
    ours: f64,
    reference_name: String,
    reference: f64,
    unit: &'static str,
}

impl Figure {
    fn print(&self) {
        println!(
            "{:<44} {:>12.0} {}   reference ({}) {:>12.0} {}   ratio {:.2}",
            self.what,
            self.ours,
            self.unit,
            self.reference_name,
            self.reference,
            self.unit,
            self.ours / self.reference
        );
    }
}

fn rate(rows: u64, elapsed: Duration) -> f64 {
    rows as f64 / elapsed.as_secs_f64().max(1e-9)
}

/// Peak resident memory of this process, from `/proc/self/status` (`VmHWM`), in MiB.
pub fn peak_resident_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|line| line.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

async fn import(args: BenchImportArgs) -> anyhow::Result<ExitCode> {
    let directory = tempfile::tempdir().context("creating a scratch directory")?;
    let csv_path = directory.path().join("organisations.csv");
    let config = DemoConfig {
        organisations: args.orgs,
        seed: 42,
    };

    println!(
        "bench import: {} generated organisations (demo seed 42)",
        args.orgs
    );
    let started = Instant::now();
    let rows = write_csv(&csv_path, &config)?;
    let generation = started.elapsed();
    let size_mib = std::fs::metadata(&csv_path)?.len() as f64 / (1024.0 * 1024.0);
    println!(
        "generated {rows} rows as CSV ({size_mib:.0} MiB) in {:.2} s ({:.0} rows/s)",
        generation.as_secs_f64(),
        rate(rows, generation)
    );

    let mut figures = Vec::new();
    // Where the time goes before any database work: reading the table, then checking every row
    // (on every core, as the import does), with nothing written.
    {
        let started = Instant::now();
        let mut read = 0u64;
        for row in CsvRows::new(std::fs::File::open(&csv_path)?)? {
            row.map_err(|error| anyhow::anyhow!("{error}"))?;
            read += 1;
        }
        let reading = started.elapsed();
        anyhow::ensure!(read == rows, "read {read} rows of {rows}");
        let storage = Storage::open_sqlite(&directory.path().join("dry-run.db")).await?;
        storage.migrate().await?;
        let report = pipeline::load(&storage, RowSource::File(csv_path.clone()), true).await?;
        anyhow::ensure!(report.errors.is_empty(), "the dry run refused rows");
        storage.close().await;
        figures.push(Figure {
            what: format!(
                "CSV → validated, nothing written ({} threads)",
                pipeline::validation_threads()
            ),
            ours: rate(rows, report.elapsed),
            reference_name: String::from("reading the CSV only, one thread"),
            reference: rate(rows, reading),
            unit: "rows/s",
        });
        figures.last().map(Figure::print);
    }
    if args.backend.contains(&BenchBackend::Sqlite) {
        let ours_path = directory.path().join("ours.db");
        let ours = {
            let storage = Storage::open_sqlite(&ours_path).await?;
            storage.migrate().await?;
            let report = pipeline::load(&storage, RowSource::File(csv_path.clone()), false).await?;
            anyhow::ensure!(
                report.committed && report.errors.is_empty(),
                "the import refused rows"
            );
            storage.close().await;
            report.elapsed
        };
        let reference = {
            let storage = Storage::open_sqlite(&directory.path().join("reference.db")).await?;
            storage.migrate().await?;
            let elapsed = plain_insert(&storage, &csv_path).await?;
            storage.close().await;
            elapsed
        };
        figures.push(Figure {
            what: String::from("SQLite: CSV → validated → committed"),
            ours: rate(rows, ours),
            reference_name: String::from("plain multi-row INSERT, no validation"),
            reference: rate(rows, reference),
            unit: "rows/s",
        });
        figures.last().map(Figure::print);
        // The engine's own ceiling: the rows we stored copied by SQLite itself into an empty
        // database of the same schema, with nothing bound, parsed or checked.
        let ceiling = {
            let storage = Storage::open_sqlite(&directory.path().join("ceiling.db")).await?;
            storage.migrate().await?;
            let started = Instant::now();
            storage.copy_organisations_reference(&ours_path).await?;
            let elapsed = started.elapsed();
            anyhow::ensure!(
                storage.organisation_count().await? == rows as i64,
                "the copy reference did not copy every row"
            );
            storage.close().await;
            elapsed
        };
        figures.push(Figure {
            what: String::from("SQLite: CSV → validated → committed"),
            ours: rate(rows, ours),
            reference_name: String::from("SQLite alone: INSERT … SELECT of the same rows"),
            reference: rate(rows, ceiling),
            unit: "rows/s",
        });
        figures.last().map(Figure::print);
        // The floor of any row layout: the same bytes in the smallest table an organisation
        // could have (integer key, unique external key, one text of every other column).
        let compact = {
            let storage = Storage::open_sqlite(&directory.path().join("compact.db")).await?;
            let copy = storage.compact_copy_reference(&ours_path).await?;
            storage.close().await;
            anyhow::ensure!(
                copy.rows == rows as i64,
                "the compact reference copied {} rows of {rows}",
                copy.rows
            );
            copy
        };
        figures.push(Figure {
            what: String::from("SQLite: CSV → validated → committed"),
            ours: rate(rows, ours),
            reference_name: format!(
                "SQLite alone, the same bytes in 3 columns (id, key, a {:.0}-byte text)",
                compact.document_bytes
            ),
            reference: rate(rows, compact.elapsed),
            unit: "rows/s",
        });
        figures.last().map(Figure::print);
        println!(
            "the compact floor against the target: {:.0} rows/s ({:.2} × 300000)",
            rate(rows, compact.elapsed),
            rate(rows, compact.elapsed) / 300_000.0
        );
    }
    // A backend that was asked for but could not be measured fails the run (after printing
    // everything else); `--backend sqlite` leaves PostgreSQL out.
    let mut not_measured = false;
    if args.backend.contains(&BenchBackend::Postgres) {
        match postgres_figure(&args.postgres_url, &csv_path, rows).await {
            Ok(figure) => {
                figure.print();
                figures.push(figure);
            }
            Err(error) => {
                println!("PostgreSQL: not measured: {error:#}");
                not_measured = true;
            }
        }
    }
    println!();
    println!("summary ({} organisations)", rows);
    for figure in &figures {
        figure.print();
    }
    if let Some(sqlite) = figures
        .iter()
        .find(|figure| figure.what.starts_with("SQLite"))
    {
        println!(
            "target: SQLite ≥ 300000 rows/s with validation; measured {:.0} rows/s ({:.2} × target)",
            sqlite.ours,
            sqlite.ours / 300_000.0
        );
    }
    if let Some(peak) = peak_resident_mib() {
        println!("peak resident memory of the benchmark process: {peak:.0} MiB");
    }
    if not_measured {
        return Ok(ExitCode::FAILURE);
    }
    Ok(ExitCode::SUCCESS)
}

/// Reads the CSV into storage rows in batches; `sink` gets each batch. Parsing is not what the
/// references measure, so callers time only their own work inside `sink`.
async fn for_each_batch<F>(csv_path: &Path, mut sink: F) -> anyhow::Result<()>
where
    F: AsyncFnMut(Vec<PreparedOrganisation>) -> anyhow::Result<()>,
{
    let file = std::fs::File::open(csv_path)?;
    let rows = CsvRows::new(file)?;
    let columns = OrganisationColumns::from_header(rows.header())?;
    let today = time::OffsetDateTime::now_utc().date();
    let mut batch = Vec::with_capacity(5_000);
    for row in rows {
        let row = row.map_err(|error| anyhow::anyhow!("{error}"))?;
        let parsed = columns
            .parse(&row, today)
            .map_err(|errors| anyhow::anyhow!("line {}: {:?}", row.line, errors))?;
        batch.push(OrganisationImport::from_domain(&parsed.organisation).prepare());
        if batch.len() == 5_000 {
            sink(std::mem::take(&mut batch)).await?;
        }
    }
    if !batch.is_empty() {
        sink(batch).await?;
    }
    Ok(())
}

/// The SQLite reference: the same rows as plain multi-row INSERTs in one transaction, with no
/// validation, no lookups of existing keys and no content hashes. Only the database work is timed.
async fn plain_insert(storage: &Storage, csv_path: &Path) -> anyhow::Result<Duration> {
    let mut elapsed = Duration::ZERO;
    let mut transaction = storage.begin_plain_insert().await?;
    let mut next_id = 1;
    for_each_batch(csv_path, async |batch: Vec<PreparedOrganisation>| {
        let started = Instant::now();
        transaction.insert(&batch, next_id).await?;
        next_id += batch.len() as i64;
        elapsed += started.elapsed();
        Ok(())
    })
    .await?;
    let started = Instant::now();
    transaction.commit().await?;
    Ok(elapsed + started.elapsed())
}

async fn postgres_figure(url: &str, csv_path: &Path, rows: u64) -> anyhow::Result<Figure> {
    let schema = format!("bench_import_{}", std::process::id());
    let admin = Storage::open(url).await?;
    admin
        .execute_unprepared(&format!(
            "DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema}"
        ))
        .await?;
    let separator = if url.contains('?') { '&' } else { '?' };
    let schema_url = format!("{url}{separator}options=-csearch_path%3D{schema}");
    let result = async {
        let ours = {
            let storage = Storage::open(&schema_url).await?;
            storage.migrate().await?;
            let report =
                pipeline::load(&storage, RowSource::File(csv_path.to_owned()), false).await?;
            anyhow::ensure!(
                report.committed && report.errors.is_empty(),
                "the import refused rows"
            );
            storage
                // CASCADE: the scratch schema's other tables (people, interests, ...) refer to
                // organisations too; they are empty, but PostgreSQL refuses a plain TRUNCATE.
                .execute_unprepared(
                    "TRUNCATE memberships, participations, projects, organisations CASCADE",
                )
                .await?;
            storage.close().await;
            report.elapsed
        };
        let reference = copy_reference(&schema_url, csv_path).await?;
        Ok::<_, anyhow::Error>(Figure {
            what: String::from("PostgreSQL: CSV → validated → committed"),
            ours: rate(rows, ours),
            reference_name: String::from("COPY of the same rows, no validation"),
            reference: rate(rows, reference),
            unit: "rows/s",
        })
    }
    .await;
    admin
        .execute_unprepared(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE"))
        .await?;
    admin.close().await;
    result
}

/// The PostgreSQL reference: `COPY organisations FROM STDIN` of the same rows in one transaction.
/// Only the database work is timed.
async fn copy_reference(schema_url: &str, csv_path: &Path) -> anyhow::Result<Duration> {
    let mut connection = sqlx::PgConnection::connect(schema_url).await?;
    let mut elapsed = Duration::ZERO;
    let mut transaction = connection.begin().await?;
    let mut next_id = 1i64;
    let now = "2026-01-01T00:00:00Z";
    let columns = OrganisationImport::column_names().join(", ");
    for_each_batch(csv_path, async |batch: Vec<PreparedOrganisation>| {
        let mut text = String::with_capacity(batch.len() * 700);
        for profile in &batch {
            profile.profile.write_copy_text(next_id, now, &mut text);
            next_id += 1;
        }
        let started = Instant::now();
        let mut copy = transaction
            .copy_in_raw(&format!(
                "COPY organisations (id, revision, created_at, updated_at, {columns}) FROM STDIN"
            ))
            .await?;
        copy.send(text.as_bytes()).await?;
        copy.finish().await?;
        elapsed += started.elapsed();
        Ok(())
    })
    .await?;
    let started = Instant::now();
    transaction.commit().await?;
    Ok(elapsed + started.elapsed())
}
