//! A wrapper for secrets (software statements, client secrets, access tokens).
//!
//! `Secret<T>` prints `[redacted]` in `Debug`, has no `Display`, cannot be serialized (so it can
//! never be sent to the web view or written into a config file by accident) and wipes its memory
//! on drop. Reading the value takes an explicit, greppable `expose()`.

use std::fmt;

use serde::{Deserialize, Deserializer};
use zeroize::Zeroize;

/// A value that must never be logged, displayed, serialized or written outside the keyring.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret<T: Zeroize>(T);

impl<T: Zeroize> Secret<T> {
    /// Wraps a secret value.
    pub fn new(value: T) -> Self {
        Self(value)
    }

    /// The secret itself. Every call site is a place where the secret leaves its wrapper: keep
    /// them few (HTTP request bodies and headers, the keyring).
    pub fn expose(&self) -> &T {
        &self.0
    }
}

impl<T: Zeroize> fmt::Debug for Secret<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

impl<T: Zeroize> Drop for Secret<T> {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

impl From<String> for Secret<String> {
    fn from(value: String) -> Self {
        Self(value)
    }
}

/// Secrets arrive in server responses, so they can be deserialized (never serialized).
impl<'de, T: Zeroize + Deserialize<'de>> Deserialize<'de> for Secret<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        T::deserialize(deserializer).map(Secret)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_is_redacted_even_nested() {
        #[derive(Debug)]
        #[allow(dead_code)]
        struct Creds {
            id: String,
            secret: Secret<String>,
        }
        let c = Creds {
            id: "client-1".into(),
            secret: Secret::new("hunter2-very-secret".into()),
        };
        let shown = format!("{c:?} {c:#?}");
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(shown.contains("[redacted]"));
        assert_eq!(c.secret.expose(), "hunter2-very-secret");
    }

    #[test]
    fn deserializes_transparently() {
        let s: Secret<String> = serde_json::from_str("\"abc\"").unwrap();
        assert_eq!(s.expose(), "abc");
    }
}
