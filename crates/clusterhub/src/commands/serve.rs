//! `clusterhub serve`: open the database, load demo data into an empty one and the shipped
//! Eurostat employment table into an empty employment table, bring the search index in
//! `<data-dir>/search-index` up to date and keep it so, serve HTTP until Ctrl-C or SIGTERM while
//! the observatory's statistics are computed beside it.
//!
//! Every node keeps its own index, also when several nodes share one PostgreSQL database: each
//! one's follower polls the database's change feed, so a write through any node reaches every
//! node's search within about a quarter of a second.

use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::Context;
use clusterhub_directory::Directory;
use clusterhub_reference::Reference;
use clusterhub_web::AppState;

use crate::cli::ServeArgs;
use crate::commands::import_employment::{NACE_A10, load_shipped};
use crate::config::DatabaseConfig;
use crate::pipeline;

pub async fn run(database: &DatabaseConfig, args: ServeArgs) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    let shutdown = ShutdownSignal::install()?;
    let partner_weights = crate::config::partner_weights(args.partner_weights.as_deref())?;
    let storage = database.open().await?;
    let reference = Reference::get();
    if args.demo_orgs > 0 && storage.organisation_count().await? == 0 {
        tracing::info!(
            organisations = args.demo_orgs,
            "empty database: loading demo data"
        );
        let report = pipeline::load_demo(&storage, args.demo_orgs, 1).await?;
        tracing::info!(
            inserted = report.summary.inserted,
            seconds = report.elapsed.as_secs_f64(),
            "demo data loaded"
        );
    }
    if storage.employment_count(NACE_A10).await? == 0 {
        tracing::info!("no regional employment figures: loading the shipped Eurostat table");
        let loading = Instant::now();
        let summary = load_shipped(&storage).await?;
        tracing::info!(
            rows = summary.written,
            seconds = loading.elapsed().as_secs_f64(),
            "Eurostat employment table loaded"
        );
    }
    let index_path = super::reindex::index_path(database);
    let (directory, opened) = Directory::open(storage.clone(), &index_path)
        .await
        .with_context(|| format!("opening the search index in {}", index_path.display()))?;
    tracing::info!(path = %index_path.display(), "{opened}");
    let follower = directory.follow(FOLLOW_INTERVAL);
    let listener = tokio::net::TcpListener::bind(args.listen)
        .await
        .with_context(|| format!("listening on {}", args.listen))?;
    let address = listener.local_addr()?;
    let public_url = args
        .public_url
        .clone()
        .unwrap_or_else(|| format!("http://{address}"));
    let state = AppState::new(storage.clone(), directory.index(), reference)
        .with_form_rate_limit(args.form_rate_limit)
        .with_public_url(&public_url)
        .with_partner_weights(partner_weights);
    let mailer = crate::mailer::Mailer::start(
        storage.clone(),
        crate::mailer::MailerConfig {
            smtp_url: args.smtp_url.clone(),
            from: args.mail_from.clone(),
            poll_interval: Duration::from_secs(1),
        },
    )?;
    let retention = tokio::spawn(retention_loop(storage.clone()));
    // Computed from the start rather than on the first visit, but beside serving rather than
    // before it (it takes seconds on the full Eurostat table): every other page answers at once,
    // and an observatory page asked for meanwhile waits for this one computation. Computed
    // again whenever an import changes the rows.
    let warming = {
        let observatory = state.observatory().clone();
        let storage = storage.clone();
        tokio::spawn(async move {
            if let Err(error) = observatory.current(&storage).await {
                tracing::error!(%error, "computing the observatory's statistics failed");
            }
        })
    };
    let app = clusterhub_web::router(state);
    tracing::info!(
        %address,
        database = storage.backend().name(),
        startup_seconds = started.elapsed().as_secs_f64(),
        "Clusterhub is serving on http://{address}/"
    );
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown.received())
    .await
    .context("serving HTTP")?;
    follower.stop().await;
    mailer.stop().await;
    retention.abort();
    warming.abort();
    tracing::info!("shutting down: closing the database");
    storage.close().await;
    Ok(ExitCode::SUCCESS)
}

/// How often the follower looks for changes: one single-row read each time when nothing changed.
const FOLLOW_INTERVAL: Duration = Duration::from_millis(200);

/// How often expired sessions, one-time links and old API tokens are deleted.
const RETENTION_INTERVAL: Duration = Duration::from_secs(10 * 60);

/// Deletes what has expired (`Storage::purge_expired`) at start and every
/// [`RETENTION_INTERVAL`]; a failure is logged and tried again next time. Reads ignore expired
/// rows anyway, so nothing depends on this task's timing; with several nodes each runs it and
/// the deletes are idempotent.
async fn retention_loop(storage: clusterhub_storage::Storage) {
    let mut interval = tokio::time::interval(RETENTION_INTERVAL);
    loop {
        interval.tick().await;
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |elapsed| {
                i64::try_from(elapsed.as_secs()).unwrap_or(i64::MAX)
            });
        match storage.purge_expired(now).await {
            Ok(summary) => tracing::debug!(
                sessions = summary.sessions,
                one_time_tokens = summary.one_time_tokens,
                api_tokens = summary.api_tokens,
                "expired account data deleted"
            ),
            Err(error) => tracing::warn!(%error, "could not delete expired account data"),
        }
    }
}

/// Ctrl-C (SIGINT) and SIGTERM, caught from the moment [`ShutdownSignal::install`] runs: a
/// signal that arrives while the server is still starting (loading demo data, computing the
/// observatory) is kept and ends the server as soon as it serves, instead of killing the process
/// with the default action.
struct ShutdownSignal {
    #[cfg(unix)]
    interrupt: tokio::signal::unix::Signal,
    #[cfg(unix)]
    terminate: tokio::signal::unix::Signal,
}

impl ShutdownSignal {
    fn install() -> anyhow::Result<ShutdownSignal> {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            Ok(ShutdownSignal {
                interrupt: signal(SignalKind::interrupt()).context("listening for Ctrl-C")?,
                terminate: signal(SignalKind::terminate()).context("listening for SIGTERM")?,
            })
        }
        #[cfg(not(unix))]
        Ok(ShutdownSignal {})
    }

    /// Resolves on the first of the signals.
    async fn received(mut self) {
        #[cfg(unix)]
        tokio::select! {
            _ = self.interrupt.recv() => {},
            _ = self.terminate.recv() => {},
        }
        #[cfg(not(unix))]
        {
            let _ = &mut self;
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}
