//! Fuzzes the whole router with requests a browser or client could send: every route of the
//! access policy and of the OpenAPI document, with fuzzed path segments, query strings, form
//! and JSON bodies (CSRF token included so bodies reach their readers). No answer may be a 5xx, and
//! nothing may panic. The router runs over a real SQLite file holding 300 demo organisations.

#![no_main]

use std::sync::{Arc, OnceLock};

use axum::Router;
use axum::body::Body;
use axum::http::{Method, Request};
use clusterhub_directory::Directory;
use clusterhub_import::{OrganisationColumns, RawRow};
use clusterhub_reference::Reference;
use clusterhub_storage::{OrganisationImport, Storage};
use clusterhub_web::AppState;
use libfuzzer_sys::fuzz_target;
use tower::ServiceExt;

/// Pages the access policy declares by path prefix (public read-only families), which its
/// table of explicit rules does not list.
const PREFIX_PAGES: &[(&str, &str)] = &[
    ("GET", "/observatory/regions/{nuts}"),
    ("GET", "/observatory/sectors/{sector}"),
    ("GET", "/observatory/compare"),
    ("GET", "/static/{file}"),
];

const CSRF: &str = "fuzzfuzzfuzzfuzzfuzzfuzzfuzzfuzz";

struct World {
    runtime: tokio::runtime::Runtime,
    router: Router,
    routes: Vec<(Method, String)>,
    _directory: Directory,
    _files: tempfile::TempDir,
}

fn world() -> &'static World {
    static WORLD: OnceLock<World> = OnceLock::new();
    WORLD.get_or_init(|| {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime");
        let files = tempfile::tempdir().expect("a temp dir");
        let (router, directory) = runtime.block_on(async {
            let storage = Storage::open_sqlite(&files.path().join("clusterhub.db"))
                .await
                .expect("open SQLite");
            storage.migrate().await.expect("migrate");
            storage
                .import_organisations(&demo_organisations(300))
                .await
                .expect("import the demo organisations");
            let directory = Directory::in_memory(storage.clone())
                .await
                .expect("a search index");
            directory.catch_up().await.expect("index the database");
            let state = AppState::new(storage, directory.index(), Reference::get());
            (clusterhub_web::router(state), directory)
        });
        World {
            runtime,
            router,
            routes: routes(),
            _directory: directory,
            _files: files,
        }
    })
}

/// Every route with an explicit access rule, the prefix-declared pages, and every (method,
/// path) of the OpenAPI document (taxonomies and observatory figures are prefix-declared too).
fn routes() -> Vec<(Method, String)> {
    let mut routes: Vec<(Method, String)> = clusterhub_web::auth::policy_rules()
        .iter()
        .map(|(method, path, _)| (*method, *path))
        .chain(PREFIX_PAGES.iter().copied())
        .map(|(method, path)| (method.parse().expect("a method"), path.to_owned()))
        .collect();
    let document: serde_json::Value =
        serde_json::from_str(&clusterhub_web::openapi_json()).expect("the OpenAPI document");
    for (path, item) in document["paths"].as_object().expect("paths") {
        for method in item.as_object().expect("a path item").keys() {
            if let Ok(method) = method.to_uppercase().parse::<Method>() {
                routes.push((method, path.clone()));
            }
        }
    }
    routes.sort();
    routes.dedup();
    routes
}

fn demo_organisations(count: usize) -> Vec<OrganisationImport> {
    let header: Vec<String> = clusterhub_demo::CSV_HEADER
        .iter()
        .map(|name| (*name).to_owned())
        .collect();
    let columns = OrganisationColumns::from_header(&header).expect("the demo header");
    let header: Arc<[String]> = header.into();
    let today = time::macros::date!(2026 - 11 - 22);
    clusterhub_demo::generate(&clusterhub_demo::DemoConfig {
        organisations: count,
        seed: 11,
    })
    .enumerate()
    .map(|(line, row)| {
        let raw = RawRow {
            line: line as u64 + 2,
            fields: row.fields().map(str::to_owned).collect(),
            header: header.clone(),
        };
        let parsed = columns.parse(&raw, today).expect("a valid demo row");
        OrganisationImport::from_domain(&parsed.organisation)
    })
    .collect()
}

/// Percent-encodes what may not stand in a URI as it is, keeping the query's own syntax.
fn encode(text: &str, keep: &[u8]) -> String {
    let mut out = String::with_capacity(text.len());
    for &byte in text.as_bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) || keep.contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

fuzz_target!(|data: &[u8]| {
    let world = world();
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let (method, pattern) = &world.routes[usize::from(selector) % world.routes.len()];
    let text = String::from_utf8_lossy(rest);
    let mut parts = text.splitn(3, '\n');
    let segment = parts.next().unwrap_or_default();
    let query = parts.next().unwrap_or_default();
    let body = parts.next().unwrap_or_default();

    // Every `{name}` of the pattern takes the fuzzed segment.
    let mut path = String::new();
    let mut rest_of_pattern = pattern.as_str();
    while let Some(open) = rest_of_pattern.find('{') {
        let close = rest_of_pattern[open..]
            .find('}')
            .map_or(rest_of_pattern.len(), |c| open + c + 1);
        path.push_str(&rest_of_pattern[..open]);
        path.push_str(&encode(segment, b"!$&'()*+,;=:@"));
        rest_of_pattern = &rest_of_pattern[close..];
    }
    path.push_str(rest_of_pattern);
    let mut uri = path;
    if !query.is_empty() {
        uri.push('?');
        uri.push_str(&encode(query, b"!$&'()*+,;=:@/?%"));
    }

    let json = body.trim_start().starts_with(['{', '[']);
    let mut request = Request::builder()
        .method(method.clone())
        .uri(&uri)
        .header("cookie", format!("clusterhub_csrf={CSRF}"))
        .header("x-csrf-token", CSRF)
        .header("x-forwarded-for", "203.0.113.9");
    if *method != Method::GET {
        request = request.header(
            "content-type",
            if json {
                "application/json"
            } else {
                "application/x-www-form-urlencoded"
            },
        );
    }
    let Ok(request) = request.body(Body::from(body.to_owned())) else {
        return;
    };
    let status = world.runtime.block_on(async {
        let response = world
            .router
            .clone()
            .oneshot(request)
            .await
            .expect("the router never fails");
        let status = response.status();
        let _ = axum::body::to_bytes(response.into_body(), usize::MAX).await;
        status
    });
    assert!(
        !status.is_server_error(),
        "{method} {uri} answered {status} (body {body:?})"
    );
});
