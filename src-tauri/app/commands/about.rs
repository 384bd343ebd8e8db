//! The About panel.

use cmu_core::build_info::{BuildInfo, BUILD_INFO};
use serde::Serialize;

use crate::error::CommandError;
use crate::state::AppState;

/// Version and build facts, plus the runtime pieces a support request needs.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AppInfo {
    /// Facts recorded at build time.
    #[serde(flatten)]
    pub build: BuildInfo,
    /// Tauri runtime version.
    pub tauri_version: &'static str,
    /// The system web view's version, when it can be read.
    pub webview_version: Option<String>,
    /// Where the log file is, so users can attach it to a support request.
    pub log_file: Option<String>,
    /// Where the non-secret settings and profiles are kept.
    pub config_dir: String,
}

/// Returns what the About panel shows.
#[tauri::command]
pub fn app_info(state: tauri::State<'_, AppState>) -> Result<AppInfo, CommandError> {
    Ok(AppInfo {
        build: BUILD_INFO,
        tauri_version: tauri::VERSION,
        webview_version: tauri::webview_version().ok(),
        log_file: state.log_file.as_ref().map(|p| p.display().to_string()),
        config_dir: state.paths.config_dir.display().to_string(),
    })
}
