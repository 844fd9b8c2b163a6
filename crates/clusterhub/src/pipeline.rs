//! The organisation import pipeline: a reader thread parses and validates rows while the async
//! side writes them into one storage transaction, so the two cores each do half the work.
//!
//! Every source — a CSV file, an XLSX workbook, the demo generator — becomes rows of text in the
//! layout of `docs/import-format.md` and goes through the same validation. A real run writes
//! nothing unless every row is valid; a dry run only reports.

use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use clusterhub_demo::DemoConfig;
use clusterhub_import::{
    CsvRows, FileFormat, OrganisationColumns, RawRow, RowError, read_xlsx, sniff_format,
};
use clusterhub_storage::{ImportSummary, OrganisationImport, PreparedOrganisation, Storage};
use tokio::sync::mpsc;

/// Rows per message from the reader thread to the writer.
const BATCH_ROWS: usize = 2_000;

/// Where rows come from.
#[derive(Debug, Clone)]
pub enum RowSource {
    File(PathBuf),
    Demo(DemoConfig),
}

/// What an import did or would do.
#[derive(Debug, Default)]
pub struct LoadReport {
    /// Rows read (valid or not).
    pub rows: u64,
    /// What was written; all zero when nothing was committed.
    pub summary: ImportSummary,
    /// Every problem found, in file order.
    pub errors: Vec<RowError>,
    /// A problem with the file as a whole (unreadable, wrong format, bad header).
    pub fatal: Option<String>,
    pub committed: bool,
    pub elapsed: Duration,
}

enum Message {
    Batch(Vec<PreparedOrganisation>),
    Errors(Vec<RowError>),
    Fatal(String),
    /// The end: rows read, and `member_of` references to clusters not in the file, with the
    /// line that names them, to be checked against the database.
    Done {
        rows: u64,
        outside_references: Vec<(u64, String)>,
    },
}

/// Loads `source` into `storage`; with `dry_run`, checks everything and writes nothing.
pub async fn load(
    storage: &Storage,
    source: RowSource,
    dry_run: bool,
) -> anyhow::Result<LoadReport> {
    let started = Instant::now();
    let (sender, mut receiver) = mpsc::channel::<Message>(4);
    let reader = std::thread::Builder::new()
        .name(String::from("import-reader"))
        .spawn(move || read_rows(source, &sender))
        .context("starting the import reader thread")?;

    let mut report = LoadReport::default();
    let mut import = if dry_run {
        None
    } else {
        Some(storage.begin_organisation_import().await?)
    };
    let mut outside_references = Vec::new();
    while let Some(message) = receiver.recv().await {
        match message {
            Message::Batch(batch) => {
                // Once a row is refused nothing will be committed, so writing stops; reading goes
                // on to find every other problem.
                if report.errors.is_empty()
                    && let Some(import) = import.as_mut()
                {
                    import.write_prepared(&batch).await?;
                }
            }
            Message::Errors(errors) => report.errors.extend(errors),
            Message::Fatal(reason) => report.fatal = Some(reason),
            Message::Done {
                rows,
                outside_references: references,
            } => {
                report.rows = rows;
                outside_references = references;
            }
        }
    }
    reader
        .join()
        .map_err(|_| anyhow::anyhow!("the import reader thread panicked"))?;

    if report.fatal.is_none() && !outside_references.is_empty() {
        let mut keys: Vec<String> = outside_references
            .iter()
            .map(|(_, key)| key.clone())
            .collect();
        keys.sort_unstable();
        keys.dedup();
        let existing = storage.existing_external_keys(&keys).await?;
        for (line, key) in &outside_references {
            if !existing.contains(key) {
                report.errors.push(RowError::new(
                    *line,
                    "member_of",
                    key,
                    "no organisation with this external_id is in the file or the directory",
                ));
            }
        }
        report.errors.sort_by_key(|error| error.line);
    }

    if let Some(mut import) = import {
        if report.fatal.is_none() && report.errors.is_empty() {
            let unknown = import.resolve_memberships().await?;
            if let Some(first) = unknown.first() {
                import.rollback().await?;
                anyhow::bail!(
                    "organisation {} names cluster {} in member_of, which does not exist",
                    first.member_external_key,
                    first.cluster_external_key
                );
            }
            report.summary = import.commit().await?;
            report.committed = true;
        } else {
            import.rollback().await?;
        }
    }
    report.elapsed = started.elapsed();
    Ok(report)
}

/// Generates demo organisations and loads them.
pub async fn load_demo(
    storage: &Storage,
    organisations: usize,
    seed: u64,
) -> anyhow::Result<LoadReport> {
    let report = load(
        storage,
        RowSource::Demo(DemoConfig {
            organisations,
            seed,
        }),
        false,
    )
    .await?;
    if let Some(fatal) = &report.fatal {
        anyhow::bail!("the demo generator produced an unreadable table: {fatal}");
    }
    if let Some(first) = report.errors.first() {
        anyhow::bail!(
            "the demo generator produced {} invalid rows, the first: {first}",
            report.errors.len()
        );
    }
    Ok(report)
}

/// The reader thread: parse, validate, batch, send.
fn read_rows(source: RowSource, sender: &mpsc::Sender<Message>) {
    let today = today();
    let result = match source {
        RowSource::File(path) => read_file(&path, sender, today),
        RowSource::Demo(config) => {
            let header: Vec<String> = clusterhub_demo::CSV_HEADER
                .iter()
                .map(|name| (*name).to_owned())
                .collect();
            let shared: Arc<[String]> = header.clone().into();
            let rows = clusterhub_demo::generate(&config)
                .enumerate()
                .map(|(index, row)| {
                    Ok(RawRow {
                        line: index as u64 + 2,
                        fields: row.fields().map(str::to_owned).collect(),
                        header: shared.clone(),
                    })
                });
            validate_rows(&header, rows, sender, today)
        }
    };
    if let Err(reason) = result {
        let _ = sender.blocking_send(Message::Fatal(reason));
    }
}

fn read_file(path: &Path, sender: &mpsc::Sender<Message>, today: time::Date) -> Result<(), String> {
    let mut file = std::fs::File::open(path)
        .map_err(|error| format!("cannot open {}: {error}", path.display()))?;
    let mut prefix = [0u8; 8];
    let read = file
        .read(&mut prefix)
        .map_err(|error| format!("cannot read {}: {error}", path.display()))?;
    let format = sniff_format(&prefix[..read]).map_err(|error| error.to_string())?;
    let file = std::fs::File::open(path)
        .map_err(|error| format!("cannot open {}: {error}", path.display()))?;
    match format {
        FileFormat::Csv => {
            let rows = CsvRows::new(file).map_err(|error| error.to_string())?;
            let header = rows.header().to_vec();
            validate_rows(&header, rows, sender, today)
        }
        FileFormat::Xlsx => {
            let mut bytes = Vec::new();
            let mut file = file;
            file.read_to_end(&mut bytes)
                .map_err(|error| format!("cannot read {}: {error}", path.display()))?;
            let (header, rows) = read_xlsx(bytes).map_err(|error| error.to_string())?;
            validate_rows(&header, rows.into_iter().map(Ok), sender, today)
        }
    }
}

/// Validates rows in order and sends batches of valid ones and every error. Checks that each
/// `external_id` appears once and collects `member_of` references the file itself cannot satisfy.
fn validate_rows(
    header: &[String],
    rows: impl Iterator<Item = Result<RawRow, RowError>>,
    sender: &mpsc::Sender<Message>,
    today: time::Date,
) -> Result<(), String> {
    let columns = OrganisationColumns::from_header(header).map_err(|error| error.to_string())?;
    let mut first_line_of_key: HashMap<String, u64> = HashMap::new();
    let mut references: Vec<(u64, String)> = Vec::new();
    let mut batch = Vec::with_capacity(BATCH_ROWS);
    let mut errors = Vec::new();
    let mut count = 0u64;
    for row in rows {
        count += 1;
        match row {
            Err(error) => errors.push(error),
            Ok(row) => match columns.parse(&row, today) {
                Err(row_errors) => errors.extend(row_errors),
                Ok(parsed) => {
                    let profile = OrganisationImport::from_domain(&parsed.organisation).prepare();
                    if let Some(first) = first_line_of_key.get(&profile.profile.external_key) {
                        errors.push(RowError::new(
                            parsed.line,
                            "external_id",
                            &profile.profile.external_key,
                            format!("this external_id is already used on line {first}"),
                        ));
                        continue;
                    }
                    first_line_of_key.insert(profile.profile.external_key.clone(), parsed.line);
                    for cluster in &profile.profile.member_of {
                        references.push((parsed.line, cluster.clone()));
                    }
                    batch.push(profile);
                }
            },
        }
        if batch.len() >= BATCH_ROWS {
            send(
                sender,
                Message::Batch(std::mem::replace(
                    &mut batch,
                    Vec::with_capacity(BATCH_ROWS),
                )),
            )?;
        }
        if errors.len() >= 100 {
            send(sender, Message::Errors(std::mem::take(&mut errors)))?;
        }
    }
    if !batch.is_empty() {
        send(sender, Message::Batch(batch))?;
    }
    if !errors.is_empty() {
        send(sender, Message::Errors(errors))?;
    }
    references.retain(|(_, key)| !first_line_of_key.contains_key(key));
    send(
        sender,
        Message::Done {
            rows: count,
            outside_references: references,
        },
    )
}

fn send(sender: &mpsc::Sender<Message>, message: Message) -> Result<(), String> {
    sender
        .blocking_send(message)
        .map_err(|_| String::from("the import writer stopped"))
}

/// Today's date in UTC: the upper bound for founding years and label dates.
fn today() -> time::Date {
    time::OffsetDateTime::now_utc().date()
}
