//! CMU Studio desktop app: a thin Tauri shell over `cmu_core`. Every command is a few-line
//! adapter; the logic lives in the core library, which knows nothing about Tauri.

// Release builds on Windows must not open a console window next to the app.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

mod commands;
mod error;
mod progress;
mod reports_state;
mod state;

use cmu_core::build_info::BUILD_INFO;
use cmu_core::logging::{self, LogConfig};
use cmu_core::paths::AppPaths;

fn main() {
    // Lets packaging checks and support requests confirm an installed build without a display.
    if std::env::args().nth(1).as_deref() == Some("--version") {
        println!("cmu-studio {}", BUILD_INFO.long_version());
        return;
    }
    let paths = match AppPaths::platform() {
        Ok(paths) => paths,
        Err(e) => {
            eprintln!("CMU Studio cannot start: {e}");
            std::process::exit(1);
        }
    };
    let log_file = logging::init(&LogConfig {
        file_name: "cmu-studio.log".to_owned(),
        dir: paths.log_dir.clone(),
        max_bytes: logging::DEFAULT_MAX_BYTES,
        stderr: true,
        default_filter: "info".to_owned(),
    });
    let log_file = match log_file {
        Ok(path) => Some(path),
        Err(e) => {
            // Logging to a file is a convenience; the app still works without it.
            eprintln!("CMU Studio: file logging disabled: {e}");
            None
        }
    };
    tracing::info!(version = %BUILD_INFO.long_version(), "starting CMU Studio");

    let result = tauri::Builder::default()
        .manage(state::AppState::new(paths, log_file))
        .invoke_handler(tauri::generate_handler![
            commands::about::app_info,
            commands::connections::pick_statement_file,
            commands::connections::inspect_statement,
            commands::connections::import_statement,
            commands::connections::list_profiles,
            commands::connections::test_connection,
            commands::connections::rename_profile,
            commands::connections::forget_profile,
            commands::connections::start_demo,
            commands::reports::list_presets,
            commands::reports::browse_tree,
            commands::reports::run_report,
            commands::reports::cancel_report,
            commands::reports::export_csv,
            commands::reports::last_report,
            commands::reports::render_chart,
            commands::reports::export_png,
            commands::reports::what_if,
        ])
        .run(tauri::generate_context!());
    if let Err(e) = result {
        tracing::error!(error = %e, "CMU Studio stopped with an error");
        eprintln!("CMU Studio stopped with an error: {e}");
        std::process::exit(1);
    }
}
