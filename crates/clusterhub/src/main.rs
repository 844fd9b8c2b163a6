//! The `clusterhub` binary: one program with subcommands for every job.
//!
//! `serve` runs the platform; `migrate` brings a database schema up to date; `import` loads
//! organisations (CSV/XLSX) and CORDIS projects; `demo` generates a realistic data set; `bench`
//! measures the performance targets beside references measured in the same run.

mod cli;
mod commands;
mod config;
mod mailer;
mod pipeline;

use clap::Parser;

/// mimalloc: the import pipeline allocates on one thread and frees on another (rows travel from
/// the reader thread to the database worker), which glibc's allocator handles slowly.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    let cli = cli::Cli::parse();
    init_tracing(&cli);
    match commands::run(cli) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

fn init_tracing(cli: &cli::Cli) {
    use tracing_subscriber::EnvFilter;
    let default = if cli.verbose {
        "debug"
    } else if matches!(cli.command, cli::Command::Bench(_)) {
        // A benchmark that serves HTTP must not spend its time logging every request.
        "info,sqlx=warn,clusterhub_web=warn,tower_http=warn"
    } else {
        "info,sqlx=warn,tower_http=info"
    };
    let filter =
        EnvFilter::try_from_env("CLUSTERHUB_LOG").unwrap_or_else(|_| EnvFilter::new(default));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(false)
        .init();
}
