//! Keeps the directory's search index in step with the database.
//!
//! The search index (`clusterhub-search`) is a derived view: every document is made from the
//! stored profile by [`document_from`], and the whole index can be rebuilt from the database at
//! any time ([`rebuild`]). Between rebuilds a [`Directory`] follows the database's change feed
//! (`clusterhub-storage`'s `changes` module): the index's commit carries a cursor, the highest
//! revision it has applied, and [`Directory::catch_up`] applies every change above it. The
//! [`Follower`] does that every 200 ms after a one-row check of the feed's head, so a write made
//! through any app node reaches every node's index within about a quarter of a second, and
//! several app nodes on one PostgreSQL database all stay current, each with its own index.
//!
//! [`Directory::open`] reopens an index from a data directory and catches up from its cursor; an
//! index that is missing, unreadable, made from another database or with another document
//! mapping ([`DOCUMENT_VERSION`]) is rebuilt instead.
//!
//! ```no_run
//! # async fn example(storage: clusterhub_storage::Storage) -> Result<(), clusterhub_directory::DirectoryError> {
//! use std::time::Duration;
//! use clusterhub_directory::Directory;
//!
//! let (directory, opened) = Directory::open(storage, "data/search-index".as_ref()).await?;
//! println!("{opened}");
//! let follower = directory.follow(Duration::from_millis(200));
//! let index = directory.index(); // search it; it stays current
//! # drop((index, follower));
//! # Ok(()) }
//! ```

mod document;
mod follower;
mod sync;

use std::path::Path;
use std::sync::{Arc, Mutex};

use clusterhub_search::{IndexWriter, SearchError, SearchIndex};
use clusterhub_storage::{Storage, StorageError};

pub use document::{DOCUMENT_VERSION, RelatedFacts, document_from};
pub use follower::Follower;
pub use sync::{CatchUp, Opened, RebuildReport, rebuild};

/// Why keeping the index in step failed.
#[derive(Debug, thiserror::Error)]
pub enum DirectoryError {
    #[error(transparent)]
    Storage(#[from] StorageError),
    #[error(transparent)]
    Search(#[from] SearchError),
    #[error("search index directory {path}: {reason}")]
    IndexDirectory { path: String, reason: String },
    #[error("a search index task stopped: {0}")]
    Task(String),
}

/// The database and the search index kept in step with it. Cheap to clone; clones share the
/// index, its writer and its cursor.
#[derive(Clone)]
pub struct Directory {
    inner: Arc<Inner>,
}

struct Inner {
    storage: Storage,
    index: SearchIndex,
    database_id: String,
    /// The highest revision the index holds; the lock is held for a whole catch-up, so that
    /// catch-ups never overlap and never apply an older state after a newer one.
    cursor: tokio::sync::Mutex<i64>,
    /// The index's only writer (tantivy allows one per index); used on blocking threads.
    writer: Arc<Mutex<IndexWriter>>,
}

impl std::fmt::Debug for Directory {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("Directory")
            .field("index", &self.inner.index)
            .finish_non_exhaustive()
    }
}

impl Directory {
    /// The search index; searches on it (and its clones) see every catch-up as it commits.
    pub fn index(&self) -> SearchIndex {
        self.inner.index.clone()
    }

    /// The database.
    pub fn storage(&self) -> &Storage {
        &self.inner.storage
    }

    /// The highest revision of the database the index holds.
    pub async fn cursor(&self) -> i64 {
        *self.inner.cursor.lock().await
    }

    /// An index in memory, built from the database now (tests, small tools).
    pub async fn in_memory(storage: Storage) -> Result<Directory, DirectoryError> {
        let index = SearchIndex::create_in_ram()?;
        let database_id = storage.database_id().await?;
        let (report, writer) = sync::build(&storage, &index, &database_id).await?;
        Ok(Directory::assemble(
            storage,
            index,
            database_id,
            report.cursor,
            writer,
        ))
    }

    /// Opens the index in `path` and catches up with the database, or rebuilds it there if it
    /// is missing, unreadable, from another database or from another document mapping. Fails
    /// if another process holds the index's writer (two servers on one data directory).
    pub async fn open(
        storage: Storage,
        path: &Path,
    ) -> Result<(Directory, Opened), DirectoryError> {
        sync::open(storage, path).await
    }

    fn assemble(
        storage: Storage,
        index: SearchIndex,
        database_id: String,
        cursor: i64,
        writer: IndexWriter,
    ) -> Directory {
        Directory {
            inner: Arc::new(Inner {
                storage,
                index,
                database_id,
                cursor: tokio::sync::Mutex::new(cursor),
                writer: Arc::new(Mutex::new(writer)),
            }),
        }
    }
}
