//! A profile edited or deleted through the storage layer reaches the search of every running
//! `clusterhub serve`: one node on SQLite, and two nodes (each with its own data directory and
//! search index) on one PostgreSQL database. The nodes are real processes asked over HTTP.
//!
//! The test waits up to [`DEADLINE`] and prints the lag it observed for each node; how fast the
//! change arrives is a measurement, not an assertion (the follower polls every 200 ms).

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use clusterhub_storage::{OrganisationImport, Storage};

use crate::postgres_url;

/// How long a change may take to show before the test gives up.
const DEADLINE: Duration = Duration::from_secs(10);

/// A word no organisation holds until the edit gives it one.
const NEW_WORD: &str = "quokkatronics";

/// A running `clusterhub serve`, stopped (and waited for) when dropped.
struct Node {
    name: &'static str,
    child: Child,
    address: String,
}

impl Node {
    /// Starts `serve` on `data_dir`, on `database_url` when given, without demo data, and waits
    /// until it listens.
    fn start(name: &'static str, data_dir: &Path, database_url: Option<&str>) -> Node {
        let mut command = crate::clusterhub();
        command
            .env("CLUSTERHUB_LOG", "info")
            .arg("--data-dir")
            .arg(data_dir);
        if let Some(url) = database_url {
            command.arg("--database-url").arg(url);
        }
        let mut child = command
            .args(["serve", "--listen", "127.0.0.1:0", "--demo-orgs", "0"])
            .stderr(Stdio::piped())
            .spawn()
            .expect("start serve");
        let stderr = child.stderr.take().expect("stderr");
        let mut lines = BufReader::new(stderr).lines();
        let address = loop {
            let Some(line) = lines.next() else {
                let status = child.wait().expect("wait");
                panic!("{name}: serve exited before listening ({status})");
            };
            let line = line.expect("read stderr");
            if let Some(rest) = line.split("serving on http://").nth(1) {
                break rest
                    .trim_end_matches('/')
                    .split('/')
                    .next()
                    .expect("address")
                    .to_owned();
            }
        };
        // Keep draining the log so the server never blocks on a full pipe.
        std::thread::spawn(move || for _ in lines {});
        Node {
            name,
            child,
            address,
        }
    }

    /// `GET path` answered 200 with JSON.
    fn get_json(&self, path: &str) -> serde_json::Value {
        let mut stream = TcpStream::connect(&self.address).expect("connect");
        stream
            .set_read_timeout(Some(Duration::from_secs(30)))
            .expect("timeout");
        write!(
            stream,
            "GET {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
            self.address
        )
        .expect("send");
        let mut response = String::new();
        stream.read_to_string(&mut response).expect("read");
        let (head, body) = response
            .split_once("\r\n\r\n")
            .unwrap_or_else(|| panic!("{}: no header end in {response}", self.name));
        assert!(
            head.starts_with("HTTP/1.1 200 "),
            "{}: GET {path} answered {response}",
            self.name
        );
        serde_json::from_str(body)
            .unwrap_or_else(|error| panic!("{}: not JSON ({error}): {body}", self.name))
    }

    /// The ids a keyword search finds.
    fn search(&self, word: &str) -> Vec<i64> {
        let answer = self.get_json(&format!("/api/v1/organisations?q={word}&per_page=100"));
        let mut ids: Vec<i64> = answer["hits"]
            .as_array()
            .expect("hits")
            .iter()
            .map(|hit| hit["id"].as_i64().expect("an id"))
            .collect();
        ids.sort_unstable();
        ids
    }
}

impl Drop for Node {
    fn drop(&mut self) {
        let _ = std::process::Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let _ = self.child.wait();
    }
}

/// Polls every node until `search(word)` gives `expected` on each; returns each node's lag
/// since `since`, and fails after [`DEADLINE`].
fn wait_for_all(
    nodes: &[&Node],
    word: &str,
    expected: &[i64],
    what: &str,
    since: Instant,
) -> Vec<Duration> {
    let mut lags: Vec<Option<Duration>> = vec![None; nodes.len()];
    while lags.iter().any(Option::is_none) {
        for (node, lag) in nodes.iter().zip(lags.iter_mut()) {
            if lag.is_none() && node.search(word) == expected {
                *lag = Some(since.elapsed());
            }
        }
        if since.elapsed() > DEADLINE {
            let late: Vec<&str> = nodes
                .iter()
                .zip(&lags)
                .filter(|(_, lag)| lag.is_none())
                .map(|(node, _)| node.name)
                .collect();
            panic!(
                "{what}: after {DEADLINE:?}, `q={word}` does not find {expected:?} on {}",
                late.join(", ")
            );
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    lags.into_iter().flatten().collect()
}

fn profile(key: &str, name: &str) -> OrganisationImport {
    OrganisationImport {
        external_key: key.to_owned(),
        kind: String::from("sme"),
        name: name.to_owned(),
        names: BTreeMap::from([(String::from("en"), name.to_owned())]),
        country: String::from("DE"),
        nuts: Some(String::from("DE212")),
        city: Some(String::from("München")),
        lat: Some(48.137),
        lon: Some(11.575),
        sme_status: String::from("small"),
        ..OrganisationImport::default()
    }
}

/// Seeds the database, starts the nodes, then edits a profile, adds one and deletes one through
/// the storage layer, checking that every node's search shows each change.
fn edits_reach_every_node(
    runtime: &tokio::runtime::Runtime,
    storage: &Storage,
    start_nodes: impl FnOnce() -> Vec<Node>,
) {
    let seed = [
        profile("alpha", "Alpha Robotics"),
        profile("beta", "Beta Optics"),
        profile("gamma", "Gamma Lasers"),
    ];
    runtime
        .block_on(storage.import_organisations(&seed))
        .expect("import the seed");
    let beta = runtime
        .block_on(storage.organisation_by_key("beta"))
        .expect("read")
        .expect("beta is stored");
    let nodes = start_nodes();
    let nodes: Vec<&Node> = nodes.iter().collect();
    let backend = storage.backend().name();
    for node in &nodes {
        assert_eq!(node.search("optics"), [beta.id], "{}", node.name);
        assert!(node.search(NEW_WORD).is_empty(), "{}", node.name);
    }

    let mut edited = beta.profile.clone();
    edited.name = format!("Beta {NEW_WORD}");
    edited.names.insert(String::from("en"), edited.name.clone());
    runtime
        .block_on(storage.update_organisation(beta.id, &edited))
        .expect("update")
        .expect("beta exists");
    let written = Instant::now();
    let edit = wait_for_all(&nodes, NEW_WORD, &[beta.id], "an edit", written);
    wait_for_all(&nodes, "optics", &[], "the edit's old name", written);

    runtime
        .block_on(storage.import_organisations(&[profile("delta", "Delta Wombatics")]))
        .expect("import delta");
    let written = Instant::now();
    let delta = runtime
        .block_on(storage.organisation_by_key("delta"))
        .expect("read")
        .expect("delta is stored");
    let insert = wait_for_all(&nodes, "wombatics", &[delta.id], "an insert", written);

    assert!(
        runtime
            .block_on(storage.delete_organisation(beta.id))
            .expect("delete")
    );
    let written = Instant::now();
    let delete = wait_for_all(&nodes, NEW_WORD, &[], "a deletion", written);
    for node in &nodes {
        let total = node.get_json("/api/v1/organisations")["total"].clone();
        assert_eq!(total, 3, "{}: alpha, gamma and delta remain", node.name);
    }

    for (index, node) in nodes.iter().enumerate() {
        eprintln!(
            "{backend}, {} of {} node(s): write to search over HTTP: edit {:?}, insert {:?}, delete {:?}",
            node.name,
            nodes.len(),
            edit[index],
            insert[index],
            delete[index]
        );
    }
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime")
}

#[test]
fn an_edit_reaches_the_search_of_a_sqlite_node() {
    let runtime = runtime();
    let data_dir = tempfile::tempdir().expect("temp dir");
    let storage = runtime
        .block_on(Storage::open_sqlite(&data_dir.path().join("clusterhub.db")))
        .expect("open SQLite");
    runtime.block_on(storage.migrate()).expect("migrate");
    edits_reach_every_node(&runtime, &storage, || {
        vec![Node::start("sqlite node", data_dir.path(), None)]
    });
    runtime.block_on(storage.close());
}

/// A PostgreSQL schema of its own for one test, dropped when this is dropped.
struct Schema {
    admin_url: String,
    name: String,
}

impl Drop for Schema {
    fn drop(&mut self) {
        let runtime = runtime();
        runtime.block_on(async {
            match Storage::open(&self.admin_url).await {
                Ok(admin) => {
                    if let Err(error) = admin
                        .execute_unprepared(&format!("DROP SCHEMA {} CASCADE", self.name))
                        .await
                    {
                        eprintln!("could not drop schema {}: {error}", self.name);
                    }
                    admin.close().await;
                }
                Err(error) => eprintln!("could not drop schema {}: {error}", self.name),
            }
        });
    }
}

#[test]
fn an_edit_reaches_the_search_of_two_nodes_on_one_postgresql_database() {
    let Some(url) = postgres_url() else {
        // CI sets CLUSTERHUB_REQUIRE_POSTGRES so that a missing server fails instead of skipping.
        assert!(
            std::env::var_os("CLUSTERHUB_REQUIRE_POSTGRES").is_none(),
            "CLUSTERHUB_REQUIRE_POSTGRES is set but CLUSTERHUB_TEST_POSTGRES is not"
        );
        eprintln!("CLUSTERHUB_TEST_POSTGRES is not set: the two-node PostgreSQL test is not run");
        return;
    };
    let runtime = runtime();
    let schema = Schema {
        admin_url: url.clone(),
        name: format!(
            "e2e_sync_{}_{}",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .expect("clock")
                .as_nanos()
        ),
    };
    runtime.block_on(async {
        let admin = Storage::open(&url).await.expect("open PostgreSQL");
        admin
            .execute_unprepared(&format!("CREATE SCHEMA {}", schema.name))
            .await
            .expect("create schema");
        admin.close().await;
    });
    let separator = if url.contains('?') { '&' } else { '?' };
    let schema_url = format!("{url}{separator}options=-csearch_path%3D{}", schema.name);
    let storage = runtime
        .block_on(Storage::open(&schema_url))
        .expect("open the schema");
    runtime.block_on(storage.migrate()).expect("migrate");
    let (first_dir, second_dir) = (
        tempfile::tempdir().expect("temp dir"),
        tempfile::tempdir().expect("temp dir"),
    );
    edits_reach_every_node(&runtime, &storage, || {
        vec![
            Node::start("node 1", first_dir.path(), Some(&schema_url)),
            Node::start("node 2", second_dir.path(), Some(&schema_url)),
        ]
    });
    runtime.block_on(storage.close());
    drop(schema);
}
