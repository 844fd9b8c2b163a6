//! Test databases: a fresh SQLite file or a fresh PostgreSQL schema per test (as in the storage
//! suite).

use std::future::Future;

use clusterhub_storage::Storage;

/// The PostgreSQL server the suite uses, if any: `CLUSTERHUB_TEST_POSTGRES` holds a URL, or any
/// other non-empty value for the local default.
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

/// Runs `test` against a migrated SQLite database in a temp dir.
pub async fn with_sqlite<F, Fut>(test: F)
where
    F: FnOnce(Storage) -> Fut,
    Fut: Future<Output = ()>,
{
    let directory = tempfile::tempdir().expect("temp dir");
    let storage = Storage::open_sqlite(&directory.path().join("clusterhub.db"))
        .await
        .expect("open sqlite");
    storage.migrate().await.expect("migrate sqlite");
    test(storage.clone()).await;
    storage.close().await;
}

/// Runs `test` against a migrated PostgreSQL schema made for it and dropped afterwards; does
/// nothing when no server is configured.
pub async fn with_postgres<F, Fut>(test: F)
where
    F: FnOnce(Storage) -> Fut,
    Fut: Future<Output = ()>,
{
    let Some(url) = postgres_url() else {
        // CI sets CLUSTERHUB_REQUIRE_POSTGRES so that a missing server fails instead of skipping.
        assert!(
            std::env::var_os("CLUSTERHUB_REQUIRE_POSTGRES").is_none(),
            "CLUSTERHUB_REQUIRE_POSTGRES is set but CLUSTERHUB_TEST_POSTGRES is not"
        );
        eprintln!("CLUSTERHUB_TEST_POSTGRES is not set: PostgreSQL variant not run");
        return;
    };
    let schema = format!(
        "test_{}_{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .expect("clock")
            .as_nanos()
    );
    let admin = Storage::open(&url).await.expect("open postgres");
    admin
        .execute_unprepared(&format!("CREATE SCHEMA {schema}"))
        .await
        .expect("create schema");
    let separator = if url.contains('?') { '&' } else { '?' };
    let schema_url = format!("{url}{separator}options=-csearch_path%3D{schema}");
    let storage = Storage::open(&schema_url).await.expect("open schema");
    storage.migrate().await.expect("migrate postgres");
    test(storage.clone()).await;
    storage.close().await;
    admin
        .execute_unprepared(&format!("DROP SCHEMA {schema} CASCADE"))
        .await
        .expect("drop schema");
    admin.close().await;
}

/// Declares a test that runs on both backends: `both!(name, |storage| async move { ... });`
#[macro_export]
macro_rules! both {
    ($name:ident, $body:expr) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            #[tokio::test]
            async fn sqlite() {
                $crate::harness::with_sqlite($body).await;
            }
            #[tokio::test]
            async fn postgres() {
                $crate::harness::with_postgres($body).await;
            }
        }
    };
}
