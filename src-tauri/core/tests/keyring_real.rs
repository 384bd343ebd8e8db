//! `KeyringStore` against a real Secret Service.
//!
//! Run through `scripts/with-keyring.sh cargo test -p cmu-core --test keyring_real`, which
//! provides a private D-Bus session with an unlocked, throwaway gnome-keyring. These tests fail
//! (they do not skip) when that is missing: a keyring that silently does nothing is exactly the
//! bug they exist to catch. `secret-tool` (libsecret-tools) is used as an independent reader to
//! prove items really are in the Secret Service.
#![cfg(target_os = "linux")]
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::process::{Command, Output};

use cmu_core::keyring_store::{account, KeyringStore, SecretKind, SERVICE};
use cmu_core::secret::Secret;

/// Set by `scripts/with-keyring.sh` inside its private session.
const SESSION_MARKER: &str = "CMU_IN_KEYRING_SESSION";

/// Marks the line on which a child run reports the error it got.
const MESSAGE_PREFIX: &str = "KEYRING_MESSAGE=";

/// The real store of the private session; never the developer's own keyring.
fn real_store() -> KeyringStore {
    assert!(
        std::env::var_os(SESSION_MARKER).is_some(),
        "run these tests through scripts/with-keyring.sh: they need a throwaway Secret Service \
         and must not touch your own keyring"
    );
    KeyringStore::platform().unwrap_or_else(|e| panic!("no usable Secret Service: {e}"))
}

/// A profile id no other test (or earlier run) uses.
fn profile(name: &str) -> String {
    format!("it-{name}-{}", std::process::id())
}

fn secret(s: &str) -> Secret<String> {
    Secret::new(s.to_owned())
}

fn secret_tool(args: &[&str]) -> Output {
    Command::new("secret-tool")
        .args(args)
        .output()
        .expect("secret-tool (libsecret-tools) must be installed")
}

/// What `secret-tool` finds for one item: its secret and attributes (search prints the secret
/// on stdout and the attributes on stderr), or an empty string when there is no such item.
fn search(profile_id: &str, kind: SecretKind) -> String {
    let user = account(profile_id, kind);
    let out = secret_tool(&[
        "search",
        "--all",
        "service",
        SERVICE,
        "username",
        user.as_str(),
    ]);
    assert!(out.status.success(), "secret-tool search failed: {out:?}");
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

#[test]
fn each_kind_round_trips_and_deletes() {
    let store = real_store();
    let id = profile("roundtrip");
    for kind in SecretKind::ALL {
        assert!(
            store.get(&id, kind).unwrap().is_none(),
            "{kind} starts empty"
        );
        store
            .set(&id, kind, &secret(&format!("first {kind}")))
            .unwrap();
        // Setting again replaces the item rather than adding a second one.
        store
            .set(&id, kind, &secret(&format!("second {kind} ✓")))
            .unwrap();
        assert_eq!(
            store.get(&id, kind).unwrap().unwrap().expose(),
            &format!("second {kind} ✓")
        );
        store.delete(&id, kind).unwrap();
        assert!(store.get(&id, kind).unwrap().is_none(), "{kind} deleted");
        store.delete(&id, kind).unwrap();
    }
}

#[test]
fn stored_secret_is_really_in_the_secret_service() {
    let store = real_store();
    let id = profile("visible");
    let value = "client-secret-value-for-secret-tool";
    store
        .set(&id, SecretKind::ClientSecret, &secret(value))
        .unwrap();

    let user = account(&id, SecretKind::ClientSecret);
    let looked_up = secret_tool(&["lookup", "service", SERVICE, "username", user.as_str()]);
    assert!(looked_up.status.success(), "{looked_up:?}");
    assert_eq!(String::from_utf8_lossy(&looked_up.stdout), value);

    let found = search(&id, SecretKind::ClientSecret);
    assert!(
        found.contains(&format!("attribute.service = {SERVICE}")),
        "{found}"
    );
    assert!(
        found.contains(&format!("attribute.username = {user}")),
        "{found}"
    );
    assert!(
        found.contains(&format!("label = CMU Studio client secret ({id})")),
        "{found}"
    );
    assert!(found.contains(&format!("secret = {value}")), "{found}");

    store.delete_all(&id).unwrap();
}

#[test]
fn token_round_trips_with_expiry() {
    let store = real_store();
    let id = profile("token");
    assert!(store.load_token(&id).unwrap().is_none());
    store
        .store_token(&id, &secret("eyJ.token.sig"), 1_900_000_000)
        .unwrap();
    let (token, expires_at) = store.load_token(&id).unwrap().unwrap();
    assert_eq!(token.expose(), "eyJ.token.sig");
    assert_eq!(expires_at, 1_900_000_000);
    let found = search(&id, SecretKind::AccessToken);
    assert!(found.contains("\"expires_at\":1900000000"), "{found}");
    store.delete_all(&id).unwrap();
}

#[test]
fn delete_all_leaves_nothing_behind() {
    let store = real_store();
    let id = profile("deleteall");
    let other = profile("deleteall-other");
    for kind in SecretKind::ALL {
        store.set(&id, kind, &secret("x")).unwrap();
        store.set(&other, kind, &secret("y")).unwrap();
        assert!(search(&id, kind).contains("secret = x"));
    }
    store.delete_all(&id).unwrap();
    for kind in SecretKind::ALL {
        let found = search(&id, kind);
        assert!(found.trim().is_empty(), "{kind} left behind: {found}");
        assert!(store.get(&id, kind).unwrap().is_none());
        // Only that profile's items went.
        assert!(search(&other, kind).contains("secret = y"));
    }
    store.delete_all(&other).unwrap();
    for kind in SecretKind::ALL {
        assert!(search(&other, kind).trim().is_empty());
    }
}

#[test]
fn check_available_round_trips_without_leftovers() {
    let store = real_store();
    store.check_available().unwrap();
    let out = secret_tool(&[
        "search",
        "--all",
        "service",
        SERVICE,
        "username",
        "_probe:access-token",
    ]);
    assert!(out.status.success(), "{out:?}");
    assert!(out.stdout.is_empty() && out.stderr.is_empty(), "{out:?}");
}

/// Runs one `#[ignore]`d child test of this binary in another process, so environment changes
/// stay out of this (multi-threaded) test process, and returns the message it reported.
fn child_message(prepare: impl FnOnce(&mut Command)) -> String {
    let exe = std::env::current_exe().unwrap();
    let mut cmd = Command::new(&exe);
    cmd.args([
        "--ignored",
        "--exact",
        "child_reports_keyring_error",
        "--nocapture",
    ]);
    prepare(&mut cmd);
    let out = cmd.output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "child failed: {out:?}\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
        .lines()
        .find_map(|l| l.strip_prefix(MESSAGE_PREFIX))
        .unwrap_or_else(|| panic!("child reported no message: {stdout}"))
        .to_owned()
}

#[test]
fn missing_session_bus_is_one_actionable_line() {
    let dir = tempfile::tempdir().unwrap();
    let socket = dir.path().join("no-such-bus");
    let message = child_message(|cmd| {
        cmd.env(
            "DBUS_SESSION_BUS_ADDRESS",
            format!("unix:path={}", socket.display()),
        );
    });
    assert_eq!(
        message,
        "cannot open the OS keyring: no D-Bus session bus: start a desktop session, or run \
         inside `dbus-run-session` (keyring error: PlatformFailure)"
    );
    assert!(!message.contains("no-such-bus"), "no raw platform text");
}

#[test]
fn bus_without_secret_service_is_one_actionable_line() {
    // A private bus that can start no services, so nothing provides org.freedesktop.secrets.
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("bare-bus.conf");
    write_bare_bus_config(&config, dir.path());
    let message = child_message(|cmd| {
        let exe = cmd.get_program().to_owned();
        let args: Vec<_> = cmd.get_args().map(ToOwned::to_owned).collect();
        *cmd = Command::new("dbus-run-session");
        cmd.arg(format!("--config-file={}", config.display()))
            .arg("--")
            .arg(exe)
            .args(args);
    });
    assert_eq!(
        message,
        "cannot open the OS keyring: no Secret Service is running (org.freedesktop.secrets): \
         install and start gnome-keyring or KeePassXC's Secret Service integration (keyring \
         error: PlatformFailure)"
    );
}

#[test]
fn secret_service_without_login_keyring_is_one_actionable_line() {
    // A fresh home: the bus starts gnome-keyring on demand, but it has no keyring to store into.
    let home = tempfile::tempdir().unwrap();
    let message = child_message(|cmd| {
        let exe = cmd.get_program().to_owned();
        let args: Vec<_> = cmd.get_args().map(ToOwned::to_owned).collect();
        *cmd = Command::new("dbus-run-session");
        cmd.arg("--")
            .arg(exe)
            .args(args)
            .env("HOME", home.path())
            .env("XDG_DATA_HOME", home.path().join("data"))
            .env("XDG_CONFIG_HOME", home.path().join("config"))
            .env("XDG_RUNTIME_DIR", home.path());
    });
    assert_eq!(
        message,
        "the OS keyring is not usable: the Secret Service has no default keyring: create one \
         (e.g. a \"Login\" keyring in Seahorse, or a default collection in KeePassXC's Secret \
         Service settings) (keyring error: NoStorageAccess)"
    );
}

fn write_bare_bus_config(path: &Path, socket_dir: &Path) {
    let xml = format!(
        r#"<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:tmpdir={}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"#,
        socket_dir.display()
    );
    std::fs::write(path, xml).unwrap();
}

/// Not a test on its own: the child process of the tests above. It opens the platform store in
/// whatever session it was started in, probes it, and reports the error it must get.
#[test]
#[ignore = "child process of the *_is_one_actionable_line tests"]
fn child_reports_keyring_error() {
    match KeyringStore::platform().and_then(|store| store.check_available()) {
        Ok(()) => panic!("expected no usable keyring"),
        Err(e) => {
            let message = e.to_string();
            assert_eq!(e.code(), "keyring_unavailable");
            assert_eq!(e.exit_code(), 6);
            assert!(!message.contains('\n'), "one line: {message}");
            println!("{MESSAGE_PREFIX}{message}");
        }
    }
}
