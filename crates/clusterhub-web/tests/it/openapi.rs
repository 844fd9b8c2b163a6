//! The OpenAPI document: the committed `docs/openapi.json` is the one the code generates, the
//! server serves it, every route under `/api/v1` has an operation in it (and every operation a
//! route), and real answers have the status, media type and shape the document gives them.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::support::{TestApp, TestResponse, organisation};

/// Where the document is committed.
fn committed_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/openapi.json")
}

pub fn generated() -> Value {
    serde_json::from_str(&clusterhub_web::openapi_json()).expect("the document is JSON")
}

#[test]
fn the_committed_document_is_the_generated_one() {
    let path = committed_path();
    let generated = clusterhub_web::openapi_json();
    if std::env::var_os("UPDATE_OPENAPI").is_some_and(|value| value != "0") {
        std::fs::write(&path, &generated).expect("write docs/openapi.json");
        eprintln!("wrote {}", path.display());
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "docs/openapi.json is not the document the code generates (the API or its \
         documentation changed). Review the change, then write the file anew with\n\n    \
         UPDATE_OPENAPI=1 cargo nextest run -p clusterhub-web openapi::the_committed_document_is_the_generated_one\n\n\
         and commit it.{}",
        first_difference(&committed, &generated)
    );
}

/// Where two texts first differ, for the failure message.
fn first_difference(committed: &str, generated: &str) -> String {
    let line = committed
        .lines()
        .zip(generated.lines())
        .position(|(left, right)| left != right)
        .unwrap_or_else(|| committed.lines().count().min(generated.lines().count()));
    format!(
        "\nFirst difference at line {}:\n  committed: {}\n  generated: {}",
        line + 1,
        committed.lines().nth(line).unwrap_or("(end of file)"),
        generated.lines().nth(line).unwrap_or("(end of file)")
    )
}

#[tokio::test]
async fn the_document_is_served_with_a_validator() {
    let app = TestApp::new().await;
    let response = app.get("/api/v1/openapi.json").await;
    assert_eq!(response.status, StatusCode::OK);
    assert_eq!(response.header("content-type"), Some("application/json"));
    assert_eq!(response.json(), generated());
    let document = response.json();
    assert!(
        document["openapi"]
            .as_str()
            .is_some_and(|version| version.starts_with("3.1")),
        "{}",
        document["openapi"]
    );
    let etag = response.header("etag").expect("an ETag").to_owned();
    let again = app
        .get_with("/api/v1/openapi.json", &[("if-none-match", &etag)])
        .await;
    assert_eq!(again.status, StatusCode::NOT_MODIFIED);
}

/// Every path literal given to `.route(` in the web crate's sources that lies under `/api`.
/// Under `src/api`, a `.route(` whose path is not a literal fails the test: the check needs to
/// see it (elsewhere, pages may name their paths by constants).
fn api_routes_in_sources() -> BTreeSet<String> {
    fn visit(directory: &Path, in_api: bool, routes: &mut BTreeSet<String>) {
        for entry in std::fs::read_dir(directory).expect("read the source directory") {
            let path = entry.expect("a directory entry").path();
            if path.is_dir() {
                let in_api = in_api || path.file_name().is_some_and(|name| name == "api");
                visit(&path, in_api, routes);
            } else if path.extension().is_some_and(|extension| extension == "rs") {
                let text = std::fs::read_to_string(&path).expect("read a source file");
                for (offset, _) in text.match_indices(".route(") {
                    let rest = text[offset + ".route(".len()..].trim_start();
                    let Some(literal) = rest.strip_prefix('"') else {
                        let line = text[..offset].lines().count();
                        assert!(
                            !in_api,
                            "{}:{line}: `.route(` takes a path that is not a string literal; \
                             write the path as a literal so that this test can check that the \
                             OpenAPI document has it",
                            path.display()
                        );
                        continue;
                    };
                    let route = &literal[..literal.find('"').expect("a closing quote")];
                    if route == "/api" || route.starts_with("/api/") {
                        routes.insert(route.to_owned());
                    }
                }
            }
        }
    }
    let mut routes = BTreeSet::new();
    visit(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        false,
        &mut routes,
    );
    routes
}

fn documented_paths(document: &Value) -> BTreeSet<String> {
    document["paths"]
        .as_object()
        .expect("paths")
        .keys()
        .cloned()
        .collect()
}

#[test]
fn every_api_route_has_an_operation_and_every_operation_a_route() {
    let routes = api_routes_in_sources();
    assert!(
        routes.contains("/api/v1/organisations") && routes.contains("/api/v1/openapi.json"),
        "the source scan finds the routes: {routes:?}"
    );
    let document = generated();
    let paths = documented_paths(&document);
    let undocumented: Vec<&String> = routes.difference(&paths).collect();
    assert!(
        undocumented.is_empty(),
        "these routes have no operation in the OpenAPI document: {undocumented:?}. Give each \
         handler a #[utoipa::path(...)] attribute, list it in its module's `Doc`, and make sure \
         the module's `Doc` is in `api::documents()`; then run UPDATE_OPENAPI=1 cargo nextest \
         run -p clusterhub-web openapi::the_committed_document_is_the_generated_one"
    );
    let unrouted: Vec<&String> = paths.difference(&routes).collect();
    assert!(
        unrouted.is_empty(),
        "the OpenAPI document has operations no route serves: {unrouted:?}"
    );
    let mut operation_ids = BTreeSet::new();
    for (path, item) in document["paths"].as_object().expect("paths") {
        for (method, operation) in item.as_object().expect("a path item") {
            let id = operation["operationId"]
                .as_str()
                .unwrap_or_else(|| panic!("{method} {path} has no operationId"));
            assert!(operation_ids.insert(id.to_owned()), "{id} is used twice");
        }
    }
}

/// A value for a path parameter that names something the test data holds.
fn example_value(path: &str, parameter: &str, organisation_id: i64) -> String {
    match (path, parameter) {
        (_, "id") => organisation_id.to_string(),
        ("/api/v1/problems/{code}", "code") => String::from("invalid_parameter"),
        ("/api/v1/taxonomies/nace/{code}", "code") => String::from("C"),
        (_, "code" | "old_code" | "nuts") => String::from("DE"),
        _ => String::from("1"),
    }
}

/// Every GET operation, asked with its path parameters filled in and nothing else, is served
/// (its route exists) and answers with a status, media type and body its documentation gives.
#[tokio::test]
async fn every_operation_answers_as_documented() {
    let app = TestApp::with_organisations(&[organisation("a", "sme", "DE")]).await;
    let organisation_id = app.get("/api/v1/organisations").await.json()["hits"][0]["id"]
        .as_i64()
        .expect("an organisation");
    let document = generated();
    for (path, item) in document["paths"].as_object().expect("paths") {
        if item.get("get").is_none() {
            continue;
        }
        let mut url = path.clone();
        while let Some(start) = url.find('{') {
            let end = url[start..].find('}').expect("a closing brace") + start;
            let value = example_value(path, &url[start + 1..end], organisation_id);
            url.replace_range(start..=end, &value);
        }
        let response = app.get(&url).await;
        let code = serde_json::from_slice::<Value>(&response.body)
            .ok()
            .and_then(|body| body["code"].as_str().map(str::to_owned));
        assert!(
            !matches!(
                code.as_deref(),
                Some("route_not_found" | "method_not_allowed")
            ),
            "GET {url} (documented as {path}) is not routed: {}",
            response.text()
        );
        conforms(&document, path, &url, &response);
    }
}

/// `$ref`s followed to what they name.
fn resolve<'a>(value: &'a Value, document: &'a Value) -> &'a Value {
    let mut value = value;
    while let Some(reference) = value.get("$ref").and_then(Value::as_str) {
        let pointer = reference
            .strip_prefix('#')
            .unwrap_or_else(|| panic!("an outside reference {reference}"));
        value = document
            .pointer(pointer)
            .unwrap_or_else(|| panic!("{reference} names nothing"));
    }
    value
}

/// The properties an object schema declares (through `allOf` too), and the schema of other
/// keys if it allows them.
fn declared(schema: &Value, document: &Value) -> (BTreeMap<String, Value>, Option<Value>) {
    let schema = resolve(schema, document);
    let mut properties: BTreeMap<String, Value> = schema
        .get("properties")
        .and_then(Value::as_object)
        .map(|map| map.clone().into_iter().collect())
        .unwrap_or_default();
    let mut additional = match schema.get("additionalProperties") {
        Some(Value::Bool(true)) => Some(json!({})),
        Some(Value::Bool(false)) | None => None,
        Some(other) => Some(other.clone()),
    };
    for branch in schema
        .get("allOf")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let (more, more_additional) = declared(branch, document);
        properties.extend(more);
        additional = additional.or(more_additional);
    }
    (properties, additional)
}

/// Keys of `value` that its schema does not declare: the document would be missing a field the
/// API writes. A schema with no `properties`, `allOf` or `additionalProperties` is free-form.
fn undeclared(value: &Value, schema: &Value, document: &Value, at: &str, out: &mut Vec<String>) {
    let schema = resolve(schema, document);
    if let Some(branches) = schema
        .get("oneOf")
        .or_else(|| schema.get("anyOf"))
        .and_then(Value::as_array)
    {
        if value.is_null() {
            return;
        }
        let best = branches
            .iter()
            .map(|branch| {
                let mut found = Vec::new();
                undeclared(value, branch, document, at, &mut found);
                found
            })
            .min_by_key(Vec::len)
            .unwrap_or_default();
        out.extend(best);
        return;
    }
    match value {
        Value::Object(map) => {
            let free_form = ["properties", "allOf", "additionalProperties"]
                .iter()
                .all(|keyword| schema.get(keyword).is_none());
            if free_form {
                return;
            }
            let (properties, additional) = declared(schema, document);
            for (key, inner) in map {
                let place = format!("{at}.{key}");
                match properties.get(key).or(additional.as_ref()) {
                    Some(inner_schema) => undeclared(inner, inner_schema, document, &place, out),
                    None => out.push(place),
                }
            }
        }
        Value::Array(items) => {
            let prefix = schema.get("prefixItems").and_then(Value::as_array);
            for (index, item) in items.iter().enumerate() {
                let item_schema = prefix
                    .and_then(|prefix| prefix.get(index))
                    .or_else(|| schema.get("items"));
                if let Some(item_schema) = item_schema {
                    undeclared(item, item_schema, document, &format!("{at}[{index}]"), out);
                }
            }
        }
        _ => {}
    }
}

/// Checks an answer against the document: its status is documented for the operation, its
/// media type is the documented one, and a JSON body validates against the documented schema
/// and has no field the schema does not declare.
pub fn conforms(document: &Value, path: &str, url: &str, response: &TestResponse) {
    let operation = &document["paths"][path]["get"];
    assert!(operation.is_object(), "{path} is not documented");
    let status = response.status.as_u16().to_string();
    let answer = operation["responses"]
        .get(&status)
        .map(|answer| resolve(answer, document))
        .unwrap_or_else(|| {
            panic!(
                "GET {url} answered {status}, which {path} does not document: {}",
                response.text()
            )
        });
    let Some(content) = answer.get("content").and_then(Value::as_object) else {
        assert!(
            response.body.is_empty(),
            "GET {url}: {status} is documented without a body"
        );
        return;
    };
    let content_type = response.header("content-type").unwrap_or_default();
    let (media_type, media) = content
        .iter()
        .find(|(media_type, _)| *media_type == content_type)
        .unwrap_or_else(|| {
            panic!(
                "GET {url} answered {status} as {content_type}; {path} documents {:?}",
                content.keys().collect::<Vec<_>>()
            )
        });
    if !media_type.contains("json") {
        return;
    }
    let schema = &media["schema"];
    let body = response.json();
    let root = json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "components": document["components"],
        "allOf": [schema],
    });
    let validator = jsonschema::draft202012::new(&root).expect("the schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(&body)
        .map(|error| format!("{} at {}", error, error.instance_path()))
        .take(5)
        .collect();
    assert!(
        errors.is_empty(),
        "GET {url} ({status}) does not match its documented schema: {errors:#?}"
    );
    let mut extra = Vec::new();
    undeclared(&body, schema, document, "$", &mut extra);
    assert!(
        extra.is_empty(),
        "GET {url} ({status}) writes fields its documented schema does not declare: {extra:?}"
    );
}

#[tokio::test]
async fn answers_have_their_documented_status_media_type_and_shape() {
    let app = TestApp::with_organisations(&crate::facet_recount::demo_organisations(300)).await;
    let document = generated();
    let first_id = |answer: &Value| answer["hits"][0]["id"].as_i64().expect("a hit");
    let cluster = first_id(
        &app.get("/api/v1/organisations?type=cluster&per_page=1")
            .await
            .json(),
    );
    let member = first_id(
        &app.get("/api/v1/organisations?type=sme&per_page=1")
            .await
            .json(),
    );
    let cluster_url = format!("/api/v1/organisations/{cluster}");
    let member_url = format!("/api/v1/organisations/{member}?lang=fr");
    let export_ids = format!("/api/v1/organisations/export.xlsx?id={cluster}&id={member}");
    let long_keywords = format!("/api/v1/organisations?q={}", "%C3%A9".repeat(500));
    let too_long_keywords = format!("{long_keywords}e");
    let many_countries = format!("/api/v1/organisations?{}", ["country=DE"; 100].join("&"));
    let too_many_countries = format!("{many_countries}&country=FR");
    let requests: Vec<(&str, &str, u16)> = vec![
        ("/api/v1", "/api/v1", 200),
        ("/api/v1/health", "/api/v1/health", 200),
        ("/api/v1/health", "/api/v1/health?verbose=1", 400),
        ("/api/v1/openapi.json", "/api/v1/openapi.json", 200),
        ("/api/v1/problems", "/api/v1/problems", 200),
        (
            "/api/v1/problems/{code}",
            "/api/v1/problems/export_too_large",
            200,
        ),
        (
            "/api/v1/problems/{code}",
            "/api/v1/problems/no_such_code",
            404,
        ),
        ("/api/v1/taxonomies", "/api/v1/taxonomies", 200),
        (
            "/api/v1/taxonomies/nuts",
            "/api/v1/taxonomies/nuts?level=2",
            200,
        ),
        (
            "/api/v1/taxonomies/nuts",
            "/api/v1/taxonomies/nuts?version=2016&parent=DE2",
            200,
        ),
        (
            "/api/v1/taxonomies/nuts",
            "/api/v1/taxonomies/nuts?level=9",
            400,
        ),
        (
            "/api/v1/taxonomies/nuts/{code}",
            "/api/v1/taxonomies/nuts/DE212",
            200,
        ),
        (
            "/api/v1/taxonomies/nuts/{code}",
            "/api/v1/taxonomies/nuts/DE",
            200,
        ),
        (
            "/api/v1/taxonomies/nuts/{code}",
            "/api/v1/taxonomies/nuts/FR101?version=2016",
            200,
        ),
        (
            "/api/v1/taxonomies/nuts/{code}",
            "/api/v1/taxonomies/nuts/XX999",
            404,
        ),
        (
            "/api/v1/taxonomies/nuts/recode/{old_code}",
            "/api/v1/taxonomies/nuts/recode/DE212",
            200,
        ),
        (
            "/api/v1/taxonomies/nuts/recode/{old_code}",
            "/api/v1/taxonomies/nuts/recode/FR101",
            200,
        ),
        (
            "/api/v1/taxonomies/nuts/recode/{old_code}",
            "/api/v1/taxonomies/nuts/recode/UKI1",
            200,
        ),
        (
            "/api/v1/taxonomies/nuts/recode/{old_code}",
            "/api/v1/taxonomies/nuts/recode/QQ9",
            404,
        ),
        (
            "/api/v1/taxonomies/nace",
            "/api/v1/taxonomies/nace?level=1",
            200,
        ),
        (
            "/api/v1/taxonomies/nace",
            "/api/v1/taxonomies/nace?parent=C&lang=de",
            200,
        ),
        (
            "/api/v1/taxonomies/nace",
            "/api/v1/taxonomies/nace?lang=es",
            400,
        ),
        (
            "/api/v1/taxonomies/nace/{code}",
            "/api/v1/taxonomies/nace/62.01?lang=fr",
            200,
        ),
        (
            "/api/v1/taxonomies/nace/{code}",
            "/api/v1/taxonomies/nace/C",
            200,
        ),
        (
            "/api/v1/taxonomies/nace/{code}",
            "/api/v1/taxonomies/nace/99.99",
            404,
        ),
        (
            "/api/v1/taxonomies/countries",
            "/api/v1/taxonomies/countries",
            200,
        ),
        (
            "/api/v1/taxonomies/cities",
            "/api/v1/taxonomies/cities?country=EL&q=ath&limit=3",
            200,
        ),
        (
            "/api/v1/taxonomies/cities",
            "/api/v1/taxonomies/cities?country=MA",
            200,
        ),
        (
            "/api/v1/taxonomies/cities",
            "/api/v1/taxonomies/cities?limit=0",
            400,
        ),
        (
            "/api/v1/taxonomies/cluster-categories",
            "/api/v1/taxonomies/cluster-categories?lang=fr",
            200,
        ),
        (
            "/api/v1/taxonomies/emerging-industries",
            "/api/v1/taxonomies/emerging-industries",
            200,
        ),
        (
            "/api/v1/taxonomies/technology-fields",
            "/api/v1/taxonomies/technology-fields",
            200,
        ),
        (
            "/api/v1/taxonomies/s3-priority-areas",
            "/api/v1/taxonomies/s3-priority-areas?lang=de",
            200,
        ),
        (
            "/api/v1/taxonomies/region-categories",
            "/api/v1/taxonomies/region-categories?period=2014-2020",
            200,
        ),
        (
            "/api/v1/taxonomies/region-categories",
            "/api/v1/taxonomies/region-categories",
            200,
        ),
        ("/api/v1/organisations", "/api/v1/organisations", 200),
        (
            "/api/v1/organisations",
            "/api/v1/organisations?country=DE&country=FR&sort=name&per_page=5&page=2",
            200,
        ),
        (
            "/api/v1/organisations",
            "/api/v1/organisations?near=48.14,11.58&sort=distance&bbox=-10,35,30,60",
            200,
        ),
        (
            "/api/v1/organisations",
            "/api/v1/organisations?q=zzzzqqqq",
            200,
        ),
        (
            "/api/v1/organisations",
            "/api/v1/organisations?per_page=101",
            400,
        ),
        (
            "/api/v1/organisations",
            "/api/v1/organisations?colour=red",
            400,
        ),
        ("/api/v1/organisations", &long_keywords, 200),
        ("/api/v1/organisations", &too_long_keywords, 400),
        ("/api/v1/organisations", &many_countries, 200),
        ("/api/v1/organisations", &too_many_countries, 400),
        ("/api/v1/organisations/{id}", &cluster_url, 200),
        ("/api/v1/organisations/{id}", &member_url, 200),
        (
            "/api/v1/organisations/{id}",
            "/api/v1/organisations/999999",
            404,
        ),
        (
            "/api/v1/organisations/{id}",
            "/api/v1/organisations/abc",
            404,
        ),
        (
            "/api/v1/organisations/{id}",
            "/api/v1/organisations/1?lang=xx",
            400,
        ),
        (
            "/api/v1/organisations/map",
            "/api/v1/organisations/map",
            200,
        ),
        (
            "/api/v1/organisations/map",
            "/api/v1/organisations/map?zoom=14&country=DE",
            200,
        ),
        (
            "/api/v1/organisations/map",
            "/api/v1/organisations/map?zoom=21",
            400,
        ),
        (
            "/api/v1/organisations/map",
            "/api/v1/organisations/map?page=2",
            400,
        ),
        (
            "/api/v1/organisations/export.csv",
            "/api/v1/organisations/export.csv?country=DE",
            200,
        ),
        (
            "/api/v1/organisations/export.csv",
            "/api/v1/organisations/export.csv?id=1&country=DE",
            400,
        ),
        ("/api/v1/organisations/export.xlsx", &export_ids, 200),
        (
            "/api/v1/organisations/export.xlsx",
            "/api/v1/organisations/export.xlsx?per_page=5",
            400,
        ),
    ];
    for (path, url, status) in requests {
        let response = app.get(url).await;
        assert_eq!(
            response.status.as_u16(),
            status,
            "GET {url}: {}",
            response.text()
        );
        conforms(&document, path, url, &response);
    }
    let cached = app.get("/api/v1/taxonomies").await;
    let etag = cached.header("etag").expect("an ETag").to_owned();
    let not_modified = app
        .get_with("/api/v1/taxonomies", &[("if-none-match", &etag)])
        .await;
    conforms(
        &document,
        "/api/v1/taxonomies",
        "/api/v1/taxonomies (If-None-Match)",
        &not_modified,
    );
}

/// Every value the document lists for a taxonomy's `parent` is answered with its regions or
/// activities.
#[tokio::test]
async fn every_documented_parent_is_answered() {
    let app = TestApp::new().await;
    let document = generated();
    for (schema, list) in [
        ("NutsParentCode", "/api/v1/taxonomies/nuts"),
        ("NaceParentCode", "/api/v1/taxonomies/nace"),
    ] {
        let values = document["components"]["schemas"][schema]["enum"]
            .as_array()
            .unwrap_or_else(|| panic!("{schema} lists its values"));
        assert!(values.len() > 20, "{schema}: {values:?}");
        for value in values {
            let url = format!("{list}?parent={}", value.as_str().expect("a code"));
            let response = app.get(&url).await;
            assert_eq!(
                response.status,
                StatusCode::OK,
                "{url}: {}",
                response.text()
            );
        }
    }
}
