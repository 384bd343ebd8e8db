//! Starts `tauri-driver` for one test, opens the app through it, and cleans up after.

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};

/// How long the first paint may take right after a build (it can be several seconds).
const START_TIMEOUT: Duration = Duration::from_secs(60);
/// How long an element may take to appear or change once the app runs.
pub const UI_TIMEOUT: Duration = Duration::from_secs(20);
/// How long a report may take (debug builds compute a month of fake data in a moment, but
/// registration, a token and a throttled retry can add up).
pub const REPORT_TIMEOUT: Duration = Duration::from_secs(60);
/// The WebDriver key code of Escape.
pub const ESCAPE: &str = "\u{E00C}";
/// The WebDriver key code of Enter.
pub const ENTER: &str = "\u{E007}";
/// The WebDriver key code of the right arrow.
pub const ARROW_RIGHT: &str = "\u{E014}";

/// A running app in its own throwaway home, driven over WebDriver.
pub struct App {
    /// The WebDriver session.
    pub client: Client,
    /// Root of the app's config/data/cache/state directories for this test.
    pub home: tempfile::TempDir,
    driver: Driver,
}

struct Driver {
    child: Child,
}

impl Drop for Driver {
    fn drop(&mut self) {
        // tauri-driver runs in its own process group with WebKitWebDriver and the app under it:
        // signal the whole group, or an orphaned WebKitWebDriver keeps its port and the next
        // run hangs.
        let group = format!("-{}", self.child.id());
        let _ = Command::new("kill").args(["-TERM", "--", &group]).status();
        let deadline = Instant::now() + Duration::from_secs(3);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = Command::new("kill").args(["-KILL", "--", &group]).status();
        let _ = self.child.wait();
    }
}

fn require(condition: bool, what: &str) {
    assert!(
        condition,
        "end-to-end prerequisite missing: {what}. Run the tests with `make test`, which installs \
         and starts everything they need."
    );
}

fn on_path(program: &str) -> bool {
    std::env::var_os("PATH")
        .map(|paths| std::env::split_paths(&paths).any(|dir| dir.join(program).is_file()))
        .unwrap_or(false)
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap()
}

fn wait_for_port(port: u16, child: &mut Child, what: &str) {
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    let deadline = Instant::now() + START_TIMEOUT;
    while Instant::now() < deadline {
        if TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_ok() {
            return;
        }
        if let Ok(Some(status)) = child.try_wait() {
            panic!("tauri-driver exited early ({status}) while waiting for {what}");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("{what} did not open port {port} within {START_TIMEOUT:?}");
}

/// Where screenshots go: `target/e2e-screenshots/`.
pub fn screenshot_dir() -> PathBuf {
    let tmp = Path::new(env!("CARGO_TARGET_TMPDIR"));
    tmp.parent().unwrap_or(tmp).join("e2e-screenshots")
}

impl App {
    /// Launches the built app with fresh config, data, cache and state directories, and
    /// waits until the shell has rendered.
    pub async fn launch() -> App {
        Self::launch_with_env(&[]).await
    }

    /// Like [`App::launch`], with extra environment variables for the app process.
    pub async fn launch_with_env(extra_env: &[(&str, &str)]) -> App {
        Self::launch_binary(Path::new(env!("CARGO_BIN_EXE_cmu-studio")), extra_env).await
    }

    /// Like [`App::launch_with_env`], for another build of the app (e.g. the installed one).
    pub async fn launch_binary(binary: &Path, extra_env: &[(&str, &str)]) -> App {
        require(
            std::env::var_os("DISPLAY").is_some(),
            "an X display (DISPLAY is not set; run under xvfb-run)",
        );
        require(
            on_path("tauri-driver"),
            "tauri-driver (cargo install tauri-driver --locked)",
        );
        require(
            on_path("WebKitWebDriver"),
            "WebKitWebDriver (Debian package webkit2gtk-driver)",
        );

        let home = tempfile::tempdir().unwrap();
        let port = free_port();
        let native_port = free_port();
        let mut command = Command::new("tauri-driver");
        command
            .args(["--port", &port.to_string()])
            .args(["--native-port", &native_port.to_string()])
            .env("XDG_CONFIG_HOME", home.path().join("config"))
            .env("XDG_DATA_HOME", home.path().join("data"))
            .env("XDG_CACHE_HOME", home.path().join("cache"))
            .env("XDG_STATE_HOME", home.path().join("state"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::inherit());
        for (key, value) in extra_env {
            command.env(key, value);
        }
        #[cfg(unix)]
        {
            use std::os::unix::process::CommandExt;
            command.process_group(0);
        }
        let mut child = command.spawn().unwrap();
        wait_for_port(port, &mut child, "tauri-driver");
        wait_for_port(native_port, &mut child, "WebKitWebDriver");
        let driver = Driver { child };

        let mut caps = serde_json::Map::new();
        caps.insert("browserName".into(), "wry".into());
        caps.insert(
            "tauri:options".into(),
            serde_json::json!({ "application": binary }),
        );
        let client = ClientBuilder::rustls()
            .unwrap()
            .capabilities(caps)
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
            .unwrap();
        let app = App {
            client,
            home,
            driver,
        };
        app.wait_for_css("#app-shell[data-ready='true']", START_TIMEOUT)
            .await;
        app
    }

    /// Waits for an element matching `css`.
    pub async fn wait_for_css(&self, css: &str, timeout: Duration) -> Element {
        self.client
            .wait()
            .at_most(timeout)
            .for_element(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("no element `{css}` after {timeout:?}: {e}"))
    }

    /// Clicks the element matching `css` once it is there. Retries until [`UI_TIMEOUT`] when the
    /// click fails (lists re-render as data arrives, a popup may briefly cover the element).
    pub async fn click(&self, css: &str) {
        let deadline = Instant::now() + UI_TIMEOUT;
        loop {
            let element = self.wait_for_css(css, UI_TIMEOUT).await;
            match element.click().await {
                Ok(()) => return,
                Err(_) if Instant::now() < deadline => {
                    tokio::time::sleep(Duration::from_millis(150)).await;
                }
                Err(e) => panic!("cannot click `{css}`: {e}"),
            }
        }
    }

    /// Waits until the text of `css` satisfies `accept`, and returns it.
    pub async fn wait_for_text(&self, css: &str, accept: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + UI_TIMEOUT;
        let mut last = String::new();
        while Instant::now() < deadline {
            if let Ok(element) = self.client.find(Locator::Css(css)).await {
                if let Ok(text) = element.text().await {
                    if accept(&text) {
                        return text;
                    }
                    last = text;
                }
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("text of `{css}` never became acceptable; last seen: {last:?}");
    }

    /// Waits until an element matching `css` is displayed (not hidden).
    pub async fn wait_for_visible(&self, css: &str) -> Element {
        let deadline = Instant::now() + UI_TIMEOUT;
        while Instant::now() < deadline {
            if let Ok(element) = self.client.find(Locator::Css(css)).await {
                if element.is_displayed().await.unwrap_or(false) {
                    return element;
                }
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("`{css}` never became visible within {UI_TIMEOUT:?}");
    }

    /// Waits until the JavaScript expression `expr` is truthy, failing with `what`.
    pub async fn wait_for_js(
        &self,
        what: &str,
        expr: &str,
        timeout: Duration,
    ) -> serde_json::Value {
        let script = format!("return ({expr});");
        let deadline = Instant::now() + timeout;
        let mut last = serde_json::Value::Null;
        while Instant::now() < deadline {
            if let Ok(value) = self.client.execute(&script, vec![]).await {
                let truthy = match &value {
                    serde_json::Value::Null => false,
                    serde_json::Value::Bool(b) => *b,
                    serde_json::Value::Number(n) => n.as_f64().is_some_and(|n| n != 0.0),
                    serde_json::Value::String(s) => !s.is_empty(),
                    _ => true,
                };
                if truthy {
                    return value;
                }
                last = value;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("{what}: `{expr}` never became true within {timeout:?} (last value {last})");
    }

    /// Runs a JavaScript snippet (a function body) and returns its result.
    pub async fn js(&self, body: &str) -> serde_json::Value {
        self.client
            .execute(body, vec![])
            .await
            .unwrap_or_else(|e| panic!("script failed: {e}\n{body}"))
    }

    /// Replaces the value of the input matching `css` with `text`.
    pub async fn fill(&self, css: &str, text: &str) {
        let element = self.wait_for_css(css, UI_TIMEOUT).await;
        element
            .clear()
            .await
            .unwrap_or_else(|e| panic!("cannot clear `{css}`: {e}"));
        element
            .send_keys(text)
            .await
            .unwrap_or_else(|e| panic!("cannot type into `{css}`: {e}"));
    }

    /// Sends keys (WebDriver key codes allowed, e.g. [`ESCAPE`]) to the element matching `css`.
    pub async fn keys(&self, css: &str, keys: &str) {
        self.wait_for_css(css, UI_TIMEOUT)
            .await
            .send_keys(keys)
            .await
            .unwrap_or_else(|e| panic!("cannot send keys to `{css}`: {e}"));
    }

    /// The attribute `name` of the element matching `css`.
    pub async fn attr(&self, css: &str, name: &str) -> Option<String> {
        self.wait_for_css(css, UI_TIMEOUT)
            .await
            .attr(name)
            .await
            .unwrap_or_else(|e| panic!("cannot read `{name}` of `{css}`: {e}"))
    }

    /// The text of the element matching `css`, as displayed now.
    pub async fn text(&self, css: &str) -> String {
        self.wait_for_css(css, UI_TIMEOUT)
            .await
            .text()
            .await
            .unwrap_or_else(|e| panic!("cannot read the text of `{css}`: {e}"))
    }

    /// Whether the element matching `css` exists and is displayed.
    pub async fn is_visible(&self, css: &str) -> bool {
        match self.client.find(Locator::Css(css)).await {
            Ok(element) => element.is_displayed().await.unwrap_or(false),
            Err(_) => false,
        }
    }

    /// Saves a PNG screenshot of the window to `target/e2e-screenshots/<name>.png` and returns
    /// its bytes.
    pub async fn screenshot(&self, name: &str) -> Vec<u8> {
        // The DOM can be ahead of the pixels: let two frames paint before capturing.
        self.client
            .execute_async(
                "const done = arguments[arguments.length - 1];\n\
                 requestAnimationFrame(() => requestAnimationFrame(() => done(true)));",
                vec![],
            )
            .await
            .unwrap();
        let png = self.client.screenshot().await.unwrap();
        let dir = screenshot_dir();
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join(format!("{name}.png")), &png).unwrap();
        png
    }

    /// Ends the WebDriver session (closing the app) and stops the driver.
    pub async fn quit(self) {
        let App {
            client,
            home,
            driver,
        } = self;
        let _ = client.close().await;
        drop(driver);
        drop(home);
    }
}

/// Decodes a PNG and returns (width, height, number of distinct colours).
pub fn png_stats(bytes: &[u8]) -> (u32, u32, usize) {
    let decoder = png::Decoder::new(std::io::Cursor::new(bytes));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).unwrap();
    let channels = info.color_type.samples();
    let mut colours = std::collections::HashSet::new();
    for pixel in buf[..info.buffer_size()].chunks(channels) {
        colours.insert(pixel.to_vec());
        if colours.len() > 10_000 {
            break;
        }
    }
    (info.width, info.height, colours.len())
}

/// A fake Adobe Pass server running in the test process, with a statement file it accepts.
pub struct Fake {
    /// The server (its fault switches drive the error paths).
    pub server: cmu_core::fake_server::FakeServer,
    /// Holds the statement files.
    pub dir: tempfile::TempDir,
    /// The good statement file.
    pub statement: PathBuf,
    /// The statement's software id (distinct per test: profile ids, and so keyring entries,
    /// must not collide between tests sharing one keyring).
    pub software_id: String,
}

impl Fake {
    /// Starts a fake and writes a statement for `software_id` / `client_name`.
    pub async fn start(software_id: &str, client_name: &str) -> Fake {
        let server = cmu_core::fake_server::FakeServer::start(
            cmu_core::fake_server::FakeServerConfig::default(),
        )
        .await
        .unwrap();
        let dir = tempfile::tempdir().unwrap();
        let statement = dir.path().join(format!("{software_id}.txt"));
        std::fs::write(&statement, server.demo_statement(software_id, client_name)).unwrap();
        Fake {
            server,
            dir,
            statement,
            software_id: software_id.to_owned(),
        }
    }

    /// The base URL to type into the custom environment field.
    pub fn base_url(&self) -> String {
        self.server.base_url().to_string()
    }

    /// Writes a file that is not a statement, and returns its path.
    pub fn broken_statement(&self) -> PathBuf {
        let path = self.dir.path().join("broken-statement.txt");
        std::fs::write(&path, "this is not a software statement\n").unwrap();
        path
    }

    /// `statement` as a string path.
    pub fn statement_path(&self) -> &str {
        self.statement.to_str().unwrap()
    }
}

impl App {
    /// With the statement summary on screen: registers it in the custom environment `base_url`
    /// and waits for the profile card to show a valid token. Returns the card's text.
    pub async fn register_custom(&self, base_url: &str) -> String {
        self.wait_for_visible("#import-summary").await;
        self.click("#env-custom").await;
        self.wait_for_visible("#env-sp-url").await;
        self.fill("#env-sp-url", base_url).await;
        self.click("#import-register").await;
        self.wait_for_text(".profile-card .token-state", |t| t.contains("valid until"))
            .await;
        self.text(".profile-card").await
    }

    /// Imports through the file picker command path (`CMU_STUDIO_PICK_FILE` must point at the
    /// statement) and registers against `fake`.
    pub async fn connect_with_picker(&self, fake: &Fake) -> String {
        self.click("#import-pick").await;
        self.wait_for_text("#import-summary", |t| t.contains(&fake.software_id))
            .await;
        self.register_custom(&fake.base_url()).await
    }
}
