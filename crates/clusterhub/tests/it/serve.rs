//! `clusterhub serve` as a person starts it: a fresh data directory gets demo data, the home page
//! and the health endpoint answer, SIGTERM shuts it down cleanly, a second start reuses the data.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Stdio};
use std::time::Duration;

struct Server {
    child: Child,
    address: String,
}

fn start(data_dir: &Path) -> Server {
    let mut child = crate::clusterhub()
        .env("CLUSTERHUB_LOG", "info")
        .arg("--data-dir")
        .arg(data_dir)
        .args(["serve", "--listen", "127.0.0.1:0", "--demo-orgs", "150"])
        .stderr(Stdio::piped())
        .spawn()
        .expect("start serve");
    let stderr = child.stderr.take().expect("stderr");
    let mut lines = BufReader::new(stderr).lines();
    let address = loop {
        let line = lines
            .next()
            .expect("serve exited before listening")
            .expect("read stderr");
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
    Server { child, address }
}

fn get(address: &str, path: &str) -> (u16, String) {
    let mut stream = TcpStream::connect(address).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .expect("timeout");
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n"
    )
    .expect("send");
    let mut response = String::new();
    stream.read_to_string(&mut response).expect("read");
    let status = response
        .split(' ')
        .nth(1)
        .and_then(|code| code.parse().ok())
        .expect("status");
    (status, response)
}

fn stop(mut server: Server) {
    let status = std::process::Command::new("kill")
        .args(["-TERM", &server.child.id().to_string()])
        .status()
        .expect("kill -TERM");
    assert!(status.success());
    let exit = server.child.wait().expect("wait");
    assert!(exit.success(), "serve did not shut down cleanly: {exit:?}");
}

#[test]
fn serve_loads_demo_data_answers_and_restarts_on_the_same_data() {
    let directory = tempfile::tempdir().expect("temp dir");
    let server = start(directory.path());
    let (status, body) = get(&server.address, "/api/v1/health");
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("\"organisations\":150"), "{body}");
    assert!(body.contains("\"database\":\"sqlite\""), "{body}");
    let (status, home) = get(&server.address, "/");
    assert_eq!(status, 200);
    assert!(home.contains("<html"), "{home}");
    stop(server);

    let server = start(directory.path());
    let (status, body) = get(&server.address, "/api/v1/health");
    assert_eq!(status, 200);
    assert!(
        body.contains("\"organisations\":150"),
        "a second start must reuse the data: {body}"
    );
    stop(server);
}
