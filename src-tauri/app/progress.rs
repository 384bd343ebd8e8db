//! Progress of long operations, sent to the web view as `progress` events so it can show
//! countdowns ("throttled, retrying in 40 s") where the user is looking.

use cmu_core::http::{Progress, ProgressSink};
use serde::Serialize;
use tauri::{AppHandle, Emitter};

#[derive(Serialize, Clone)]
#[serde(rename_all = "camelCase")]
struct ProgressEvent<'a> {
    op_id: &'a str,
    #[serde(flatten)]
    progress: &'a Progress,
}

/// A sink that emits each event, tagged with the operation id the UI chose.
pub fn sink(app: &AppHandle, op_id: &str) -> ProgressSink {
    let app = app.clone();
    let op_id = op_id.to_owned();
    ProgressSink::new(move |progress| {
        let event = ProgressEvent {
            op_id: &op_id,
            progress,
        };
        if let Err(e) = app.emit("progress", event) {
            tracing::warn!(error = %e, "cannot send a progress event to the window");
        }
    })
}
