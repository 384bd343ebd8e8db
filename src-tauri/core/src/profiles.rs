//! Profiles: the non-secret metadata of each registration (environment, software id, client
//! id, dates), kept in `profiles.json` in the config directory.
//!
//! The secrets that go with a profile (statement, client secret, token) live only in the OS
//! keyring, filed under the profile id (see [`crate::keyring_store`]).
//!
//! The file is rewritten atomically (temporary file in the same directory, fsync, rename) with
//! owner-only permissions on Unix. A file we cannot understand is reported and left alone:
//! losing a user's profiles silently would orphan their keyring items.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::environment::{Environment, EnvironmentKind};
use crate::error::Error;
use crate::paths::AppPaths;

/// The profiles file name inside [`AppPaths::config_dir`].
pub const FILE_NAME: &str = "profiles.json";

/// The format version this code reads and writes.
pub const FILE_VERSION: u32 = 1;

/// Longest label accepted by [`ProfileStore::rename`].
const MAX_LABEL_CHARS: usize = 100;

/// Longest software-id part of a profile id, so keyring account names stay short.
const MAX_ID_PART: usize = 64;

/// One registration: an app (software id) registered in one environment. Holds no secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Profile {
    /// Stable id derived from the environment and software id (see [`profile_id`]); also the
    /// keyring key of the profile's secrets.
    pub id: String,
    /// Name chosen by the user (defaults to the id).
    pub label: String,
    /// Where the profile registers, gets tokens and reads reports.
    pub environment: Environment,
    /// The software statement's `software_id`.
    pub software_id: String,
    /// The statement's `client_name`, when it has one.
    #[serde(default)]
    pub client_name: Option<String>,
    /// The client id from registration (empty until registered).
    #[serde(default)]
    pub client_id: String,
    /// When the client id was issued (`client_id_issued_at`), in Unix seconds.
    #[serde(default)]
    pub registered_at: Option<i64>,
    /// When the profile was created, in Unix seconds.
    pub created_at: i64,
    /// When the profile was last used, in Unix seconds; the newest is the default profile.
    pub last_used_at: i64,
}

impl Profile {
    /// A new, not yet registered profile for `software_id` in `environment`, labelled with its
    /// id and marked as used now (so it becomes the default).
    pub fn new(environment: &Environment, software_id: &str) -> Self {
        let id = profile_id(environment, software_id);
        let now = now();
        Self {
            label: id.clone(),
            id,
            environment: environment.clone(),
            software_id: software_id.to_owned(),
            client_name: None,
            client_id: String::new(),
            registered_at: None,
            created_at: now,
            last_used_at: now,
        }
    }
}

/// The stable profile id for a software id in an environment: `"{env-kind}-{software_id}"`,
/// lower-cased and reduced to `[a-z0-9-]`.
///
/// A short hash is appended when the software id had to be altered (so different ids cannot
/// collide) and, for custom environments, one of the two URLs (so different custom hosts get
/// different profiles). Demo profiles carry no URL hash: the demo server's port changes on
/// every run and the profile must survive that.
pub fn profile_id(environment: &Environment, software_id: &str) -> String {
    let kind = environment.kind();
    let mut id = format!("{}-", kind.as_str());
    let cleaned = sanitize(software_id);
    if cleaned.is_empty() {
        id.push_str("app");
    } else {
        id.push_str(&cleaned);
    }
    if cleaned != software_id {
        id.push('-');
        id.push_str(&short_hash(software_id));
    }
    if kind == EnvironmentKind::Custom {
        id.push('-');
        id.push_str(&short_hash(&format!(
            "{}\n{}",
            environment.sp_url(),
            environment.mgmt_url()
        )));
    }
    id
}

/// Lower-case ASCII letters and digits kept, runs of anything else turned into one `-`.
fn sanitize(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    let mut out: String = out.chars().take(MAX_ID_PART).collect();
    while out.ends_with('-') {
        out.pop();
    }
    out
}

/// First 8 hex digits of SHA-256: stable across runs and platforms, unlike `std`'s hasher.
fn short_hash(s: &str) -> String {
    Sha256::digest(s.as_bytes())
        .iter()
        .take(4)
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Whether `id` looks like something [`profile_id`] produces, so it is safe as a keyring key.
fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 200
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

/// Adobe sends `client_id_issued_at` in seconds (docs) or milliseconds (seen in the wild);
/// anything past the year 5138 in seconds is taken as milliseconds.
fn epoch_seconds(value: i64) -> i64 {
    if value > 99_999_999_999 {
        value / 1000
    } else {
        value
    }
}

/// `profiles.json` as written.
#[derive(Serialize)]
struct FileOut<'a> {
    version: u32,
    profiles: &'a [Profile],
}

/// The profiles list in `profiles.json`, read once the version is known to be ours.
#[derive(Deserialize)]
struct FileIn {
    profiles: Vec<Profile>,
}

/// The profiles file. Cheap to create; every call reads the file afresh so the app and `cmu`
/// see each other's changes.
#[derive(Debug)]
pub struct ProfileStore {
    path: PathBuf,
    /// Serializes read-modify-write cycles within this process (the app shares one store
    /// between tasks); it guards the file, not data.
    lock: Mutex<()>,
}

impl ProfileStore {
    /// The store in `paths.config_dir`. Nothing is read or created until first use.
    pub fn open(paths: &AppPaths) -> Result<Self, Error> {
        Ok(Self {
            path: paths.config_dir.join(FILE_NAME),
            lock: Mutex::new(()),
        })
    }

    /// Where the profiles are kept.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Every profile, in the order they were added; empty when the file does not exist yet.
    pub fn list(&self) -> Result<Vec<Profile>, Error> {
        let _guard = self.guard();
        self.load()
    }

    /// The profile with this exact id, else the one whose label matches (exactly, then
    /// ignoring case). No match, or a label shared by several profiles, is
    /// [`Error::NoProfile`] listing the ids to choose from.
    pub fn get(&self, id_or_label: &str) -> Result<Profile, Error> {
        let profiles = self.list()?;
        find(&profiles, id_or_label).cloned()
    }

    /// The profile for `software_id` in `environment`, if one was registered before.
    pub fn find_by_identity(
        &self,
        environment: &Environment,
        software_id: &str,
    ) -> Result<Option<Profile>, Error> {
        let id = profile_id(environment, software_id);
        Ok(self.list()?.into_iter().find(|p| p.id == id))
    }

    /// The most recently used profile; `None` when there are no profiles.
    pub fn default_profile(&self) -> Result<Option<Profile>, Error> {
        Ok(self
            .list()?
            .into_iter()
            // Ties (same second) go to the newer profile, then to the later id, so the
            // choice is deterministic.
            .max_by(|a, b| {
                (a.last_used_at, a.created_at, &a.id).cmp(&(b.last_used_at, b.created_at, &b.id))
            }))
    }

    /// Adds the profile, or replaces the one with the same id.
    pub fn upsert(&self, mut profile: Profile) -> Result<(), Error> {
        if !valid_id(&profile.id) {
            return Err(Error::InvalidInput(format!(
                "\"{}\" is not a valid profile id (lower-case letters, digits and '-')",
                profile.id.escape_default()
            )));
        }
        if profile.label.trim().is_empty() {
            profile.label = profile.id.clone();
        }
        profile.registered_at = profile.registered_at.map(epoch_seconds);
        self.modify(|profiles| {
            match profiles.iter_mut().find(|p| p.id == profile.id) {
                Some(existing) => *existing = profile,
                None => profiles.push(profile),
            }
            Ok(())
        })
    }

    /// Marks the profile as used now, which makes it the default.
    pub fn touch(&self, id: &str) -> Result<(), Error> {
        self.modify(|profiles| {
            let profile = find_id_mut(profiles, id)?;
            // Never move backwards (clock changes), so the default stays the default.
            profile.last_used_at = profile.last_used_at.max(now());
            Ok(())
        })
    }

    /// Gives the profile a new label and returns it.
    ///
    /// The label must be non-empty, one line, at most 100 characters, and must not name
    /// another profile (by label or id), so lookups by label stay unambiguous.
    pub fn rename(&self, id: &str, label: &str) -> Result<Profile, Error> {
        let label = label.trim();
        if label.is_empty() {
            return Err(Error::InvalidInput(
                "the label is empty; enter a name for the profile".to_owned(),
            ));
        }
        if label.chars().count() > MAX_LABEL_CHARS || label.chars().any(char::is_control) {
            return Err(Error::InvalidInput(format!(
                "the label must be one line of at most {MAX_LABEL_CHARS} characters"
            )));
        }
        self.modify(|profiles| {
            let target = find_id_mut(profiles, id)?.id.clone();
            let clash = profiles.iter().find(|p| {
                p.id != target
                    && (p.id.eq_ignore_ascii_case(label)
                        || p.label.to_lowercase() == label.to_lowercase())
            });
            if let Some(other) = clash {
                return Err(Error::InvalidInput(format!(
                    "the label \"{label}\" is already used by profile {}; choose another",
                    other.id
                )));
            }
            let profile = find_id_mut(profiles, &target)?;
            profile.label = label.to_owned();
            Ok(profile.clone())
        })
    }

    /// Removes the profile; `false` when there was none with this id. Its keyring items are
    /// not touched (see `KeyringStore::delete_all`).
    pub fn remove(&self, id: &str) -> Result<bool, Error> {
        self.modify(|profiles| {
            let before = profiles.len();
            profiles.retain(|p| p.id != id);
            Ok(profiles.len() != before)
        })
    }

    fn guard(&self) -> std::sync::MutexGuard<'_, ()> {
        // The mutex guards no data, so a panic elsewhere cannot have left anything half-done.
        self.lock
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Loads, applies `change`, and saves only if `change` succeeded. A file that cannot be
    /// read fails before anything is written.
    fn modify<T>(
        &self,
        change: impl FnOnce(&mut Vec<Profile>) -> Result<T, Error>,
    ) -> Result<T, Error> {
        let _guard = self.guard();
        let mut profiles = self.load()?;
        let result = change(&mut profiles)?;
        self.save(&profiles)?;
        Ok(result)
    }

    fn load(&self) -> Result<Vec<Profile>, Error> {
        let bytes = match fs::read(&self.path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(Error::io("read", &self.path, &e)),
        };
        parse(&bytes).map_err(|problem| {
            Error::LocalIo(format!(
                "cannot read profiles from {}: {problem}; the file will not be overwritten: fix \
                 it or move it away, then try again",
                self.path.display()
            ))
        })
    }

    fn save(&self, profiles: &[Profile]) -> Result<(), Error> {
        let dir = self.path.parent().unwrap_or_else(|| Path::new("."));
        fs::create_dir_all(dir).map_err(|e| Error::io("create", dir, &e))?;
        let mut json = serde_json::to_vec_pretty(&FileOut {
            version: FILE_VERSION,
            profiles,
        })
        .map_err(|e| Error::LocalIo(format!("cannot encode the profiles: {e}")))?;
        json.push(b'\n');
        // Same directory as the target so the rename cannot cross file systems.
        let tmp = dir.join(format!(
            ".{FILE_NAME}.{}.{}.tmp",
            std::process::id(),
            chrono::Utc::now().timestamp_nanos_opt().unwrap_or_default()
        ));
        let written = write_new_private(&tmp, &json)
            .map_err(|e| Error::io("write", &tmp, &e))
            .and_then(|()| {
                fs::rename(&tmp, &self.path).map_err(|e| Error::io("replace", &self.path, &e))
            });
        if let Err(e) = written {
            // Best effort: the temporary file holds nothing secret, but should not pile up.
            let _ = fs::remove_file(&tmp);
            return Err(e);
        }
        sync_dir(dir);
        Ok(())
    }
}

/// Creates `path` (which must not exist) readable by the owner only, writes and fsyncs it.
fn write_new_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        options.mode(0o600);
        let mut file = options.open(path)?;
        // The umask can only remove bits; set the mode explicitly anyway so it is exact.
        file.set_permissions(fs::Permissions::from_mode(0o600))?;
        file.write_all(bytes)?;
        file.sync_all()
    }
    #[cfg(not(unix))]
    {
        let mut file = options.open(path)?;
        file.write_all(bytes)?;
        file.sync_all()
    }
}

/// Makes the rename durable. Best effort: not every platform or file system allows it.
fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Ok(d) = fs::File::open(dir) {
        let _ = d.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}

/// Parses the file, or says (in a phrase) what is wrong with it.
fn parse(bytes: &[u8]) -> Result<Vec<Profile>, String> {
    let value: serde_json::Value =
        serde_json::from_slice(bytes).map_err(|e| format!("it is not valid JSON ({e})"))?;
    match value.get("version").and_then(serde_json::Value::as_u64) {
        Some(v) if v == u64::from(FILE_VERSION) => {}
        Some(v) if v > u64::from(FILE_VERSION) => {
            return Err(format!(
                "it was written by a newer CMU Studio (format version {v}: update CMU Studio \
                 to use it)"
            ))
        }
        _ => return Err("it has no supported \"version\" field".to_owned()),
    }
    let file: FileIn = serde_path_to_error::deserialize(value)
        .map_err(|e| format!("invalid entry at {} ({})", e.path(), e.inner()))?;
    let mut seen = std::collections::HashSet::new();
    for p in &file.profiles {
        if !valid_id(&p.id) {
            return Err(format!(
                "\"{}\" is not a valid profile id",
                p.id.escape_default()
            ));
        }
        if !seen.insert(p.id.as_str()) {
            return Err(format!("profile id {} appears twice", p.id));
        }
    }
    Ok(file.profiles)
}

/// Lookup by id, then by label; see [`ProfileStore::get`].
fn find<'a>(profiles: &'a [Profile], wanted: &str) -> Result<&'a Profile, Error> {
    let wanted = wanted.trim();
    if let Some(p) = profiles.iter().find(|p| p.id == wanted) {
        return Ok(p);
    }
    let lower = wanted.to_lowercase();
    let matchers: [&dyn Fn(&Profile) -> bool; 3] = [
        &|p| p.id.eq_ignore_ascii_case(wanted),
        &|p| p.label == wanted,
        &|p| p.label.to_lowercase() == lower,
    ];
    for matches in matchers {
        let found: Vec<&Profile> = profiles.iter().filter(|p| matches(p)).collect();
        match found.as_slice() {
            [] => continue,
            [one] => return Ok(one),
            many => {
                let ids: Vec<&str> = many.iter().map(|p| p.id.as_str()).collect();
                return Err(Error::NoProfile(format!(
                    "\"{wanted}\" matches several profiles ({}); use the profile id instead \
                     (see `cmu profiles`)",
                    ids.join(", ")
                )));
            }
        }
    }
    Err(not_found(profiles, wanted))
}

fn find_id_mut<'a>(profiles: &'a mut [Profile], id: &str) -> Result<&'a mut Profile, Error> {
    if !profiles.iter().any(|p| p.id == id) {
        return Err(not_found(profiles, id));
    }
    profiles
        .iter_mut()
        .find(|p| p.id == id)
        .ok_or_else(|| Error::NoProfile(format!("no profile \"{id}\"")))
}

fn not_found(profiles: &[Profile], wanted: &str) -> Error {
    if profiles.is_empty() {
        return Error::NoProfile(format!(
            "no profile \"{wanted}\": there are no profiles yet; import a software statement \
             first: cmu import FILE"
        ));
    }
    let ids: Vec<&str> = profiles.iter().map(|p| p.id.as_str()).collect();
    Error::NoProfile(format!(
        "no profile \"{wanted}\"; available: {} (see `cmu profiles`)",
        ids.join(", ")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(kind: EnvironmentKind) -> Environment {
        Environment::named(kind).unwrap()
    }

    fn store() -> (tempfile::TempDir, ProfileStore) {
        let dir = tempfile::tempdir().unwrap();
        let store = ProfileStore::open(&AppPaths::under(dir.path())).unwrap();
        (dir, store)
    }

    fn profile(software_id: &str, last_used_at: i64) -> Profile {
        let mut p = Profile::new(&env(EnvironmentKind::Production), software_id);
        p.client_id = format!("client-{software_id}");
        p.created_at = 1_000;
        p.last_used_at = last_used_at;
        p
    }

    #[test]
    fn ids_are_stable_and_sanitized() {
        let prod = env(EnvironmentKind::Production);
        assert_eq!(profile_id(&prod, "abc-123"), "production-abc-123");
        let uuid = "b8a6a8d1-0f2e-4c3b-9d7a-1e2f3a4b5c6d";
        assert_eq!(profile_id(&prod, uuid), format!("production-{uuid}"));
        let staged = env(EnvironmentKind::PrequalStaging);
        assert_eq!(profile_id(&staged, "x1"), "prequal-staging-x1");
        // Altered software ids get a hash so they cannot collide.
        let a = profile_id(&prod, "My App_1");
        let b = profile_id(&prod, "my-app-1");
        assert!(a.starts_with("production-my-app-1-"), "{a}");
        assert_ne!(a, b);
        assert_eq!(a, profile_id(&prod, "My App_1"));
        assert!(valid_id(&a));
        assert!(valid_id(&profile_id(&prod, "")), "empty software id");
        assert!(valid_id(&profile_id(&prod, "ÉÉ::")));
        let long = "a".repeat(500);
        assert!(profile_id(&prod, &long).len() < 90);
    }

    #[test]
    fn custom_ids_hash_the_urls_and_demo_ids_do_not() {
        let c1 = Environment::custom("https://a.example", "https://b.example").unwrap();
        let c2 = Environment::custom("https://a.example", "https://c.example").unwrap();
        let id1 = profile_id(&c1, "app");
        assert!(id1.starts_with("custom-app-"), "{id1}");
        assert_eq!(id1.len(), "custom-app-".len() + 8);
        assert_ne!(id1, profile_id(&c2, "app"));
        assert_eq!(id1, profile_id(&c1.clone(), "app"));
        let d1 = Environment::demo(&url::Url::parse("http://127.0.0.1:4000/").unwrap());
        let d2 = Environment::demo(&url::Url::parse("http://127.0.0.1:5000/").unwrap());
        assert_eq!(profile_id(&d1, "app"), "demo-app");
        assert_eq!(profile_id(&d2, "app"), "demo-app");
    }

    #[test]
    fn missing_file_is_an_empty_list() {
        let (_dir, store) = store();
        assert!(store.list().unwrap().is_empty());
        assert!(store.default_profile().unwrap().is_none());
        assert!(!store.path().exists(), "reading creates nothing");
        let err = store.get("x").unwrap_err();
        assert_eq!(err.code(), "no_profile");
        assert!(err.to_string().contains("cmu import"), "{err}");
    }

    #[test]
    fn upsert_list_get_remove() {
        let (_dir, store) = store();
        let mut a = profile("a", 10);
        store.upsert(a.clone()).unwrap();
        store.upsert(profile("b", 20)).unwrap();
        assert_eq!(store.list().unwrap().len(), 2);
        a.client_id = "new-client".into();
        store.upsert(a.clone()).unwrap();
        let list = store.list().unwrap();
        assert_eq!(list.len(), 2, "replaced, not added");
        assert_eq!(list[0], a, "order kept");
        assert_eq!(store.get("production-a").unwrap(), a);
        assert_eq!(
            store
                .find_by_identity(&env(EnvironmentKind::Production), "a")
                .unwrap(),
            Some(a.clone())
        );
        assert_eq!(
            store
                .find_by_identity(&env(EnvironmentKind::Staging), "a")
                .unwrap(),
            None
        );
        assert!(store.remove("production-a").unwrap());
        assert!(!store.remove("production-a").unwrap());
        assert_eq!(store.list().unwrap().len(), 1);
    }

    #[test]
    fn file_format_is_versioned_camel_case_and_secret_free() {
        let (_dir, store) = store();
        let mut p = profile("a", 10);
        p.client_name = Some("My App".into());
        p.registered_at = Some(1_700_725_699_585);
        store.upsert(p).unwrap();
        let text = fs::read_to_string(store.path()).unwrap();
        let json: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(json["version"], 1);
        let p = &json["profiles"][0];
        assert_eq!(p["id"], "production-a");
        assert_eq!(p["softwareId"], "a");
        assert_eq!(p["clientId"], "client-a");
        assert_eq!(p["clientName"], "My App");
        assert_eq!(p["registeredAt"], 1_700_725_699, "milliseconds normalized");
        assert_eq!(p["lastUsedAt"], 10);
        assert_eq!(p["environment"]["kind"], "production");
        assert!(!text.to_lowercase().contains("secret"), "{text}");
        assert!(!text.to_lowercase().contains("token"), "{text}");
    }

    #[test]
    fn default_is_most_recently_used_and_touch_moves_it() {
        let (_dir, store) = store();
        store.upsert(profile("a", 10)).unwrap();
        store.upsert(profile("b", 30)).unwrap();
        store.upsert(profile("c", 20)).unwrap();
        assert_eq!(store.default_profile().unwrap().unwrap().id, "production-b");
        store.touch("production-a").unwrap();
        let a = store.get("production-a").unwrap();
        assert!(a.last_used_at >= now() - 5);
        assert_eq!(store.default_profile().unwrap().unwrap().id, "production-a");
        let err = store.touch("production-zzz").unwrap_err();
        assert_eq!(err.code(), "no_profile");
        assert!(err.to_string().contains("production-a"), "{err}");
    }

    #[test]
    fn label_lookup_and_rename() {
        let (_dir, store) = store();
        store.upsert(profile("a", 10)).unwrap();
        store.upsert(profile("b", 20)).unwrap();
        let renamed = store.rename("production-a", "  Main site ").unwrap();
        assert_eq!(renamed.label, "Main site");
        assert_eq!(store.get("Main site").unwrap().id, "production-a");
        assert_eq!(store.get("main SITE").unwrap().id, "production-a");
        assert_eq!(store.get("PRODUCTION-B").unwrap().id, "production-b");
        // Labels stay unique and never shadow an id.
        let err = store.rename("production-b", "main site").unwrap_err();
        assert_eq!(err.code(), "invalid_input");
        let err = store.rename("production-b", "production-a").unwrap_err();
        assert_eq!(err.code(), "invalid_input");
        // Renaming to its own label (other case) is fine.
        store.rename("production-a", "MAIN SITE").unwrap();
        assert_eq!(
            store.rename("production-a", "").unwrap_err().code(),
            "invalid_input"
        );
        assert_eq!(
            store
                .rename("production-a", "two\nlines")
                .unwrap_err()
                .code(),
            "invalid_input"
        );
        assert_eq!(
            store
                .rename("production-a", &"x".repeat(101))
                .unwrap_err()
                .code(),
            "invalid_input"
        );
        assert_eq!(store.rename("nope", "x").unwrap_err().code(), "no_profile");
    }

    #[test]
    fn unknown_and_ambiguous_names_list_the_ids() {
        let (_dir, store) = store();
        let mut a = profile("a", 10);
        a.label = "Shared".into();
        let mut b = profile("b", 20);
        b.label = "Shared".into();
        store.upsert(a).unwrap();
        store.upsert(b).unwrap();
        let err = store.get("shared").unwrap_err();
        assert_eq!(err.code(), "no_profile");
        let text = err.to_string();
        assert!(
            text.contains("several profiles (production-a, production-b)"),
            "{text}"
        );
        assert!(text.contains("cmu profiles"), "{text}");
        let text = store.get("Shared").unwrap_err().to_string();
        assert!(text.contains("several"), "{text}");
        let text = store.get("other").unwrap_err().to_string();
        assert!(
            text.contains("available: production-a, production-b"),
            "{text}"
        );
        assert!(text.contains("cmu profiles"), "{text}");
        // The id still wins over any label.
        assert_eq!(store.get("production-a").unwrap().id, "production-a");
    }

    #[test]
    fn corrupt_file_is_reported_and_left_untouched() {
        let (_dir, store) = store();
        fs::create_dir_all(store.path().parent().unwrap()).unwrap();
        for corrupt in [
            "{ not json".to_owned(),
            r#"{"profiles": []}"#.to_owned(),
            r#"{"version": 2, "profiles": []}"#.to_owned(),
            r#"{"version": 1, "profiles": [{"id": "x"}]}"#.to_owned(),
            r#"{"version": 1, "profiles": 3}"#.to_owned(),
        ] {
            fs::write(store.path(), &corrupt).unwrap();
            let err = store.list().unwrap_err();
            assert_eq!(err.code(), "local_io");
            let text = err.to_string();
            assert!(!text.contains('\n'), "{text}");
            assert!(text.contains(&store.path().display().to_string()), "{text}");
            assert!(text.contains("will not be overwritten"), "{text}");
            assert!(store.upsert(profile("a", 1)).is_err());
            assert!(store.touch("production-a").is_err());
            assert!(store.remove("production-a").is_err());
            assert!(store.rename("production-a", "x").is_err());
            assert_eq!(fs::read_to_string(store.path()).unwrap(), corrupt);
        }
        let text = {
            fs::write(store.path(), r#"{"version": 9}"#).unwrap();
            store.list().unwrap_err().to_string()
        };
        assert!(text.contains("newer CMU Studio"), "{text}");
    }

    #[test]
    fn duplicate_or_invalid_ids_in_the_file_are_refused() {
        let (_dir, store) = store();
        store.upsert(profile("a", 1)).unwrap();
        let text = fs::read_to_string(store.path()).unwrap();
        let mut json: serde_json::Value = serde_json::from_str(&text).unwrap();
        let first = json["profiles"][0].clone();
        json["profiles"].as_array_mut().unwrap().push(first);
        fs::write(store.path(), json.to_string()).unwrap();
        assert!(store.list().unwrap_err().to_string().contains("twice"));
        json["profiles"] = serde_json::json!([]);
        let mut bad = profile("a", 1);
        bad.id = "Bad Id".into();
        json["profiles"]
            .as_array_mut()
            .unwrap()
            .push(serde_json::to_value(&bad).unwrap());
        fs::write(store.path(), json.to_string()).unwrap();
        assert!(store.list().is_err());
        assert_eq!(store.upsert(bad).unwrap_err().code(), "invalid_input");
    }

    #[test]
    fn writes_are_atomic_and_leave_no_temporary_files() {
        let (_dir, store) = store();
        for i in 0..20 {
            store.upsert(profile(&format!("p{i}"), i)).unwrap();
        }
        let dir = store.path().parent().unwrap();
        let names: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, vec![FILE_NAME.to_owned()]);
        assert_eq!(store.list().unwrap().len(), 20);
    }

    #[test]
    fn failed_write_keeps_the_previous_file() {
        let (_dir, store) = store();
        store.upsert(profile("a", 1)).unwrap();
        let before = fs::read_to_string(store.path()).unwrap();
        // A directory squatting on the target name makes the final rename fail, after the
        // temporary file was written.
        let blocked = tempfile::tempdir().unwrap();
        let paths = AppPaths::under(blocked.path());
        fs::create_dir_all(paths.config_dir.join(FILE_NAME).join("x")).unwrap();
        let other = ProfileStore::open(&paths).unwrap();
        assert!(other.upsert(profile("b", 1)).is_err());
        let leftovers: Vec<_> = fs::read_dir(&paths.config_dir)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(leftovers.len(), 1, "temporary file removed: {leftovers:?}");
        // The first store was never touched.
        assert_eq!(fs::read_to_string(store.path()).unwrap(), before);
    }

    #[test]
    fn concurrent_writers_in_one_process_lose_nothing() {
        let (_dir, store) = store();
        let store = std::sync::Arc::new(store);
        let handles: Vec<_> = (0..8)
            .map(|i| {
                let store = store.clone();
                std::thread::spawn(move || store.upsert(profile(&format!("t{i}"), i)).unwrap())
            })
            .collect();
        for h in handles {
            h.join().unwrap();
        }
        assert_eq!(store.list().unwrap().len(), 8);
    }

    #[cfg(unix)]
    #[test]
    fn file_is_owner_only() {
        use std::os::unix::fs::PermissionsExt;
        let (_dir, store) = store();
        store.upsert(profile("a", 1)).unwrap();
        let mode = fs::metadata(store.path()).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
        // A previously world-readable file is replaced by an owner-only one.
        fs::set_permissions(store.path(), fs::Permissions::from_mode(0o644)).unwrap();
        store.touch("production-a").unwrap();
        let mode = fs::metadata(store.path()).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }

    #[test]
    fn environment_round_trips_through_the_file() {
        let (_dir, store) = store();
        let custom =
            Environment::custom("https://sp.example", "https://mgmt.example/base").unwrap();
        let mut p = Profile::new(&custom, "app");
        p.client_id = "c".into();
        store.upsert(p.clone()).unwrap();
        assert_eq!(store.get(&p.id).unwrap(), p);
        assert_eq!(p.label, p.id, "label defaults to the id");
    }
}
