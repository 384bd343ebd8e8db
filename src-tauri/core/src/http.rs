//! The HTTP client every Adobe Pass call goes through: timeouts, no redirects, gzip, our
//! `User-Agent`, and one retry policy for throttling (429), server failures (5xx) and network
//! failures, which reports every wait to the caller so the UI can show a countdown.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use reqwest::header::{HeaderMap, DATE, EXPIRES, RETRY_AFTER};
use reqwest::{RequestBuilder, Response, StatusCode};

use crate::build_info::BUILD_INFO;
use crate::error::Error;

/// Timeouts and retry budget.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpConfig {
    /// Time allowed to open a connection.
    pub connect_timeout: Duration,
    /// Time allowed for a whole request, body included.
    pub request_timeout: Duration,
    /// Retries after the first attempt for 5xx answers and network failures.
    pub max_retries: u32,
    /// Retries after the first attempt for 429 answers.
    pub max_throttle_retries: u32,
    /// Longest single wait a 429 may impose before we give up and tell the user.
    pub max_throttle_wait: Duration,
    /// First back-off after a failure; doubled at each retry.
    pub initial_backoff: Duration,
}

impl Default for HttpConfig {
    fn default() -> Self {
        Self {
            connect_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(60),
            max_retries: 3,
            max_throttle_retries: 3,
            max_throttle_wait: Duration::from_secs(120),
            initial_backoff: Duration::from_millis(300),
        }
    }
}

/// Something the caller may want to show while a call is in progress.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum Progress {
    /// The server throttled us; we wait `wait_ms` before retry number `attempt`.
    #[serde(rename_all = "camelCase")]
    Throttled {
        /// How long we wait.
        wait_ms: u64,
        /// Which retry comes next (1-based).
        attempt: u32,
    },
    /// A transient failure; we wait `wait_ms` before retry number `attempt`.
    #[serde(rename_all = "camelCase")]
    Retrying {
        /// Short reason, e.g. `HTTP 503` or `connection failed`.
        reason: String,
        /// How long we wait.
        wait_ms: u64,
        /// Which retry comes next (1-based).
        attempt: u32,
    },
    /// The access token is being renewed.
    RefreshingToken,
    /// The app is registering with the stored software statement.
    Registering,
}

/// Receives [`Progress`] events; cheap to clone.
#[derive(Clone, Default)]
pub struct ProgressSink(Option<Arc<ProgressFn>>);

type ProgressFn = dyn Fn(&Progress) + Send + Sync;

impl ProgressSink {
    /// A sink calling `f` for each event.
    pub fn new(f: impl Fn(&Progress) + Send + Sync + 'static) -> Self {
        Self(Some(Arc::new(f)))
    }

    /// Reports one event.
    pub fn emit(&self, event: &Progress) {
        if let Some(f) = &self.0 {
            f(event);
        }
    }
}

impl std::fmt::Debug for ProgressSink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ProgressSink")
    }
}

/// A configured client plus its retry policy.
#[derive(Debug, Clone)]
pub struct Http {
    client: reqwest::Client,
    config: HttpConfig,
}

impl Http {
    /// Builds the client. Redirects are off: an auth endpoint that redirects is not one we trust
    /// with a client secret.
    pub fn new(config: HttpConfig) -> Result<Self, Error> {
        let client = reqwest::Client::builder()
            .connect_timeout(config.connect_timeout)
            .timeout(config.request_timeout)
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(BUILD_INFO.user_agent())
            .gzip(true)
            .build()
            .map_err(|e| Error::LocalIo(format!("cannot set up HTTPS: {e}")))?;
        Ok(Self { client, config })
    }

    /// The underlying client, to build requests.
    pub fn client(&self) -> &reqwest::Client {
        &self.client
    }

    /// The timeouts and retry budget in force.
    pub fn config(&self) -> &HttpConfig {
        &self.config
    }

    /// Sends the request built by `build` (called again for each attempt), retrying 429, 5xx and
    /// network failures within the budget. Returns the first other response, whatever its
    /// status; the caller interprets it.
    pub async fn send(
        &self,
        what: &str,
        build: impl Fn() -> RequestBuilder,
        progress: &ProgressSink,
    ) -> Result<Response, Error> {
        let mut failures = 0u32;
        let mut throttles = 0u32;
        loop {
            match build().send().await {
                Ok(response) if response.status() == StatusCode::TOO_MANY_REQUESTS => {
                    let wait = throttle_wait(response.headers(), Utc::now());
                    throttles += 1;
                    if throttles > self.config.max_throttle_retries
                        || wait > self.config.max_throttle_wait
                    {
                        let secs = wait.as_secs().max(1);
                        return Err(Error::Throttled {
                            wait_secs: secs,
                            message: format!(
                                "Adobe Pass is limiting requests for {what}; try again in {secs} s"
                            ),
                        });
                    }
                    progress.emit(&Progress::Throttled {
                        wait_ms: millis(wait),
                        attempt: throttles,
                    });
                    tracing::info!(what, wait_ms = millis(wait), "throttled (429), waiting");
                    tokio::time::sleep(wait).await;
                }
                Ok(response) if response.status().is_server_error() => {
                    let status = response.status();
                    if failures >= self.config.max_retries {
                        return Err(Error::Server {
                            status: status.as_u16(),
                            message: format!(
                                "Adobe Pass failed {what} (HTTP {}) {} times; it may be down, try again later",
                                status.as_u16(),
                                failures + 1
                            ),
                        });
                    }
                    failures += 1;
                    self.back_off(
                        what,
                        format!("HTTP {}", status.as_u16()),
                        failures,
                        progress,
                    )
                    .await;
                }
                Ok(response) => return Ok(response),
                Err(e) => {
                    if failures >= self.config.max_retries {
                        return Err(Error::Network(format!(
                            "cannot reach Adobe Pass for {what} after {} attempts ({}); check your network connection and the environment's address",
                            failures + 1,
                            describe_transport_error(&e)
                        )));
                    }
                    failures += 1;
                    self.back_off(what, describe_transport_error(&e), failures, progress)
                        .await;
                }
            }
        }
    }

    async fn back_off(&self, what: &str, reason: String, attempt: u32, progress: &ProgressSink) {
        let wait = self
            .config
            .initial_backoff
            .saturating_mul(1 << (attempt - 1).min(10));
        tracing::info!(what, %reason, attempt, wait_ms = millis(wait), "retrying");
        progress.emit(&Progress::Retrying {
            reason,
            wait_ms: millis(wait),
            attempt,
        });
        tokio::time::sleep(wait).await;
    }
}

fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

/// A transport error in a few words, never with the URL's query (which could carry a token).
fn describe_transport_error(e: &reqwest::Error) -> String {
    if e.is_timeout() {
        "timed out".to_owned()
    } else if e.is_connect() {
        "connection failed".to_owned()
    } else if e.is_body() || e.is_decode() {
        "connection broken while reading the answer".to_owned()
    } else {
        "connection closed without an answer".to_owned()
    }
}

/// How long a 429 asks us to wait: the `Expires` HTTP-date (measured against the server's own
/// `Date` when present, so clock skew does not matter), else `Retry-After` (seconds or
/// HTTP-date), else one second. Never less than one second.
pub fn throttle_wait(headers: &HeaderMap, now: DateTime<Utc>) -> Duration {
    let minimum = Duration::from_secs(1);
    let server_now = header_date(headers, DATE.as_str()).unwrap_or(now);
    let from_expires = header_date(headers, EXPIRES.as_str())
        .map(|expires| (expires - server_now).to_std().unwrap_or(Duration::ZERO));
    let from_retry_after = || {
        let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
        if let Ok(secs) = value.parse::<u64>() {
            return Some(Duration::from_secs(secs));
        }
        let at = parse_http_date(value)?;
        Some((at - now).to_std().unwrap_or(Duration::ZERO))
    };
    from_expires
        .or_else(from_retry_after)
        .unwrap_or(minimum)
        .max(minimum)
}

fn header_date(headers: &HeaderMap, name: &str) -> Option<DateTime<Utc>> {
    parse_http_date(headers.get(name)?.to_str().ok()?)
}

/// Parses an RFC 7231 IMF-fixdate such as `Wed, 21 Oct 2015 07:28:00 GMT`.
pub fn parse_http_date(value: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc2822(value.trim())
        .ok()
        .map(|d| d.with_timezone(&Utc))
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(
                reqwest::header::HeaderName::from_bytes(k.as_bytes()).unwrap(),
                HeaderValue::from_str(v).unwrap(),
            );
        }
        h
    }

    fn at(s: &str) -> DateTime<Utc> {
        parse_http_date(s).unwrap()
    }

    #[test]
    fn expires_is_measured_against_the_server_date() {
        let h = headers(&[
            ("date", "Wed, 21 Oct 2026 07:28:00 GMT"),
            ("expires", "Wed, 21 Oct 2026 07:28:40 GMT"),
        ]);
        // Our clock is an hour off; the server's own Date header wins.
        let wait = throttle_wait(&h, at("Wed, 21 Oct 2026 08:28:00 GMT"));
        assert_eq!(wait, Duration::from_secs(40));
    }

    #[test]
    fn expires_without_date_uses_our_clock() {
        let h = headers(&[("expires", "Wed, 21 Oct 2026 07:29:00 GMT")]);
        let wait = throttle_wait(&h, at("Wed, 21 Oct 2026 07:28:00 GMT"));
        assert_eq!(wait, Duration::from_secs(60));
    }

    #[test]
    fn retry_after_seconds_and_date() {
        let now = at("Wed, 21 Oct 2026 07:28:00 GMT");
        assert_eq!(
            throttle_wait(&headers(&[("retry-after", "7")]), now),
            Duration::from_secs(7)
        );
        assert_eq!(
            throttle_wait(
                &headers(&[("retry-after", "Wed, 21 Oct 2026 07:28:05 GMT")]),
                now
            ),
            Duration::from_secs(5)
        );
    }

    #[test]
    fn at_least_one_second() {
        let now = at("Wed, 21 Oct 2026 07:28:00 GMT");
        assert_eq!(
            throttle_wait(&HeaderMap::new(), now),
            Duration::from_secs(1)
        );
        let past = headers(&[("expires", "Wed, 21 Oct 2026 07:00:00 GMT")]);
        assert_eq!(throttle_wait(&past, now), Duration::from_secs(1));
        let garbage = headers(&[("expires", "0"), ("retry-after", "soon")]);
        assert_eq!(throttle_wait(&garbage, now), Duration::from_secs(1));
    }

    #[test]
    fn progress_serializes_for_the_ui() {
        let p = Progress::Throttled {
            wait_ms: 2000,
            attempt: 1,
        };
        assert_eq!(
            serde_json::to_value(&p).unwrap(),
            serde_json::json!({"kind": "throttled", "waitMs": 2000, "attempt": 1})
        );
    }
}
