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
            serde_json::json!({ "application": env!("CARGO_BIN_EXE_cmu-studio") }),
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

    /// Clicks the element matching `css` once it is there.
    pub async fn click(&self, css: &str) {
        self.wait_for_css(css, UI_TIMEOUT)
            .await
            .click()
            .await
            .unwrap_or_else(|e| panic!("cannot click `{css}`: {e}"));
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
