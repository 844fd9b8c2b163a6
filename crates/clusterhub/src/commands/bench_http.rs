//! `clusterhub bench http`: the directory through HTTP on loopback, beside a reference served
//! and loaded the same way in the same run.
//!
//! The database holds `--orgs` demo organisations loaded by the import pipeline, and the search
//! index is built from it by the directory code the server uses; both live in a scratch
//! directory, or in `--keep-in` (reused when it already holds them). The real router serves on
//! one loopback port. The reference is DESIGN's "axum with a SQLite query rendering an HTML
//! page": a minimal axum route that reads one organisation by a random id from the same
//! database file and renders a small HTML page, on another port of the same server runtime. A load generator (hyper's pooled
//! client, keep-alive, `--connections` concurrent requests, `--seconds` per target) runs in the
//! same process on its own thread, so server and client share the machine's cores as a load
//! generator on the same machine would; every target is loaded the same way, one after the
//! other. Each line gives requests/s, p50 and p99 (from an HDR histogram of every request) and
//! the ratio of requests/s to the reference.
//!
//! The directory page is loaded twice: over eight searches that repeat (the landing page, one
//! country, ...), which the server's page cache answers after their first rendering, as it does
//! for a site's popular searches; and over 2,048 different searches, more than that cache keeps,
//! so each is searched and rendered afresh — the cost of the long tail. The repeating searches
//! are loaded once more by a client that asks for gzip, as browsers do (the server compresses
//! every such answer afresh).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::Context;
use axum::Router;
use axum::extract::{Query, State};
use axum::response::Html;
use axum::routing::get;
use clusterhub_directory::Directory;
use clusterhub_reference::Reference;
use clusterhub_storage::Storage;
use clusterhub_web::AppState;
use hdrhistogram::Histogram;
use http_body_util::{BodyExt, Empty};
use hyper::body::Bytes;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use sqlx::sqlite::{SqliteConnectOptions, SqlitePoolOptions};
use sqlx::{Row, SqlitePool};

use crate::cli::BenchHttpArgs;
use crate::pipeline;

/// The demo seed of the data set.
const SEED: u64 = 42;

/// The directory page target, per DESIGN: ≥ 5,000 pages/s on 2 cores.
const PAGE_TARGET_PER_SECOND: f64 = 5_000.0;

/// One thing to load: a name and the paths it cycles through.
struct Target {
    name: String,
    paths: Vec<String>,
    /// Sent as `Accept-Encoding`; the answers must then come gzipped.
    gzip: bool,
}

/// What loading one target measured.
struct Measured {
    requests: u64,
    failures: u64,
    elapsed: Duration,
    histogram: Histogram<u64>,
}

impl Measured {
    #[allow(clippy::cast_precision_loss)]
    fn rate(&self) -> f64 {
        self.requests as f64 / self.elapsed.as_secs_f64()
    }

    #[allow(clippy::cast_precision_loss)]
    fn quantile_ms(&self, quantile: f64) -> f64 {
        self.histogram.value_at_quantile(quantile) as f64 / 1000.0
    }
}

pub async fn run(args: BenchHttpArgs) -> anyhow::Result<ExitCode> {
    let scratch;
    let data_dir: PathBuf = match &args.keep_in {
        Some(path) => {
            std::fs::create_dir_all(path)
                .with_context(|| format!("creating {}", path.display()))?;
            path.clone()
        }
        None => {
            scratch = tempfile::tempdir()?;
            scratch.path().to_owned()
        }
    };
    let database = data_dir.join("clusterhub.db");
    let storage = Storage::open_sqlite(&database).await?;
    storage.migrate().await?;
    let present = usize::try_from(storage.organisation_count().await?)?;
    if present == 0 {
        println!(
            "bench http: loading {} demo organisations (seed {SEED}) into {}",
            args.orgs,
            database.display()
        );
        let report = pipeline::load_demo(&storage, args.orgs, SEED).await?;
        println!("  loaded in {:.1} s", report.elapsed.as_secs_f64());
    } else if present != args.orgs {
        anyhow::bail!(
            "{} holds {present} organisations, not {}; give another --keep-in or --orgs {present}",
            data_dir.display(),
            args.orgs
        );
    }
    let started = Instant::now();
    let (directory, _opened) = Directory::open(storage.clone(), &data_dir.join("index"))
        .await
        .context("opening the search index")?;
    println!(
        "bench http: {} organisations, index ready in {:.1} s; {} connections, {} s per target",
        args.orgs,
        started.elapsed().as_secs_f64(),
        args.connections,
        args.seconds
    );

    let state = AppState::new(storage.clone(), directory.index(), Reference::get());
    let app = clusterhub_web::router(state);
    let reference_pool = SqlitePoolOptions::new()
        .max_connections(8)
        .connect_with(
            SqliteConnectOptions::new()
                .filename(&database)
                .read_only(true),
        )
        .await?;
    let max_id: i64 = sqlx::query_scalar("SELECT MAX(id) FROM organisations")
        .fetch_one(&reference_pool)
        .await?;
    let reference = Router::new()
        .route("/reference", get(reference_page))
        .with_state(reference_pool);
    let app_address = serve(app).await?;
    let reference_address = serve(reference).await?;

    let targets = targets(max_id);
    let client_threads = args.client_threads.max(1);
    let connections = args.connections.max(1);
    let duration = Duration::from_secs(args.seconds.max(1));
    // The page exists once the directory page is routed; without it only the API is measured.
    let page_probe = fetch_status(app_address, "/organisations").await?;

    let mut results: Vec<(String, Measured)> = Vec::new();
    let reference_target = Target {
        name: String::from("reference: axum + one SQLite query → small HTML page"),
        paths: (0..1024)
            .map(|step| format!("/reference?id={}", spread(step, max_id)))
            .collect(),
        gzip: false,
    };
    let reference_measured = load(
        reference_address,
        &reference_target,
        connections,
        client_threads,
        duration,
    )?;
    print_line(&reference_target.name, &reference_measured, None);
    for target in targets {
        if target.name.starts_with("page") && page_probe != 200 {
            println!(
                "{:<58} skipped: /organisations answers {page_probe}",
                target.name
            );
            continue;
        }
        let measured = load(app_address, &target, connections, client_threads, duration)?;
        print_line(&target.name, &measured, Some(&reference_measured));
        results.push((target.name, measured));
    }
    let again = load(
        reference_address,
        &reference_target,
        connections,
        client_threads,
        duration,
    )?;
    print_line(
        "reference again (drift check)",
        &again,
        Some(&reference_measured),
    );
    for (name, page) in results.iter().filter(|(name, _)| name.starts_with("page")) {
        println!(
            "directory {name}: {:.0} requests/s, target {PAGE_TARGET_PER_SECOND:.0}: {:.2}× the target",
            page.rate(),
            page.rate() / PAGE_TARGET_PER_SECOND
        );
    }
    let failures: u64 = results
        .iter()
        .map(|(_, measured)| measured.failures)
        .sum::<u64>()
        + reference_measured.failures;
    storage.close().await;
    if failures > 0 {
        println!("{failures} request(s) did not answer 200");
        return Ok(ExitCode::FAILURE);
    }
    Ok(ExitCode::SUCCESS)
}

/// An id spread over `1..=max_id`, the same for the same step.
fn spread(step: u64, max_id: i64) -> i64 {
    let mixed = step.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 16;
    let max = u64::try_from(max_id.max(1)).unwrap_or(1);
    i64::try_from(mixed % max).unwrap_or(0) + 1
}

/// The directory page and the JSON search, each over a mix of searches: no filter, one
/// country, keywords with a country, facets of several groups, a map box, distance order.
fn targets(_max_id: i64) -> Vec<Target> {
    let mix = [
        "",
        "country=DE",
        "q=energy&country=FR",
        "type=sme&staff=10_49&staff=50_249&country=IT",
        "sector=7&sector=10&nuts=DE2",
        "q=digital&sort=name",
        "bbox=2,45,12,52&type=cluster",
        "near=48.14,11.58&sort=distance&country=DE",
    ];
    let paths = |base: &str| -> Vec<String> {
        mix.iter()
            .map(|query| {
                if query.is_empty() {
                    base.to_owned()
                } else {
                    format!("{base}?{query}")
                }
            })
            .collect()
    };
    vec![
        Target {
            name: String::from("page /organisations (8 searches)"),
            paths: paths("/organisations"),
            gzip: false,
        },
        Target {
            name: String::from("page /organisations (8 searches, gzip)"),
            paths: paths("/organisations"),
            gzip: true,
        },
        Target {
            name: format!("page /organisations ({DISTINCT_SEARCHES} distinct searches, uncached)"),
            paths: distinct_searches("/organisations"),
            gzip: false,
        },
        Target {
            name: String::from("JSON /api/v1/organisations (8 searches)"),
            paths: paths("/api/v1/organisations"),
            gzip: false,
        },
    ]
}

/// How many different searches the uncached page target cycles through: more than the page
/// cache keeps (`clusterhub_web`'s 256), so nearly every page is searched and rendered afresh.
const DISTINCT_SEARCHES: usize = 2_048;

/// [`DISTINCT_SEARCHES`] different searches of one country and one sector each, on their first
/// or second page: what a long tail of visitors asks.
fn distinct_searches(base: &str) -> Vec<String> {
    const COUNTRIES: [&str; 27] = [
        "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "HR", "HU", "IE", "IT",
        "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK", "NO",
    ];
    (0..DISTINCT_SEARCHES)
        .map(|step| {
            let country = COUNTRIES[step % COUNTRIES.len()];
            let sector = 1 + (step / COUNTRIES.len()) % 51;
            let page = 1 + step / (COUNTRIES.len() * 51);
            format!("{base}?country={country}&sector={sector}&page={page}")
        })
        .collect()
}

/// `GET /reference?id=N`: one row by primary key, rendered as a small escaped HTML page.
async fn reference_page(
    State(pool): State<SqlitePool>,
    Query(params): Query<std::collections::HashMap<String, String>>,
) -> Result<Html<String>, (axum::http::StatusCode, String)> {
    let id: i64 = params
        .get("id")
        .and_then(|id| id.parse().ok())
        .ok_or((axum::http::StatusCode::BAD_REQUEST, String::from("id")))?;
    let row = sqlx::query("SELECT name, city, country FROM organisations WHERE id = ?")
        .bind(id)
        .fetch_optional(&pool)
        .await
        .map_err(|error| {
            (
                axum::http::StatusCode::INTERNAL_SERVER_ERROR,
                error.to_string(),
            )
        })?;
    let Some(row) = row else {
        return Err((axum::http::StatusCode::NOT_FOUND, String::from("none")));
    };
    let name: String = row.get(0);
    let city: Option<String> = row.get(1);
    let country: String = row.get(2);
    Ok(Html(format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{0}</title></head>\
         <body><h1>{0}</h1><p>{1}, {2}</p></body></html>",
        escape(&name),
        escape(city.as_deref().unwrap_or("")),
        escape(&country)
    )))
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for character in text.chars() {
        match character {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            other => out.push(other),
        }
    }
    out
}

/// Serves a router on a loopback port of this runtime; gives its address.
async fn serve(router: Router) -> anyhow::Result<SocketAddr> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let address = listener.local_addr()?;
    tokio::spawn(async move {
        if let Err(error) = axum::serve(listener, router).await {
            eprintln!("bench http: server stopped: {error}");
        }
    });
    Ok(address)
}

/// GETs `path` on a fresh connection; the status.
pub(crate) async fn fetch_status(address: SocketAddr, path: &str) -> anyhow::Result<u16> {
    let client: Client<HttpConnector, Empty<Bytes>> =
        Client::builder(TokioExecutor::new()).build_http();
    let response = client
        .get(format!("http://{address}{path}").parse()?)
        .await?;
    let status = response.status().as_u16();
    response.into_body().collect().await?;
    Ok(status)
}

/// Loads one target from a client runtime of its own for `duration`, after a short warm-up.
fn load(
    address: SocketAddr,
    target: &Target,
    connections: usize,
    client_threads: usize,
    duration: Duration,
) -> anyhow::Result<Measured> {
    let uris: Arc<Vec<hyper::Uri>> = Arc::new(
        target
            .paths
            .iter()
            .map(|path| format!("http://{address}{path}").parse())
            .collect::<Result<_, _>>()?,
    );
    std::thread::scope(|scope| {
        scope
            .spawn(|| {
                let runtime = tokio::runtime::Builder::new_multi_thread()
                    .worker_threads(client_threads)
                    .enable_all()
                    .build()?;
                runtime.block_on(drive(uris.clone(), target.gzip, connections, duration))
            })
            .join()
            .map_err(|_| anyhow::anyhow!("the load generator panicked"))?
    })
}

async fn drive(
    uris: Arc<Vec<hyper::Uri>>,
    gzip: bool,
    connections: usize,
    duration: Duration,
) -> anyhow::Result<Measured> {
    let mut connector = HttpConnector::new();
    connector.set_nodelay(true);
    let client: Client<HttpConnector, Empty<Bytes>> = Client::builder(TokioExecutor::new())
        .pool_max_idle_per_host(connections)
        .build(connector);
    // Warm-up: open the connections and touch every path.
    let warm_until = Instant::now() + Duration::from_millis(500);
    let counter = Arc::new(AtomicU64::new(0));
    run_clients(&client, &uris, gzip, connections, warm_until, &counter).await?;
    let started = Instant::now();
    let until = started + duration;
    let (histogram, failures) =
        run_clients(&client, &uris, gzip, connections, until, &counter).await?;
    let elapsed = started.elapsed();
    Ok(Measured {
        requests: histogram.len(),
        failures,
        elapsed,
        histogram,
    })
}

/// `connections` tasks each sending one request after another until `until`; their latencies
/// (microseconds) merged into one histogram, and how many did not answer 200 (or, asking for
/// gzip, came back uncompressed).
async fn run_clients(
    client: &Client<HttpConnector, Empty<Bytes>>,
    uris: &Arc<Vec<hyper::Uri>>,
    gzip: bool,
    connections: usize,
    until: Instant,
    counter: &Arc<AtomicU64>,
) -> anyhow::Result<(Histogram<u64>, u64)> {
    let mut tasks = Vec::with_capacity(connections);
    for _ in 0..connections {
        let client = client.clone();
        let uris = uris.clone();
        let counter = counter.clone();
        tasks.push(tokio::spawn(async move {
            let mut histogram = Histogram::<u64>::new_with_bounds(1, 60_000_000, 3)?;
            let mut failures = 0u64;
            while Instant::now() < until {
                let step = counter.fetch_add(1, Ordering::Relaxed);
                let uri = uris[usize::try_from(step)? % uris.len()].clone();
                let sent = Instant::now();
                let mut request = hyper::Request::get(uri);
                if gzip {
                    request = request.header(hyper::header::ACCEPT_ENCODING, "gzip");
                }
                let response = client.request(request.body(Empty::new())?).await?;
                let ok = response.status() == hyper::StatusCode::OK
                    && (!gzip
                        || response
                            .headers()
                            .get(hyper::header::CONTENT_ENCODING)
                            .is_some_and(|encoding| encoding == "gzip"));
                response.into_body().collect().await?;
                let micros = u64::try_from(sent.elapsed().as_micros())?.max(1);
                histogram.record(micros)?;
                if !ok {
                    failures += 1;
                }
            }
            anyhow::Ok((histogram, failures))
        }));
    }
    let mut merged = Histogram::<u64>::new_with_bounds(1, 60_000_000, 3)?;
    let mut failures = 0;
    for task in tasks {
        let (histogram, failed) = task.await??;
        merged.add(&histogram)?;
        failures += failed;
    }
    Ok((merged, failures))
}

fn print_line(name: &str, measured: &Measured, reference: Option<&Measured>) {
    let ratio = reference.map_or_else(String::new, |reference| {
        format!("  {:.2}× the reference", measured.rate() / reference.rate())
    });
    println!(
        "{name:<58} {:>9.0} requests/s  p50 {:>7.2} ms  p99 {:>7.2} ms  ({} requests, {} not 200){ratio}",
        measured.rate(),
        measured.quantile_ms(0.5),
        measured.quantile_ms(0.99),
        measured.requests,
        measured.failures,
    );
}
