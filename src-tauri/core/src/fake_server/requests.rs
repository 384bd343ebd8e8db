//! A bounded log of the requests the fake received, so client tests can assert the exact
//! headers sent. Bodies, query values and credentials are never recorded: only names, the
//! headers a client chooses (content type, accept, user agent, device info) and the outcome.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use axum::http::{HeaderMap, Method, Uri};
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
use base64::Engine as _;
use serde::{Deserialize, Serialize};

/// One received request, without its body or any secret.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecordedRequest {
    /// Arrival order, from 1, across the whole life of the server (not reset by `reset`).
    pub seq: u64,
    /// Arrival time, Unix milliseconds.
    pub received_at_ms: i64,
    /// HTTP method, e.g. `POST`.
    pub method: String,
    /// Path only, e.g. `/o/client/token`.
    pub path: String,
    /// Names of the query parameters, in order (values may be secrets, so they are not kept).
    pub query_keys: Vec<String>,
    /// Names of every header received, lower case, in order.
    pub header_names: Vec<String>,
    /// `Content-Type`, verbatim.
    pub content_type: Option<String>,
    /// `Accept`, verbatim.
    pub accept: Option<String>,
    /// `Accept-Encoding`, verbatim.
    pub accept_encoding: Option<String>,
    /// `User-Agent`, verbatim.
    pub user_agent: Option<String>,
    /// `X-Device-Info`, verbatim (base64 of a JSON object; describes a device, not a secret).
    pub x_device_info: Option<String>,
    /// `X-Device-Info` decoded, when it is base64 of a JSON value.
    pub device_info: Option<serde_json::Value>,
    /// The scheme of `Authorization` (e.g. `Bearer`); the credential itself is never kept.
    pub authorization_scheme: Option<String>,
    /// Status answered, `None` while in flight or when the connection was dropped.
    pub status: Option<u16>,
    /// The fault that decided the answer (`dropped`, `throttled`, `rate_limited`, `failed`).
    pub fault: Option<String>,
}

/// The shared, bounded request log (oldest entries are evicted first).
#[derive(Debug, Clone)]
pub struct RequestLog {
    inner: Arc<Mutex<LogInner>>,
}

#[derive(Debug)]
struct LogInner {
    capacity: usize,
    next_seq: u64,
    entries: VecDeque<RecordedRequest>,
}

impl RequestLog {
    /// An empty log keeping at most `capacity` entries (at least one).
    pub fn new(capacity: usize) -> Self {
        Self {
            inner: Arc::new(Mutex::new(LogInner {
                capacity: capacity.max(1),
                next_seq: 1,
                entries: VecDeque::new(),
            })),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, LogInner> {
        // A poisoned log is still a usable log: the data is plain values.
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Records the arrival of a request and returns its sequence number.
    pub(crate) fn record(&self, method: &Method, uri: &Uri, headers: &HeaderMap) -> u64 {
        let header = |name: &str| {
            headers
                .get(name)
                .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
        };
        let x_device_info = header("x-device-info");
        let device_info = x_device_info.as_deref().and_then(decode_device_info);
        let authorization_scheme = header("authorization").and_then(|v| {
            v.split_whitespace()
                .next()
                .map(str::to_owned)
                .filter(|s| !s.is_empty())
        });
        let query_keys = uri
            .query()
            .map(|q| {
                url::form_urlencoded::parse(q.as_bytes())
                    .map(|(k, _)| k.into_owned())
                    .collect()
            })
            .unwrap_or_default();
        let mut entry = RecordedRequest {
            seq: 0,
            received_at_ms: chrono::Utc::now().timestamp_millis(),
            method: method.as_str().to_owned(),
            path: uri.path().to_owned(),
            query_keys,
            header_names: headers.keys().map(|k| k.as_str().to_owned()).collect(),
            content_type: header("content-type"),
            accept: header("accept"),
            accept_encoding: header("accept-encoding"),
            user_agent: header("user-agent"),
            x_device_info,
            device_info,
            authorization_scheme,
            status: None,
            fault: None,
        };
        let mut inner = self.lock();
        entry.seq = inner.next_seq;
        inner.next_seq += 1;
        if inner.entries.len() >= inner.capacity {
            inner.entries.pop_front();
        }
        inner.entries.push_back(entry);
        inner.next_seq - 1
    }

    /// Notes how request `seq` was answered (no-op if it was already evicted).
    pub(crate) fn finish(&self, seq: u64, status: Option<u16>, fault: Option<&str>) {
        let mut inner = self.lock();
        if let Some(entry) = inner.entries.iter_mut().rev().find(|e| e.seq == seq) {
            entry.status = status;
            entry.fault = fault.map(str::to_owned);
        }
    }

    /// All entries still in the log, oldest first.
    pub fn entries(&self) -> Vec<RecordedRequest> {
        self.lock().entries.iter().cloned().collect()
    }

    /// Forgets every entry (sequence numbers keep growing).
    pub fn clear(&self) {
        self.lock().entries.clear();
    }
}

/// Decodes `X-Device-Info`: base64 (standard or URL-safe, padded or not) of a JSON value.
fn decode_device_info(raw: &str) -> Option<serde_json::Value> {
    let raw = raw.trim();
    let bytes = [STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD]
        .iter()
        .find_map(|engine| engine.decode(raw).ok())?;
    serde_json::from_slice(&bytes).ok()
}
