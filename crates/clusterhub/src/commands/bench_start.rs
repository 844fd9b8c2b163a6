//! `clusterhub bench start`: how long `clusterhub serve` takes to answer, on an empty data
//! directory (demo data generated, imported and indexed first) and again on the data it left.
//!
//! Each start is this same binary run as a child process, `serve --data-dir D --listen P`,
//! timed from spawning it until `/api/v1/health` answers 200, then the home page, then the
//! observatory's map (whose statistics `serve` computes beside serving: the page waits for
//! them); the server is stopped with SIGTERM between starts, as an operator would. The reference
//! is this binary started and finished without doing anything (`--version`), measured the same
//! way in the same run: what any start costs before the platform's own work.

use std::net::SocketAddr;
use std::path::Path;
use std::process::{Child, Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

use anyhow::Context;

use crate::cli::BenchStartArgs;
use crate::commands::bench_http::fetch_status;

/// DESIGN's target for a cold start of `serve` with the demo data.
const COLD_START_TARGET: Duration = Duration::from_secs(5);

/// How long a start may take before the benchmark gives up on it.
const GIVE_UP_AFTER: Duration = Duration::from_secs(300);

pub async fn run(args: BenchStartArgs) -> anyhow::Result<ExitCode> {
    let executable = std::env::current_exe().context("finding this binary")?;
    let runs = args.runs.max(1);

    let mut reference = Vec::with_capacity(runs);
    for _ in 0..runs {
        let started = Instant::now();
        let status = Command::new(&executable)
            .arg("--version")
            .stdout(Stdio::null())
            .status()
            .context("running clusterhub --version")?;
        anyhow::ensure!(status.success(), "clusterhub --version failed: {status}");
        reference.push(started.elapsed());
    }
    let reference = median(&mut reference);
    println!(
        "reference: this binary started and finished (--version): {:.1} ms (median of {runs})",
        millis(reference)
    );

    let mut cold = Vec::with_capacity(runs);
    let mut warm = Vec::with_capacity(runs);
    let mut cold_observatory = Vec::with_capacity(runs);
    let mut warm_observatory = Vec::with_capacity(runs);
    for run in 1..=runs {
        let directory = tempfile::tempdir().context("creating a scratch data directory")?;
        let first = start(&executable, directory.path()).await?;
        println!(
            "run {run}: empty data directory: health 200 after {:.2} s, home page {:.2} s, observatory {:.2} s",
            first.health.as_secs_f64(),
            first.home.as_secs_f64(),
            first.observatory.as_secs_f64()
        );
        let second = start(&executable, directory.path()).await?;
        println!(
            "run {run}: the data it left: health 200 after {:.2} s, home page {:.2} s, observatory {:.2} s",
            second.health.as_secs_f64(),
            second.home.as_secs_f64(),
            second.observatory.as_secs_f64()
        );
        cold.push(first.home);
        warm.push(second.home);
        cold_observatory.push(first.observatory);
        warm_observatory.push(second.observatory);
    }
    let cold = median(&mut cold);
    let warm = median(&mut warm);
    let cold_observatory = median(&mut cold_observatory);
    let warm_observatory = median(&mut warm_observatory);
    println!();
    println!(
        "cold start (empty data directory → demo data loaded, home page answered): {:.2} s, {:.0}× the reference; target ≤ {} s: {:.2} of the target",
        cold.as_secs_f64(),
        cold.as_secs_f64() / reference.as_secs_f64().max(1e-9),
        COLD_START_TARGET.as_secs(),
        cold.as_secs_f64() / COLD_START_TARGET.as_secs_f64()
    );
    println!(
        "second start (the data reused): {:.2} s, {:.0}× the reference",
        warm.as_secs_f64(),
        warm.as_secs_f64() / reference.as_secs_f64().max(1e-9)
    );
    println!(
        "observatory map answered (statistics of the whole Eurostat table computed): {:.2} s after a cold start, {:.2} s after a second start",
        cold_observatory.as_secs_f64(),
        warm_observatory.as_secs_f64()
    );
    Ok(ExitCode::SUCCESS)
}

/// When a started server answered.
struct Started {
    health: Duration,
    home: Duration,
    observatory: Duration,
}

/// Starts `serve` on `data_dir`, waits until it answers, then stops it with SIGTERM and waits
/// for it to exit.
async fn start(executable: &Path, data_dir: &Path) -> anyhow::Result<Started> {
    let address = free_address()?;
    let log = std::fs::File::create(data_dir.join("bench-start.log"))?;
    let started = Instant::now();
    let mut child = Command::new(executable)
        .arg("serve")
        .arg("--data-dir")
        .arg(data_dir)
        .arg("--listen")
        .arg(address.to_string())
        .env_remove("CLUSTERHUB_DATABASE_URL")
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .context("starting clusterhub serve")?;
    let answered = async {
        let health = answered_at(&mut child, address, "/api/v1/health", started).await?;
        let home = answered_at(&mut child, address, "/", started).await?;
        let observatory = answered_at(&mut child, address, "/observatory", started).await?;
        anyhow::Ok(Started {
            health,
            home,
            observatory,
        })
    }
    .await;
    stop(&mut child)?;
    answered.with_context(|| {
        format!(
            "the server's log: {}",
            data_dir.join("bench-start.log").display()
        )
    })
}

/// Polls `path` until it answers 200; the time since `started`.
async fn answered_at(
    child: &mut Child,
    address: SocketAddr,
    path: &str,
    started: Instant,
) -> anyhow::Result<Duration> {
    loop {
        if let Ok(200) = fetch_status(address, path).await {
            return Ok(started.elapsed());
        }
        if let Some(status) = child.try_wait()? {
            anyhow::bail!("clusterhub serve exited before answering {path}: {status}");
        }
        anyhow::ensure!(
            started.elapsed() < GIVE_UP_AFTER,
            "clusterhub serve did not answer {path} within {} s",
            GIVE_UP_AFTER.as_secs()
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

/// Asks the server to shut down (SIGTERM) and waits for it.
fn stop(child: &mut Child) -> anyhow::Result<()> {
    let status = Command::new("kill")
        .arg("-TERM")
        .arg(child.id().to_string())
        .status()
        .context("running kill -TERM")?;
    if !status.success() {
        child.kill()?;
    }
    child.wait()?;
    Ok(())
}

/// A loopback address with a port nobody listens on.
fn free_address() -> anyhow::Result<SocketAddr> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    Ok(listener.local_addr()?)
}

fn median(values: &mut [Duration]) -> Duration {
    values.sort_unstable();
    values[values.len() / 2]
}

fn millis(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}
