//! The report on screen and the fetch in flight. The last good report stays until a new one
//! arrives: a failed or cancelled fetch never replaces it.

use std::sync::Arc;

use cmu_core::report::ReportTable;

use crate::commands::reports::ReportRequest;

/// A report that was fetched and is shown.
#[derive(Clone)]
pub struct CurrentReport {
    /// What was asked.
    pub request: ReportRequest,
    /// What came back.
    pub table: Arc<ReportTable>,
    /// Label of the zone the range was resolved in.
    pub zone_label: String,
    /// Human name of the profile's environment.
    pub environment_label: String,
}

/// Report state of the window.
#[derive(Default)]
pub struct ReportsState {
    /// The last good report.
    pub current: Option<CurrentReport>,
    /// The fetch in flight: its operation id and a handle to cancel it.
    pub running: Option<(String, tokio::task::AbortHandle)>,
}
