//! One module per subcommand; `run` builds the async runtime and dispatches.

mod bench;
mod bench_http;
mod bench_match;
mod bench_observatory;
mod bench_search;
mod bench_start;
mod demo;
mod import;
mod import_employment;
mod match_cmd;
mod reindex;
mod serve;
mod user;

use std::process::ExitCode;

use crate::cli::{Cli, Command, UserCommand};
use crate::config::DatabaseConfig;

/// Runs the chosen subcommand and returns the process exit code.
pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let database = DatabaseConfig::from_options(&cli.database);
    runtime.block_on(async move {
        match cli.command {
            Command::Serve(args) => serve::run(&database, args).await,
            Command::Reindex => reindex::run(&database).await,
            Command::Migrate => {
                let storage = database.open().await?;
                println!(
                    "database schema is up to date ({})",
                    storage.backend().name()
                );
                storage.close().await;
                Ok(ExitCode::SUCCESS)
            }
            Command::Import(command) => import::run(&database, command).await,
            Command::Demo(args) => demo::run(&database, args).await,
            Command::Bench(command) => bench::run(command).await,
            Command::Match(args) => match_cmd::run(args),
            Command::User(UserCommand::Add(args)) => user::add(&database, args).await,
        }
    })
}
