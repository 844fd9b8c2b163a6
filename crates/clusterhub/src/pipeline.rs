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

/// Raw rows per job handed to a validation thread.
const CHUNK_ROWS: usize = 500;

/// A row after validation: its line and prepared storage form, or every problem found in it.
type Checked = Result<(u64, PreparedOrganisation), Vec<RowError>>;

/// Validates rows and sends batches of valid ones and every error, in file order. Checks that
/// each `external_id` appears once and collects `member_of` references the file itself cannot
/// satisfy.
///
/// Three kinds of threads share the work: this one reads the table (for CSV, the byte-level
/// parsing), a pool of validation threads (one per core) parses each row into the domain types
/// and prepares its storage form in chunks of [`CHUNK_ROWS`], and a collector puts the chunks
/// back in file order, checks keys across the whole file and forms the batches the writer takes.
/// At most a few chunks per validation thread are in flight, so memory stays bounded whatever
/// the file's size.
fn validate_rows(
    header: &[String],
    rows: impl Iterator<Item = Result<RawRow, RowError>>,
    sender: &mpsc::Sender<Message>,
    today: time::Date,
) -> Result<(), String> {
    use std::sync::mpsc as std_mpsc;

    let columns = OrganisationColumns::from_header(header).map_err(|error| error.to_string())?;
    let workers = validation_threads();
    let in_flight = workers * 4;
    let (job_sender, job_receiver) =
        std_mpsc::sync_channel::<(u64, Vec<Result<RawRow, RowError>>)>(in_flight);
    let job_receiver = std::sync::Mutex::new(job_receiver);
    let (done_sender, done_receiver) = std_mpsc::sync_channel::<(u64, Vec<Checked>)>(in_flight);
    // The reader takes a ticket per chunk and the collector gives it back once the chunk is
    // written out in order: that bounds the chunks waiting anywhere between the two.
    let (ticket_sender, ticket_receiver) = std_mpsc::sync_channel::<()>(in_flight);
    for _ in 0..in_flight {
        let _ = ticket_sender.send(());
    }
    std::thread::scope(|scope| {
        for index in 0..workers {
            let done_sender = done_sender.clone();
            let job_receiver = &job_receiver;
            let columns = &columns;
            std::thread::Builder::new()
                .name(format!("import-check-{index}"))
                .spawn_scoped(scope, move || {
                    loop {
                        let job = match job_receiver.lock() {
                            Ok(receiver) => receiver.recv(),
                            Err(_) => return,
                        };
                        let Ok((sequence, rows)) = job else {
                            return;
                        };
                        let checked: Vec<Checked> = rows
                            .into_iter()
                            .map(|row| {
                                // A row the table reader refused keeps its place in the order.
                                let row = row.map_err(|error| vec![error])?;
                                let parsed = columns.parse(&row, today)?;
                                let prepared =
                                    OrganisationImport::from_domain(&parsed.organisation).prepare();
                                Ok((parsed.line, prepared))
                            })
                            .collect();
                        if done_sender.send((sequence, checked)).is_err() {
                            return;
                        }
                    }
                })
                .map_err(|error| format!("starting a validation thread: {error}"))?;
        }
        drop(done_sender);
        let collector = std::thread::Builder::new()
            .name(String::from("import-collect"))
            .spawn_scoped(scope, move || {
                collect(&done_receiver, &ticket_sender, sender)
            })
            .map_err(|error| format!("starting the import collector thread: {error}"))?;

        let mut sequence = 0u64;
        let mut chunk = Vec::with_capacity(CHUNK_ROWS);
        let mut count = 0u64;
        let hand_over = |chunk: Vec<Result<RawRow, RowError>>, sequence: &mut u64| {
            if ticket_receiver.recv().is_err() || job_sender.send((*sequence, chunk)).is_err() {
                return false;
            }
            *sequence += 1;
            true
        };
        let mut stopped = false;
        for row in rows {
            count += 1;
            chunk.push(row);
            if chunk.len() >= CHUNK_ROWS {
                let full = std::mem::replace(&mut chunk, Vec::with_capacity(CHUNK_ROWS));
                if !hand_over(full, &mut sequence) {
                    stopped = true;
                    break;
                }
            }
        }
        if !stopped && !chunk.is_empty() {
            hand_over(chunk, &mut sequence);
        }
        drop(job_sender);
        let outcome = collector
            .join()
            .map_err(|_| String::from("the import collector thread panicked"))?;
        let references = outcome?;
        send(
            sender,
            Message::Done {
                rows: count,
                outside_references: references,
            },
        )
    })
}

/// How many threads validate rows: one per core the process may use.
pub fn validation_threads() -> usize {
    std::thread::available_parallelism().map_or(1, std::num::NonZero::get)
}

/// The collector: takes validated chunks in any order, handles them in file order (duplicate
/// keys, `member_of` references, batches and errors to the writer) and returns the references to
/// clusters the file does not hold.
fn collect(
    done: &std::sync::mpsc::Receiver<(u64, Vec<Checked>)>,
    tickets: &std::sync::mpsc::SyncSender<()>,
    sender: &mpsc::Sender<Message>,
) -> Result<Vec<(u64, String)>, String> {
    let mut waiting: std::collections::BTreeMap<u64, Vec<Checked>> =
        std::collections::BTreeMap::new();
    let mut next = 0u64;
    let mut first_line_of_key: HashMap<String, u64> = HashMap::new();
    let mut references: Vec<(u64, String)> = Vec::new();
    let mut batch = Vec::with_capacity(BATCH_ROWS);
    let mut errors: Vec<RowError> = Vec::new();
    while let Ok((sequence, checked)) = done.recv() {
        waiting.insert(sequence, checked);
        while let Some(checked) = waiting.remove(&next) {
            next += 1;
            for row in checked {
                match row {
                    Err(row_errors) => errors.extend(row_errors),
                    Ok((line, profile)) => {
                        let key = &profile.profile.external_key;
                        if let Some(first) = first_line_of_key.get(key) {
                            errors.push(RowError::new(
                                line,
                                "external_id",
                                key,
                                format!("this external_id is already used on line {first}"),
                            ));
                            continue;
                        }
                        first_line_of_key.insert(key.clone(), line);
                        for cluster in &profile.profile.member_of {
                            references.push((line, cluster.clone()));
                        }
                        batch.push(profile);
                    }
                }
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
            // The reader may be gone once everything is read; a ticket nobody takes is harmless.
            let _ = tickets.try_send(());
        }
    }
    if !batch.is_empty() {
        send(sender, Message::Batch(batch))?;
    }
    if !errors.is_empty() {
        send(sender, Message::Errors(errors))?;
    }
    references.retain(|(_, key)| !first_line_of_key.contains_key(key));
    Ok(references)
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Runs `validate_rows` on demo rows changed by `edit` and returns the lines of the rows
    /// sent as valid, in the order they came, and every error.
    fn validate(
        count: usize,
        edit: impl Fn(usize, &mut Vec<String>),
    ) -> (Vec<String>, Vec<RowError>) {
        let header: Vec<String> = clusterhub_demo::CSV_HEADER
            .iter()
            .map(|name| (*name).to_owned())
            .collect();
        let shared: Arc<[String]> = header.clone().into();
        let rows: Vec<Result<RawRow, RowError>> = clusterhub_demo::generate(&DemoConfig {
            organisations: count,
            seed: 7,
        })
        .enumerate()
        .map(|(index, row)| {
            let mut fields: Vec<String> = row.fields().map(str::to_owned).collect();
            edit(index, &mut fields);
            Ok(RawRow {
                line: index as u64 + 2,
                fields,
                header: shared.clone(),
            })
        })
        .collect();
        let (sender, mut receiver) = mpsc::channel(4);
        let reader =
            std::thread::spawn(move || validate_rows(&header, rows.into_iter(), &sender, today()));
        let mut keys = Vec::new();
        let mut errors = Vec::new();
        let mut done = false;
        while let Some(message) = receiver.blocking_recv() {
            match message {
                Message::Batch(batch) => {
                    keys.extend(batch.into_iter().map(|row| row.profile.external_key));
                }
                Message::Errors(more) => errors.extend(more),
                Message::Fatal(reason) => panic!("fatal: {reason}"),
                Message::Done { rows, .. } => {
                    assert_eq!(rows, count as u64);
                    done = true;
                }
            }
        }
        reader.join().expect("reader").expect("validated");
        assert!(done, "no Done message");
        (keys, errors)
    }

    #[test]
    fn rows_checked_on_several_threads_come_back_in_file_order() {
        let count = CHUNK_ROWS * 5 + 17;
        let (clean_keys, errors) = validate(count, |_, _| {});
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(clean_keys.len(), count);
        let mut sorted = clean_keys.clone();
        sorted.sort();
        assert_eq!(clean_keys, sorted, "demo keys are numbered in file order");

        let country = clusterhub_demo::CSV_HEADER
            .iter()
            .position(|name| *name == "country")
            .expect("country column");
        let bad = [10, CHUNK_ROWS + 3, CHUNK_ROWS * 4 + 1, count - 1];
        let first_key = clean_keys[5].clone();
        let (keys, errors) = validate(count, |index, fields| {
            if bad.contains(&index) {
                fields[country] = String::from("XX");
            }
            if index == CHUNK_ROWS * 2 + 9 {
                fields[0] = first_key.clone();
            }
        });
        let mut expected_lines: Vec<u64> = bad.iter().map(|index| *index as u64 + 2).collect();
        expected_lines.push((CHUNK_ROWS * 2 + 9) as u64 + 2);
        expected_lines.sort_unstable();
        let mut lines: Vec<u64> = errors.iter().map(|error| error.line).collect();
        lines.dedup();
        assert_eq!(lines, expected_lines, "{errors:?}");
        let duplicate = errors
            .iter()
            .find(|error| error.column == "external_id")
            .expect("the repeated key is reported");
        assert!(duplicate.reason.contains("line 7"), "{duplicate}");
        // Every other row is sent, in file order.
        assert_eq!(keys.len(), count - expected_lines.len());
        let mut sorted = keys.clone();
        sorted.sort();
        assert_eq!(keys, sorted);
    }
}
