//! A fake Adobe Pass server on loopback: Dynamic Client Registration (`/o/client/register`),
//! client-credentials tokens (`/o/client/token`) and, merged in by the reports module, the CMU
//! API (`/cmu/v2/...`), all on one base URL. It powers the tests, `cmu fake-server` and the
//! app's Demo mode, so it follows the reference to the letter, quirks included (201 answers,
//! millisecond `client_id_issued_at`, 429 with an HTML body on the registration host, ...).
//!
//! It is stateless across restarts: client ids, secrets and tokens are derived from the fake's
//! fixed key ([`keys`]), so credentials registered with one fake process work with the next.
//! Misbehaviour on demand comes from [`Faults`], drivable from Rust or over HTTP under
//! `/_fake/` (see below).
//!
//! # Control endpoints
//!
//! - `GET /_fake/faults` → [`FaultsStatus`]; `POST /_fake/faults` with a [`FaultsUpdate`]
//!   (only the given fields change) → the new [`FaultsStatus`].
//! - `POST /_fake/reset` → faults back to start-up state, request log cleared.
//! - `GET /_fake/requests` → `[RecordedRequest]`; `DELETE /_fake/requests` clears it.
//! - `GET /_fake/statement?software_id=..&client_name=..` → a demo statement (text).

mod auth;
pub mod cmu;
mod control;
mod faults;
pub mod keys;
mod requests;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{header, HeaderValue, Request, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Router;
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use serde::Serialize;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::{JoinHandle, JoinSet};
use tower::ServiceExt as _;
use tower_http::compression::CompressionLayer;

pub use auth::{
    check_bearer, validate_token, AuthorizedClient, TokenRejection, UNAUTHORIZED_SOFTWARE_PREFIX,
};
pub use faults::{Faults, FaultsStatus, FaultsUpdate};
pub use keys::{demo_statement, DEMO_CLIENT_NAME, DEMO_SOFTWARE_ID, FAKE_ISSUER, FAKE_KEY_ID};
pub use requests::{RecordedRequest, RequestLog};

/// Paths of the registration host (`/o/client/...`): their 429s follow the documented
/// registration-host behaviour, and the optional token bucket applies to them.
pub(crate) const AUTH_PATH_PREFIX: &str = "/o/client/";

/// Paths of the fake's own control API: exempt from faults and from the request log.
pub(crate) const CONTROL_PATH_PREFIX: &str = "/_fake/";

/// The JSON media type the fake answers with, as Adobe's documentation writes it.
pub const JSON_CONTENT_TYPE: &str = "application/json;charset=utf-8";

/// How long `shutdown` waits for in-flight requests before closing connections anyway.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

/// Start-up settings of a fake server (faults can change most of them later).
#[derive(Debug, Clone)]
pub struct FakeServerConfig {
    /// Address to listen on; port 0 picks a free port. Default `127.0.0.1:0`.
    pub addr: SocketAddr,
    /// `client_id_issued_at` in milliseconds (the seed's screenshot, default) or seconds (the
    /// documentation's example).
    pub issued_at_millis: bool,
    /// Lifetime of access tokens (`expires_in`). Default 6 h (21600 s), as in both samples.
    pub token_ttl: Duration,
    /// Scopes granted at registration and carried by tokens.
    pub scopes: Vec<String>,
    /// Cool-down announced by `Expires` on throttled answers. Default one minute (documented).
    pub throttle_cooldown: Duration,
    /// Start with the `/o/client/*` token bucket (1 request/s, burst 10) switched on.
    pub rate_limit: bool,
    /// Maximum number of entries kept in the request log.
    pub request_log_capacity: usize,
    /// The CMU reports API: data seed, maximum rows per query, optional fixed clock.
    pub cmu: cmu::CmuConfig,
}

impl Default for FakeServerConfig {
    fn default() -> Self {
        Self {
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            issued_at_millis: true,
            token_ttl: Duration::from_secs(21_600),
            scopes: vec!["cmu:analytics:client".to_owned()],
            throttle_cooldown: Duration::from_secs(60),
            rate_limit: false,
            request_log_capacity: 1_000,
            cmu: cmu::CmuConfig::default(),
        }
    }
}

/// Shared state of one fake server, handed to every route (`State<ServerState>` in axum).
#[derive(Debug, Clone)]
pub struct ServerState {
    inner: Arc<StateInner>,
}

#[derive(Debug)]
struct StateInner {
    config: FakeServerConfig,
    faults: Faults,
    requests: RequestLog,
}

impl ServerState {
    /// Fresh state for `config`.
    pub fn new(config: FakeServerConfig) -> Self {
        let faults = Faults::new(&config);
        let requests = RequestLog::new(config.request_log_capacity);
        Self {
            inner: Arc::new(StateInner {
                config,
                faults,
                requests,
            }),
        }
    }

    /// The start-up settings.
    pub fn config(&self) -> &FakeServerConfig {
        &self.inner.config
    }

    /// The fault switches.
    pub fn faults(&self) -> &Faults {
        &self.inner.faults
    }

    /// The log of received requests.
    pub fn request_log(&self) -> &RequestLog {
        &self.inner.requests
    }
}

/// The whole fake as an axum router: Adobe's routes behind the fault layer, plus the control
/// routes. New route groups are one `.merge(...)` line here.
pub fn router(state: ServerState) -> Router {
    Router::new()
        .merge(auth::routes())
        .merge(cmu::routes())
        .merge(control::routes())
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            faults::middleware,
        ))
        // CMU data compresses 20-30x; clients are told to ask for gzip.
        .layer(CompressionLayer::new())
        .with_state(state)
}

/// A JSON answer with Adobe's `application/json;charset=utf-8` content type.
pub fn json_response<T: Serialize + ?Sized>(status: StatusCode, value: &T) -> Response {
    match serde_json::to_vec(value) {
        Ok(bytes) => {
            let mut response = (status, bytes).into_response();
            response.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static(JSON_CONTENT_TYPE),
            );
            response
        }
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

/// Returned by the connection service to make hyper close the socket without answering.
#[derive(Debug)]
struct DroppedByFault;

impl std::fmt::Display for DroppedByFault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection dropped by a fault switch")
    }
}

impl std::error::Error for DroppedByFault {}

/// A running fake server. Dropping it stops accepting connections; prefer [`shutdown`].
///
/// [`shutdown`]: FakeServer::shutdown
#[derive(Debug)]
pub struct FakeServer {
    state: ServerState,
    addr: SocketAddr,
    shutdown: watch::Sender<bool>,
    task: Option<JoinHandle<()>>,
}

impl FakeServer {
    /// Binds `config.addr` and starts serving in the background.
    pub async fn start(config: FakeServerConfig) -> Result<FakeServer, std::io::Error> {
        let listener = TcpListener::bind(config.addr).await?;
        let addr = listener.local_addr()?;
        let state = ServerState::new(config);
        let app = router(state.clone());
        let (shutdown, shutdown_rx) = watch::channel(false);
        let task = tokio::spawn(accept_loop(listener, app, shutdown_rx));
        tracing::info!(%addr, "fake Adobe Pass server listening");
        Ok(FakeServer {
            state,
            addr,
            shutdown,
            task: Some(task),
        })
    }

    /// The base URL of both the registration and the CMU paths, e.g. `http://127.0.0.1:4321/`.
    pub fn base_url(&self) -> url::Url {
        let text = format!("http://{}/", self.addr);
        // An IP and a port always make a valid URL; the fallback is never used.
        url::Url::parse(&text).unwrap_or_else(|_| {
            url::Url::parse("http://127.0.0.1/").unwrap_or_else(|_| unreachable!())
        })
    }

    /// The bound socket address.
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// The fault switches (shared with the running server).
    pub fn faults(&self) -> &Faults {
        self.state.faults()
    }

    /// The shared state (what routes see).
    pub fn state(&self) -> &ServerState {
        &self.state
    }

    /// Requests received so far (oldest first), without bodies or secrets.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.state.request_log().entries()
    }

    /// Forgets the recorded requests.
    pub fn clear_requests(&self) {
        self.state.request_log().clear();
    }

    /// A software statement this fake accepts (see [`demo_statement`]).
    pub fn demo_statement(&self, software_id: &str, client_name: &str) -> String {
        demo_statement(software_id, client_name)
    }

    /// Stops accepting, lets in-flight requests finish (up to a few seconds), then returns.
    pub async fn shutdown(mut self) {
        let _ = self.shutdown.send(true);
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
        tracing::info!(addr = %self.addr, "fake Adobe Pass server stopped");
    }

    /// Serves until Ctrl-C (or SIGTERM on Unix), then shuts down gracefully. For the CLI.
    pub async fn wait(self) {
        wait_for_signal().await;
        self.shutdown().await;
    }
}

impl Drop for FakeServer {
    fn drop(&mut self) {
        // Without this a forgotten server would keep its port until the runtime ends.
        let _ = self.shutdown.send(true);
    }
}

/// Starts a fake with `config` and serves until Ctrl-C / SIGTERM.
pub async fn serve_forever(config: FakeServerConfig) -> Result<(), std::io::Error> {
    FakeServer::start(config).await?.wait().await;
    Ok(())
}

async fn wait_for_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}

/// Accepts connections until shutdown. A custom loop (rather than `axum::serve`) so that a
/// fault can close a connection without any HTTP answer: the client must see a transport
/// error, not a 5xx.
async fn accept_loop(listener: TcpListener, app: Router, mut shutdown: watch::Receiver<bool>) {
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, peer)) => {
                    connections.spawn(serve_connection(stream, peer, app.clone(), shutdown.clone()));
                }
                Err(e) => {
                    // Out of file descriptors and the like: back off instead of spinning.
                    tracing::warn!(error = %e, "fake server: accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            },
            _ = shutdown.changed() => break,
        }
        while connections.try_join_next().is_some() {}
    }
    drop(listener);
    let drained = tokio::time::timeout(SHUTDOWN_GRACE, async {
        while connections.join_next().await.is_some() {}
    })
    .await;
    if drained.is_err() {
        connections.shutdown().await;
    }
}

async fn serve_connection(
    stream: TcpStream,
    peer: SocketAddr,
    app: Router,
    mut shutdown: watch::Receiver<bool>,
) {
    let service = hyper::service::service_fn(move |mut request: Request<Incoming>| {
        request.extensions_mut().insert(ConnectInfo(peer));
        let app = app.clone();
        async move {
            let Ok(response) = app.oneshot(request.map(Body::new)).await;
            if response
                .extensions()
                .get::<faults::DropConnection>()
                .is_some()
            {
                Err(DroppedByFault)
            } else {
                Ok(response)
            }
        }
    });
    let connection =
        hyper::server::conn::http1::Builder::new().serve_connection(TokioIo::new(stream), service);
    tokio::pin!(connection);
    if *shutdown.borrow_and_update() {
        connection.as_mut().graceful_shutdown();
    }
    tokio::select! {
        _ = connection.as_mut() => return,
        _ = shutdown.changed() => {}
    }
    connection.as_mut().graceful_shutdown();
    // Dropped-by-fault connections end with an error here; that is the point, not a problem.
    let _ = connection.await;
}
