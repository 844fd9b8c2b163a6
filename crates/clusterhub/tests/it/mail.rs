//! E-mail over real SMTP: a sign-up made while no SMTP server is configured waits in the outbox
//! across a restart, and goes out through a real SMTP server (Python's aiosmtpd on loopback) once
//! the server is started with `--smtp-url`.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

struct Server {
    child: Child,
    address: String,
}

fn start(data_dir: &Path, smtp: Option<&str>) -> Server {
    let mut command = crate::clusterhub();
    command
        .env("CLUSTERHUB_LOG", "info")
        .arg("--data-dir")
        .arg(data_dir)
        .args(["serve", "--listen", "127.0.0.1:0", "--demo-orgs", "0"]);
    if let Some(url) = smtp {
        command.args(["--smtp-url", url]);
    }
    let mut child = command.stderr(Stdio::piped()).spawn().expect("start serve");
    let mut lines = BufReader::new(child.stderr.take().expect("stderr")).lines();
    let address = loop {
        let line = lines.next().expect("serve exited early").expect("stderr");
        if let Some(rest) = line.split("serving on http://").nth(1) {
            break rest.split('/').next().expect("address").to_owned();
        }
    };
    std::thread::spawn(move || for _ in lines {});
    Server { child, address }
}

fn stop(mut server: Server) {
    let status = Command::new("kill")
        .args(["-TERM", &server.child.id().to_string()])
        .status()
        .expect("kill");
    assert!(status.success());
    assert!(server.child.wait().expect("wait").success());
}

/// One HTTP/1.1 exchange; returns (status, headers and body as text).
fn exchange(address: &str, request: &str) -> (u16, String) {
    let mut stream = TcpStream::connect(address).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .expect("timeout");
    stream.write_all(request.as_bytes()).expect("send");
    let mut response = String::new();
    stream.read_to_string(&mut response).expect("read");
    let status = response
        .split(' ')
        .nth(1)
        .and_then(|code| code.parse().ok())
        .unwrap_or(0);
    (status, response)
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port()
}

/// An SMTP sink: aiosmtpd printing every message it receives.
struct Sink {
    child: Child,
    output: Arc<Mutex<String>>,
}

impl Drop for Sink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn smtp_sink(port: u16) -> Option<Sink> {
    let available = Command::new("python3")
        .args(["-c", "import aiosmtpd"])
        .status()
        .is_ok_and(|status| status.success());
    if !available {
        assert!(
            std::env::var_os("CLUSTERHUB_REQUIRE_SMTP").is_none(),
            "CLUSTERHUB_REQUIRE_SMTP is set but Python's aiosmtpd is missing (pip install aiosmtpd)"
        );
        eprintln!("aiosmtpd is not installed: the SMTP test is skipped");
        return None;
    }
    let mut child = Command::new("python3")
        .env("PYTHONUNBUFFERED", "1")
        .args([
            "-m",
            "aiosmtpd",
            "-n",
            "-c",
            "aiosmtpd.handlers.Debugging",
            "-l",
        ])
        .arg(format!("127.0.0.1:{port}"))
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start aiosmtpd");
    let output = Arc::new(Mutex::new(String::new()));
    let sink = output.clone();
    let stdout = child.stdout.take().expect("stdout");
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let mut text = sink.lock().expect("lock");
            text.push_str(&line);
            text.push('\n');
        }
    });
    // Wait until it accepts connections.
    let deadline = Instant::now() + Duration::from_secs(20);
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "aiosmtpd did not start");
        std::thread::sleep(Duration::from_millis(100));
    }
    Some(Sink { child, output })
}

#[test]
fn a_sign_up_mail_survives_a_restart_and_goes_out_over_smtp() {
    let port = free_port();
    let Some(sink) = smtp_sink(port) else { return };
    let data = tempfile::tempdir().expect("temp dir");

    // 1. No SMTP server configured: the sign-up is accepted and its mail waits in the outbox.
    let server = start(data.path(), None);
    let (status, form) = exchange(
        &server.address,
        &format!(
            "GET /signup HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
            server.address
        ),
    );
    assert_eq!(status, 200);
    let csrf = form
        .lines()
        .find_map(|line| line.strip_prefix("set-cookie: clusterhub_csrf="))
        .and_then(|rest| rest.split(';').next())
        .expect("a CSRF cookie")
        .to_owned();
    let body = format!(
        "csrf={csrf}&email=ada%40example.eu&display_name=Ada+Lovelace&password=analytical+engine+notes+1843"
    );
    let (status, answer) = exchange(
        &server.address,
        &format!(
            "POST /signup HTTP/1.1\r\nHost: {}\r\nCookie: clusterhub_csrf={csrf}\r\n\
             Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\
             Connection: close\r\n\r\n{body}",
            server.address,
            body.len()
        ),
    );
    assert_eq!(status, 200, "{answer}");
    std::thread::sleep(Duration::from_millis(1_500));
    stop(server);
    assert!(!sink.output.lock().expect("lock").contains("ada@example.eu"));

    // 2. Started again with the SMTP server: the waiting message goes out.
    let server = start(data.path(), Some(&format!("smtp://127.0.0.1:{port}")));
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        // Undo quoted-printable: soft line breaks and `=3D`.
        let received = sink
            .output
            .lock()
            .expect("lock")
            .replace("=\n", "")
            .replace("=3D", "=");
        if received.contains("/verify-email?token=cho_") {
            assert!(received.contains("ada@example.eu"), "{received}");
            assert!(
                received.contains("Confirm your e-mail address for Clusterhub"),
                "{received}"
            );
            break;
        }
        assert!(Instant::now() < deadline, "no mail arrived: {received}");
        std::thread::sleep(Duration::from_millis(200));
    }
    stop(server);
}
