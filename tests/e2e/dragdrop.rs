//! A real drag and drop of a statement file onto the window: a GTK drag source (python3-gi)
//! offers the file, xdotool moves the pointer. Then a broken file: the error is shown and the
//! existing profile keeps working.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::harness::{png_stats, App, Fake};

/// The Python that has the Debian `python3-gi` package (a pyenv or venv Python first on PATH
/// usually does not).
fn python() -> &'static str {
    if Path::new("/usr/bin/python3").exists() {
        "/usr/bin/python3"
    } else {
        "python3"
    }
}

/// Fails (never skips) when a tool the drag needs is missing.
fn require_drag_tools() {
    let xdotool = Command::new("xdotool").arg("version").output();
    assert!(
        xdotool.is_ok_and(|o| o.status.success()),
        "end-to-end prerequisite missing: xdotool (Debian package xdotool). Run the tests with \
         `make test`, which installs everything they need."
    );
    let gi = Command::new(python())
        .args([
            "-c",
            "import gi; gi.require_version('Gtk', '3.0'); gi.require_version('Gdk', '3.0'); from gi.repository import Gdk, Gtk",
        ])
        .output();
    assert!(
        gi.is_ok_and(|o| o.status.success()),
        "end-to-end prerequisite missing: GTK 3 for Python (Debian packages python3-gi and \
         gir1.2-gtk-3.0) for {}. Run the tests with `make test`.",
        python()
    );
}

fn xdotool(args: &[&str]) {
    let status = Command::new("xdotool").args(args).status().unwrap();
    assert!(status.success(), "xdotool {args:?} failed: {status}");
}

fn screen_size() -> (i64, i64) {
    let out = Command::new("xdotool")
        .arg("getdisplaygeometry")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let mut parts = text.split_whitespace().map(|p| p.parse::<i64>().unwrap());
    (parts.next().unwrap(), parts.next().unwrap())
}

/// Drags `file` from a GTK drag source next to the window onto the middle of the window and
/// drops it. With `screenshot`, the window is captured while the file hovers over it (the
/// drop zone must show), and the overlay is checked.
async fn drag_file_onto_window(app: &App, file: &Path, screenshot: Option<&str>) {
    require_drag_tools();
    let (wx, wy, ww, wh) = app.client.get_window_rect().await.unwrap();
    let (wx, wy, ww, wh) = (wx as i64, wy as i64, ww as i64, wh as i64);
    let (sw, sh) = screen_size();
    // The drag source goes beside the window, or below it: never over it.
    let (sx, sy) = if sw - (wx + ww) >= 200 {
        (wx + ww + 20, wy + 40)
    } else if sh - (wy + wh) >= 200 {
        (wx + 40, wy + wh + 20)
    } else {
        panic!(
            "the screen ({sw}x{sh}) has no room beside the {ww}x{wh} window for the drag \
             source: run under `xvfb-run -s '-screen 0 1920x1080x24'`"
        );
    };
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/e2e/drag_source.py");
    let mut source = Command::new(python())
        .arg(&script)
        .arg(file)
        .arg(sx.to_string())
        .arg(sy.to_string())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let stdout = source.stdout.take().unwrap();
    let ready = tokio::task::spawn_blocking(move || {
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line).map(|_| line)
    });
    let line = tokio::time::timeout(Duration::from_secs(20), ready)
        .await
        .expect("the drag source did not start within 20 s")
        .unwrap()
        .unwrap();
    assert_eq!(line.trim(), "ready", "drag source said {line:?}");

    let (from_x, from_y) = (sx + 80, sy + 80);
    let (to_x, to_y) = (wx + ww / 2, wy + wh / 2);
    xdotool(&["mousemove", &from_x.to_string(), &from_y.to_string()]);
    tokio::time::sleep(Duration::from_millis(200)).await;
    xdotool(&["mousedown", "1"]);
    tokio::time::sleep(Duration::from_millis(200)).await;
    let steps = 25;
    for i in 1..=steps {
        let x = from_x + (to_x - from_x) * i / steps;
        let y = from_y + (to_y - from_y) * i / steps;
        xdotool(&["mousemove", &x.to_string(), &y.to_string()]);
        tokio::time::sleep(Duration::from_millis(40)).await;
    }
    // A last few small moves over the target, then the pause GTK needs before the drop.
    for dx in [3, -3, 2] {
        xdotool(&["mousemove", &(to_x + dx).to_string(), &to_y.to_string()]);
        tokio::time::sleep(Duration::from_millis(60)).await;
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    if let Some(name) = screenshot {
        app.wait_for_js(
            "the drop zone while a file hovers over the window",
            "document.body.classList.contains('dragging-file') && \
             !document.querySelector('#drop-overlay').hidden",
            Duration::from_secs(10),
        )
        .await;
        let png = app.screenshot(name).await;
        assert!(png_stats(&png).2 > 50, "drop zone screenshot looks blank");
    }
    xdotool(&["mouseup", "1"]);

    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        if let Ok(Some(_)) = source.try_wait() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let _ = source.kill();
    let _ = source.wait();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dropping_a_statement_imports_it_and_a_broken_file_is_explained() {
    let fake = Fake::start("e2e-drop-app", "E2E Drop App").await;
    let app = App::launch().await;
    app.wait_for_css("body[data-drop-ready='true']", crate::harness::UI_TIMEOUT)
        .await;

    // Dropped from anywhere (here while Reports is open): Connections shows the summary.
    app.click("#nav-reports").await;
    drag_file_onto_window(&app, &fake.statement, Some("drop-zone")).await;
    let summary = app
        .wait_for_text("#import-summary", |t| t.contains("e2e-drop-app"))
        .await;
    assert!(summary.contains("E2E Drop App"), "{summary}");
    assert!(summary.contains("e2e-drop-app.txt"), "{summary}");
    assert!(app.is_visible("#screen-connections").await);
    assert!(!app.is_visible("#drop-overlay").await);
    app.screenshot("drop-summary").await;
    let card = app.register_custom(&fake.base_url()).await;
    assert!(card.contains("e2e-drop-app"), "{card}");

    // A broken file: a plain-words error next to the import form, the profile untouched.
    let broken = fake.broken_statement();
    drag_file_onto_window(&app, &broken, None).await;
    let error = app
        .wait_for_text("#import-error", |t| {
            t.contains("not a usable software statement")
        })
        .await;
    assert!(error.contains("broken-statement.txt"), "{error}");
    assert!(
        error.contains("Download"),
        "the error gives the next step: {error}"
    );
    assert!(!app.is_visible("#import-summary").await);
    app.screenshot("drop-broken-file-error").await;
    let cards = app
        .js("return document.querySelectorAll('.profile-card').length;")
        .await;
    assert_eq!(cards, serde_json::json!(1));

    // The existing profile still works.
    app.click(".profile-card .test").await;
    app.wait_for_text(".profile-card .token-state", |t| {
        t.contains("Connection works")
    })
    .await;
    app.quit().await;
}
