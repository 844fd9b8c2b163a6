//! Where the database is: the one decision every subcommand shares; and the partner-suggestion
//! weights `serve` reads from a file.

use std::path::{Path, PathBuf};

use anyhow::Context;
use clusterhub_storage::Storage;

use crate::cli::DatabaseOptions;

/// The resolved database location.
#[derive(Debug, Clone)]
pub struct DatabaseConfig {
    pub data_dir: PathBuf,
    pub url: Option<String>,
}

impl DatabaseConfig {
    pub fn from_options(options: &DatabaseOptions) -> Self {
        DatabaseConfig {
            data_dir: options.data_dir.clone(),
            url: options.database_url.clone(),
        }
    }

    /// The SQLite file used when no database URL is given.
    pub fn sqlite_path(&self) -> PathBuf {
        self.data_dir.join("clusterhub.db")
    }

    /// Opens the database (creating the data directory for the embedded default) and migrates it.
    pub async fn open(&self) -> anyhow::Result<Storage> {
        let storage = match &self.url {
            Some(url) => Storage::open(url).await?,
            None => {
                create_dir(&self.data_dir)?;
                Storage::open_sqlite(&self.sqlite_path()).await?
            }
        };
        storage
            .migrate()
            .await
            .context("bringing the database schema up to date")?;
        Ok(storage)
    }
}

fn create_dir(path: &Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(path)
        .with_context(|| format!("creating the data directory {}", path.display()))
}

/// The weights of partner suggestions: read from the JSON file at `path`, or the defaults.
pub fn partner_weights(path: Option<&Path>) -> anyhow::Result<clusterhub_partners::Weights> {
    let Some(path) = path else {
        return Ok(clusterhub_partners::Weights::default());
    };
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("reading the partner weights {}", path.display()))?;
    clusterhub_partners::Weights::from_json(&text)
        .with_context(|| format!("in the partner weights {}", path.display()))
}
