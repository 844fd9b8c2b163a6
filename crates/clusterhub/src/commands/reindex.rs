//! `clusterhub reindex`: rebuild the search index in `<data-dir>/search-index` from the database.
//!
//! The index is a derived view, so this is always safe; `serve` does it on its own when the index
//! is missing, unreadable or from another database, and otherwise only catches up. A running
//! server holds the index, so this refuses to run beside one.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;

use crate::config::DatabaseConfig;

/// Where a node keeps its search index: in its data directory, also when the database is
/// PostgreSQL (every node keeps its own).
pub fn index_path(database: &DatabaseConfig) -> PathBuf {
    database.data_dir.join("search-index")
}

pub async fn run(database: &DatabaseConfig) -> anyhow::Result<ExitCode> {
    let storage = database.open().await?;
    let path = index_path(database);
    let report = clusterhub_directory::rebuild(&storage, &path)
        .await
        .with_context(|| format!("rebuilding the search index in {}", path.display()))?;
    println!(
        "search index rebuilt in {}: {} organisations in {:.2} s, {:.0} profiles/s \
         (of which {:.2} s waiting for the {} database), current with revision {}",
        path.display(),
        report.organisations,
        report.elapsed.as_secs_f64(),
        report.per_second(),
        report.reading.as_secs_f64(),
        storage.backend().name(),
        report.cursor
    );
    storage.close().await;
    Ok(ExitCode::SUCCESS)
}
