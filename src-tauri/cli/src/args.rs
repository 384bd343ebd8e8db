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
    /// List the available report paths by walking the drill-down links.
    Tree(TreeArgs),
    /// List Adobe's named example reports (with --check: which ones the server exposes).
    Presets(PresetsArgs),
    /// Fetch a report and print it as a table, CSV or JSON.
    Report(ReportArgs),
    /// Draw a report as a chart (PNG or SVG), ready for a slide.
    Chart(ChartArgs),
    /// How many users a per-user stream limit would have stopped (histogram reports).
    WhatIf(WhatIfArgs),
}

/// `cmu tree`.
#[derive(Debug, Args)]
pub struct TreeArgs {
    /// Where to start, e.g. /cmu/v2/year (default: the root).
    pub path: Option<String>,
    /// How many levels to walk down.
    #[arg(long, default_value_t = 2, value_name = "N")]
    pub depth: usize,
    /// Machine-readable output.
    #[arg(long)]
    pub json: bool,
}

/// `cmu presets`.
#[derive(Debug, Args)]
pub struct PresetsArgs {
    /// Ask the server which presets it exposes (one paced request per preset path).
    #[arg(long)]
    pub check: bool,
    /// Machine-readable output.
    #[arg(long)]
    pub json: bool,
}

/// Output forms of `cmu report`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ReportFormat {
    /// Aligned columns for a terminal.
    Table,
    /// RFC 4180 CSV: dimensions in path order, then metrics.
    Csv,
    /// The typed table as JSON.
    Json,
}

/// What report to fetch: shared by `report`, `chart` and `what-if`.
#[derive(Debug, Args)]
pub struct QueryArgs {
    /// Report path, e.g. /cmu/v2/year/month/day/mvpd (or use --preset).
    pub path: Option<String>,
    /// A named report from Adobe's examples, e.g. "Cross-MVPD daily stats".
    #[arg(long, value_name = "NAME")]
    pub preset: Option<String>,
    /// Range start, ISO 8601 (a prefix such as 2026-10 is completed by the server).
    #[arg(long, value_name = "DATE")]
    pub start: Option<String>,
    /// Range end, ISO 8601 (exclusive).
    #[arg(long, value_name = "DATE")]
    pub end: Option<String>,
    /// A relative range: 24h, 7d, 30d, "this month", "previous month", ...
    #[arg(long, value_name = "RANGE", conflicts_with_all = ["start", "end"])]
    pub last: Option<String>,
    /// Time zone for relative ranges (IANA name, default UTC).
    #[arg(long, default_value = "UTC", value_name = "ZONE")]
    pub tz: String,
    /// Filter: dim=value, dim!=value, or a bare dim to add it to the projection. Repeat for
    /// IN / NOT IN.
    #[arg(long = "filter", value_name = "FILTER")]
    pub filters: Vec<String>,
    /// Metrics to return, comma-separated (default: all).
    #[arg(long, value_delimiter = ',', value_name = "A,B")]
    pub metrics: Vec<String>,
}

/// `cmu report`.
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// Which report.
    #[command(flatten)]
    pub query: QueryArgs,
    /// Maximum rows.
    #[arg(long, value_name = "N")]
    pub limit: Option<u32>,
    /// Output form.
    #[arg(long, value_enum, default_value_t = ReportFormat::Table)]
    pub format: ReportFormat,
    /// Write to this file instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// Chart kinds of `cmu chart`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum KindArg {
    /// One line per series.
    Line,
    /// Series stacked as areas.
    Area,
    /// Grouped bars.
    Bar,
    /// Stacked bars.
    StackedBar,
    /// Users per concurrency or activity level.
    Histogram,
}

/// Chart themes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ThemeArg {
    /// Dark text on white.
    Light,
    /// Light text on a dark background.
    Dark,
}

/// `cmu chart`.
#[derive(Debug, Args)]
pub struct ChartArgs {
    /// Which report.
    #[command(flatten)]
    pub query: QueryArgs,
    /// Maximum rows.
    #[arg(long, value_name = "N")]
    pub limit: Option<u32>,
    /// Metric to plot (repeat for several; default: the report's first).
    #[arg(long = "metric", value_name = "M")]
    pub chart_metrics: Vec<String>,
    /// Dimension whose values become series, e.g. mvpd.
    #[arg(long, value_name = "DIM")]
    pub series: Option<String>,
    /// Series kept before the rest are summed into "Other".
    #[arg(long, value_name = "N")]
    pub top: Option<usize>,
    /// Chart kind (default: what fits the report).
    #[arg(long, value_enum)]
    pub kind: Option<KindArg>,
    /// Colour theme.
    #[arg(long, value_enum, default_value_t = ThemeArg::Light)]
    pub theme: ThemeArg,
    /// Width in logical pixels.
    #[arg(long, default_value_t = 1600)]
    pub width: u32,
    /// Height in logical pixels.
    #[arg(long, default_value_t = 900)]
    pub height: u32,
    /// Pixel scale of a PNG (2 for sharp slides).
    #[arg(long, default_value_t = 1.0)]
    pub scale: f64,
    /// Chart title (default: derived from the report).
    #[arg(long)]
    pub title: Option<String>,
    /// Output file: .png or .svg.
    #[arg(long, value_name = "FILE")]
    pub output: PathBuf,
}

/// `cmu what-if`.
#[derive(Debug, Args)]
pub struct WhatIfArgs {
    /// Which report (a concurrency-level or activity-level histogram).
    #[command(flatten)]
    pub query: QueryArgs,
    /// Stream limit per user to evaluate.
    #[arg(long, value_name = "N")]
    pub limit: u32,
    /// Maximum rows of the report.
    #[arg(long, value_name = "N")]
    pub rows: Option<u32>,
    /// Also draw the chart to this .png or .svg file.
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Machine-readable output.
    #[arg(long)]
    pub json: bool,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_command_line_is_well_formed() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }
}
