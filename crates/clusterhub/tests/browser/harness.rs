//! What every browser test stands on: the real `clusterhub serve` on a temp data dir with demo
//! data, `chromedriver` on a free port driving headless Chromium through WebDriver (fantoccini),
//! axe-core injected into the page, and full-page screenshots at desktop and phone widths.
//!
//! A machine without Chromium, chromedriver or `npm ci`'s axe-core skips the tests with a message;
//! under CI (`CI=true`) or with `CLUSTERHUB_REQUIRE_BROWSER=1` it fails instead, so CI cannot skip
//! them silently.

use std::fmt::Write as _;
use std::io::{BufRead, BufReader};
use std::net::{TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::actions::{InputSource, KeyAction, KeyActions};
use fantoccini::elements::Element;
use fantoccini::key::Key;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};

/// The window sizes every page is checked and photographed at.
pub const DESKTOP: Viewport = Viewport {
    name: "desktop",
    width: 1280,
    height: 900,
};
pub const PHONE: Viewport = Viewport {
    name: "phone",
    width: 390,
    height: 844,
};

#[derive(Debug, Clone, Copy)]
pub struct Viewport {
    pub name: &'static str,
    pub width: u32,
    pub height: u32,
}

/// The WCAG 2.0 and 2.1 level A and AA rules of axe-core.
const AXE_TAGS: &[&str] = &["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];

/// How long to wait for something to appear in the page.
const PATIENCE: Duration = Duration::from_secs(20);

/// Where the tools are, or why a test cannot run here.
struct Tools {
    chromium: PathBuf,
    chromedriver: PathBuf,
    axe: PathBuf,
}

fn browser_required() -> bool {
    let set = |name: &str| {
        std::env::var(name)
            .map(|value| matches!(value.trim(), "1" | "true" | "yes"))
            .unwrap_or(false)
    };
    set("CI") || set("CLUSTERHUB_REQUIRE_BROWSER")
}

fn find_program(env: &str, names: &[&str]) -> Option<PathBuf> {
    if let Ok(path) = std::env::var(env) {
        return Some(PathBuf::from(path));
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .flat_map(|dir| names.iter().map(move |name| dir.join(name)))
        .find(|candidate| candidate.is_file())
}

/// The axe-core `npm ci` installs beside this test's package.json.
fn axe_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser/node_modules/axe-core/axe.min.js")
}

fn tools() -> Result<Tools, String> {
    let mut missing = Vec::new();
    let chromium = find_program("CLUSTERHUB_CHROMIUM", &["chromium", "chromium-browser"]);
    if chromium.is_none() {
        missing.push("Chromium (apt-get install chromium, or set CLUSTERHUB_CHROMIUM)");
    }
    let chromedriver = find_program("CLUSTERHUB_CHROMEDRIVER", &["chromedriver"]);
    if chromedriver.is_none() {
        missing
            .push("chromedriver (apt-get install chromium-driver, or set CLUSTERHUB_CHROMEDRIVER)");
    }
    let axe = axe_path();
    if !axe.is_file() {
        missing.push("axe-core (run `npm ci` in crates/clusterhub/tests/browser)");
    }
    match (chromium, chromedriver) {
        (Some(chromium), Some(chromedriver)) if missing.is_empty() => Ok(Tools {
            chromium,
            chromedriver,
            axe,
        }),
        _ => Err(missing.join("; ")),
    }
}

/// The `target` directory, found from the binary under test.
fn target_dir() -> PathBuf {
    Path::new(env!("CARGO_BIN_EXE_clusterhub"))
        .ancestors()
        .nth(2)
        .expect("the binary lives in target/<profile>/")
        .to_path_buf()
}

/// Where screenshots go: `target/browser-screenshots/`.
pub fn screenshot_dir() -> PathBuf {
    target_dir().join("browser-screenshots")
}

/// A port nobody listens on right now.
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("a free local port")
        .port()
}

/// A child process killed with its whole process group when dropped (chromedriver starts
/// Chromium, which must not outlive the test).
struct Group {
    child: Child,
}

impl Drop for Group {
    fn drop(&mut self) {
        let group = format!("-{}", self.child.id());
        let _ = Command::new("kill")
            .args(["-KILL", "--", &group])
            .stderr(Stdio::null())
            .status();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `clusterhub serve` on a temp data dir.
struct Server {
    _group: Group,
    base: String,
    data_dir: tempfile::TempDir,
}

fn start_server(demo_orgs: usize) -> Server {
    let data_dir = tempfile::tempdir().expect("temp dir");
    let mut child = Command::new(env!("CARGO_BIN_EXE_clusterhub"))
        .env_remove("CLUSTERHUB_DATABASE_URL")
        .env_remove("CLUSTERHUB_LISTEN")
        .env("CLUSTERHUB_LOG", "info")
        .env("NO_COLOR", "1")
        .arg("--data-dir")
        .arg(data_dir.path())
        .args(["serve", "--listen", "127.0.0.1:0", "--demo-orgs"])
        .arg(demo_orgs.to_string())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .process_group(0)
        .spawn()
        .expect("start clusterhub serve");
    let stderr = child.stderr.take().expect("stderr");
    let group = Group { child };
    let mut lines = BufReader::new(stderr).lines();
    let mut log = String::new();
    let base = loop {
        let Some(line) = lines.next() else {
            panic!("clusterhub serve exited before listening:\n{log}");
        };
        let line = line.expect("read the server's log");
        if let Some(rest) = line.split("serving on ").nth(1) {
            // The address, up to the log's next field (or its colour codes).
            let address: String = rest
                .chars()
                .take_while(|c| !c.is_whitespace() && *c != '\u{1b}')
                .collect();
            break address.trim_end_matches('/').to_owned();
        }
        log.push_str(&line);
        log.push('\n');
    };
    // Keep draining the log so the server never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    Server {
        _group: group,
        base,
        data_dir,
    }
}

/// chromedriver on a free port, ready to take a session.
fn start_chromedriver(tools: &Tools) -> (Group, String) {
    let mut last_error = String::new();
    for _ in 0..3 {
        let port = free_port();
        let child = Command::new(&tools.chromedriver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .process_group(0)
            .spawn()
            .expect("start chromedriver");
        let mut group = Group { child };
        let started = Instant::now();
        while started.elapsed() < PATIENCE {
            if TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return (group, format!("http://127.0.0.1:{port}"));
            }
            if let Ok(Some(status)) = group.child.try_wait() {
                last_error = format!("chromedriver exited with {status} on port {port}");
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        if last_error.is_empty() {
            last_error = format!("chromedriver did not listen on port {port}");
        }
    }
    panic!("{last_error}");
}

/// A headless Chromium looking at a running Clusterhub.
pub struct Session {
    pub client: Client,
    test: &'static str,
    axe_source: String,
    _chromedriver: Group,
    server: Server,
}

impl Session {
    /// Starts the server with `demo_orgs` demo organisations and a browser at desktop size, or
    /// returns `None` (after saying why) when the browser tools are missing and not required.
    pub async fn start(test: &'static str, demo_orgs: usize) -> Option<Session> {
        let tools = match tools() {
            Ok(tools) => tools,
            Err(missing) if browser_required() => panic!(
                "the browser tests are required here (CI or CLUSTERHUB_REQUIRE_BROWSER) but \
                 these are missing: {missing}"
            ),
            Err(missing) => {
                eprintln!("SKIPPED browser test {test}: missing {missing}");
                return None;
            }
        };
        let axe_source = std::fs::read_to_string(&tools.axe).expect("read axe.min.js");
        let server = start_server(demo_orgs);
        let (chromedriver, driver_url) = start_chromedriver(&tools);
        let capabilities = json!({
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": tools.chromium,
                "args": [
                    "--headless=new",
                    "--no-sandbox",
                    "--disable-dev-shm-usage",
                    "--disable-gpu",
                    "--disable-extensions",
                    "--disable-background-networking",
                    "--no-first-run",
                    "--hide-scrollbars",
                    "--force-device-scale-factor=1",
                    "--lang=en",
                    format!("--window-size={},{}", DESKTOP.width, DESKTOP.height),
                ],
                "prefs": { "intl.accept_languages": "en" },
            },
        });
        let Value::Object(capabilities) = capabilities else {
            unreachable!("a JSON object")
        };
        let client = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(capabilities)
            .connect(&driver_url)
            .await
            .expect("open a Chromium session through chromedriver");
        Some(Session {
            client,
            test,
            axe_source,
            _chromedriver: chromedriver,
            server,
        })
    }

    /// The server's data directory.
    pub fn data_dir(&self) -> &Path {
        self.server.data_dir.path()
    }

    /// Ends the browser session (the processes end when the session is dropped).
    pub async fn finish(self) {
        let _ = self.client.clone().close().await;
    }

    /// Opens a path of the server and waits for the page to load.
    pub async fn open(&self, path: &str) {
        let url = format!("{}{}", self.server.base, path);
        self.client
            .goto(&url)
            .await
            .unwrap_or_else(|error| panic!("open {url}: {error}"));
    }

    /// The page's current path with its query, such as `/organisations?q=x`.
    pub async fn path(&self) -> String {
        let url = self.client.current_url().await.expect("current URL");
        match url.query() {
            Some(query) => format!("{}?{query}", url.path()),
            None => url.path().to_owned(),
        }
    }

    /// Runs a script in the page and returns its result.
    pub async fn js(&self, script: &str, args: Vec<Value>) -> Value {
        self.client
            .execute(script, args)
            .await
            .unwrap_or_else(|error| panic!("script failed: {error}\n{script}"))
    }

    /// The element a CSS selector names, waiting for it to appear.
    pub async fn find(&self, css: &str) -> Element {
        self.client
            .wait()
            .at_most(PATIENCE)
            .for_element(Locator::Css(css))
            .await
            .unwrap_or_else(|error| panic!("no element `{css}` in test {}: {error}", self.test))
    }

    /// Every element a CSS selector names, now.
    pub async fn find_all(&self, css: &str) -> Vec<Element> {
        self.client
            .find_all(Locator::Css(css))
            .await
            .unwrap_or_else(|error| panic!("find `{css}`: {error}"))
    }

    /// The text of the element a CSS selector names.
    pub async fn text(&self, css: &str) -> String {
        self.find(css).await.text().await.expect("element text")
    }

    /// Waits until a script returns `true`.
    pub async fn wait_until(&self, what: &str, script: &str) {
        let started = Instant::now();
        loop {
            if self.js(script, vec![]).await == Value::Bool(true) {
                return;
            }
            assert!(
                started.elapsed() < PATIENCE,
                "waited {PATIENCE:?} for {what} on {}",
                self.path().await
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Presses a key on whatever has the focus.
    pub async fn press(&self, key: Key) {
        let value: char = key.into();
        let actions = KeyActions::new(String::from("keyboard"))
            .then(KeyAction::Down { value })
            .then(KeyAction::Up { value });
        self.client
            .perform_actions(actions)
            .await
            .expect("press a key");
    }

    /// A short description of the focused element: tag, id, classes, href and text.
    pub async fn focused(&self) -> Focused {
        let value = self
            .js(
                "const probe = document.createElement('span'); probe.style.color = 'var(--focus)'; \
                 document.body.appendChild(probe); const focusColour = getComputedStyle(probe).color; \
                 probe.remove(); \
                 const e = document.activeElement; const s = getComputedStyle(e); \
                 return { tag: e.tagName.toLowerCase(), id: e.id || '', \
                 classes: e.className && e.className.baseVal === undefined ? e.className : '', \
                 href: e.getAttribute('href') || '', name: e.getAttribute('name') || '', \
                 type: e.getAttribute('type') || '', \
                 text: (e.innerText || e.value || e.getAttribute('aria-label') || '').trim().slice(0, 60), \
                 outline: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0, \
                 shadow: s.boxShadow !== 'none', \
                 border: parseFloat(s.borderTopWidth) > 0 && s.borderTopColor === focusColour };",
                vec![],
            )
            .await;
        serde_json::from_value(value).expect("focused element")
    }

    /// Sizes the window so that the page's viewport is `viewport`.
    pub async fn resize(&self, viewport: Viewport) {
        self.client
            .set_window_size(viewport.width, viewport.height)
            .await
            .expect("set the window size");
        // Headless windows have no frame, but make sure: correct by what the page sees.
        let inner = self
            .js("return [window.innerWidth, window.innerHeight];", vec![])
            .await;
        let inner_width = inner[0].as_u64().unwrap_or(0) as u32;
        let inner_height = inner[1].as_u64().unwrap_or(0) as u32;
        if inner_width != viewport.width || inner_height != viewport.height {
            let width = viewport.width + viewport.width.saturating_sub(inner_width);
            let height = viewport.height + viewport.height.saturating_sub(inner_height);
            self.client
                .set_window_size(width, height)
                .await
                .expect("set the window size");
        }
    }

    /// Saves a full-page screenshot as `target/browser-screenshots/<name>-<viewport>.png`.
    pub async fn screenshot(&self, name: &str, viewport: Viewport) {
        let height = self
            .js(
                "return Math.max(document.documentElement.scrollHeight, document.body.scrollHeight);",
                vec![],
            )
            .await
            .as_u64()
            .unwrap_or(u64::from(viewport.height));
        let full = Viewport {
            height: (height as u32).clamp(viewport.height, 12_000),
            ..viewport
        };
        self.resize(full).await;
        let png = self.client.screenshot().await.expect("take a screenshot");
        self.resize(viewport).await;
        let dir = screenshot_dir();
        std::fs::create_dir_all(&dir).expect("create the screenshot folder");
        let path = dir.join(format!("{name}-{}.png", viewport.name));
        std::fs::write(&path, png).expect("write the screenshot");
    }

    /// Runs axe-core's WCAG 2.0/2.1 A and AA rules on the page and returns its violations.
    pub async fn axe(&self) -> Vec<Violation> {
        let present = self
            .js("return typeof window.axe === 'object';", vec![])
            .await;
        if present != Value::Bool(true) {
            self.js(&self.axe_source, vec![]).await;
        }
        let result = self
            .client
            .execute_async(
                "const done = arguments[arguments.length - 1]; \
                 axe.run(document, { runOnly: { type: 'tag', values: arguments[0] }, \
                                     resultTypes: ['violations'] }) \
                   .then(r => done({ ok: r.violations.map(v => ({ id: v.id, impact: v.impact, \
                        help: v.help, url: v.helpUrl, \
                        nodes: v.nodes.map(n => ({ target: JSON.stringify(n.target), \
                                                   summary: n.failureSummary || '' })) })) })) \
                   .catch(e => done({ error: String(e) }));",
                vec![json!(AXE_TAGS)],
            )
            .await
            .expect("run axe");
        if let Some(error) = result.get("error") {
            panic!("axe failed on {}: {error}", self.path().await);
        }
        serde_json::from_value(result["ok"].clone()).expect("axe violations")
    }

    /// Checks the page as it is at desktop and phone widths: no serious or critical axe
    /// violation at either, and a screenshot of each. Milder violations are printed.
    pub async fn check_page(&self, name: &str) {
        let mut failures = String::new();
        for viewport in [DESKTOP, PHONE] {
            self.resize(viewport).await;
            let violations = self.axe().await;
            for violation in &violations {
                let serious = matches!(violation.impact.as_deref(), Some("serious" | "critical"));
                let line = violation.describe();
                if serious {
                    let _ = writeln!(failures, "[{name} at {} width] {line}", viewport.name);
                } else {
                    eprintln!(
                        "axe (not failing) [{name} at {} width] {line}",
                        viewport.name
                    );
                }
            }
            self.screenshot(name, viewport).await;
        }
        self.resize(DESKTOP).await;
        assert!(
            failures.is_empty(),
            "serious or critical WCAG 2.1 AA violations on {} ({}):\n{failures}",
            self.path().await,
            name
        );
    }
}

/// One axe-core rule that failed, with the elements it failed on.
#[derive(Debug, serde::Deserialize)]
pub struct Violation {
    pub id: String,
    pub impact: Option<String>,
    pub help: String,
    pub url: String,
    pub nodes: Vec<ViolationNode>,
}

#[derive(Debug, serde::Deserialize)]
pub struct ViolationNode {
    pub target: String,
    pub summary: String,
}

impl Violation {
    fn describe(&self) -> String {
        let mut text = format!(
            "{} ({}): {} <{}>",
            self.id,
            self.impact.as_deref().unwrap_or("unknown impact"),
            self.help,
            self.url
        );
        for node in self.nodes.iter().take(8) {
            let summary = node.summary.replace('\n', " ");
            let _ = write!(text, "\n    at {}: {summary}", node.target);
        }
        if self.nodes.len() > 8 {
            let _ = write!(text, "\n    and {} more elements", self.nodes.len() - 8);
        }
        text
    }
}

/// The focused element, as [`Session::focused`] describes it.
#[derive(Debug, serde::Deserialize)]
pub struct Focused {
    pub tag: String,
    pub id: String,
    pub classes: String,
    pub href: String,
    pub name: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub text: String,
    pub outline: bool,
    pub shadow: bool,
    /// The border takes the house focus colour (`--focus` in the style sheet).
    pub border: bool,
}

impl Focused {
    /// Whether the focus can be seen: an outline, a box shadow or a border in the focus colour.
    pub fn is_visible(&self) -> bool {
        self.outline || self.shadow || self.border
    }
}
