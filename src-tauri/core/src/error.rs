//! The one error type of the library. Every variant has a stable `code` (for the UI and scripts),
//! a one-line human message that says what to do next, and a process exit code for `cmu`.

use serde::ser::SerializeStruct;
use serde::{Serialize, Serializer};

/// Everything that can go wrong, by what the user can do about it.
///
/// Messages never contain secrets: variants carry only text we composed ourselves or
/// server explanations that are known not to echo credentials.
#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
pub enum Error {
    /// The software statement cannot be used (malformed, expired, ...).
    #[error("{0}")]
    InvalidStatement(String),
    /// An argument or setting is wrong (bad URL, unknown environment, bad date, ...).
    #[error("{0}")]
    InvalidInput(String),
    /// Adobe Pass refused registration, a token or a report (`reason` is the upstream code).
    #[error("{message}")]
    AccessRefused {
        /// Upstream error code such as `unapproved_software_statement`, or the HTTP status name.
        reason: String,
        /// What happened and what to do.
        message: String,
    },
    /// The server asked us to slow down and the retry budget ran out.
    #[error("{message}")]
    Throttled {
        /// Seconds the server asked us to wait.
        wait_secs: u64,
        /// What happened and what to do.
        message: String,
    },
    /// The requested report path does not exist.
    #[error("{0}")]
    NotFound(String),
    /// The server failed (5xx) after retries, or answered something we cannot read.
    #[error("{message}")]
    Server {
        /// HTTP status, 0 when the body could not be understood.
        status: u16,
        /// What happened and what to do.
        message: String,
    },
    /// The network failed (DNS, connect, TLS, timeout, dropped connection) after retries.
    #[error("{0}")]
    Network(String),
    /// The OS keyring is missing, locked or refused access.
    #[error("{0}")]
    Keyring(String),
    /// A local file or directory could not be read or written.
    #[error("{0}")]
    LocalIo(String),
    /// No profile matches, or none exists yet.
    #[error("{0}")]
    NoProfile(String),
    /// The user cancelled the operation.
    #[error("cancelled")]
    Cancelled,
}

impl Error {
    /// Stable machine-readable code; the UI chooses the next step from it.
    pub fn code(&self) -> &'static str {
        match self {
            Error::InvalidStatement(_) => "invalid_statement",
            Error::InvalidInput(_) => "invalid_input",
            Error::AccessRefused { .. } => "access_refused",
            Error::Throttled { .. } => "throttled",
            Error::NotFound(_) => "not_found",
            Error::Server { .. } => "server_error",
            Error::Network(_) => "network",
            Error::Keyring(_) => "keyring_unavailable",
            Error::LocalIo(_) => "local_io",
            Error::NoProfile(_) => "no_profile",
            Error::Cancelled => "cancelled",
        }
    }

    /// The `cmu` exit code contract: 3 invalid input, 4 access refused, 5 server or network,
    /// 6 local system failure.
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::InvalidStatement(_) | Error::InvalidInput(_) | Error::NoProfile(_) => 3,
            Error::AccessRefused { .. } => 4,
            Error::Throttled { .. }
            | Error::NotFound(_)
            | Error::Server { .. }
            | Error::Network(_) => 5,
            Error::Keyring(_) | Error::LocalIo(_) => 6,
            Error::Cancelled => 130,
        }
    }

    /// A local I/O failure with the path and what to check.
    pub fn io(action: &str, path: &std::path::Path, err: &std::io::Error) -> Self {
        Error::LocalIo(format!(
            "cannot {action} {}: {err}; check that the folder exists and is writable",
            path.display()
        ))
    }
}

/// Serialized as `{"code": "...", "message": "..."}` plus the variant's extra fields, which is
/// what crosses the Tauri boundary and what `cmu --json` prints.
impl Serialize for Error {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let extra = match self {
            Error::AccessRefused { .. } | Error::Throttled { .. } | Error::Server { .. } => 1,
            _ => 0,
        };
        let mut s = serializer.serialize_struct("Error", 2 + extra)?;
        s.serialize_field("code", self.code())?;
        s.serialize_field("message", &self.to_string())?;
        match self {
            Error::AccessRefused { reason, .. } => s.serialize_field("reason", reason)?,
            Error::Throttled { wait_secs, .. } => s.serialize_field("waitSecs", wait_secs)?,
            Error::Server { status, .. } => s.serialize_field("status", status)?,
            _ => {}
        }
        s.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn serializes_code_and_message() {
        let e = Error::InvalidInput("bad date".into());
        assert_eq!(
            serde_json::to_value(&e).unwrap(),
            json!({"code": "invalid_input", "message": "bad date"})
        );
    }

    #[test]
    fn serializes_variant_details() {
        let e = Error::AccessRefused {
            reason: "unapproved_software_statement".into(),
            message: "not approved".into(),
        };
        assert_eq!(
            serde_json::to_value(&e).unwrap(),
            json!({"code": "access_refused", "message": "not approved", "reason": "unapproved_software_statement"})
        );
        let t = Error::Throttled {
            wait_secs: 40,
            message: "slow down".into(),
        };
        assert_eq!(
            serde_json::to_value(&t).unwrap(),
            json!({"code": "throttled", "message": "slow down", "waitSecs": 40})
        );
    }

    #[test]
    fn exit_codes_follow_the_cli_contract() {
        assert_eq!(Error::InvalidStatement("x".into()).exit_code(), 3);
        assert_eq!(
            Error::AccessRefused {
                reason: "x".into(),
                message: "x".into()
            }
            .exit_code(),
            4
        );
        assert_eq!(Error::Network("x".into()).exit_code(), 5);
        assert_eq!(Error::Keyring("x".into()).exit_code(), 6);
    }
}
