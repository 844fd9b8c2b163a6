//! Serves the web crate over a temporary SQLite database filled with a few hundred made-up
//! organisations, to look at the pages in a browser while working on them.
//!
//! `cargo run -p clusterhub-web --example preview -- 127.0.0.1:8088`; stop it with Ctrl-C. The
//! database is deleted on exit.

use std::net::SocketAddr;

use clusterhub_reference::Reference;
use clusterhub_storage::{OrganisationImport, Storage};
use clusterhub_web::AppState;

/// Countries and how many organisations each gets, roughly in the proportions of the European
/// Cluster Collaboration Platform.
const COUNTRY_WEIGHTS: &[(&str, usize)] = &[
    ("ES", 118),
    ("FR", 104),
    ("DE", 97),
    ("IT", 81),
    ("PL", 46),
    ("PT", 38),
    ("BE", 31),
    ("AT", 27),
    ("CZ", 22),
    ("SE", 21),
    ("NL", 19),
    ("RO", 18),
    ("DK", 16),
    ("FI", 14),
    ("GR", 13),
    ("HU", 12),
    ("BG", 11),
    ("SI", 9),
    ("NO", 9),
    ("LT", 8),
    ("IE", 7),
    ("SK", 7),
    ("HR", 6),
    ("EE", 5),
    ("LV", 5),
    ("TR", 4),
    ("CY", 3),
    ("LU", 3),
    ("MT", 2),
];

const KINDS: &[&str] = &[
    "cluster",
    "sme",
    "sme",
    "sme",
    "large_enterprise",
    "rto",
    "university",
    "incubator",
    "public_authority",
];

/// Made-up organisations, deterministic: every fifth one per country is a cluster organisation;
/// each sits in one of its country's larger cities, with a sector and a short description.
fn organisations() -> Vec<OrganisationImport> {
    let reference = Reference::get();
    let mut organisations = Vec::new();
    for &(country, count) in COUNTRY_WEIGHTS {
        let mut cities: Vec<&clusterhub_reference::City> = reference
            .cities()
            .iter()
            .filter(|city| city.country == country && city.nuts3.is_some())
            .collect();
        cities.sort_by_key(|city| std::cmp::Reverse(city.population));
        cities.truncate(12);
        for index in 0..count {
            let kind = if index % 5 == 0 {
                "cluster"
            } else {
                KINDS[index % KINDS.len()]
            };
            // Bigger cities get more organisations: the first city every other time.
            let city = if cities.is_empty() {
                None
            } else if index % 2 == 0 {
                Some(cities[0])
            } else {
                Some(cities[(index * 7) % cities.len()])
            };
            let sector = (index * 13 + country.len()) % 51 + 1;
            organisations.push(OrganisationImport {
                external_key: format!("preview-{country}-{index}"),
                kind: kind.to_owned(),
                name: format!("Preview organisation {country} {index}"),
                country: country.to_owned(),
                sme_status: String::from("undeclared"),
                city: city.map(|city| city.name.clone()),
                lat: city.map(|city| city.lat + (index % 7) as f64 * 0.01),
                lon: city.map(|city| city.lon + (index % 5) as f64 * 0.01),
                nuts: city.and_then(|city| city.nuts3.clone()),
                sectors: vec![sector.to_string()],
                descriptions: std::collections::BTreeMap::from([(
                    String::from("en"),
                    format!(
                        "A made-up organisation for previewing the directory: it works on \
                         sector {sector} with partners across Europe, runs pilot projects with \
                         SMEs and offers testing facilities, training and matchmaking."
                    ),
                )]),
                ..OrganisationImport::default()
            });
        }
    }
    organisations
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .init();
    let address: SocketAddr = std::env::args()
        .nth(1)
        .unwrap_or_else(|| String::from("127.0.0.1:8088"))
        .parse()?;

    let directory = tempfile::tempdir()?;
    let storage = Storage::open_sqlite(&directory.path().join("preview.db")).await?;
    storage.migrate().await?;
    let summary = storage.import_organisations(&organisations()).await?;
    tracing::info!(inserted = summary.inserted, "preview data loaded");

    let directory_index = clusterhub_directory::Directory::in_memory(storage.clone()).await?;
    let state = AppState::new(storage.clone(), directory_index.index(), Reference::get())
        .with_version("preview");
    let listener = tokio::net::TcpListener::bind(address).await?;
    tracing::info!("serving on http://{}/", listener.local_addr()?);
    axum::serve(listener, clusterhub_web::router(state))
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await?;
    storage.close().await;
    Ok(())
}
