//! The fake's own control endpoints, under `/_fake/` (a prefix Adobe's hosts do not use), so
//! the CLI and end-to-end tests can drive a running fake over HTTP. They are never subject to
//! faults and never recorded in the request log.

use axum::body::Bytes;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use serde::Deserialize;
use serde_json::json;

use super::faults::FaultsUpdate;
use super::keys::{demo_statement, DEMO_CLIENT_NAME, DEMO_SOFTWARE_ID};
use super::{json_response, ServerState};

/// `GET|POST /_fake/faults`, `POST /_fake/reset`, `GET|DELETE /_fake/requests`,
/// `GET /_fake/statement`.
pub(crate) fn routes() -> Router<ServerState> {
    Router::new()
        .route("/_fake/faults", get(get_faults).post(post_faults))
        .route("/_fake/reset", post(reset))
        .route("/_fake/requests", get(get_requests).delete(clear_requests))
        .route("/_fake/statement", get(statement))
}

async fn get_faults(State(state): State<ServerState>) -> Response {
    json_response(StatusCode::OK, &state.faults().status())
}

async fn post_faults(State(state): State<ServerState>, body: Bytes) -> Response {
    let update: FaultsUpdate = if body.is_empty() {
        FaultsUpdate::default()
    } else {
        match serde_json::from_slice(&body) {
            Ok(update) => update,
            Err(e) => {
                return json_response(
                    StatusCode::BAD_REQUEST,
                    &json!({ "error": "invalid_request", "message": e.to_string() }),
                )
            }
        }
    };
    match state.faults().apply(&update) {
        Ok(()) => json_response(StatusCode::OK, &state.faults().status()),
        Err(message) => json_response(
            StatusCode::BAD_REQUEST,
            &json!({ "error": "invalid_request", "message": message }),
        ),
    }
}

async fn reset(State(state): State<ServerState>) -> Response {
    state.faults().reset();
    state.request_log().clear();
    json_response(StatusCode::OK, &state.faults().status())
}

async fn get_requests(State(state): State<ServerState>) -> Response {
    json_response(StatusCode::OK, &state.request_log().entries())
}

async fn clear_requests(State(state): State<ServerState>) -> Response {
    state.request_log().clear();
    StatusCode::NO_CONTENT.into_response()
}

#[derive(Deserialize)]
struct StatementQuery {
    software_id: Option<String>,
    client_name: Option<String>,
}

/// A demo statement the fake accepts, as the text a statement file would hold.
async fn statement(query: Result<Query<StatementQuery>, QueryRejection>) -> Response {
    let (software_id, client_name) = match query {
        Ok(Query(q)) => (q.software_id, q.client_name),
        Err(_) => (None, None),
    };
    let text = demo_statement(
        software_id.as_deref().unwrap_or(DEMO_SOFTWARE_ID),
        client_name.as_deref().unwrap_or(DEMO_CLIENT_NAME),
    );
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "text/plain;charset=utf-8")],
        text,
    )
        .into_response()
}
