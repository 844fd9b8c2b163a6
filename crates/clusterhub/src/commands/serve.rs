//! `clusterhub serve`: open the database, load demo data into an empty one, serve HTTP until
//! Ctrl-C or SIGTERM.

use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context;
use clusterhub_reference::Reference;
use clusterhub_web::AppState;

use crate::cli::ServeArgs;
use crate::config::DatabaseConfig;
use crate::pipeline;

pub async fn run(database: &DatabaseConfig, args: ServeArgs) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
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
    let listener = tokio::net::TcpListener::bind(args.listen)
        .await
        .with_context(|| format!("listening on {}", args.listen))?;
    let address = listener.local_addr()?;
    // Until the directory keeps an index in the data directory, search starts empty.
    let search = clusterhub_search::SearchIndex::create_in_ram()?;
    let state = AppState::new(storage.clone(), search, reference);
    let app = clusterhub_web::router(state);
    tracing::info!(
        %address,
        database = storage.backend().name(),
        startup_seconds = started.elapsed().as_secs_f64(),
        "Clusterhub is serving on http://{address}/"
    );
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown_signal())
        .await
        .context("serving HTTP")?;
    tracing::info!("shutting down: closing the database");
    storage.close().await;
    Ok(ExitCode::SUCCESS)
}

/// Resolves on Ctrl-C (SIGINT) or SIGTERM.
async fn shutdown_signal() {
    let interrupt = async {
        if let Err(error) = tokio::signal::ctrl_c().await {
            tracing::error!(%error, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(error) => {
                tracing::error!(%error, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {},
        () = terminate => {},
    }
}
