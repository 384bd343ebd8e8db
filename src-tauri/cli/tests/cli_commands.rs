//! The `cmu` binary's commands, run as a user would: a real process, real loopback HTTP
//! to the fake Adobe Pass server, secrets in the real Secret Service (these tests run inside
//! `scripts/with-keyring.sh`), XDG directories in a temporary home.

#![allow(clippy::unwrap_used)] // test fixtures: a panic is the failure report

#[path = "../../core/tests/common/malformed.rs"]
mod malformed;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use cmu_core::fake_server::{FakeServer, FakeServerConfig};
use cmu_core::keyring_store::{KeyringStore, SecretKind};

struct Cli {
    fake: FakeServer,
    home: tempfile::TempDir,
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
    elapsed: Duration,
}

impl Cli {
    async fn new() -> Self {
        Self {
            fake: FakeServer::start(FakeServerConfig::default())
                .await
                .unwrap(),
            home: tempfile::tempdir().unwrap(),
        }
    }

    fn url(&self) -> String {
        self.fake.base_url().to_string()
    }

    fn write(&self, name: &str, bytes: &[u8]) -> PathBuf {
        let path = self.home.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        path
    }

    fn statement_file(&self, software_id: &str) -> PathBuf {
        let text = self.fake.demo_statement(software_id, "CLI Test");
        self.write(&format!("{software_id}.txt"), text.as_bytes())
    }

    /// Runs `cmu` with the fake as a custom environment and this test's own XDG directories.
    async fn run(&self, args: &[&str], stdin: Option<Vec<u8>>) -> Run {
        let mut command = Command::new(env!("CARGO_BIN_EXE_cmu"));
        command.arg("--sp-url").arg(self.url()).args(args);
        self.exec(command, stdin).await
    }

    /// Runs `cmu` with exactly `args`.
    async fn run_raw(&self, args: &[&str]) -> Run {
        let mut command = Command::new(env!("CARGO_BIN_EXE_cmu"));
        command.args(args);
        self.exec(command, None).await
    }

    async fn exec(&self, mut command: Command, stdin: Option<Vec<u8>>) -> Run {
        let home = self.home.path();
        command
            .env("XDG_CONFIG_HOME", home.join("config"))
            .env("XDG_DATA_HOME", home.join("data"))
            .env("XDG_CACHE_HOME", home.join("cache"))
            .env("XDG_STATE_HOME", home.join("state"))
            .env_remove("CMU_LOG")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let started = Instant::now();
        // The fake runs on this test's runtime: wait for the child on a blocking thread.
        let output: Output = tokio::task::spawn_blocking(move || {
            let mut child = command.spawn().unwrap();
            let mut input = child.stdin.take().unwrap();
            if let Some(bytes) = stdin {
                input.write_all(&bytes).unwrap();
            }
            drop(input);
            child.wait_with_output().unwrap()
        })
        .await
        .unwrap();
        Run {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
            elapsed: started.elapsed(),
        }
    }

    fn profile_id(&self) -> String {
        let file = self.home.path().join("config/cmu-studio/profiles.json");
        let json: serde_json::Value =
            serde_json::from_slice(&std::fs::read(file).unwrap()).unwrap();
        json["profiles"][0]["id"].as_str().unwrap().to_owned()
    }
}

fn assert_one_line_error(run: &Run, code: i32) {
    assert_eq!(
        run.code, code,
        "stdout: {}\nstderr: {}",
        run.stdout, run.stderr
    );
    let lines: Vec<&str> = run
        .stderr
        .lines()
        .filter(|l| l.starts_with("error: "))
        .collect();
    assert_eq!(lines.len(), 1, "stderr: {}", run.stderr);
    assert!(lines[0].len() > 30, "too terse: {}", lines[0]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn inspect_import_token_forget() {
    let cli = Cli::new().await;
    let file = cli.statement_file("cli-flow-app");
    let path = file.to_str().unwrap();

    let inspect = cli.run(&["inspect", path], None).await;
    assert_eq!(inspect.code, 0, "{}", inspect.stderr);
    assert!(inspect.stdout.contains("cli-flow-app"));
    assert!(inspect.stdout.contains("never (valid until revoked)"));
    let json = cli
        .run(
            &["inspect", "--json", "-"],
            Some(std::fs::read(&file).unwrap()),
        )
        .await;
    assert_eq!(json.code, 0, "{}", json.stderr);
    let parsed: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(parsed["header"]["alg"], "RS256");
    assert_eq!(parsed["claims"]["sub"], "cli-flow-app");

    let import = cli
        .run(&["import", path, "--label", "Sports app"], None)
        .await;
    assert_eq!(import.code, 0, "{}", import.stderr);
    assert!(import.stdout.contains("Sports app"));

    let profiles = cli.run(&["profiles", "--json"], None).await;
    let list: serde_json::Value = serde_json::from_str(&profiles.stdout).unwrap();
    assert_eq!(list[0]["label"], "Sports app");
    assert_eq!(list[0]["softwareId"], "cli-flow-app");
    let client_id = list[0]["clientId"].as_str().unwrap().to_owned();
    assert!(!client_id.is_empty());

    let token = cli.run(&["token"], None).await;
    assert_eq!(token.code, 0, "{}", token.stderr);
    assert!(token.stdout.contains("valid until"), "{}", token.stdout);
    let again = cli
        .run(&["--profile", "Sports app", "token", "--json"], None)
        .await;
    let status: serde_json::Value = serde_json::from_str(&again.stdout).unwrap();
    assert_eq!(status["refreshed"], false, "the stored token is reused");

    let id = cli.profile_id();
    let keyring = KeyringStore::platform().unwrap();
    assert!(keyring
        .get(&id, SecretKind::ClientSecret)
        .unwrap()
        .is_some());

    let forget = cli.run(&["forget"], None).await;
    assert_eq!(forget.code, 0, "{}", forget.stderr);
    for kind in SecretKind::ALL {
        assert!(keyring.get(&id, kind).unwrap().is_none());
    }
    let none = cli.run(&["token"], None).await;
    assert_one_line_error(&none, 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn version_and_help() {
    let cli = Cli::new().await;
    let version = cli.run_raw(&["--version"]).await;
    assert_eq!(version.code, 0);
    assert!(version
        .stdout
        .starts_with(&format!("cmu {}", env!("CARGO_PKG_VERSION"))));
    let help = cli.run_raw(&["--help"]).await;
    for command in [
        "inspect",
        "import",
        "profiles",
        "token",
        "forget",
        "fake-server",
    ] {
        assert!(
            help.stdout.contains(command),
            "{command} missing from --help"
        );
    }
    let usage = cli.run_raw(&["no-such-command"]).await;
    assert_eq!(usage.code, 2);
}

#[test]
fn the_cli_links_no_gui_library() {
    let out = Command::new("ldd")
        .arg(env!("CARGO_BIN_EXE_cmu"))
        .output()
        .unwrap();
    assert!(out.status.success());
    let libs = String::from_utf8_lossy(&out.stdout).to_lowercase();
    assert!(libs.contains("libc.so"), "{libs}");
    for gui in ["webkit", "gtk", "gdk", "javascriptcore", "soup"] {
        assert!(!libs.contains(gui), "cmu links {gui}: {libs}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_statements_exit_3_with_one_line_and_keep_the_working_profile() {
    let cli = Cli::new().await;
    let good = cli.statement_file("keeper-cli-app");
    assert_eq!(
        cli.run(&["import", good.to_str().unwrap()], None)
            .await
            .code,
        0
    );
    let before = std::fs::read(cli.home.path().join("config/cmu-studio/profiles.json")).unwrap();

    let samples = malformed::malformed_statements();
    assert!(samples.len() >= 30, "only {} samples", samples.len());
    for (i, (name, bytes)) in samples.iter().enumerate() {
        let file = cli.write(&format!("bad-{i}.txt"), bytes);
        let inspect = cli.run(&["inspect", file.to_str().unwrap()], None).await;
        assert_one_line_error(&inspect, 3);
        assert!(!inspect.stderr.contains('\u{0}'), "{name}");
        if i % 5 == 0 {
            // Through stdin too, and as an import: refused before any network call.
            let stdin = cli.run(&["inspect", "-"], Some(bytes.clone())).await;
            assert_one_line_error(&stdin, 3);
            let import = cli.run(&["import", file.to_str().unwrap()], None).await;
            assert_one_line_error(&import, 3);
        }
    }
    let after = std::fs::read(cli.home.path().join("config/cmu-studio/profiles.json")).unwrap();
    assert_eq!(before, after, "a bad statement changed the profiles");
    let token = cli.run(&["token"], None).await;
    assert_eq!(
        token.code, 0,
        "the earlier profile must still work: {}",
        token.stderr
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn registration_and_token_errors_exit_4_with_distinct_messages() {
    let cli = Cli::new().await;
    let file = cli.statement_file("errors-cli-app");
    let path = file.to_str().unwrap();
    let mut messages = std::collections::HashSet::new();
    for code in [
        "invalid_request",
        "invalid_redirect_uri",
        "invalid_software_statement",
        "unapproved_software_statement",
    ] {
        cli.fake.faults().set_register_error(Some(code)).unwrap();
        let run = cli.run(&["import", path], None).await;
        assert_one_line_error(&run, 4);
        assert!(run.stderr.contains(code), "{}", run.stderr);
        assert!(messages.insert(run.stderr.clone()));
    }
    cli.fake.faults().set_register_error(None).unwrap();
    assert_eq!(cli.run(&["import", path], None).await.code, 0);
    for code in [
        "invalid_request",
        "invalid_client",
        "unauthorized_client",
        "unsupported_grant_type",
    ] {
        cli.fake.faults().set_token_error(Some(code)).unwrap();
        let run = cli.run(&["token"], None).await;
        assert_one_line_error(&run, 4);
        assert!(run.stderr.contains(code), "{}", run.stderr);
        assert!(messages.insert(run.stderr.clone()));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn waits_out_throttling_and_retries_server_failures() {
    let cli = Cli::new().await;
    let file = cli.statement_file("resilient-cli-app");
    let faults = cli.fake.faults();
    faults.set_throttle_auth_expires(true);
    faults.set_throttle_cooldown(Duration::from_secs(2));
    faults.throttle_next(1);
    let import = cli.run(&["import", file.to_str().unwrap()], None).await;
    assert_eq!(import.code, 0, "{}", import.stderr);
    assert!(
        import
            .stderr
            .contains("throttled by Adobe Pass, retrying in 2 s"),
        "{}",
        import.stderr
    );
    assert!(import.elapsed >= Duration::from_secs(1));

    faults.fail_next(2, 503);
    let token = cli.run(&["token"], None).await;
    assert_eq!(token.code, 0, "{}", token.stderr);
    assert_eq!(
        token.stderr.matches("HTTP 503, retrying").count(),
        2,
        "{}",
        token.stderr
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn short_lived_tokens_are_renewed_and_revoked_credentials_replaced() {
    let cli = Cli::new().await;
    let file = cli.statement_file("renewing-cli-app");
    // Tokens that expire within the refresh margin are never reused.
    cli.fake.faults().set_token_ttl(Duration::from_secs(30));
    assert_eq!(
        cli.run(&["import", file.to_str().unwrap()], None)
            .await
            .code,
        0
    );
    for _ in 0..2 {
        let run = cli.run(&["token", "--json"], None).await;
        let status: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
        assert_eq!(status["refreshed"], true);
        assert_eq!(status["reregistered"], false);
    }
    cli.fake.faults().revoke_all_credentials();
    let run = cli.run(&["token"], None).await;
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("registered again"), "{}", run.stdout);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dropped_connections_exit_5_within_the_retry_budget() {
    let cli = Cli::new().await;
    let file = cli.statement_file("offline-cli-app");
    cli.fake.faults().set_drop_always(true);
    let run = cli.run(&["import", file.to_str().unwrap()], None).await;
    assert_one_line_error(&run, 5);
    // 1 attempt + 3 retries, 0.3 + 0.6 + 1.2 s of back-off.
    assert!(run.elapsed < Duration::from_secs(15), "{:?}", run.elapsed);
}

fn files_under(dir: &Path, out: &mut Vec<PathBuf>) {
    if let Ok(entries) = std::fs::read_dir(dir) {
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                files_under(&path, out);
            } else {
                out.push(path);
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_secret_reaches_a_file_or_the_output() {
    let cli = Cli::new().await;
    let file = cli.statement_file("leak-check-app");
    let statement = std::fs::read_to_string(&file).unwrap();
    let path = file.to_str().unwrap();
    let mut output = String::new();
    for args in [
        vec!["-vv", "inspect", path],
        vec!["-vv", "inspect", "--json", path],
        vec!["-vv", "import", path],
        vec!["-vv", "profiles", "--json"],
        vec!["-vv", "token"],
        vec!["-vv", "token", "--json"],
    ] {
        let run = cli.run(&args, None).await;
        assert_eq!(run.code, 0, "{args:?}: {}", run.stderr);
        output.push_str(&run.stdout);
        output.push_str(&run.stderr);
    }
    let id = cli.profile_id();
    let keyring = KeyringStore::platform().unwrap();
    let secret = keyring.get(&id, SecretKind::ClientSecret).unwrap().unwrap();
    let (token, _) = keyring.load_token(&id).unwrap().unwrap();
    let secrets = [
        ("client secret", secret.expose().clone()),
        ("access token", token.expose().clone()),
        ("statement", statement.trim().to_owned()),
    ];
    assert!(
        output.contains("DEBUG") || output.contains("INFO"),
        "logging was not on"
    );
    let mut files = Vec::new();
    files_under(cli.home.path(), &mut files);
    files.retain(|f| f.extension().is_none_or(|e| e != "txt")); // the statement file itself
    assert!(!files.is_empty());
    for (what, value) in &secrets {
        assert!(value.len() > 10);
        assert!(!output.contains(value.as_str()), "{what} printed");
        for f in &files {
            let bytes = std::fs::read(f).unwrap();
            let text = String::from_utf8_lossy(&bytes);
            assert!(
                !text.contains(value.as_str()),
                "{what} found in {}",
                f.display()
            );
        }
    }
    cli.run(&["forget", "--all"], None).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tree_and_report_against_the_fake() {
    use cmu_core::fake_server::cmu::{dataset, Filters, Metric};
    let cli = Cli::new().await;
    let file = cli.statement_file("reports-cli-app");
    assert_eq!(
        cli.run(&["import", file.to_str().unwrap()], None)
            .await
            .code,
        0
    );

    let tree = cli.run(&["tree", "--depth", "1"], None).await;
    assert_eq!(tree.code, 0, "{}", tree.stderr);
    assert!(tree.stdout.lines().next().unwrap().starts_with("/cmu/v2"));
    assert!(tree.stdout.contains("  /cmu/v2/year"), "{}", tree.stdout);

    let run = cli
        .run(
            &[
                "report",
                "/cmu/v2/year/month/day/mvpd",
                "--start",
                "2026-10-01",
                "--end",
                "2026-11-01",
                "--format",
                "csv",
            ],
            None,
        )
        .await;
    assert_eq!(run.code, 0, "{}", run.stderr);
    let mut lines = run.stdout.split("\r\n").filter(|l| !l.is_empty());
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    assert_eq!(
        &header[..5],
        ["year", "month", "day", "mvpd", "active-users"]
    );
    let sessions = header.iter().position(|h| *h == "active-sessions").unwrap();
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    assert_eq!(rows.len(), 31 * 10);
    let total: u64 = rows
        .iter()
        .map(|r| r[sessions].parse::<u64>().unwrap())
        .sum();
    let start = chrono::DateTime::parse_from_rfc3339("2026-10-01T00:00:00Z").unwrap();
    let end = chrono::DateTime::parse_from_rfc3339("2026-11-01T00:00:00Z").unwrap();
    let truth = dataset()
        .total(
            Metric::ActiveSessions,
            start.into(),
            end.into(),
            &Filters::new(),
        )
        .unwrap();
    assert_eq!(total, truth);

    let table = cli
        .run(
            &[
                "report",
                "--preset",
                "Cross-MVPD monthly stats",
                "--start",
                "2026-10",
                "--end",
                "2026-11",
                "--filter",
                "mvpd=AT&T U-verse",
            ],
            None,
        )
        .await;
    assert_eq!(table.code, 0, "{}", table.stderr);
    assert!(table.stdout.contains("AT&T U-verse"), "{}", table.stdout);
    assert!(table.stdout.contains("1 row ·"), "{}", table.stdout);

    // (`--check` probes at Adobe's documented pace, ~1 request/s; the library test covers it.)
    let presets = cli.run(&["presets", "--json"], None).await;
    assert_eq!(presets.code, 0, "{}", presets.stderr);
    let list: serde_json::Value = serde_json::from_str(&presets.stdout).unwrap();
    assert_eq!(list.as_array().unwrap().len(), 65);
    assert_eq!(list[0]["path"], "/cmu/v2/year/month/mvpd");

    let missing = cli.run(&["report", "/cmu/v2/mvpd/minute"], None).await;
    assert_one_line_error(&missing, 5);
    assert!(missing.stderr.contains("cmu tree"));
    let bad = cli
        .run(&["report", "/cmu/v2/year", "--filter", "nope=1"], None)
        .await;
    assert_one_line_error(&bad, 3);
    let truncated = cli
        .run(
            &[
                "report",
                "/cmu/v2/year/month/day",
                "--start",
                "2026-10",
                "--end",
                "2026-11",
                "--limit",
                "3",
            ],
            None,
        )
        .await;
    assert_eq!(truncated.code, 0);
    assert!(
        truncated.stderr.contains("warning: "),
        "{}",
        truncated.stderr
    );
}

/// Width and height from a PNG's IHDR chunk.
fn png_size(bytes: &[u8]) -> (u32, u32) {
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "not a PNG");
    let be =
        |at: usize| u32::from_be_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]]);
    (be(16), be(20))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn chart_and_what_if_against_the_fake() {
    let cli = Cli::new().await;
    let file = cli.statement_file("charts-cli-app");
    assert_eq!(
        cli.run(&["import", file.to_str().unwrap()], None)
            .await
            .code,
        0
    );
    let png = cli.home.path().join("chart.png");
    let run = cli
        .run(
            &[
                "chart",
                "/cmu/v2/year/month/day/mvpd",
                "--start",
                "2026-10-01",
                "--end",
                "2026-11-01",
                "--metric",
                "active-sessions",
                "--series",
                "mvpd",
                "--scale",
                "2",
                "--output",
                png.to_str().unwrap(),
            ],
            None,
        )
        .await;
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(png_size(&std::fs::read(&png).unwrap()), (3200, 1800));

    let svg = cli.home.path().join("chart.svg");
    let run = cli
        .run(
            &[
                "chart",
                "--preset",
                "Cross-MVPD daily stats",
                "--start",
                "2026-10-01",
                "--end",
                "2026-10-08",
                "--kind",
                "bar",
                "--output",
                svg.to_str().unwrap(),
            ],
            None,
        )
        .await;
    assert_eq!(run.code, 0, "{}", run.stderr);
    let text = std::fs::read_to_string(&svg).unwrap();
    assert!(
        text.contains("<svg") && text.contains("Comcast_SSO"),
        "series names are text"
    );

    let what_if = cli
        .run(
            &[
                "what-if",
                "/cmu/v2/year/month/concurrency-level",
                "--start",
                "2026-10",
                "--end",
                "2026-11",
                "--limit",
                "3",
                "--json",
            ],
            None,
        )
        .await;
    assert_eq!(what_if.code, 0, "{}", what_if.stderr);
    let result: serde_json::Value = serde_json::from_str(&what_if.stdout).unwrap();
    let rows = result["rows"].as_array().unwrap();
    let over: f64 = rows
        .iter()
        .filter(|r| r["level"].as_u64().unwrap() > 3)
        .map(|r| r["users"].as_f64().unwrap())
        .sum();
    assert_eq!(result["usersOverLimit"].as_f64().unwrap(), over);
    assert!(over > 0.0);

    let wrong = cli
        .run(&["chart", "/cmu/v2/year", "--output", "x.gif"], None)
        .await;
    assert_one_line_error(&wrong, 3);
}
