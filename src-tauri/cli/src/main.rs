//! `cmu`: CMU Studio's library from a terminal or a headless server. It links no GUI code.
//!
//! Exit codes are a contract scripts rely on: 0 success, 2 usage, 3 invalid input, 4 access
//! refused, 5 server or network failure, 6 local system failure.

mod access;
mod args;
mod fake;
mod output;
mod reports;

use clap::Parser;

use crate::args::{Cli, Command};

fn main() {
    let cli = Cli::parse();
    init_logging(cli.verbose);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .worker_threads(2)
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            std::process::exit(6);
        }
    };
    let result = runtime.block_on(run(cli));
    if let Err(e) = result {
        eprintln!("error: {e}");
        std::process::exit(e.exit_code());
    }
}

async fn run(cli: Cli) -> Result<(), cmu_core::Error> {
    match &cli.command {
        Command::Inspect(a) => access::inspect(a),
        Command::Import(a) => access::import(&cli.global, a).await,
        Command::Profiles(a) => access::profiles(&cli.global, a),
        Command::Token(a) => access::token(&cli.global, a).await,
        Command::Forget(a) => access::forget(&cli.global, a),
        Command::FakeServer(a) => fake::run(a).await,
        Command::Tree(a) => reports::tree(&cli.global, a).await,
        Command::Presets(a) => reports::presets(&cli.global, a).await,
        Command::Report(a) => reports::report(&cli.global, a).await,
        Command::Chart(a) => reports::chart(&cli.global, a).await,
        Command::WhatIf(a) => reports::what_if(&cli.global, a).await,
    }
}

/// Logs go to stderr only, and only when asked: stdout is for results scripts parse.
fn init_logging(verbose: u8) {
    let level = match verbose {
        0 => return,
        1 => "info",
        _ => "debug",
    };
    if let Err(e) = cmu_core::logging::init_stderr_only(level) {
        eprintln!("warning: {e}");
    }
}
