//! The error every command returns: `{code, message, ...}` so the UI can pick the next step.

use serde::Serialize;

/// A `cmu_core::Error` on its way to the web view. It serializes exactly like the core error
/// (a stable `code`, a one-line `message`, and the variant's details).
#[derive(Debug, Serialize)]
#[serde(transparent)]
pub struct CommandError(cmu_core::Error);

impl From<cmu_core::Error> for CommandError {
    fn from(e: cmu_core::Error) -> Self {
        tracing::warn!(code = e.code(), message = %e, "command failed");
        Self(e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crosses_the_boundary_as_code_and_message() {
        let e = CommandError::from(cmu_core::Error::Keyring("no Secret Service".into()));
        let json = serde_json::to_value(&e).expect("serializable");
        assert_eq!(
            json,
            serde_json::json!({"code": "keyring_unavailable", "message": "no Secret Service"})
        );
    }
}
