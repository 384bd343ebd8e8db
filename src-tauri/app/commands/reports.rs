//! The Reports screen: presets, tree browsing, fetching (cancellable), exports.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use cmu_core::chart::{self, ChartContext, ChartSpec, RenderedSvg, WhatIf};
use cmu_core::cmu_client::TreeNode;
use cmu_core::presets;
use cmu_core::report_query::{zone_label, ReportQuery, TimeRange};
use cmu_core::Error;
use serde::{Deserialize, Serialize};
use tauri::{AppHandle, State};

use crate::error::CommandError;
use crate::progress::sink;
use crate::reports_state::CurrentReport;
use crate::state::AppState;

/// One preset as the picker shows it.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PresetView {
    /// Adobe's name for the report.
    pub name: String,
    /// `monthly`, `daily` or `hourly`.
    pub granularity: &'static str,
    /// `/cmu/v2/...`.
    pub path: String,
    /// Metrics the report documents.
    pub metrics: Vec<String>,
}

/// The named reports from Adobe's documentation, grouped by granularity.
#[tauri::command]
pub fn list_presets() -> Vec<PresetView> {
    presets::presets()
        .iter()
        .map(|p| PresetView {
            name: p.name.clone(),
            granularity: p.granularity.as_str(),
            path: p.path.clone(),
            metrics: p.metrics.clone(),
        })
        .collect()
}

/// The dimensions available one level below `path`.
#[tauri::command]
pub async fn browse_tree(
    app: AppHandle,
    state: State<'_, AppState>,
    profile_id: String,
    path: Vec<String>,
    op_id: String,
) -> Result<TreeNode, CommandError> {
    let services = state.services().await?;
    let nodes = services
        .cmu
        .tree(&profile_id, &path, 0, &sink(&app, &op_id))
        .await?;
    nodes
        .into_iter()
        .next()
        .ok_or_else(|| Error::NotFound("no report at this path".to_owned()).into())
}

/// A report to run, as the report builder describes it.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReportRequest {
    /// Path, filters, metrics, limit (start/end are set from `range`).
    pub query: ReportQuery,
    /// The period; relative ranges are resolved when the report runs.
    #[serde(default)]
    pub range: Option<TimeRange>,
    /// IANA zone for relative ranges; default UTC.
    #[serde(default)]
    pub time_zone: Option<String>,
    /// Name shown as the chart title (a preset's name, or derived from the path).
    #[serde(default)]
    pub title: Option<String>,
}

/// A fetched report, ready for the table and the chart.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ReportView {
    /// The typed table (columns with kinds, rows, links, effective query).
    pub table: serde_json::Value,
    /// The zone relative ranges were resolved in, to label times.
    pub zone_label: String,
    /// Default CSV file name, following the API's pattern.
    pub csv_file_name: String,
    /// Metric totals over all rows.
    pub totals: Vec<(String, f64)>,
    /// The chart that fits the report's shape, and its spec (to tweak and re-render).
    pub chart: Option<RenderedSvg>,
    /// The spec the chart was drawn with.
    pub chart_spec: ChartSpec,
    /// Why the chart could not be drawn, if it could not (the table is still shown).
    pub chart_error: Option<String>,
}

fn tz(name: Option<&str>) -> Result<chrono_tz::Tz, Error> {
    let name = name.filter(|n| !n.is_empty()).unwrap_or("UTC");
    name.parse().map_err(|_| {
        Error::InvalidInput(format!(
            "unknown time zone \"{name}\"; choose one from the list (default UTC)"
        ))
    })
}

/// What the chart says about its data: environment, range and zone, filters, source, time.
fn chart_context(current: &CurrentReport) -> ChartContext {
    ChartContext::describe_now(
        &current.table,
        &current.environment_label,
        &current.zone_label,
    )
}

/// The default chart of a report, sized for the window; the title follows the request's.
fn default_spec(current: &CurrentReport) -> ChartSpec {
    ChartSpec {
        title: current.request.title.clone(),
        width: 1100,
        height: 560,
        ..ChartSpec::default_for(&current.table)
    }
}

fn report_view(current: &CurrentReport) -> ReportView {
    let table = &current.table;
    let chart_spec = default_spec(current);
    let (chart, chart_error) = match chart::render_svg(table, &chart_spec, &chart_context(current))
    {
        Ok(svg) => (Some(svg), None),
        Err(e) => (None, Some(e.to_string())),
    };
    ReportView {
        chart,
        chart_spec,
        chart_error,
        table: table.to_json(),
        zone_label: current.zone_label.clone(),
        csv_file_name: table.default_csv_file_name(),
        totals: table
            .totals()
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v))
            .collect(),
    }
}

/// Fetches a report. A new fetch replaces one in flight; the previous report stays on screen
/// (and in state) until this one succeeds.
#[tauri::command]
pub async fn run_report(
    app: AppHandle,
    state: State<'_, AppState>,
    profile_id: String,
    request: ReportRequest,
    op_id: String,
) -> Result<ReportView, CommandError> {
    let services = state.services().await?;
    let zone = tz(request.time_zone.as_deref())?;
    let now = chrono::Utc::now();
    let mut query = request.query.clone();
    if let Some(range) = &request.range {
        query.set_range(range, now, zone);
    }
    query.validate()?;
    let profile = services.connections.profiles().get(&profile_id)?;

    let progress = sink(&app, &op_id);
    let cmu = services.cmu.clone();
    let id = profile_id.clone();
    let task = tauri::async_runtime::spawn(async move { cmu.fetch(&id, &query, &progress).await });
    {
        let mut reports = lock(&state)?;
        if let Some((_, previous)) = reports.running.take() {
            previous.abort();
        }
        reports.running = Some((op_id.clone(), task.inner().abort_handle()));
    }
    let outcome = task.await;
    let mut reports = lock(&state)?;
    if reports.running.as_ref().is_some_and(|(id, _)| *id == op_id) {
        reports.running = None;
    }
    let table = match outcome {
        Ok(result) => result?,
        // Aborted by `cancel_report` or by a newer fetch.
        Err(_) => return Err(Error::Cancelled.into()),
    };
    let current = CurrentReport {
        request: request.clone(),
        table: Arc::new(table),
        zone_label: zone_label(zone, now),
        environment_label: profile.environment.label().to_owned(),
    };
    let view = report_view(&current);
    reports.current = Some(current);
    drop(reports);
    remember(&state, &profile_id, &request);
    Ok(view)
}

/// Cancels the fetch in flight, if any. The report on screen stays.
#[tauri::command]
pub fn cancel_report(state: State<'_, AppState>) -> Result<bool, CommandError> {
    let mut reports = lock(&state)?;
    Ok(match reports.running.take() {
        Some((_, handle)) => {
            handle.abort();
            true
        }
        None => false,
    })
}

fn lock<'a>(
    state: &'a State<'_, AppState>,
) -> Result<std::sync::MutexGuard<'a, crate::reports_state::ReportsState>, Error> {
    state
        .reports
        .lock()
        .map_err(|_| Error::LocalIo("the report state is unusable; restart the app".to_owned()))
}

fn current(state: &State<'_, AppState>) -> Result<CurrentReport, Error> {
    lock(state)?
        .current
        .clone()
        .ok_or_else(|| Error::InvalidInput("run a report first".to_owned()))
}

/// Where to save: the given path, `CMU_STUDIO_SAVE_PATH` (for automated tests), or the
/// native save dialog. `None` when the user cancelled the dialog.
async fn save_path(
    app: &AppHandle,
    given: Option<String>,
    default_name: String,
    extension: &'static str,
) -> Result<Option<PathBuf>, Error> {
    if let Some(path) = given.filter(|p| !p.is_empty()) {
        return Ok(Some(PathBuf::from(path)));
    }
    if let Ok(path) = std::env::var("CMU_STUDIO_SAVE_PATH") {
        let mut path = PathBuf::from(path);
        path.set_extension(extension);
        return Ok(Some(path));
    }
    let (tx, rx) = tokio::sync::oneshot::channel();
    app.run_on_main_thread(move || {
        let picked = rfd::FileDialog::new()
            .set_title("Export")
            .set_file_name(default_name)
            .add_filter(extension.to_uppercase(), &[extension])
            .save_file();
        let _ = tx.send(picked);
    })
    .map_err(|e| Error::LocalIo(format!("cannot open the save dialog: {e}")))?;
    rx.await
        .map_err(|_| Error::LocalIo("the save dialog closed unexpectedly".to_owned()))
}

/// Writes the report on screen as CSV, exactly as the library (and `cmu report --format csv`)
/// writes it. Returns the path written, or `None` when the dialog was cancelled.
#[tauri::command]
pub async fn export_csv(
    app: AppHandle,
    state: State<'_, AppState>,
    path: Option<String>,
) -> Result<Option<String>, CommandError> {
    let current = current(&state)?;
    let Some(path) = save_path(&app, path, current.table.default_csv_file_name(), "csv").await?
    else {
        return Ok(None);
    };
    let mut bytes = Vec::new();
    current.table.to_csv(&mut bytes)?;
    std::fs::write(&path, bytes).map_err(|e| Error::io("write", &path, &e))?;
    Ok(Some(path.display().to_string()))
}

/// Redraws the report on screen with another spec (kind, theme, series, metrics, size).
#[tauri::command]
pub fn render_chart(
    state: State<'_, AppState>,
    spec: ChartSpec,
) -> Result<RenderedSvg, CommandError> {
    let current = current(&state)?;
    Ok(chart::render_svg(
        &current.table,
        &spec,
        &chart_context(&current),
    )?)
}

/// Writes the chart of the report on screen as a PNG: `width` × `height` logical pixels at
/// `scale` (2 for slides). Returns the path written, or `None` when the dialog was cancelled.
#[tauri::command]
pub async fn export_png(
    app: AppHandle,
    state: State<'_, AppState>,
    path: Option<String>,
    width: u32,
    height: u32,
    scale: f64,
    spec: Option<ChartSpec>,
) -> Result<Option<String>, CommandError> {
    let current = current(&state)?;
    let spec = spec.unwrap_or_else(|| default_spec(&current));
    let default_name = current
        .table
        .default_csv_file_name()
        .trim_end_matches(".csv")
        .to_owned()
        + ".png";
    let Some(path) = save_path(&app, path, default_name, "png").await? else {
        return Ok(None);
    };
    let context = chart_context(&current);
    // Encoding a 3200×1800 PNG takes tens of milliseconds: keep it off the async workers.
    let written = path.clone();
    tauri::async_runtime::spawn_blocking(move || {
        chart::render_png(
            &current.table,
            &spec,
            &context,
            &written,
            width,
            height,
            scale,
        )
    })
    .await
    .map_err(|e| Error::LocalIo(format!("the PNG export stopped: {e}")))??;
    Ok(Some(path.display().to_string()))
}

/// The concurrency-limit what-if for the histogram report on screen.
#[tauri::command]
pub fn what_if(state: State<'_, AppState>, limit: u32) -> Result<WhatIf, CommandError> {
    let current = current(&state)?;
    Ok(chart::what_if(&current.table, limit)?)
}

/// The last report run per profile (non-secret), so the builder reopens where the user left.
#[tauri::command]
pub fn last_report(
    state: State<'_, AppState>,
    profile_id: String,
) -> Result<Option<ReportRequest>, CommandError> {
    Ok(load_remembered(&state).remove(&profile_id))
}

fn remembered_path(state: &AppState) -> PathBuf {
    state.paths.data_dir.join("last-reports.json")
}

fn load_remembered(state: &AppState) -> HashMap<String, ReportRequest> {
    std::fs::read(remembered_path(state))
        .ok()
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
        .unwrap_or_default()
}

/// Best effort: failing to remember the last report must not fail the report.
fn remember(state: &AppState, profile_id: &str, request: &ReportRequest) {
    let mut all = load_remembered(state);
    all.insert(profile_id.to_owned(), request.clone());
    let path = remembered_path(state);
    let written = std::fs::create_dir_all(&state.paths.data_dir).and_then(|()| {
        let json = serde_json::to_vec_pretty(&all).map_err(std::io::Error::other)?;
        std::fs::write(&path, json)
    });
    if let Err(e) = written {
        tracing::warn!(error = %e, path = %path.display(), "cannot remember the last report");
    }
}
