//! `cmu`: CMU Studio's library from a terminal or a headless server. It links no GUI code.

use clap::Parser;
use cmu_core::build_info::BUILD_INFO;

/// CMU Studio on the command line: Adobe Pass Concurrency Monitoring usage reports.
#[derive(Debug, Parser)]
#[command(name = "cmu", version = BUILD_INFO.version, long_version = LONG_VERSION.as_str(), about, long_about = None)]
struct Cli {}

static LONG_VERSION: std::sync::LazyLock<String> =
    std::sync::LazyLock::new(|| BUILD_INFO.long_version());

fn main() {
    let _cli = Cli::parse();
}
