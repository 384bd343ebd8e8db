//! What the app keeps for the lifetime of the window.

use std::path::PathBuf;

use cmu_core::paths::AppPaths;

/// Shared state handed to every command by Tauri.
pub struct AppState {
    /// Where the app keeps its (non-secret) files.
    pub paths: AppPaths,
    /// The current log file, when file logging could be set up.
    pub log_file: Option<PathBuf>,
}

impl AppState {
    /// State for one run of the app.
    pub fn new(paths: AppPaths, log_file: Option<PathBuf>) -> Self {
        Self { paths, log_file }
    }
}
