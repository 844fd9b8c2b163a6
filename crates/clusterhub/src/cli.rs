//! The command line: subcommands, their options and the environment variables behind them.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Clusterhub: the European cluster collaboration platform in one binary.
#[derive(Debug, Parser)]
#[command(name = "clusterhub", version, about, long_about = None)]
pub struct Cli {
    #[command(flatten)]
    pub database: DatabaseOptions,

    /// Log more (also settable with CLUSTERHUB_LOG, e.g. `CLUSTERHUB_LOG=debug`).
    #[arg(long, short, global = true)]
    pub verbose: bool,

    #[command(subcommand)]
    pub command: Command,
}

/// Where the data lives.
#[derive(Debug, Args, Clone)]
pub struct DatabaseOptions {
    /// The data directory: the SQLite database and the search index live here.
    #[arg(
        long,
        global = true,
        env = "CLUSTERHUB_DATA_DIR",
        default_value = "./clusterhub-data"
    )]
    pub data_dir: PathBuf,

    /// A PostgreSQL URL (`postgres://user@host/db`) to use instead of the embedded SQLite
    /// database; `sqlite://PATH` names another SQLite file.
    #[arg(
        long,
        global = true,
        env = "CLUSTERHUB_DATABASE_URL",
        hide_env_values = true
    )]
    pub database_url: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the platform: the web pages and the JSON API.
    Serve(ServeArgs),
    /// Create or update the database schema.
    Migrate,
    /// Rebuild the search index in the data directory from the database (`serve` keeps it
    /// current on its own; this is for repairs). Prints the rate in profiles per second.
    Reindex,
    /// Load data from files.
    #[command(subcommand)]
    Import(ImportCommand),
    /// Generate a deterministic, realistic demo data set and load it.
    Demo(DemoArgs),
    /// Measure the performance targets beside references measured in the same run.
    #[command(subcommand)]
    Bench(BenchCommand),
    /// Solve an assignment problem exactly: JSON problem in, optimal pairs out (exit code 2 if
    /// no assignment exists, 1 if the input is malformed).
    Match(MatchArgs),
    /// Manage accounts from the command line.
    #[command(subcommand)]
    User(UserCommand),
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create a confirmed account (the password is read from standard input), optionally with a
    /// platform role: `echo "$PASSWORD" | clusterhub user add --email a@b.eu --name "A B"
    /// --platform-role platform_admin`.
    Add(UserAddArgs),
}

#[derive(Debug, Args)]
pub struct UserAddArgs {
    /// The e-mail address, which is also the sign-in name.
    #[arg(long)]
    pub email: String,
    /// The person's name as shown on the platform.
    #[arg(long)]
    pub name: String,
    /// A platform role: evaluator, programme_officer or platform_admin.
    #[arg(long)]
    pub platform_role: Option<String>,
}

#[derive(Debug, Args)]
pub struct MatchArgs {
    /// The problem: agents, targets, scored edges, forbidden and forced pairs, total, quotas.
    #[arg(long)]
    pub input: PathBuf,
    /// Where to write `{"objective": N, "pairs": [[agent, target], ...]}`.
    #[arg(long)]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// The address to listen on.
    #[arg(long, env = "CLUSTERHUB_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,

    /// How many demo organisations to load when the database is empty (0: none).
    #[arg(long, env = "CLUSTERHUB_DEMO_ORGS", default_value_t = 5_000)]
    pub demo_orgs: usize,

    /// The site's public address, for links in e-mails (default: http://LISTEN). An https://
    /// address marks cookies Secure and sends HSTS.
    #[arg(long, env = "CLUSTERHUB_PUBLIC_URL")]
    pub public_url: Option<String>,

    /// The SMTP server e-mail goes through: smtp://host:port (plain, loopback relays),
    /// smtp://user:password@host:587?tls=required (STARTTLS) or smtps://host:465. Without it,
    /// messages wait in the outbox and are logged.
    #[arg(long, env = "CLUSTERHUB_SMTP_URL")]
    pub smtp_url: Option<String>,

    /// The sender of e-mails.
    #[arg(
        long,
        env = "CLUSTERHUB_MAIL_FROM",
        default_value = "Clusterhub <no-reply@clusterhub.localhost>"
    )]
    pub mail_from: String,

    /// A JSON file with the weights of partner suggestions, such as `{"size_fit": 120,
    /// "cross_border": 0}`; fields left out keep their defaults (docs: `clusterhub_partners::Weights`).
    #[arg(long, env = "CLUSTERHUB_PARTNER_WEIGHTS")]
    pub partner_weights: Option<PathBuf>,

    /// State-changing requests (form posts, API calls with a session) one client address may
    /// make a minute before it is answered 429.
    #[arg(long, env = "CLUSTERHUB_FORM_RATE_LIMIT", default_value_t = 120)]
    pub form_rate_limit: usize,
}

#[derive(Debug, Subcommand)]
pub enum ImportCommand {
    /// Organisations from a CSV or XLSX file in Clusterhub's column layout (docs/import-format.md).
    Organisations(ImportOrganisationsArgs),
    /// CORDIS projects with their participants: XML project records (a file or a folder of
    /// them) or the CORDIS CSV layout (`projectID;projectAcronym;organisationID;...`).
    Cordis(ImportCordisArgs),
    /// Regional employment by sector: Eurostat `nama_10r_3empers` as its raw TSV or as the
    /// Data Commons CSV (`Date,GeoId,Count_Person_Employed_NACE/A,...`), on NUTS 2021 regions.
    Employment(ImportEmploymentArgs),
}

#[derive(Debug, Args)]
pub struct ImportOrganisationsArgs {
    /// The file to import (`.csv` or `.xlsx`; the content decides, not the extension).
    pub file: PathBuf,
    /// Check every row and report every problem, writing nothing.
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Debug, Args)]
pub struct ImportEmploymentArgs {
    /// The file to import (`.tsv` or `.csv`; the header decides the layout).
    pub file: PathBuf,
    /// Check everything and report, writing nothing.
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Debug, Args)]
pub struct ImportCordisArgs {
    /// A CORDIS XML file, a folder of them, or a CORDIS CSV file.
    pub path: PathBuf,
    /// Check everything and report, writing nothing.
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// How many organisations to generate.
    #[arg(long, default_value_t = 5_000)]
    pub orgs: usize,
    /// The random seed: the same seed and count give the same data on every machine.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Write the generated rows to this CSV file instead of loading them.
    #[arg(long)]
    pub csv: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum BenchCommand {
    /// Import rows/s into SQLite and PostgreSQL beside a plain multi-row INSERT and COPY.
    Import(BenchImportArgs),
    /// Directory search: index build rate, query latency with every facet count and resident
    /// memory, beside SQLite FTS5 and PostgreSQL full-text search doing the same work.
    Search(BenchSearchArgs),
    /// Every observatory statistic for all regions × sectors × years of the shipped Eurostat
    /// table, beside the same computation in SQL (SQLite window functions), results compared.
    Observatory(BenchObservatoryArgs),
    /// The directory page and the JSON search through HTTP on loopback, beside a minimal axum
    /// route that renders one SQLite row as HTML, loaded the same way in the same run.
    Http(BenchHttpArgs),
    /// How long `serve` takes to answer: on an empty data directory (demo data loaded first) and
    /// again on the data it left, beside this binary starting and doing nothing.
    Start(BenchStartArgs),
    /// The assignment engine on 100k visitors x 10k hosts and a 100k x 100k one-to-one instance,
    /// beside OR-Tools' min-cost flow (Python, `pip install ortools`) on the same instances.
    Match(BenchMatchArgs),
    /// Solve one `bench match` instance file and print its figures as JSON (used by `bench match`
    /// to measure our peak memory in a process of its own).
    #[command(hide = true)]
    MatchSolve(BenchMatchSolveArgs),
}

#[derive(Debug, Args)]
pub struct BenchMatchArgs {
    /// Visitors (agents, each taking at most one host) in the first instance.
    #[arg(long, default_value_t = 100_000)]
    pub visitors: u32,
    /// Hosts (targets) in the first instance.
    #[arg(long, default_value_t = 10_000)]
    pub hosts: u32,
    /// How many visitors a host can take in the first instance.
    #[arg(long, default_value_t = 10)]
    pub capacity: u32,
    /// Candidate hosts per visitor, on average.
    #[arg(long, default_value_t = 100)]
    pub candidates: u32,
    /// The side of the one-to-one instance (0 skips it).
    #[arg(long, default_value_t = 100_000)]
    pub one_to_one: u32,
    /// The random seed of the first instance (the second uses seed + 1).
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// The Python interpreter with `ortools` installed.
    #[arg(long, default_value = "python3")]
    pub python: String,
    /// The OR-Tools reference script.
    #[arg(long, default_value = concat!(env!("CARGO_MANIFEST_DIR"), "/../../scripts/ortools_match.py"))]
    pub script: PathBuf,
}

#[derive(Debug, Args)]
pub struct BenchMatchSolveArgs {
    /// An instance written by `bench match`.
    pub file: PathBuf,
}

#[derive(Debug, Args)]
pub struct BenchHttpArgs {
    /// How many demo organisations the database holds.
    #[arg(long, default_value_t = 1_000_000)]
    pub orgs: usize,
    /// Keep the database and the index in this directory and reuse them on later runs (default:
    /// a scratch directory removed at the end). Not `--data-dir`: that global option always has
    /// a value (`./clusterhub-data`), and sharing its name made every run keep its data there.
    #[arg(long, value_name = "DIR")]
    pub keep_in: Option<PathBuf>,
    /// Requests in flight at once.
    #[arg(long, default_value_t = 64)]
    pub connections: usize,
    /// Threads of the load generator.
    #[arg(long, default_value_t = 1)]
    pub client_threads: usize,
    /// Seconds each target is loaded.
    #[arg(long, default_value_t = 10)]
    pub seconds: u64,
}

#[derive(Debug, Args)]
pub struct BenchStartArgs {
    /// How many times each start is measured (the median is shown).
    #[arg(long, default_value_t = 3)]
    pub runs: usize,
}

#[derive(Debug, Args)]
pub struct BenchObservatoryArgs {
    /// How many times each side computes everything (the median is shown).
    #[arg(long, default_value_t = 5)]
    pub runs: usize,
}

#[derive(Debug, Args)]
pub struct BenchSearchArgs {
    /// How many generated organisations our index holds.
    #[arg(long, default_value_t = 1_000_000)]
    pub orgs: usize,
    /// How many of them the SQLite and PostgreSQL references hold (our index is measured again at
    /// this size for an equal comparison); 0 skips the references.
    #[arg(long, default_value_t = 100_000)]
    pub reference_orgs: usize,
    /// How many queries the mixed query set has.
    #[arg(long, default_value_t = 500)]
    pub queries: usize,
    /// Keep our full-size index in this directory, and reuse it if an earlier run left one
    /// there (its build is then not measured again).
    #[arg(long)]
    pub index_dir: Option<std::path::PathBuf>,
    /// How many profiles, spread over the full-size index, are changed through the everyday
    /// writer (a change feed's catch-up) and committed, beside the same profiles written into an
    /// empty index; 0 skips it. Not measured on a reused index, which it would change.
    #[arg(long, default_value_t = 20_000)]
    pub upserts: usize,
    /// The PostgreSQL server to compare with (a scratch schema is made and dropped).
    #[arg(
        long,
        env = "CLUSTERHUB_BENCH_POSTGRES",
        default_value = "postgres://postgres@127.0.0.1:5432/test"
    )]
    pub postgres_url: String,
}

#[derive(Debug, Args)]
pub struct BenchImportArgs {
    /// How many generated organisations to import.
    #[arg(long, default_value_t = 1_000_000)]
    pub orgs: usize,
    /// Which databases to measure.
    #[arg(long, value_enum, default_values_t = [BenchBackend::Sqlite, BenchBackend::Postgres])]
    pub backend: Vec<BenchBackend>,
    /// The PostgreSQL server to measure on (a scratch schema is made and dropped).
    #[arg(
        long,
        env = "CLUSTERHUB_BENCH_POSTGRES",
        default_value = "postgres://postgres@127.0.0.1:5432/test"
    )]
    pub postgres_url: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum BenchBackend {
    Sqlite,
    Postgres,
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    #[test]
    fn command_line_is_well_formed() {
        super::Cli::command().debug_assert();
    }
}
