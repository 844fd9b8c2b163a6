//! End-to-end tests of the `clusterhub` binary: real processes, real files, a real SQLite
//! database in a temp dir, real signals.

mod bench;
mod cli;
mod employment;
mod import;
mod mail;
mod match_cli;
mod partner_weights;
mod search_sync;
mod serve;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The binary under test.
pub fn clusterhub() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_clusterhub"));
    command
        .env_remove("CLUSTERHUB_DATA_DIR")
        .env_remove("CLUSTERHUB_DATABASE_URL")
        .env_remove("CLUSTERHUB_LISTEN");
    command.env("CLUSTERHUB_LOG", "warn");
    command
}

/// Runs the binary with `args` against `data_dir` and returns its output.
pub fn run(data_dir: &Path, args: &[&str]) -> Output {
    clusterhub()
        .arg("--data-dir")
        .arg(data_dir)
        .args(args)
        .output()
        .expect("run clusterhub")
}

/// The PostgreSQL server of the test suite, as in the storage tests: `CLUSTERHUB_TEST_POSTGRES`
/// holds a URL, or any other non-empty value for the local default.
pub fn postgres_url() -> Option<String> {
    let value = std::env::var("CLUSTERHUB_TEST_POSTGRES").ok()?;
    let value = value.trim();
    if value.is_empty() || value == "0" {
        return None;
    }
    if value.starts_with("postgres") {
        Some(value.to_owned())
    } else {
        Some(String::from("postgres://postgres@127.0.0.1:5432/test"))
    }
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// The repository's data folder (CORDIS fixtures live there).
pub fn data(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../data")
        .join(path)
}

/// Counts organisations in the SQLite database of a data dir with the binary itself, through a
/// dry-run-free path: `demo --orgs 0` prints nothing useful, so the health endpoint is not used
/// here; the count comes from a one-off `serve`-less query via the import summary instead.
pub fn organisation_count(data_dir: &Path) -> i64 {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let storage = clusterhub_storage::Storage::open_sqlite(&data_dir.join("clusterhub.db"))
            .await
            .expect("open");
        let count = storage.organisation_count().await.expect("count");
        storage.close().await;
        count
    })
}
