//! Clusterhub's storage: one code path over SQLite and PostgreSQL.
//!
//! Every query is written once, in the SQL that both engines understand, with `$1`-style
//! placeholders (SQLite accepts them as numbered parameters), and runs through sqlx's `Any`
//! driver. The few places where the engines differ are named in [`Backend`] and kept small.
//! Values cross the boundary as the types `Any` supports: `i64`, `f64`, `bool` and `String`;
//! timestamps are RFC 3339 text in UTC, money is integer cents, lists are JSON text.

mod account_settings;
mod accounts;
mod api_tokens;
mod audit;
mod changes;
mod employment;
mod error;
mod from_domain;
mod interests;
mod organisation_admin;
mod organisations;
mod outbox;
mod privacy;
mod projects;
mod retention;
mod time_text;

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, ConnectOptions, Executor};

pub use accounts::{
    ConsentRecord, NewOneTimeToken, NewSession, NewUser, SessionRecord, StoredRoles, UserRecord,
};
pub use api_tokens::{ApiTokenRecord, MAX_LIVE_API_TOKENS, NEVER_EXPIRES, NewApiToken};
pub use audit::{AuditContext, AuditEntry, AuditFilter, AuditRecord};
pub use changes::OrganisationIds;
pub use employment::{EmploymentCell, EmploymentImportSummary, EmploymentRow};
pub use error::StorageError;
pub use interests::{InterestRecord, NewInterest};
pub use organisation_admin::{
    ClaimRecord, ClaimRequest, InvitationAcceptance, MembershipChange, NewInvitation,
    PendingInvitation,
};
pub use organisations::{
    CompactCopy, CountGrouping, CountRow, ImportSummary, ImportTransaction, OrganisationImport,
    PlainInsert, PreparedOrganisation, StoredOrganisation, UnknownCluster,
};
pub use outbox::{OutgoingEmail, QueuedEmail};
pub use privacy::ERASED_NAME;
pub use projects::{CordisImportSummary, ParticipantImport, Participation, Project, ProjectImport};
pub use retention::{API_TOKEN_KEEP_SECONDS, PurgeSummary};
pub use time_text::text_of_unix;

/// Which database engine a [`Storage`] talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    /// `count` placeholders for parameters `first..first + count`, comma-separated, for
    /// statements built at run time with many parameters (multi-row inserts, `IN` lists).
    /// PostgreSQL numbers them `$n`. SQLite gets anonymous `?`, bound in order: it looks up a
    /// numbered or named parameter (`$n`, `?n`) by a linear search of all the statement's
    /// parameters, both when preparing and when sqlx asks each parameter's name, which makes a
    /// 20,000-parameter insert quadratic. A statement must therefore use this for all of its
    /// parameters, in order. Hand-written queries with a few parameters use `$n` on both engines.
    pub fn placeholders(self, first: usize, count: usize) -> String {
        let mut text = String::with_capacity(count * 7);
        for number in first..first + count {
            if number > first {
                text.push_str(", ");
            }
            match self {
                Backend::Sqlite => text.push('?'),
                Backend::Postgres => {
                    text.push('$');
                    text.push_str(&number.to_string());
                }
            }
        }
        text
    }

    /// The engine's name as shown to operators.
    pub fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgresql",
        }
    }
}

/// A handle on the database; cheap to clone (it wraps a connection pool).
#[derive(Clone)]
pub struct Storage {
    pool: AnyPool,
    backend: Backend,
}

impl std::fmt::Debug for Storage {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The URL may carry a password, so it is never printed.
        formatter
            .debug_struct("Storage")
            .field("backend", &self.backend)
            .finish()
    }
}

/// Every SQLite connection's settings: WAL, so that readers never wait for the writer, with
/// `synchronous = FULL`, so that a committed transaction survives a power cut as well as a kill.
const SQLITE_CONNECTION_PRAGMAS: &str = "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; \
     PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000; PRAGMA temp_store = MEMORY;";

/// A SQLite connection's page cache (64 MiB) and sorter threads (none) outside bulk imports;
/// an import sets [`SQLITE_IMPORT_PRAGMAS`] and comes back to these when it ends.
pub(crate) const SQLITE_CONNECTION_CACHE: &str = "PRAGMA cache_size = -65536; PRAGMA threads = 0;";

/// A bulk import's connection: a page cache large enough to hold the pages a large import
/// writes until the commit (SQLite takes the memory only as pages are used) and helper threads
/// for the sorts that build indexes. Durability settings are untouched.
pub(crate) const SQLITE_IMPORT_PRAGMAS: &str = "PRAGMA cache_size = -1048576; PRAGMA threads = 4;";

static SQLITE_MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

impl Storage {
    /// Opens a SQLite database file, creating it if it does not exist.
    pub async fn open_sqlite(path: &Path) -> Result<Storage, StorageError> {
        let url = format!("sqlite://{}?mode=rwc", path.display());
        Storage::open(&url).await
    }

    /// Opens the database a URL names: `sqlite://PATH?mode=rwc` or `postgres://...`.
    pub async fn open(url: &str) -> Result<Storage, StorageError> {
        sqlx::any::install_default_drivers();
        let backend = if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Backend::Postgres
        } else {
            return Err(StorageError::UnsupportedUrl(redact_url(url)));
        };
        let options = AnyConnectOptions::from_str(url)
            .map_err(|error| StorageError::Connect(redact_url(url), error.to_string()))?
            // Bulk statements are long by design; slow ones are reported by the callers that
            // know what they are doing, not by a warning that prints 20,000 placeholders.
            .log_slow_statements(log::LevelFilter::Off, Duration::from_secs(1))
            .log_statements(log::LevelFilter::Trace);
        let pool_options = match backend {
            // SQLite has one writer at a time; a small pool keeps readers concurrent in WAL mode
            // while writers queue on the busy timeout instead of failing.
            Backend::Sqlite => {
                AnyPoolOptions::new()
                    .max_connections(4)
                    .after_connect(|connection, _meta| {
                        Box::pin(async move {
                            connection.execute(SQLITE_CONNECTION_PRAGMAS).await?;
                            connection.execute(SQLITE_CONNECTION_CACHE).await?;
                            Ok(())
                        })
                    })
            }
            Backend::Postgres => AnyPoolOptions::new().max_connections(16),
        };
        let pool = pool_options
            .acquire_timeout(Duration::from_secs(30))
            .connect_with(options)
            .await
            .map_err(|error| StorageError::Connect(redact_url(url), error.to_string()))?;
        Ok(Storage { pool, backend })
    }

    /// Brings the schema up to date; safe to run on every start.
    pub async fn migrate(&self) -> Result<(), StorageError> {
        let migrator = match self.backend {
            Backend::Sqlite => &SQLITE_MIGRATOR,
            Backend::Postgres => &POSTGRES_MIGRATOR,
        };
        migrator.run(&self.pool).await?;
        Ok(())
    }

    /// The engine behind this handle.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Checks that the database answers.
    pub async fn ping(&self) -> Result<(), StorageError> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    /// Runs SQL text as it is, without parameters: for administration and test set-up only,
    /// never with user input.
    pub async fn execute_unprepared(&self, sql: &str) -> Result<(), StorageError> {
        sqlx::raw_sql(sql).execute(&self.pool).await?;
        Ok(())
    }

    /// Closes every connection; waits for the ones in use to be returned.
    pub async fn close(&self) {
        self.pool.close().await;
    }

    pub(crate) fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// Starts a transaction that writes. On SQLite it takes the write lock as it begins
    /// (`BEGIN IMMEDIATE`), so it waits on the busy timeout like any writer: a deferred
    /// transaction that reads first and asks for the lock at its first write is refused at once
    /// ("database is locked"; SQLite does not wait there) whenever another connection is writing.
    pub(crate) async fn begin_write(
        &self,
    ) -> Result<sqlx::Transaction<'static, sqlx::Any>, StorageError> {
        let transaction = match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await?,
            Backend::Postgres => self.pool.begin().await?,
        };
        Ok(transaction)
    }
}

/// Hides the password of a database URL so it can be shown in an error or a log line.
pub fn redact_url(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) if parsed.password().is_some() => {
            let _ = parsed.set_password(Some("***"));
            parsed.to_string()
        }
        _ => url.to_owned(),
    }
}
