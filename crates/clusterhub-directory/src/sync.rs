//! Rebuilding the index from the database, reopening it, and catching up with the change feed.

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use clusterhub_search::{IndexWriter, OrganisationDocument, SearchIndex};
use clusterhub_storage::{OrganisationIds, Storage, StoredOrganisation};
use serde::{Deserialize, Serialize};

use crate::document::{DOCUMENT_VERSION, RelatedFacts, document_from};
use crate::{Directory, DirectoryError};

/// Organisations read per page during a rebuild, and per chunk during a catch-up.
const PAGE: i64 = 2_000;
const CHUNK: usize = 500;

/// Tasks reading a rebuild's pages side by side. On SQLite a page arrives as one JSON value
/// that SQLite builds (see `Storage::organisations_in_range`), which takes a connection's worker
/// thread about as long as indexing the page takes the writer, so two readers keep both cores
/// busy (measured at 1 M on SQLite: 16.7–18.1 s with two, 20.2–21.3 s with one).
const READERS: usize = 2;

/// What the index's commit payload records: which database it follows, with which document
/// mapping, and the highest revision it holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Cursor {
    database_id: String,
    document_version: u32,
    revision: i64,
}

impl Cursor {
    fn payload(database_id: &str, revision: i64) -> String {
        let cursor = Cursor {
            database_id: database_id.to_owned(),
            document_version: DOCUMENT_VERSION,
            revision,
        };
        serde_json::to_string(&cursor).expect("a cursor is always serialisable")
    }
}

/// What a rebuild did.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RebuildReport {
    /// Organisations written into the index.
    pub organisations: u64,
    /// The revision of the database the index is current with.
    pub cursor: i64,
    /// From the first read to the final commit.
    pub elapsed: Duration,
    /// Of which waiting for the database.
    pub reading: Duration,
}

impl RebuildReport {
    /// Organisations indexed per second.
    pub fn per_second(&self) -> f64 {
        self.organisations as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }
}

/// What one catch-up applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CatchUp {
    /// The cursor before.
    pub from: i64,
    /// The cursor after: the feed's head when the catch-up began.
    pub to: i64,
    /// Organisations written or rewritten.
    pub changed: u64,
    /// Organisations removed.
    pub deleted: u64,
}

/// How [`Directory::open`] brought the index up to date.
#[derive(Debug, Clone, PartialEq)]
pub enum Opened {
    /// The index was reopened and the changes since its cursor applied.
    CaughtUp(CatchUp),
    /// The index was built afresh, for the reason given.
    Rebuilt {
        reason: String,
        report: RebuildReport,
    },
}

impl std::fmt::Display for Opened {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Opened::CaughtUp(catch_up) => write!(
                formatter,
                "search index reopened at revision {}, caught up to {} ({} changed, {} deleted)",
                catch_up.from, catch_up.to, catch_up.changed, catch_up.deleted
            ),
            Opened::Rebuilt { reason, report } => write!(
                formatter,
                "search index rebuilt ({reason}): {} organisations in {:.2} s ({:.0}/s)",
                report.organisations,
                report.elapsed.as_secs_f64(),
                report.per_second()
            ),
        }
    }
}

/// Builds a fresh index of the whole database in `path`, replacing the index there (not any
/// other files: a directory that holds something else is refused). Fails if a running server
/// holds the index.
pub async fn rebuild(storage: &Storage, path: &Path) -> Result<RebuildReport, DirectoryError> {
    if path.join("meta.json").exists() {
        // Taking the writer proves that no server is using the index right now.
        let index = SearchIndex::open_in_dir(path);
        if let Ok(index) = index {
            let writer = index
                .writer()
                .map_err(|error| DirectoryError::IndexDirectory {
                    path: path.display().to_string(),
                    reason: format!("in use by another process (a running server?): {error}"),
                })?;
            drop(writer);
        }
    }
    let index = fresh_index(path)?;
    let database_id = storage.database_id().await?;
    let (report, writer) = build(storage, &index, &database_id).await?;
    drop(writer);
    Ok(report)
}

pub(crate) async fn open(
    storage: Storage,
    path: &Path,
) -> Result<(Directory, Opened), DirectoryError> {
    let database_id = storage.database_id().await?;
    let reason = match reopen(&storage, path, &database_id).await? {
        Ok((index, cursor)) => {
            let writer = index
                .writer()
                .map_err(|error| DirectoryError::IndexDirectory {
                    path: path.display().to_string(),
                    reason: format!("in use by another process: {error}"),
                })?;
            let directory = Directory::assemble(storage, index, database_id, cursor, writer);
            let catch_up = directory.catch_up().await?;
            return Ok((directory, Opened::CaughtUp(catch_up)));
        }
        Err(reason) => reason,
    };
    tracing::info!(path = %path.display(), %reason, "rebuilding the search index");
    let index = fresh_index(path)?;
    let (report, writer) = build(&storage, &index, &database_id).await?;
    let directory = Directory::assemble(storage, index, database_id, report.cursor, writer);
    Ok((directory, Opened::Rebuilt { reason, report }))
}

/// The index in `path` and its cursor if it can be caught up; otherwise why it must be rebuilt.
async fn reopen(
    storage: &Storage,
    path: &Path,
    database_id: &str,
) -> Result<Result<(SearchIndex, i64), String>, DirectoryError> {
    if !path.join("meta.json").exists() {
        return Ok(Err(String::from("there is no index yet")));
    }
    let index = match SearchIndex::open_in_dir(path) {
        Ok(index) => index,
        Err(error) => return Ok(Err(format!("the index cannot be read: {error}"))),
    };
    let payload = match index.commit_payload() {
        Ok(Some(payload)) => payload,
        Ok(None) => {
            return Ok(Err(String::from(
                "the index has no cursor (unfinished build)",
            )));
        }
        Err(error) => return Ok(Err(format!("the index cannot be read: {error}"))),
    };
    let cursor: Cursor = match serde_json::from_str(&payload) {
        Ok(cursor) => cursor,
        Err(error) => return Ok(Err(format!("the index's cursor cannot be read: {error}"))),
    };
    if cursor.database_id != database_id {
        return Ok(Err(String::from(
            "the index was built from another database",
        )));
    }
    if cursor.document_version != DOCUMENT_VERSION {
        return Ok(Err(format!(
            "the index holds documents of version {}, this version writes {DOCUMENT_VERSION}",
            cursor.document_version
        )));
    }
    let head = storage.feed_head().await?;
    if cursor.revision > head {
        return Ok(Err(format!(
            "the index is at revision {}, ahead of the database at {head} (restored from a backup?)",
            cursor.revision
        )));
    }
    Ok(Ok((index, cursor.revision)))
}

/// An empty index in `path`, replacing an index that is there.
fn fresh_index(path: &Path) -> Result<SearchIndex, DirectoryError> {
    let refuse = |reason: String| DirectoryError::IndexDirectory {
        path: path.display().to_string(),
        reason,
    };
    if path.exists() {
        let is_index = path.join("meta.json").exists();
        let is_empty = std::fs::read_dir(path)
            .map_err(|error| refuse(error.to_string()))?
            .next()
            .is_none();
        if !is_index && !is_empty {
            return Err(refuse(String::from(
                "it holds files that are not a search index; not replacing them",
            )));
        }
        std::fs::remove_dir_all(path).map_err(|error| refuse(error.to_string()))?;
    }
    Ok(SearchIndex::create_in_dir(path)?)
}

/// Writes every organisation into `index`, which must be empty, and returns the report and the
/// writer for everyday changes. The cursor is the feed's head before the first read: changes
/// made while the rebuild reads are applied again by the next catch-up, which is harmless.
pub(crate) async fn build(
    storage: &Storage,
    index: &SearchIndex,
    database_id: &str,
) -> Result<(RebuildReport, IndexWriter), DirectoryError> {
    let started = Instant::now();
    let head = storage.feed_head().await?;
    let mut writer = index.rebuild_writer()?;

    // The page boundaries first (one index seek each), then the pages, read by READERS tasks
    // side by side, each a page ahead of the indexing: reader k reads pages k, k + READERS, ...,
    // so taking a page from each in turn indexes them in id order.
    let mut ranges: Vec<(i64, i64)> = Vec::new();
    let mut after = i64::MIN;
    loop {
        match storage.organisation_page_end(after, PAGE).await? {
            Some(end) => {
                ranges.push((after, end));
                after = end;
            }
            None => {
                ranges.push((after, i64::MAX));
                break;
            }
        }
    }
    let mut receivers = Vec::with_capacity(READERS);
    let mut readers = Vec::with_capacity(READERS);
    for first in 0..READERS {
        let (sender, receiver) = tokio::sync::mpsc::channel(1);
        let reader_storage = storage.clone();
        let mine: Vec<(i64, i64)> = ranges
            .iter()
            .copied()
            .skip(first)
            .step_by(READERS)
            .collect();
        readers.push(tokio::spawn(async move {
            for (after, through) in mine {
                let page = read_range(&reader_storage, after, through).await;
                let failed = page.is_err();
                if sender.send(page).await.is_err() || failed {
                    return;
                }
            }
        }));
        receivers.push(receiver);
    }
    let mut organisations = 0_u64;
    let mut reading = Duration::ZERO;
    for place in 0..ranges.len() {
        let waiting = Instant::now();
        let page = receivers[place % READERS]
            .recv()
            .await
            .ok_or_else(|| DirectoryError::Task(String::from("a page reader stopped early")))??;
        reading += waiting.elapsed();
        organisations += page.len() as u64;
        for document in &page {
            writer.insert(document)?;
        }
    }
    for reader in readers {
        reader
            .await
            .map_err(|error| DirectoryError::Task(error.to_string()))?;
    }
    let payload = Cursor::payload(database_id, head);
    let writer = tokio::task::spawn_blocking(move || {
        writer.commit()?;
        writer.merge_down_to(clusterhub_search::REBUILD_SEGMENTS)?;
        writer.commit_with_payload(&payload)?;
        writer.finish()
    })
    .await
    .map_err(|error| DirectoryError::Task(error.to_string()))?;
    writer?;
    index.reload()?;
    let report = RebuildReport {
        organisations,
        cursor: head,
        elapsed: started.elapsed(),
        reading,
    };
    Ok((report, index.writer()?))
}

/// The documents of the organisations with ids above `after`, up to and including `through`.
async fn read_range(
    storage: &Storage,
    after: i64,
    through: i64,
) -> Result<Vec<OrganisationDocument>, DirectoryError> {
    let organisations = storage.organisations_in_range(after, through).await?;
    if organisations.is_empty() {
        return Ok(Vec::new());
    }
    let related = related_facts(storage, OrganisationIds::Range { after, through }).await?;
    Ok(documents(&organisations, &related))
}

async fn related_facts(
    storage: &Storage,
    ids: OrganisationIds<'_>,
) -> Result<HashMap<i64, RelatedFacts>, DirectoryError> {
    let (programmes, members) = tokio::try_join!(
        storage.programmes_of(ids),
        storage.directory_member_counts(ids)
    )?;
    let mut related: HashMap<i64, RelatedFacts> = HashMap::new();
    for (id, programme) in programmes {
        related.entry(id).or_default().programmes.push(programme);
    }
    for (id, count) in members {
        related.entry(id).or_default().directory_members = count;
    }
    Ok(related)
}

fn documents(
    organisations: &[StoredOrganisation],
    related: &HashMap<i64, RelatedFacts>,
) -> Vec<OrganisationDocument> {
    let none = RelatedFacts::default();
    organisations
        .iter()
        .map(|stored| document_from(stored, related.get(&stored.id).unwrap_or(&none)))
        .collect()
}

/// Runs `work` with the index writer on a blocking thread.
async fn with_writer<T, F>(writer: &Arc<Mutex<IndexWriter>>, work: F) -> Result<T, DirectoryError>
where
    T: Send + 'static,
    F: FnOnce(&mut IndexWriter) -> Result<T, DirectoryError> + Send + 'static,
{
    let writer = writer.clone();
    tokio::task::spawn_blocking(move || {
        let mut writer = writer
            .lock()
            .map_err(|_| DirectoryError::Task(String::from("the index writer was poisoned")))?;
        work(&mut writer)
    })
    .await
    .map_err(|error| DirectoryError::Task(error.to_string()))?
}

impl Directory {
    /// Applies every change of the database since the index's cursor and commits it with the
    /// new cursor; does nothing (one single-row read) when there is none. Catch-ups never
    /// overlap: a second caller waits for the first.
    pub async fn catch_up(&self) -> Result<CatchUp, DirectoryError> {
        let inner = &self.inner;
        let mut cursor = inner.cursor.lock().await;
        let from = *cursor;
        let head = inner.storage.feed_head().await?;
        if head <= from {
            return Ok(CatchUp {
                from,
                to: from,
                ..CatchUp::default()
            });
        }
        let (changed, deleted) = tokio::try_join!(
            inner.storage.changed_organisation_ids(from, head),
            inner.storage.deleted_organisation_ids(from, head)
        )?;
        let mut summary = CatchUp {
            from,
            to: head,
            changed: 0,
            deleted: deleted.len() as u64,
        };
        let result = async {
            with_writer(&inner.writer, move |writer| {
                for id in deleted {
                    writer.delete(id)?;
                }
                Ok(())
            })
            .await?;
            for chunk in changed.chunks(CHUNK) {
                let organisations = inner.storage.organisations_by_ids(chunk).await?;
                let related = related_facts(&inner.storage, OrganisationIds::List(chunk)).await?;
                let documents = documents(&organisations, &related);
                summary.changed += documents.len() as u64;
                // Deleted since the head was read: its tombstone comes with the next catch-up,
                // and removing it now is just as right.
                let gone: Vec<i64> = chunk
                    .iter()
                    .copied()
                    .filter(|id| organisations.binary_search_by_key(id, |o| o.id).is_err())
                    .collect();
                with_writer(&inner.writer, move |writer| {
                    for id in gone {
                        writer.delete(id)?;
                    }
                    for document in &documents {
                        writer.upsert(document)?;
                    }
                    Ok(())
                })
                .await?;
            }
            let payload = Cursor::payload(&inner.database_id, head);
            with_writer(&inner.writer, move |writer| {
                writer.commit_with_payload(&payload)?;
                Ok(())
            })
            .await
        }
        .await;
        if let Err(error) = result {
            // Nothing half-applied may ride along with a later commit.
            let _ = with_writer(&inner.writer, |writer| {
                writer.rollback()?;
                Ok(())
            })
            .await;
            return Err(error);
        }
        *cursor = head;
        Ok(summary)
    }
}
