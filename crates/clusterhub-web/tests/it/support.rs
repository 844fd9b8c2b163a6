//! A test application: a fresh migrated SQLite database, its search index kept by the real
//! directory code (`clusterhub-directory`), the router over them, and helpers to send requests
//! and read answers.

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode};
use clusterhub_directory::Directory;
use clusterhub_reference::Reference;
use clusterhub_storage::{OrganisationImport, Storage};
use clusterhub_web::AppState;
use tower::ServiceExt;

/// The router over its own database, which lives as long as this value.
///
/// The search index is built from the database by the same code as the server's. Data written
/// through [`TestApp::with_organisations`] is searchable at once; after writing through
/// `storage` directly, call [`TestApp::reindex`] (the server's follower does that on its own).
pub struct TestApp {
    pub storage: Storage,
    pub directory: Directory,
    router: Router,
    _directory: tempfile::TempDir,
}

/// An answer, read in full.
#[derive(Debug)]
pub struct TestResponse {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl TestResponse {
    /// The body as text.
    pub fn text(&self) -> String {
        String::from_utf8(self.body.clone()).expect("a UTF-8 body")
    }

    /// The body as JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|error| panic!("not JSON ({error}): {}", self.text()))
    }

    /// A header's value as text, if present.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|value| value.to_str().ok())
    }
}

impl TestApp {
    /// An application over an empty database.
    pub async fn new() -> TestApp {
        let temporary = tempfile::tempdir().expect("a temp dir");
        let storage = Storage::open_sqlite(&temporary.path().join("clusterhub.db"))
            .await
            .expect("open SQLite");
        storage.migrate().await.expect("migrate");
        let directory = Directory::in_memory(storage.clone())
            .await
            .expect("a search index in memory");
        let state = AppState::new(storage.clone(), directory.index(), Reference::get())
            .with_version("9.9.9-test");
        TestApp {
            storage,
            directory,
            router: clusterhub_web::router(state),
            _directory: temporary,
        }
    }

    /// An application over a database holding these organisations, all of them in the search
    /// index.
    pub async fn with_organisations(organisations: &[OrganisationImport]) -> TestApp {
        let app = TestApp::new().await;
        app.storage
            .import_organisations(organisations)
            .await
            .expect("import organisations");
        app.reindex().await;
        app
    }

    /// The SQLite database file (its write-ahead log is beside it, `-wal`).
    pub fn database_path(&self) -> std::path::PathBuf {
        self._directory.path().join("clusterhub.db")
    }

    /// The router, for tests that enumerate its routes.
    pub fn router(&self) -> &Router {
        &self.router
    }

    /// Brings the search index up to date with everything written to the database so far.
    pub async fn reindex(&self) {
        self.directory
            .catch_up()
            .await
            .expect("the search index catches up with the database");
    }

    /// Sends a request through the whole router.
    pub async fn send(&self, request: Request<Body>) -> TestResponse {
        let response = self
            .router
            .clone()
            .oneshot(request)
            .await
            .expect("the router never fails");
        let status = response.status();
        let headers = response.headers().clone();
        let body = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .expect("a readable body")
            .to_vec();
        TestResponse {
            status,
            headers,
            body,
        }
    }

    /// `GET uri`.
    pub async fn get(&self, uri: &str) -> TestResponse {
        self.send(Request::get(uri).body(Body::empty()).expect("a request"))
            .await
    }

    /// `GET uri` with extra headers.
    pub async fn get_with(&self, uri: &str, headers: &[(&str, &str)]) -> TestResponse {
        let mut request = Request::get(uri);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        self.send(request.body(Body::empty()).expect("a request"))
            .await
    }
}

/// An organisation with the fields the tests care about.
pub fn organisation(external_key: &str, kind: &str, country: &str) -> OrganisationImport {
    OrganisationImport {
        external_key: external_key.to_owned(),
        kind: kind.to_owned(),
        name: format!("Organisation {external_key}"),
        country: country.to_owned(),
        sme_status: String::from("undeclared"),
        ..OrganisationImport::default()
    }
}

/// Checks that an answer is a problem+json with this status and code, and returns its body.
pub fn assert_problem(
    response: &TestResponse,
    status: StatusCode,
    code: &str,
) -> serde_json::Value {
    assert_eq!(response.status, status, "body: {}", response.text());
    assert_eq!(
        response.header("content-type"),
        Some("application/problem+json"),
        "body: {}",
        response.text()
    );
    let problem = response.json();
    assert_eq!(problem["code"], code, "problem: {problem}");
    assert_eq!(problem["status"], status.as_u16());
    assert_eq!(problem["type"], format!("/api/v1/problems/{code}"));
    assert!(
        problem["title"]
            .as_str()
            .is_some_and(|title| !title.is_empty())
    );
    assert!(
        problem["detail"]
            .as_str()
            .is_some_and(|detail| !detail.is_empty())
    );
    problem
}
