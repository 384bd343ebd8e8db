//! The only place secrets are persisted: the OS keyring (Secret Service on Linux, Keychain on
//! macOS, Credential Manager on Windows), through `keyring-core`.
//!
//! There is deliberately no plaintext fallback: when no keyring is usable every operation fails
//! with a one-line [`Error::Keyring`] that names the missing service and how to get one.
//!
//! Every item is filed under the service [`SERVICE`] with the account `"{profile_id}:{kind}"`
//! (on Linux the Secret Service attributes are `service` and `username`).
//!
//! All calls block on the OS service (a D-Bus round-trip on Linux): from async code, run them
//! on a blocking thread.

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

use keyring_core::{CredentialStore, Entry};
use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::secret::Secret;

/// The keyring service name every CMU Studio item is filed under.
pub const SERVICE: &str = "cmu-studio";

/// The profile id used by [`KeyringStore::check_available`]'s probe item; it cannot clash with
/// a real profile because profile ids never contain `_`.
const PROBE_PROFILE: &str = "_probe";

static PROBE_COUNTER: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// What a keyring item holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SecretKind {
    /// The software statement (a JWT) downloaded from the Adobe Pass TVE Dashboard.
    Statement,
    /// The client secret returned by dynamic client registration.
    ClientSecret,
    /// The current access token with its expiry (see [`KeyringStore::store_token`]).
    AccessToken,
}

impl SecretKind {
    /// Every kind, so a profile's items can be removed without a store-specific search.
    pub const ALL: [SecretKind; 3] = [
        SecretKind::Statement,
        SecretKind::ClientSecret,
        SecretKind::AccessToken,
    ];

    /// The name used in the keyring account (`"{profile_id}:{name}"`).
    pub fn as_str(self) -> &'static str {
        match self {
            SecretKind::Statement => "statement",
            SecretKind::ClientSecret => "client-secret",
            SecretKind::AccessToken => "access-token",
        }
    }

    /// The name shown to people in messages.
    fn describe(self) -> &'static str {
        match self {
            SecretKind::Statement => "software statement",
            SecretKind::ClientSecret => "client secret",
            SecretKind::AccessToken => "access token",
        }
    }
}

impl fmt::Display for SecretKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The keyring account for one secret of one profile.
pub fn account(profile_id: &str, kind: SecretKind) -> String {
    format!("{profile_id}:{kind}")
}

/// The JSON kept in the access-token item, so the expiry travels with the token.
#[derive(Serialize)]
struct TokenOut<'a> {
    access_token: &'a str,
    expires_at: i64,
}

/// [`TokenOut`] read back; the token goes straight into a [`Secret`].
#[derive(Deserialize)]
struct TokenIn {
    access_token: Secret<String>,
    expires_at: i64,
}

/// Secrets in the OS keyring, one item per (profile, [`SecretKind`]).
///
/// Entries are built from this store instance rather than keyring-core's process-wide default
/// store, so tests can run several independent stores side by side.
#[derive(Clone)]
pub struct KeyringStore {
    store: Arc<CredentialStore>,
}

impl fmt::Debug for KeyringStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KeyringStore")
            .field("vendor", &self.store.vendor())
            .finish()
    }
}

impl KeyringStore {
    /// The platform keyring: the Secret Service (over D-Bus) on Linux, the login Keychain on
    /// macOS, Credential Manager on Windows.
    ///
    /// On Linux this connects to the session bus and opens a Secret Service session, so a
    /// missing bus or provider is reported here already.
    pub fn platform() -> Result<Self, Error> {
        let what = "cannot open the OS keyring";
        #[cfg(target_os = "linux")]
        let store: Arc<CredentialStore> =
            zbus_secret_service_keyring_store::Store::new().map_err(|e| keyring_error(&e, what))?;
        #[cfg(target_os = "macos")]
        let store: Arc<CredentialStore> = apple_native_keyring_store::keychain::Store::new()
            .map_err(|e| keyring_error(&e, what))?;
        #[cfg(target_os = "windows")]
        let store: Arc<CredentialStore> =
            windows_native_keyring_store::Store::new().map_err(|e| keyring_error(&e, what))?;
        #[cfg(not(any(target_os = "linux", target_os = "macos", target_os = "windows")))]
        let store: Arc<CredentialStore> = {
            // Secrets only ever go to an OS keyring; there is none we support here.
            return Err(Error::Keyring(format!(
                "{what}: this operating system has no supported keyring, and CMU Studio never \
                 stores secrets in plain files"
            )));
        };
        Ok(Self { store })
    }

    /// Any keyring-core store, e.g. `keyring_core::mock::Store::new()` in tests.
    pub fn from_store(store: Arc<CredentialStore>) -> Self {
        Self { store }
    }

    /// Saves (or replaces) one secret of a profile.
    pub fn set(
        &self,
        profile_id: &str,
        kind: SecretKind,
        value: &Secret<String>,
    ) -> Result<(), Error> {
        let what = || {
            format!(
                "cannot save the {} of profile {profile_id} in the OS keyring",
                kind.describe()
            )
        };
        let entry = self.entry(profile_id, kind, &what)?;
        entry
            .set_password(value.expose())
            .map_err(|e| keyring_error(&e, &what()))
    }

    /// Reads one secret of a profile; `None` when it was never stored or was deleted.
    pub fn get(&self, profile_id: &str, kind: SecretKind) -> Result<Option<Secret<String>>, Error> {
        let what = || {
            format!(
                "cannot read the {} of profile {profile_id} from the OS keyring",
                kind.describe()
            )
        };
        let entry = self.entry(profile_id, kind, &what)?;
        match entry.get_password() {
            Ok(value) => Ok(Some(Secret::new(value))),
            Err(keyring_core::Error::NoEntry) => Ok(None),
            Err(e) => Err(keyring_error(&e, &what())),
        }
    }

    /// Removes one secret of a profile; removing a missing secret succeeds.
    pub fn delete(&self, profile_id: &str, kind: SecretKind) -> Result<(), Error> {
        let what = || {
            format!(
                "cannot delete the {} of profile {profile_id} from the OS keyring",
                kind.describe()
            )
        };
        let entry = self.entry(profile_id, kind, &what)?;
        match entry.delete_credential() {
            Ok(()) | Err(keyring_core::Error::NoEntry) => Ok(()),
            // Duplicates (e.g. made by another tool) would otherwise survive a logout: remove
            // every one of them.
            Err(keyring_core::Error::Ambiguous(entries)) => {
                for duplicate in entries {
                    match duplicate.delete_credential() {
                        Ok(()) | Err(keyring_core::Error::NoEntry) => {}
                        Err(e) => return Err(keyring_error(&e, &what())),
                    }
                }
                Ok(())
            }
            Err(e) => Err(keyring_error(&e, &what())),
        }
    }

    /// Removes every secret of a profile (statement, client secret, access token).
    pub fn delete_all(&self, profile_id: &str) -> Result<(), Error> {
        SecretKind::ALL
            .into_iter()
            .try_for_each(|kind| self.delete(profile_id, kind))
    }

    /// Saves the access token together with its expiry (Unix seconds).
    pub fn store_token(
        &self,
        profile_id: &str,
        token: &Secret<String>,
        expires_at: i64,
    ) -> Result<(), Error> {
        let json = serde_json::to_string(&TokenOut {
            access_token: token.expose(),
            expires_at,
        })
        .map_err(|e| Error::Keyring(format!("cannot encode the access token: {e}")))?;
        // Wrapped so the serialized copy is wiped on drop like the token itself.
        let json = Secret::new(json);
        self.set(profile_id, SecretKind::AccessToken, &json)
    }

    /// Reads the access token and its expiry (Unix seconds); `None` when there is none.
    ///
    /// An unreadable token item (e.g. written by an older version) also gives `None`: a token
    /// is cheap to fetch again, and the next [`KeyringStore::store_token`] replaces it.
    pub fn load_token(&self, profile_id: &str) -> Result<Option<(Secret<String>, i64)>, Error> {
        let Some(json) = self.get(profile_id, SecretKind::AccessToken)? else {
            return Ok(None);
        };
        match serde_json::from_str::<TokenIn>(json.expose()) {
            Ok(token) => Ok(Some((token.access_token, token.expires_at))),
            Err(_) => {
                // The parse error is not logged: it may quote part of the token.
                tracing::warn!(
                    profile = profile_id,
                    "ignoring an unreadable access token in the OS keyring"
                );
                Ok(None)
            }
        }
    }

    /// A cheap real round-trip (write, read back, delete a probe item), so the app and `cmu`
    /// can tell the user early that secrets cannot be kept.
    pub fn check_available(&self) -> Result<(), Error> {
        let probe = Secret::new(format!(
            "probe-{}-{}",
            std::process::id(),
            chrono::Utc::now().timestamp_nanos_opt().unwrap_or_default()
        ));
        let what = || "the OS keyring is not usable".to_owned();
        // A probe item of its own per call: two processes (or tests) checking at once must not
        // overwrite or delete each other's probe.
        let probe_profile = format!(
            "{PROBE_PROFILE}-{}-{}",
            std::process::id(),
            PROBE_COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
        );
        let entry = self.entry(&probe_profile, SecretKind::AccessToken, &what)?;
        entry
            .set_password(probe.expose())
            .map_err(|e| keyring_error(&e, &what()))?;
        let read = entry.get_password().map(Secret::new);
        // Clean up before judging the read, so a failed check leaves nothing behind.
        let deleted = entry.delete_credential();
        let read = read.map_err(|e| keyring_error(&e, &what()))?;
        if read != probe {
            return Err(Error::Keyring(format!(
                "{}: it did not return the value just stored; check your keyring manager for \
                 a broken or read-only default collection",
                what()
            )));
        }
        match deleted {
            Ok(()) | Err(keyring_core::Error::NoEntry) => Ok(()),
            Err(e) => Err(keyring_error(&e, &what())),
        }
    }

    /// The entry for one secret, labelled for keyring managers (Seahorse, KeePassXC) where the
    /// store supports labels.
    fn entry(
        &self,
        profile_id: &str,
        kind: SecretKind,
        what: &dyn Fn() -> String,
    ) -> Result<Entry, Error> {
        check_profile_id(profile_id)?;
        let user = account(profile_id, kind);
        let label = format!("CMU Studio {} ({profile_id})", kind.describe());
        let modifiers = HashMap::from([("label", label.as_str())]);
        match Entry::new_in_store_with_modifiers(&self.store, SERVICE, &user, &modifiers) {
            Ok(entry) => Ok(entry),
            // Only the Secret Service takes a label; other stores refuse the modifier.
            Err(keyring_core::Error::NotSupportedByStore(_) | keyring_core::Error::Invalid(..)) => {
                Entry::new_in_store(&self.store, SERVICE, &user)
                    .map_err(|e| keyring_error(&e, &what()))
            }
            Err(e) => Err(keyring_error(&e, &what())),
        }
    }
}

/// Profile ids are generated by [`crate::profiles`] (`[a-z0-9-]`); anything else here is a bug
/// or a hand-edited file, and must not produce odd keyring accounts.
fn check_profile_id(profile_id: &str) -> Result<(), Error> {
    let ok = !profile_id.is_empty()
        && profile_id.len() <= 200
        && profile_id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if ok {
        Ok(())
    } else {
        Err(Error::InvalidInput(format!(
            "\"{}\" is not a valid profile id; list profiles with `cmu profiles`",
            profile_id.escape_default()
        )))
    }
}

/// Why the keyring failed, as far as the user can act on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cause {
    NoBus,
    NoBusOrProvider,
    NoProvider,
    Locked,
    NoDefaultCollection,
    AccessDenied,
    PlatformFailure,
    BadData,
    BadStore,
    Ambiguous,
    Rejected,
    Unsupported,
    NoEntry,
    Other,
}

/// keyring-core's variant name, which is safe to show (it carries no data).
fn kind_name(err: &keyring_core::Error) -> &'static str {
    use keyring_core::Error as K;
    match err {
        K::PlatformFailure(_) => "PlatformFailure",
        K::NoStorageAccess(_) => "NoStorageAccess",
        K::NoEntry => "NoEntry",
        K::BadEncoding(_) => "BadEncoding",
        K::BadDataFormat(..) => "BadDataFormat",
        K::BadStoreFormat(_) => "BadStoreFormat",
        K::TooLong(..) => "TooLong",
        K::Invalid(..) => "Invalid",
        K::Ambiguous(_) => "Ambiguous",
        K::NoDefaultStore => "NoDefaultStore",
        K::NotSupportedByStore(_) => "NotSupportedByStore",
        _ => "Unknown",
    }
}

/// Sorts a platform error into a [`Cause`].
///
/// The stores box their platform errors (the Secret Service store boxes a
/// `secret_service::Error`, which may wrap a `zbus::Error`), so they are recognised by their
/// stable `Debug` variant names and D-Bus error names rather than by downcasting, which would
/// pin this crate to the stores' private dependency versions. The text is only inspected,
/// never shown.
fn classify_platform(inner: &(dyn std::error::Error + Send + Sync), no_access: bool) -> Cause {
    let debug = format!("{inner:?}");
    let text = format!("{debug} {inner}");
    if text.contains("ServiceUnknown")
        || text.contains("NameHasNoOwner")
        || (text.contains("org.freedesktop.secrets") && text.contains("not provided"))
    {
        Cause::NoProvider
    } else if text.contains("Failed to connect")
        || text.contains("Connection(")
        || text.contains("Address(")
        || text.contains("DBUS_SESSION_BUS_ADDRESS")
    {
        Cause::NoBus
    } else if debug == "Unavailable" {
        // secret-service reports both a missing bus and a missing provider this way.
        Cause::NoBusOrProvider
    } else if matches!(debug.as_str(), "Locked" | "Prompt" | "PromptDisconnected") {
        Cause::Locked
    } else if debug == "NoResult" {
        // gnome-keyring answers this way in a fresh home that has no login keyring yet.
        Cause::NoDefaultCollection
    } else if no_access {
        Cause::AccessDenied
    } else {
        Cause::PlatformFailure
    }
}

fn classify(err: &keyring_core::Error) -> Cause {
    use keyring_core::Error as K;
    match err {
        K::PlatformFailure(inner) => classify_platform(inner.as_ref(), false),
        K::NoStorageAccess(inner) => classify_platform(inner.as_ref(), true),
        K::NoEntry => Cause::NoEntry,
        K::BadEncoding(_) | K::BadDataFormat(..) => Cause::BadData,
        K::BadStoreFormat(_) => Cause::BadStore,
        K::Ambiguous(_) => Cause::Ambiguous,
        K::TooLong(..) | K::Invalid(..) => Cause::Rejected,
        K::NotSupportedByStore(_) => Cause::Unsupported,
        _ => Cause::Other,
    }
}

/// What to do about a platform failure we could not pin down, per OS.
fn platform_advice(no_access: bool) -> &'static str {
    if cfg!(target_os = "macos") {
        if no_access {
            "the macOS Keychain refused access: unlock your login keychain in Keychain Access \
             and allow CMU Studio when asked"
        } else {
            "the macOS Keychain failed: check your login keychain with Keychain Access \
             (First Aid) and try again"
        }
    } else if cfg!(target_os = "windows") {
        if no_access {
            "Windows Credential Manager refused access: sign in to a normal (interactive) \
             Windows session and try again"
        } else {
            "Windows Credential Manager failed: check it in Control Panel > Credential Manager \
             and try again"
        }
    } else if no_access {
        "the Secret Service refused access: unlock your keyring in your keyring manager \
         (e.g. Seahorse or KeePassXC) and try again"
    } else {
        "the Secret Service failed: check that gnome-keyring or KeePassXC's Secret Service \
         integration is running and unlocked"
    }
}

/// Turns a keyring-core error into the crate's one-line, actionable [`Error::Keyring`].
///
/// `what` says what failed (e.g. "cannot save the client secret of profile x"). The message
/// names the missing service and how to get one, ends with keyring-core's error kind, and never
/// includes the platform's own error text or any stored data.
pub fn keyring_error(err: &keyring_core::Error, what: &str) -> Error {
    let advice = match classify(err) {
        Cause::NoBus => {
            "no D-Bus session bus: start a desktop session, or run inside `dbus-run-session`"
        }
        Cause::NoBusOrProvider => {
            "no D-Bus session bus or Secret Service found: start a desktop session (or run \
             inside `dbus-run-session`) with gnome-keyring or KeePassXC's Secret Service \
             integration running"
        }
        Cause::NoProvider => {
            "no Secret Service is running (org.freedesktop.secrets): install and start \
             gnome-keyring or KeePassXC's Secret Service integration"
        }
        Cause::Locked => {
            "the keyring is locked: unlock it (e.g. log in to your desktop session or run \
             `gnome-keyring-daemon --unlock`)"
        }
        Cause::NoDefaultCollection => {
            "the Secret Service has no default keyring: create one (e.g. a \"Login\" keyring in \
             Seahorse, or a default collection in KeePassXC's Secret Service settings)"
        }
        Cause::AccessDenied => platform_advice(true),
        Cause::PlatformFailure => platform_advice(false),
        Cause::BadData => {
            "the stored item is not readable text: delete it in your keyring manager (service \
             cmu-studio) and store it again"
        }
        Cause::BadStore => {
            "the keyring's own data is damaged: repair it with your keyring manager and try \
             again"
        }
        Cause::Ambiguous => {
            "several keyring items match (service cmu-studio): delete the duplicates in your \
             keyring manager and try again"
        }
        Cause::Rejected => "the keyring rejected the item's name or size; please report this",
        Cause::Unsupported => {
            "the keyring does not support this operation; please report this with your \
             keyring's name"
        }
        Cause::NoEntry => "the item does not exist in the keyring",
        Cause::Other => "unexpected keyring failure; please report this",
    };
    Error::Keyring(format!(
        "{what}: {advice} (keyring error: {})",
        kind_name(err)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Stand-in for the stores' boxed platform errors, with the same `Debug`/`Display` shape.
    struct Fake {
        debug: &'static str,
        display: &'static str,
    }

    impl fmt::Debug for Fake {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str(self.debug)
        }
    }

    impl fmt::Display for Fake {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str(self.display)
        }
    }

    impl std::error::Error for Fake {}

    fn fake(debug: &'static str, display: &'static str) -> Box<Fake> {
        Box::new(Fake { debug, display })
    }

    fn message(err: keyring_core::Error) -> String {
        let mapped = keyring_error(&err, "cannot save the client secret of profile p");
        assert_eq!(mapped.code(), "keyring_unavailable");
        assert_eq!(mapped.exit_code(), 6);
        let text = mapped.to_string();
        assert!(!text.contains('\n'), "one line: {text}");
        assert!(
            text.starts_with("cannot save the client secret of profile p: "),
            "{text}"
        );
        text
    }

    fn mock_store() -> KeyringStore {
        KeyringStore::from_store(keyring_core::mock::Store::new().unwrap())
    }

    fn secret(s: &str) -> Secret<String> {
        Secret::new(s.to_owned())
    }

    /// Makes the next operation on the mock item for `(profile, kind)` fail with `err`.
    fn fail_next(store: &KeyringStore, profile: &str, kind: SecretKind, err: keyring_core::Error) {
        let entry = Entry::new_in_store(&store.store, SERVICE, &account(profile, kind)).unwrap();
        let cred: &keyring_core::mock::Cred = entry.as_any().downcast_ref().unwrap();
        cred.set_error(err);
    }

    #[test]
    fn no_session_bus_is_explained() {
        // What zbus reports when DBUS_SESSION_BUS_ADDRESS points at a missing socket.
        let err = keyring_core::Error::PlatformFailure(fake(
            "Zbus(Connection(Os { code: 2, kind: NotFound, message: \"No such file or directory\" }, Address { guid: None }))",
            "zbus error: Failed to connect to address `unix:path=/nonexistent`: No such file or directory (os error 2)",
        ));
        let text = message(err);
        assert!(
            text.contains(
                "no D-Bus session bus: start a desktop session, or run inside `dbus-run-session`"
            ),
            "{text}"
        );
        assert!(text.ends_with("(keyring error: PlatformFailure)"), "{text}");
        assert!(
            !text.contains("nonexistent"),
            "no raw platform text: {text}"
        );
    }

    #[test]
    fn missing_provider_is_explained() {
        let err = keyring_core::Error::PlatformFailure(fake(
            "Zbus(MethodError(OwnedErrorName(\"org.freedesktop.DBus.Error.ServiceUnknown\"), Some(\"The name org.freedesktop.secrets was not provided by any .service files\")))",
            "zbus error: org.freedesktop.DBus.Error.ServiceUnknown: The name org.freedesktop.secrets was not provided by any .service files",
        ));
        let text = message(err);
        assert!(
            text.contains("no Secret Service is running (org.freedesktop.secrets): install and start gnome-keyring or KeePassXC's Secret Service integration"),
            "{text}"
        );
        assert!(!text.contains(".service files"), "{text}");
    }

    #[test]
    fn unavailable_mentions_both_bus_and_provider() {
        let err = keyring_core::Error::PlatformFailure(fake(
            "Unavailable",
            "no secret service provider or dbus session found",
        ));
        let text = message(err);
        assert!(text.contains("dbus-run-session"), "{text}");
        assert!(text.contains("gnome-keyring"), "{text}");
    }

    #[test]
    fn locked_keyring_is_explained() {
        for debug in ["Locked", "Prompt", "PromptDisconnected"] {
            let err = keyring_core::Error::NoStorageAccess(fake(debug, "SS error"));
            let text = message(err);
            assert!(
                text.contains("the keyring is locked: unlock it (e.g. log in to your desktop session or run `gnome-keyring-daemon --unlock`)"),
                "{text}"
            );
            assert!(text.ends_with("(keyring error: NoStorageAccess)"), "{text}");
        }
    }

    #[test]
    fn missing_login_keyring_is_explained() {
        let err = keyring_core::Error::NoStorageAccess(fake(
            "NoResult",
            "SS error: result not returned from SS API",
        ));
        let text = message(err);
        assert!(text.contains("no default keyring"), "{text}");
    }

    #[test]
    fn unknown_platform_failures_get_generic_advice_without_raw_text() {
        let err = keyring_core::Error::PlatformFailure(fake("Weird(42)", "weird secret-ish text"));
        let text = message(err);
        assert!(!text.contains("weird"), "{text}");
        assert!(text.ends_with("(keyring error: PlatformFailure)"), "{text}");
        let err = keyring_core::Error::NoStorageAccess(fake("Denied", "denied text"));
        let text = message(err);
        assert!(text.contains("refused access"), "{text}");
        assert!(!text.contains("denied text"), "{text}");
    }

    #[test]
    fn data_carrying_errors_never_leak_their_data() {
        let leaked = "hunter2-token-bytes";
        let cases = [
            keyring_core::Error::BadEncoding(leaked.as_bytes().to_vec()),
            keyring_core::Error::BadDataFormat(
                leaked.as_bytes().to_vec(),
                fake("Bad", "hunter2-token-bytes"),
            ),
            keyring_core::Error::BadStoreFormat(leaked.to_owned()),
            keyring_core::Error::Invalid("user".to_owned(), leaked.to_owned()),
            keyring_core::Error::TooLong(leaked.to_owned(), 10),
            keyring_core::Error::NotSupportedByStore(leaked.to_owned()),
            keyring_core::Error::Ambiguous(Vec::new()),
            keyring_core::Error::NoDefaultStore,
            keyring_core::Error::NoEntry,
        ];
        for err in cases {
            let kind = kind_name(&err);
            let text = message(err);
            assert!(!text.contains("hunter2"), "{text}");
            assert!(
                text.ends_with(&format!("(keyring error: {kind})")),
                "{text}"
            );
        }
    }

    #[test]
    fn set_get_delete_round_trip_per_kind() {
        let store = mock_store();
        for kind in SecretKind::ALL {
            assert!(store.get("p1", kind).unwrap().is_none());
            store.set("p1", kind, &secret("value-1")).unwrap();
            store.set("p1", kind, &secret("value-2")).unwrap();
            assert_eq!(store.get("p1", kind).unwrap().unwrap().expose(), "value-2");
            store.delete("p1", kind).unwrap();
            assert!(store.get("p1", kind).unwrap().is_none());
            // Deleting a missing secret is fine.
            store.delete("p1", kind).unwrap();
        }
    }

    #[test]
    fn profiles_and_kinds_are_separate_items() {
        let store = mock_store();
        store
            .set("p1", SecretKind::ClientSecret, &secret("a"))
            .unwrap();
        store
            .set("p2", SecretKind::ClientSecret, &secret("b"))
            .unwrap();
        store
            .set("p1", SecretKind::Statement, &secret("c"))
            .unwrap();
        let get = |p, k| store.get(p, k).unwrap().map(|s| s.expose().clone());
        assert_eq!(get("p1", SecretKind::ClientSecret).as_deref(), Some("a"));
        assert_eq!(get("p2", SecretKind::ClientSecret).as_deref(), Some("b"));
        assert_eq!(get("p1", SecretKind::Statement).as_deref(), Some("c"));
        assert_eq!(get("p2", SecretKind::Statement), None);
    }

    #[test]
    fn delete_all_removes_only_that_profile() {
        let store = mock_store();
        for kind in SecretKind::ALL {
            store.set("p1", kind, &secret("x")).unwrap();
            store.set("p2", kind, &secret("y")).unwrap();
        }
        store.delete_all("p1").unwrap();
        store.delete_all("p1").unwrap();
        for kind in SecretKind::ALL {
            assert!(store.get("p1", kind).unwrap().is_none());
            assert!(store.get("p2", kind).unwrap().is_some());
        }
    }

    #[test]
    fn token_round_trips_with_expiry() {
        let store = mock_store();
        assert!(store.load_token("p1").unwrap().is_none());
        store
            .store_token("p1", &secret("tok\"en"), 1_700_000_000)
            .unwrap();
        let (token, expires_at) = store.load_token("p1").unwrap().unwrap();
        assert_eq!(token.expose(), "tok\"en");
        assert_eq!(expires_at, 1_700_000_000);
        let raw = store.get("p1", SecretKind::AccessToken).unwrap().unwrap();
        let json: serde_json::Value = serde_json::from_str(raw.expose()).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"access_token": "tok\"en", "expires_at": 1_700_000_000})
        );
    }

    #[test]
    fn unreadable_token_is_treated_as_missing() {
        let store = mock_store();
        store
            .set("p1", SecretKind::AccessToken, &secret("not json"))
            .unwrap();
        assert!(store.load_token("p1").unwrap().is_none());
    }

    #[test]
    fn store_failures_are_mapped() {
        let store = mock_store();
        store
            .set("p1", SecretKind::ClientSecret, &secret("x"))
            .unwrap();
        fail_next(
            &store,
            "p1",
            SecretKind::ClientSecret,
            keyring_core::Error::NoStorageAccess(fake("Locked", "locked")),
        );
        let err = store.get("p1", SecretKind::ClientSecret).unwrap_err();
        let text = err.to_string();
        assert_eq!(err.code(), "keyring_unavailable");
        assert!(
            text.starts_with(
                "cannot read the client secret of profile p1 from the OS keyring: the keyring is locked"
            ),
            "{text}"
        );
        // The error was one-shot: the secret is still there.
        assert_eq!(
            store
                .get("p1", SecretKind::ClientSecret)
                .unwrap()
                .unwrap()
                .expose(),
            "x"
        );
    }

    #[test]
    fn check_available_round_trips_and_cleans_up() {
        let store = mock_store();
        store.check_available().unwrap();
        assert!(store
            .get(PROBE_PROFILE, SecretKind::AccessToken)
            .unwrap()
            .is_none());
        // The next probe's own item (each check uses a fresh one); no other unit test checks.
        let next_probe = format!(
            "{PROBE_PROFILE}-{}-{}",
            std::process::id(),
            PROBE_COUNTER.load(std::sync::atomic::Ordering::Relaxed)
        );
        fail_next(
            &store,
            &next_probe,
            SecretKind::AccessToken,
            keyring_core::Error::PlatformFailure(fake("Unavailable", "x")),
        );
        let text = store.check_available().unwrap_err().to_string();
        assert!(
            text.starts_with(
                "the OS keyring is not usable: no D-Bus session bus or Secret Service"
            ),
            "{text}"
        );
    }

    #[test]
    fn bad_profile_ids_are_refused() {
        let store = mock_store();
        for bad in ["", "a:b", "a b", "é"] {
            let err = store.get(bad, SecretKind::Statement).unwrap_err();
            assert_eq!(err.code(), "invalid_input", "{bad}");
        }
    }

    #[test]
    fn debug_shows_no_secrets() {
        let store = mock_store();
        store
            .set("p1", SecretKind::ClientSecret, &secret("hunter2"))
            .unwrap();
        let shown = format!("{store:?}");
        assert!(shown.contains("Mock store"), "{shown}");
        assert!(!shown.contains("hunter2"), "{shown}");
    }

    #[test]
    fn accounts_are_profile_colon_kind() {
        assert_eq!(
            account("production-abc", SecretKind::ClientSecret),
            "production-abc:client-secret"
        );
        assert_eq!(account("x", SecretKind::Statement), "x:statement");
        assert_eq!(account("x", SecretKind::AccessToken), "x:access-token");
    }
}
