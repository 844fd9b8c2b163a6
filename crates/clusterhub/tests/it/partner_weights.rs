//! `clusterhub serve --partner-weights FILE`: the weights in the file decide the partner
//! suggestions' components, and a file with a mistake stops the server before it starts, naming
//! the field.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::Stdio;
use std::time::Duration;

/// `GET path` on `address`; the whole answer, headers included.
fn get(address: &str, path: &str) -> String {
    let mut stream = TcpStream::connect(address).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(60)))
        .expect("timeout");
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n"
    )
    .expect("send");
    let mut response = String::new();
    stream.read_to_string(&mut response).expect("read");
    response
}

#[test]
fn weights_from_a_file_switch_components_off() {
    let directory = tempfile::tempdir().expect("temp dir");
    let weights = directory.path().join("weights.json");
    std::fs::write(&weights, r#"{"cross_border": 0, "size_fit": 0}"#).expect("write weights");
    let mut child = crate::clusterhub()
        .env("CLUSTERHUB_LOG", "info")
        .arg("--data-dir")
        .arg(directory.path().join("data"))
        .args(["serve", "--listen", "127.0.0.1:0", "--demo-orgs", "150"])
        .arg("--partner-weights")
        .arg(&weights)
        .stderr(Stdio::piped())
        .spawn()
        .expect("start serve");
    let mut lines = BufReader::new(child.stderr.take().expect("stderr")).lines();
    let address = loop {
        let line = lines
            .next()
            .expect("serve exited before listening")
            .expect("read stderr");
        if let Some(rest) = line.split("serving on http://").nth(1) {
            break rest.split('/').next().expect("an address").to_owned();
        }
    };
    std::thread::spawn(move || for _ in lines {});

    let mut answers = String::new();
    for id in [2, 40, 80, 120] {
        let answer = get(
            &address,
            &format!("/api/v1/organisations/{id}/partners?limit=50"),
        );
        assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
        answers.push_str(&answer);
    }
    assert!(
        answers.contains("\"kind\":\"offers_what_you_request\"")
            || answers.contains("\"kind\":\"complementary_sector\""),
        "suggestions are made: {answers}"
    );
    assert!(
        !answers.contains("\"kind\":\"cross_border\"")
            && !answers.contains("\"kind\":\"size_fit\""),
        "components with weight 0 give no points"
    );

    let status = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill -TERM");
    assert!(status.success());
    assert!(child.wait().expect("wait").success());
}

#[test]
fn a_bad_weights_file_stops_the_server_and_names_the_field() {
    let directory = tempfile::tempdir().expect("temp dir");
    let weights = directory.path().join("weights.json");
    std::fs::write(&weights, r#"{"size_fitt": 10}"#).expect("write weights");
    let output = crate::clusterhub()
        .arg("--data-dir")
        .arg(directory.path().join("data"))
        .args(["serve", "--listen", "127.0.0.1:0"])
        .arg("--partner-weights")
        .arg(&weights)
        .output()
        .expect("run serve");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("size_fitt"), "{stderr}");
    assert!(stderr.contains("weights.json"), "{stderr}");
    assert!(
        !directory.path().join("data").exists(),
        "nothing is created before the configuration is read"
    );
}
