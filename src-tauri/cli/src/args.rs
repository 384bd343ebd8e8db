//! The command line: names, options and help texts. Scripts depend on these names.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};
use cmu_core::build_info::BUILD_INFO;

static LONG_VERSION: std::sync::LazyLock<String> =
    std::sync::LazyLock::new(|| BUILD_INFO.long_version());

/// CMU Studio on the command line: Adobe Pass Concurrency Monitoring usage reports.
///
/// Exit codes: 0 success, 2 usage, 3 invalid input, 4 access refused, 5 server or network
/// failure, 6 local system failure (no keyring, unwritable config).
#[derive(Debug, Parser)]
#[command(name = "cmu", version = BUILD_INFO.version, long_version = LONG_VERSION.as_str(), about, long_about)]
pub struct Cli {
    /// Options shared by every command.
    #[command(flatten)]
    pub global: GlobalArgs,
    /// More log output on stderr (-v info, -vv debug).
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    pub verbose: u8,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Where to connect and with which profile.
#[derive(Debug, Args, Clone)]
pub struct GlobalArgs {
    /// Environment: production, staging, prequal-production, prequal-staging, demo, custom.
    #[arg(long = "env", global = true, value_name = "NAME")]
    pub env: Option<String>,
    /// Registration and token base URL (implies --env custom).
    #[arg(long, global = true, value_name = "URL")]
    pub sp_url: Option<String>,
    /// Reports base URL (implies --env custom; defaults to --sp-url).
    #[arg(long, global = true, value_name = "URL")]
    pub mgmt_url: Option<String>,
    /// Profile id or label (default: the most recently used one).
    #[arg(long, global = true, value_name = "ID-OR-LABEL")]
    pub profile: Option<String>,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Decode a software statement and print its header and claims (no network).
    Inspect(InspectArgs),
    /// Register with a software statement and store the credentials in the keyring.
    Import(ImportArgs),
    /// List the stored profiles (never a secret).
    Profiles(JsonArgs),
    /// Make sure a valid access token exists and print when it expires (never the token).
    Token(JsonArgs),
    /// Remove a profile and every keyring entry it owns.
    Forget(ForgetArgs),
    /// Run the built-in fake Adobe Pass server in the foreground.
    FakeServer(FakeServerArgs),
}

/// `cmu inspect`.
#[derive(Debug, Args)]
pub struct InspectArgs {
    /// Statement file, or `-` for standard input.
    pub file: String,
    /// Machine-readable output.
    #[arg(long)]
    pub json: bool,
}

/// `cmu import`.
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// Statement file, or `-` for standard input.
    pub file: String,
    /// A name for the profile.
    #[arg(long, value_name = "TEXT")]
    pub label: Option<String>,
    /// Machine-readable output.
    #[arg(long)]
    pub json: bool,
}

/// Commands whose only option is `--json`.
#[derive(Debug, Args)]
pub struct JsonArgs {
    /// Machine-readable output.
    #[arg(long)]
    pub json: bool,
}

/// `cmu forget`.
#[derive(Debug, Args)]
pub struct ForgetArgs {
    /// Forget every profile.
    #[arg(long)]
    pub all: bool,
}

/// `cmu fake-server`.
#[derive(Debug, Args)]
pub struct FakeServerArgs {
    /// Address to listen on (loopback only).
    #[arg(long, default_value = "127.0.0.1:0", value_name = "ADDR")]
    pub addr: String,
    /// Write a demo software statement signed by the fake to this file.
    #[arg(long, value_name = "FILE")]
    pub statement_out: Option<PathBuf>,
    /// Software id of the demo statement.
    #[arg(long, default_value = cmu_core::fake_server::DEMO_SOFTWARE_ID)]
    pub software_id: String,
    /// Answer 429 (with `Expires`) to the next N requests.
    #[arg(long, value_name = "N")]
    pub throttle: Option<u32>,
    /// Fail the next N requests with HTTP 503.
    #[arg(long, value_name = "N")]
    pub fail: Option<u32>,
    /// Delay every response by this many milliseconds.
    #[arg(long, value_name = "MS")]
    pub delay_ms: Option<u64>,
    /// Close every connection without answering.
    #[arg(long)]
    pub drop_connections: bool,
    /// Access token lifetime in seconds.
    #[arg(long, value_name = "SECS")]
    pub token_ttl: Option<u64>,
}
