//! Fault switches: the misbehaviours a faithful client must survive, on demand.
//!
//! One [`Faults`] handle is shared by the server and whoever drives it: Rust tests call its
//! methods, the CLI and end-to-end tests use `GET`/`POST /_fake/faults` (the JSON form is
//! [`FaultsUpdate`] in, [`FaultsStatus`] out). Faults apply to every path except the fake's own
//! control paths under `/_fake/`, optionally narrowed by `path_prefix`.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

use super::{FakeServerConfig, ServerState, AUTH_PATH_PREFIX, CONTROL_PATH_PREFIX};

/// Marker put in a response's extensions to make the connection layer close the socket
/// instead of answering (see `FakeServer`'s accept loop).
#[derive(Debug, Clone, Copy)]
pub(crate) struct DropConnection;

/// The shared fault switches of one fake server. Cloning is cheap (one `Arc`).
#[derive(Debug, Clone)]
pub struct Faults {
    inner: Arc<Mutex<FaultState>>,
    defaults: Arc<FaultState>,
}

/// Token bucket of one client IP (the documented limiter of the registration host).
#[derive(Debug, Clone)]
struct Bucket {
    tokens: f64,
    updated: Instant,
}

#[derive(Debug, Clone)]
struct FaultState {
    throttle_next: u32,
    throttle_until: Option<Instant>,
    throttle_cooldown: Duration,
    throttle_auth_expires: bool,
    fail_next: u32,
    fail_status: u16,
    delay: Duration,
    drop_next: u32,
    drop_always: bool,
    path_prefix: Option<String>,
    rate_limit: bool,
    rate_limit_per_sec: f64,
    rate_limit_burst: u32,
    buckets: HashMap<IpAddr, Bucket>,
    issued_at_millis: bool,
    token_ttl: Duration,
    unauthorized_client: bool,
    register_error: Option<String>,
    token_error: Option<String>,
    credentials_epoch: u64,
    tokens_expired_before_ms: Option<i64>,
}

impl FaultState {
    fn from_config(config: &FakeServerConfig) -> Self {
        Self {
            throttle_next: 0,
            throttle_until: None,
            throttle_cooldown: config.throttle_cooldown,
            throttle_auth_expires: false,
            fail_next: 0,
            fail_status: 503,
            delay: Duration::ZERO,
            drop_next: 0,
            drop_always: false,
            path_prefix: None,
            rate_limit: config.rate_limit,
            rate_limit_per_sec: 1.0,
            rate_limit_burst: 10,
            buckets: HashMap::new(),
            issued_at_millis: config.issued_at_millis,
            token_ttl: config.token_ttl,
            unauthorized_client: false,
            register_error: None,
            token_error: None,
            credentials_epoch: 0,
            tokens_expired_before_ms: None,
        }
    }
}

/// A change to the switches: every field is optional and only the given ones change.
/// This is the JSON body of `POST /_fake/faults`; unknown fields are refused (typos must not
/// silently do nothing).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FaultsUpdate {
    /// Answer 429 to the next N matching requests (replaces the current count).
    pub throttle_next: Option<u32>,
    /// Answer 429 to every matching request for this many milliseconds from now (0 = stop).
    pub throttle_for_ms: Option<u64>,
    /// Cool-down announced by `Expires` on count-based 429s, in seconds (default 60).
    pub throttle_cooldown_secs: Option<u64>,
    /// Also send `Expires` on 429s of `/o/client/*` (the real host sends an HTML body and no
    /// retry hint; off by default).
    pub throttle_auth_expires: Option<bool>,
    /// Fail the next N matching requests with `fail_status`.
    pub fail_next: Option<u32>,
    /// Status used by `fail_next`: 500..=599 (default 503).
    pub fail_status: Option<u16>,
    /// Delay every matching response by this many milliseconds (0 = off).
    pub delay_ms: Option<u64>,
    /// Close the connection without answering for the next N matching requests.
    pub drop_next: Option<u32>,
    /// Close the connection without answering for every matching request.
    pub drop_always: Option<bool>,
    /// Only requests whose path starts with this are subject to throttle/fail/delay/drop
    /// (empty string = every path).
    pub path_prefix: Option<String>,
    /// Switch the per-IP token bucket on `/o/client/*` on or off.
    pub rate_limit: Option<bool>,
    /// Token bucket refill rate, requests per second (default 1).
    pub rate_limit_per_sec: Option<f64>,
    /// Token bucket size (default 10).
    pub rate_limit_burst: Option<u32>,
    /// `client_id_issued_at` in milliseconds (`true`, like the seed's screenshot) or seconds.
    pub issued_at_millis: Option<bool>,
    /// Lifetime of new access tokens, seconds (`expires_in`).
    pub token_ttl_secs: Option<u64>,
    /// Answer `unauthorized_client` to every token request with valid credentials.
    pub unauthorized_client: Option<bool>,
    /// Answer every registration with this documented error code (`""` = off): one of
    /// `invalid_request`, `invalid_redirect_uri`, `invalid_software_statement`,
    /// `unapproved_software_statement`.
    pub register_error: Option<String>,
    /// Answer every token request with this documented error code (`""` = off): one of
    /// `invalid_request`, `invalid_client`, `unauthorized_client`, `unsupported_grant_type`.
    pub token_error: Option<String>,
    /// Action: when `true`, every access token issued so far becomes invalid (401).
    pub expire_tokens: Option<bool>,
    /// Action: when `true`, every client credential issued so far is revoked
    /// (`invalid_client` until the client registers again).
    pub revoke_credentials: Option<bool>,
}

/// The current state of the switches: the JSON of `GET /_fake/faults`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FaultsStatus {
    /// Remaining count-based 429s.
    pub throttle_next: u32,
    /// Milliseconds left in the duration-based 429 window (0 = none).
    pub throttle_for_ms: u64,
    /// Cool-down announced by `Expires`, seconds.
    pub throttle_cooldown_secs: u64,
    /// Whether `/o/client/*` 429s also carry `Expires`.
    pub throttle_auth_expires: bool,
    /// Remaining failures.
    pub fail_next: u32,
    /// Status of the failures.
    pub fail_status: u16,
    /// Delay added to every response, milliseconds.
    pub delay_ms: u64,
    /// Remaining dropped connections.
    pub drop_next: u32,
    /// Whether every request's connection is dropped.
    pub drop_always: bool,
    /// Path prefix the faults are narrowed to (`null` = every path).
    pub path_prefix: Option<String>,
    /// Whether the `/o/client/*` token bucket is on.
    pub rate_limit: bool,
    /// Token bucket refill rate, requests per second.
    pub rate_limit_per_sec: f64,
    /// Token bucket size.
    pub rate_limit_burst: u32,
    /// Whether `client_id_issued_at` is in milliseconds.
    pub issued_at_millis: bool,
    /// Lifetime of new access tokens, seconds.
    pub token_ttl_secs: u64,
    /// Whether token requests answer `unauthorized_client`.
    pub unauthorized_client: bool,
    /// Error code forced on registrations, if any.
    pub register_error: Option<String>,
    /// Error code forced on token requests, if any.
    pub token_error: Option<String>,
    /// Credentials generation: bumped by each revocation, 0 in a fresh process.
    pub credentials_epoch: u64,
    /// Tokens created at or before this Unix millisecond are refused (`null` = none).
    pub tokens_expired_before_ms: Option<i64>,
}

/// The documented registration error codes.
pub const REGISTER_ERRORS: [&str; 4] = [
    "invalid_request",
    "invalid_redirect_uri",
    "invalid_software_statement",
    "unapproved_software_statement",
];

/// The documented token error codes.
pub const TOKEN_ERRORS: [&str; 4] = [
    "invalid_request",
    "invalid_client",
    "unauthorized_client",
    "unsupported_grant_type",
];

/// What the fault layer decided for one request.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Verdict {
    Pass,
    Drop,
    /// 429; `expires` is when calls are accepted again, if the answer announces it.
    Throttle {
        expires: Option<chrono::DateTime<chrono::Utc>>,
        rate_limited: bool,
    },
    Fail(StatusCode),
}

impl Faults {
    /// Switches in their start-up state for `config` (what `reset` returns to).
    pub fn new(config: &FakeServerConfig) -> Self {
        let defaults = FaultState::from_config(config);
        Self {
            inner: Arc::new(Mutex::new(defaults.clone())),
            defaults: Arc::new(defaults),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, FaultState> {
        // Plain values inside: a poisoned lock is still consistent enough for a fake.
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Back to the start-up state: no faults, credentials epoch 0, no token cut-off.
    pub fn reset(&self) {
        *self.lock() = (*self.defaults).clone();
    }

    /// Answer 429 to the next `n` requests.
    pub fn throttle_next(&self, n: u32) {
        self.lock().throttle_next = n;
    }

    /// Answer 429 to every request for `duration` from now.
    pub fn throttle_for(&self, duration: Duration) {
        self.lock().throttle_until = Instant::now().checked_add(duration);
    }

    /// Cool-down announced by `Expires` on count-based 429s.
    pub fn set_throttle_cooldown(&self, cooldown: Duration) {
        self.lock().throttle_cooldown = cooldown;
    }

    /// Also send `Expires` on 429s of `/o/client/*` (off by default, like the real host).
    pub fn set_throttle_auth_expires(&self, on: bool) {
        self.lock().throttle_auth_expires = on;
    }

    /// Fail the next `n` requests with `status` (clamped to 500..=599).
    pub fn fail_next(&self, n: u32, status: u16) {
        let mut s = self.lock();
        s.fail_next = n;
        s.fail_status = status.clamp(500, 599);
    }

    /// Delay every response by `delay` (zero = off).
    pub fn set_delay(&self, delay: Duration) {
        self.lock().delay = delay;
    }

    /// Close the connection without answering for the next `n` requests.
    pub fn drop_next(&self, n: u32) {
        self.lock().drop_next = n;
    }

    /// Close the connection without answering for every request while `on`.
    pub fn set_drop_always(&self, on: bool) {
        self.lock().drop_always = on;
    }

    /// Narrow throttle/fail/delay/drop to paths starting with `prefix` (`None` = all paths).
    pub fn set_path_prefix(&self, prefix: Option<&str>) {
        self.lock().path_prefix = prefix.filter(|p| !p.is_empty()).map(str::to_owned);
    }

    /// Switch the documented per-IP token bucket of `/o/client/*` on or off.
    pub fn set_rate_limit(&self, on: bool) {
        let mut s = self.lock();
        s.rate_limit = on;
        s.buckets.clear();
    }

    /// `client_id_issued_at` in milliseconds (`true`) or seconds.
    pub fn set_issued_at_millis(&self, millis: bool) {
        self.lock().issued_at_millis = millis;
    }

    /// Lifetime of access tokens issued from now on.
    pub fn set_token_ttl(&self, ttl: Duration) {
        self.lock().token_ttl = ttl;
    }

    /// Answer every registration with a documented error code (`None` = off). Unknown codes
    /// are refused.
    pub fn set_register_error(&self, code: Option<&str>) -> Result<(), String> {
        self.apply(&FaultsUpdate {
            register_error: Some(code.unwrap_or_default().to_owned()),
            ..FaultsUpdate::default()
        })
    }

    /// Answer every token request with a documented error code (`None` = off). Unknown codes
    /// are refused.
    pub fn set_token_error(&self, code: Option<&str>) -> Result<(), String> {
        self.apply(&FaultsUpdate {
            token_error: Some(code.unwrap_or_default().to_owned()),
            ..FaultsUpdate::default()
        })
    }

    /// Answer `unauthorized_client` to token requests with valid credentials while `on`.
    pub fn set_unauthorized_client(&self, on: bool) {
        self.lock().unauthorized_client = on;
    }

    /// Invalidate every access token issued so far (they answer 401 from now on).
    pub fn expire_all_tokens(&self) {
        let mut s = self.lock();
        let now = chrono::Utc::now().timestamp_millis();
        s.tokens_expired_before_ms = Some(s.tokens_expired_before_ms.map_or(now, |t| t.max(now)));
    }

    /// Revoke every client credential issued so far: token requests answer `invalid_client`
    /// until the client registers again (new credentials belong to the new epoch).
    pub fn revoke_all_credentials(&self) {
        let mut s = self.lock();
        s.credentials_epoch = s.credentials_epoch.saturating_add(1);
    }

    /// Applies a JSON-shaped change. Refuses (and changes nothing) on out-of-range values.
    pub fn apply(&self, update: &FaultsUpdate) -> Result<(), String> {
        for (code, allowed) in [
            (&update.register_error, &REGISTER_ERRORS),
            (&update.token_error, &TOKEN_ERRORS),
        ] {
            if let Some(code) = code {
                if !code.is_empty() && !allowed.contains(&code.as_str()) {
                    return Err(format!(
                        "unknown error code {code:?}; use one of {}",
                        allowed.join(", ")
                    ));
                }
            }
        }
        if let Some(status) = update.fail_status {
            if !(500..=599).contains(&status) {
                return Err(format!("fail_status must be 500..=599, got {status}"));
            }
        }
        if let Some(rate) = update.rate_limit_per_sec {
            if !(rate.is_finite() && rate > 0.0) {
                return Err("rate_limit_per_sec must be a positive number".to_owned());
            }
        }
        if update.rate_limit_burst == Some(0) {
            return Err("rate_limit_burst must be at least 1".to_owned());
        }
        {
            let mut s = self.lock();
            if let Some(n) = update.throttle_next {
                s.throttle_next = n;
            }
            if let Some(ms) = update.throttle_for_ms {
                s.throttle_until = if ms == 0 {
                    None
                } else {
                    Instant::now().checked_add(Duration::from_millis(ms))
                };
            }
            if let Some(secs) = update.throttle_cooldown_secs {
                s.throttle_cooldown = Duration::from_secs(secs);
            }
            if let Some(on) = update.throttle_auth_expires {
                s.throttle_auth_expires = on;
            }
            if let Some(n) = update.fail_next {
                s.fail_next = n;
            }
            if let Some(status) = update.fail_status {
                s.fail_status = status;
            }
            if let Some(ms) = update.delay_ms {
                s.delay = Duration::from_millis(ms);
            }
            if let Some(n) = update.drop_next {
                s.drop_next = n;
            }
            if let Some(on) = update.drop_always {
                s.drop_always = on;
            }
            if let Some(prefix) = &update.path_prefix {
                s.path_prefix = Some(prefix.clone()).filter(|p| !p.is_empty());
            }
            if let Some(on) = update.rate_limit {
                s.rate_limit = on;
                s.buckets.clear();
            }
            if let Some(rate) = update.rate_limit_per_sec {
                s.rate_limit_per_sec = rate;
            }
            if let Some(burst) = update.rate_limit_burst {
                s.rate_limit_burst = burst;
                s.buckets.clear();
            }
            if let Some(millis) = update.issued_at_millis {
                s.issued_at_millis = millis;
            }
            if let Some(secs) = update.token_ttl_secs {
                s.token_ttl = Duration::from_secs(secs);
            }
            if let Some(on) = update.unauthorized_client {
                s.unauthorized_client = on;
            }
            if let Some(code) = &update.register_error {
                s.register_error = Some(code.clone()).filter(|c| !c.is_empty());
            }
            if let Some(code) = &update.token_error {
                s.token_error = Some(code.clone()).filter(|c| !c.is_empty());
            }
        }
        // The actions take the lock themselves.
        if update.expire_tokens == Some(true) {
            self.expire_all_tokens();
        }
        if update.revoke_credentials == Some(true) {
            self.revoke_all_credentials();
        }
        Ok(())
    }

    /// The current switches.
    pub fn status(&self) -> FaultsStatus {
        let s = self.lock();
        let now = Instant::now();
        FaultsStatus {
            throttle_next: s.throttle_next,
            throttle_for_ms: s
                .throttle_until
                .map_or(0, |until| duration_ms(until.saturating_duration_since(now))),
            throttle_cooldown_secs: s.throttle_cooldown.as_secs(),
            throttle_auth_expires: s.throttle_auth_expires,
            fail_next: s.fail_next,
            fail_status: s.fail_status,
            delay_ms: duration_ms(s.delay),
            drop_next: s.drop_next,
            drop_always: s.drop_always,
            path_prefix: s.path_prefix.clone(),
            rate_limit: s.rate_limit,
            rate_limit_per_sec: s.rate_limit_per_sec,
            rate_limit_burst: s.rate_limit_burst,
            issued_at_millis: s.issued_at_millis,
            token_ttl_secs: s.token_ttl.as_secs(),
            unauthorized_client: s.unauthorized_client,
            register_error: s.register_error.clone(),
            token_error: s.token_error.clone(),
            credentials_epoch: s.credentials_epoch,
            tokens_expired_before_ms: s.tokens_expired_before_ms,
        }
    }

    // ----- read by the handlers -----

    pub(crate) fn issued_at_millis(&self) -> bool {
        self.lock().issued_at_millis
    }

    pub(crate) fn token_ttl(&self) -> Duration {
        self.lock().token_ttl
    }

    pub(crate) fn unauthorized_client(&self) -> bool {
        self.lock().unauthorized_client
    }

    pub(crate) fn register_error(&self) -> Option<String> {
        self.lock().register_error.clone()
    }

    pub(crate) fn token_error(&self) -> Option<String> {
        self.lock().token_error.clone()
    }

    pub(crate) fn credentials_epoch(&self) -> u64 {
        self.lock().credentials_epoch
    }

    pub(crate) fn tokens_expired_before_ms(&self) -> Option<i64> {
        self.lock().tokens_expired_before_ms
    }

    /// Decides the fate of one request (consuming one-shot counters) and the delay to apply.
    pub(crate) fn decide(&self, path: &str, peer: Option<IpAddr>) -> (Duration, Verdict) {
        let mut s = self.lock();
        let is_auth = path.starts_with(AUTH_PATH_PREFIX);
        let targeted = s.path_prefix.as_deref().is_none_or(|p| path.starts_with(p));
        let now = Instant::now();
        let utc_now = chrono::Utc::now();
        let delay = if targeted { s.delay } else { Duration::ZERO };
        let announce = !is_auth || s.throttle_auth_expires;
        if targeted {
            if s.drop_always {
                return (delay, Verdict::Drop);
            }
            if s.drop_next > 0 {
                s.drop_next -= 1;
                return (delay, Verdict::Drop);
            }
            if let Some(until) = s.throttle_until {
                if until > now {
                    let expires = announce.then(|| later(utc_now, until - now));
                    return (
                        delay,
                        Verdict::Throttle {
                            expires,
                            rate_limited: false,
                        },
                    );
                }
                s.throttle_until = None;
            }
            if s.throttle_next > 0 {
                s.throttle_next -= 1;
                let expires = announce.then(|| later(utc_now, s.throttle_cooldown));
                return (
                    delay,
                    Verdict::Throttle {
                        expires,
                        rate_limited: false,
                    },
                );
            }
        }
        if is_auth && s.rate_limit {
            // Loopback peers all share one bucket when the address is unknown.
            let ip = peer.unwrap_or(IpAddr::from([127, 0, 0, 1]));
            let (rate, burst) = (s.rate_limit_per_sec, f64::from(s.rate_limit_burst));
            let bucket = s.buckets.entry(ip).or_insert(Bucket {
                tokens: burst,
                updated: now,
            });
            let elapsed = now.saturating_duration_since(bucket.updated).as_secs_f64();
            bucket.tokens = (bucket.tokens + elapsed * rate).min(burst);
            bucket.updated = now;
            if bucket.tokens >= 1.0 {
                bucket.tokens -= 1.0;
            } else {
                // `rate` is validated positive; absurdly small rates saturate, never panic.
                let wait = Duration::try_from_secs_f64((1.0 - bucket.tokens) / rate)
                    .unwrap_or(Duration::MAX);
                let expires = s.throttle_auth_expires.then(|| later(utc_now, wait));
                return (
                    delay,
                    Verdict::Throttle {
                        expires,
                        rate_limited: true,
                    },
                );
            }
        }
        if targeted && s.fail_next > 0 {
            s.fail_next -= 1;
            let status =
                StatusCode::from_u16(s.fail_status).unwrap_or(StatusCode::SERVICE_UNAVAILABLE);
            return (delay, Verdict::Fail(status));
        }
        (delay, Verdict::Pass)
    }
}

/// `now + wait`, saturating: switch values come from HTTP and must not overflow the clock.
fn later(now: chrono::DateTime<chrono::Utc>, wait: Duration) -> chrono::DateTime<chrono::Utc> {
    chrono::Duration::from_std(wait)
        .ok()
        .and_then(|d| now.checked_add_signed(d))
        .unwrap_or(chrono::DateTime::<chrono::Utc>::MAX_UTC)
}

fn duration_ms(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

/// HTML body of the registration host's 429 (the documented real behaviour: HTML, no hint).
const THROTTLE_HTML: &str = "<html>\r\n<head><title>429 Too Many Requests</title></head>\r\n\
<body>\r\n<center><h1>429 Too Many Requests</h1></center>\r\n</body>\r\n</html>\r\n";

/// Formats an IMF-fixdate HTTP-date, e.g. `Sun, 06 Nov 1994 08:49:37 GMT`.
pub(crate) fn http_date(at: chrono::DateTime<chrono::Utc>) -> String {
    at.format("%a, %d %b %Y %H:%M:%S GMT").to_string()
}

/// The fault layer: records the request, then applies delay, drop, throttle, rate limit and
/// failures before the real handler runs. Control paths pass straight through, unrecorded.
pub(crate) async fn middleware(
    State(state): State<ServerState>,
    request: Request,
    next: Next,
) -> Response {
    let path = request.uri().path().to_owned();
    if path.starts_with(CONTROL_PATH_PREFIX) {
        return next.run(request).await;
    }
    let log = state.request_log();
    let seq = log.record(request.method(), request.uri(), request.headers());
    let peer = request
        .extensions()
        .get::<ConnectInfo<std::net::SocketAddr>>()
        .map(|c| c.0.ip());
    let (delay, verdict) = state.faults().decide(&path, peer);
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    let (response, fault) = match verdict {
        Verdict::Pass => (next.run(request).await, None),
        Verdict::Drop => {
            let mut response = Response::new(Body::empty());
            response.extensions_mut().insert(DropConnection);
            log.finish(seq, None, Some("dropped"));
            tracing::debug!(path = %path, "fake server: dropping the connection (fault)");
            return response;
        }
        Verdict::Throttle {
            expires,
            rate_limited,
        } => {
            let mut response = if path.starts_with(AUTH_PATH_PREFIX) {
                (
                    StatusCode::TOO_MANY_REQUESTS,
                    [(header::CONTENT_TYPE, "text/html")],
                    THROTTLE_HTML,
                )
                    .into_response()
            } else {
                (
                    StatusCode::TOO_MANY_REQUESTS,
                    [(header::CONTENT_TYPE, "text/plain;charset=utf-8")],
                    "Too many requests: wait until the time in the Expires header.",
                )
                    .into_response()
            };
            if let Some(at) = expires {
                if let Ok(value) = HeaderValue::from_str(&http_date(at)) {
                    response.headers_mut().insert(header::EXPIRES, value);
                }
            }
            let fault = if rate_limited {
                "rate_limited"
            } else {
                "throttled"
            };
            (response, Some(fault))
        }
        Verdict::Fail(status) => (
            (
                status,
                [(header::CONTENT_TYPE, "text/plain;charset=utf-8")],
                status.canonical_reason().unwrap_or("Server error"),
            )
                .into_response(),
            Some("failed"),
        ),
    };
    log.finish(seq, Some(response.status().as_u16()), fault);
    tracing::debug!(path = %path, status = response.status().as_u16(), "fake server answered");
    response
}
