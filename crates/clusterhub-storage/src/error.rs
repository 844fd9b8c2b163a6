//! The storage crate's error type.

/// What can go wrong talking to the database. Callers above the storage crate see these
/// variants, never sqlx's own error type.
#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    #[error("unsupported database URL {0}: use sqlite://PATH or postgres://...")]
    UnsupportedUrl(String),
    #[error("cannot connect to {0}: {1}")]
    Connect(String, String),
    #[error("database error: {0}")]
    Database(String),
    #[error("migration failed: {0}")]
    Migration(String),
    #[error("stored data is inconsistent: {0}")]
    Corrupt(String),
    #[error("{0}")]
    Conflict(String),
}

impl From<sqlx::Error> for StorageError {
    fn from(error: sqlx::Error) -> Self {
        StorageError::Database(error.to_string())
    }
}

impl From<sqlx::migrate::MigrateError> for StorageError {
    fn from(error: sqlx::migrate::MigrateError) -> Self {
        StorageError::Migration(error.to_string())
    }
}

impl From<serde_json::Error> for StorageError {
    fn from(error: serde_json::Error) -> Self {
        StorageError::Corrupt(error.to_string())
    }
}
