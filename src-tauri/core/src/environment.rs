//! Where to talk to: the Adobe Pass environments, the embedded demo server, or custom hosts.
//!
//! Two base URLs per environment: `sp` serves registration and tokens, `mgmt` serves the CMU
//! reports. Base URLs are validated once, on construction and on deserialization, so the
//! rest of the code can join paths onto them without re-checking.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use url::{Host, Url};

use crate::error::Error;

/// The kinds of environment a profile can target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum EnvironmentKind {
    /// Adobe Pass production.
    Production,
    /// Adobe Pass staging.
    Staging,
    /// Adobe Pass prequal production.
    PrequalProduction,
    /// Adobe Pass prequal staging.
    PrequalStaging,
    /// The embedded fake server, for trying the app without Adobe credentials.
    Demo,
    /// Hosts entered by the user.
    Custom,
}

impl EnvironmentKind {
    /// Every kind, in the order a picker lists them.
    pub const ALL: [EnvironmentKind; 6] = [
        EnvironmentKind::Production,
        EnvironmentKind::Staging,
        EnvironmentKind::PrequalProduction,
        EnvironmentKind::PrequalStaging,
        EnvironmentKind::Demo,
        EnvironmentKind::Custom,
    ];

    /// The kebab-case name used in settings files and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            EnvironmentKind::Production => "production",
            EnvironmentKind::Staging => "staging",
            EnvironmentKind::PrequalProduction => "prequal-production",
            EnvironmentKind::PrequalStaging => "prequal-staging",
            EnvironmentKind::Demo => "demo",
            EnvironmentKind::Custom => "custom",
        }
    }

    /// The name shown to people.
    pub fn label(self) -> &'static str {
        match self {
            EnvironmentKind::Production => "Production",
            EnvironmentKind::Staging => "Staging",
            EnvironmentKind::PrequalProduction => "Prequal production",
            EnvironmentKind::PrequalStaging => "Prequal staging",
            EnvironmentKind::Demo => "Demo",
            EnvironmentKind::Custom => "Custom",
        }
    }

    /// The documented `(sp, mgmt)` hosts, for the four Adobe-hosted kinds only.
    pub fn adobe_hosts(self) -> Option<(&'static str, &'static str)> {
        match self {
            EnvironmentKind::Production => {
                Some(("https://sp.auth.adobe.com", "https://mgmt.auth.adobe.com"))
            }
            EnvironmentKind::Staging => Some((
                "https://sp.auth-staging.adobe.com",
                "https://mgmt.auth-staging.adobe.com",
            )),
            EnvironmentKind::PrequalProduction => Some((
                "https://sp-prequal.auth.adobe.com",
                "https://mgmt-prequal.auth.adobe.com",
            )),
            EnvironmentKind::PrequalStaging => Some((
                "https://sp-prequal.auth-staging.adobe.com",
                "https://mgmt-prequal.auth-staging.adobe.com",
            )),
            EnvironmentKind::Demo | EnvironmentKind::Custom => None,
        }
    }

    /// Whether this kind is one of Adobe's environments (as opposed to demo or custom).
    pub fn is_adobe(self) -> bool {
        self.adobe_hosts().is_some()
    }
}

impl fmt::Display for EnvironmentKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for EnvironmentKind {
    type Err = Error;

    /// Case-insensitive; `_` and spaces are read as `-` so `Prequal staging` also works.
    fn from_str(s: &str) -> Result<Self, Error> {
        let wanted: String = s
            .trim()
            .chars()
            .map(|c| match c {
                '_' | ' ' => '-',
                c => c.to_ascii_lowercase(),
            })
            .collect();
        Self::ALL
            .into_iter()
            .find(|kind| kind.as_str() == wanted)
            .ok_or_else(|| {
                let names: Vec<&str> = Self::ALL.iter().map(|k| k.as_str()).collect();
                Error::InvalidInput(format!(
                    "unknown environment \"{}\"; use one of: {}",
                    shorten(s.trim()),
                    names.join(", ")
                ))
            })
    }
}

/// A target: its kind and its two validated base URLs (each ending in `/`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", try_from = "EnvironmentRepr")]
pub struct Environment {
    kind: EnvironmentKind,
    sp_url: Url,
    mgmt_url: Url,
}

/// The unchecked shape of [`Environment`] in settings files, validated by `TryFrom`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct EnvironmentRepr {
    kind: EnvironmentKind,
    sp_url: String,
    mgmt_url: String,
}

impl TryFrom<EnvironmentRepr> for Environment {
    type Error = Error;

    fn try_from(repr: EnvironmentRepr) -> Result<Self, Error> {
        Environment::new(repr.kind, &repr.sp_url, &repr.mgmt_url)
    }
}

impl Environment {
    /// Any kind with explicit base URLs, e.g. an Adobe environment whose reports host differs
    /// from the documented one (the seed shows `https://cm-cmu-<region>.stage.cm.adobeprimetime.com`).
    pub fn new(kind: EnvironmentKind, sp: &str, mgmt: &str) -> Result<Self, Error> {
        Ok(Self {
            kind,
            sp_url: validate_base_url(sp)
                .map_err(|e| prefix_message(e, "registration/token URL"))?,
            mgmt_url: validate_base_url(mgmt).map_err(|e| prefix_message(e, "reports URL"))?,
        })
    }

    /// One of the four Adobe environments with its documented hosts; `None` for demo and custom,
    /// which have no fixed hosts (use [`Environment::demo`] or [`Environment::custom`]).
    pub fn named(kind: EnvironmentKind) -> Option<Self> {
        let (sp, mgmt) = kind.adobe_hosts()?;
        Self::new(kind, sp, mgmt).ok()
    }

    /// Hosts entered by the user.
    pub fn custom(sp: &str, mgmt: &str) -> Result<Self, Error> {
        Self::new(EnvironmentKind::Custom, sp, mgmt)
    }

    /// The embedded fake server, which serves registration, tokens and reports on one base URL.
    ///
    /// The URL comes from our own server, so it is only normalized, not validated.
    pub fn demo(base: &Url) -> Self {
        let base = normalize(base.clone());
        Self {
            kind: EnvironmentKind::Demo,
            sp_url: base.clone(),
            mgmt_url: base,
        }
    }

    /// The kind of environment.
    pub fn kind(&self) -> EnvironmentKind {
        self.kind
    }

    /// The name shown to people.
    pub fn label(&self) -> &'static str {
        self.kind.label()
    }

    /// Registration and token base URL (ends in `/`).
    pub fn sp_url(&self) -> &Url {
        &self.sp_url
    }

    /// Reports base URL (ends in `/`).
    pub fn mgmt_url(&self) -> &Url {
        &self.mgmt_url
    }

    /// `POST` here to register: `{sp}/o/client/register`.
    pub fn register_url(&self) -> Url {
        append_path(&self.sp_url, "o/client/register")
    }

    /// `POST` here for a token: `{sp}/o/client/token`.
    pub fn token_url(&self) -> Url {
        append_path(&self.sp_url, "o/client/token")
    }

    /// The CMU API root: `{mgmt}/cmu/v2`.
    pub fn reports_root(&self) -> Url {
        append_path(&self.mgmt_url, "cmu/v2")
    }

    /// A report URL from a server path such as `/cmu/v2/year/month` (as found in HAL links),
    /// kept under the base's own path prefix. A `?query` in `path` is kept.
    ///
    /// Refuses absolute URLs and `..` segments: links must not send the token to another host
    /// or outside the configured base.
    pub fn reports_url(&self, path: &str) -> Result<Url, Error> {
        let (path, query) = match path.split_once('?') {
            Some((path, query)) => (path, Some(query)),
            None => (path, None),
        };
        let bad = |why: &str| {
            Error::InvalidInput(format!(
                "the report path \"{}\" {why}; use a path such as /cmu/v2/year/month",
                shorten(path)
            ))
        };
        if path.contains("://") || path.starts_with("//") || path.contains('\\') {
            return Err(bad("is not a path on the reports host"));
        }
        if path.contains('#') {
            return Err(bad("contains a '#' fragment"));
        }
        // URL parsers treat `%2e` as `.`, so `.%2E` climbs up just like `..`.
        if path
            .split('/')
            .any(|seg| seg.to_ascii_lowercase().replace("%2e", ".") == "..")
        {
            return Err(bad("contains '..'"));
        }
        let base_path = self.mgmt_url.path();
        let relative = path.trim_start_matches('/');
        // Links from a server mounted under a prefix may already carry that prefix.
        let relative = match base_path.trim_start_matches('/') {
            "" => relative,
            prefix => relative.strip_prefix(prefix).unwrap_or(relative),
        };
        let mut url = append_path(&self.mgmt_url, relative);
        url.set_query(query.filter(|q| !q.is_empty()));
        Ok(url)
    }

    /// Whether both base URLs point at this computer (demo server, local tests).
    pub fn is_loopback(&self) -> bool {
        is_loopback(&self.sp_url) && is_loopback(&self.mgmt_url)
    }
}

/// Checks a base URL typed by a person or read from settings: `https`, or `http` only for this
/// computer (`127.0.0.0/8`, `[::1]`, `localhost`); no user name or password; no query or
/// fragment. The returned URL's path ends in `/` so paths can be appended.
pub fn validate_base_url(s: &str) -> Result<Url, Error> {
    const EXAMPLE: &str = "such as https://sp.auth.adobe.com";
    let s = s.trim();
    if s.is_empty() {
        return Err(Error::InvalidInput(format!(
            "the URL is empty; enter a base URL {EXAMPLE}"
        )));
    }
    // Never echo text that may hold a password.
    let shown = if s.contains('@') {
        "(URL with a user name)".to_owned()
    } else {
        format!("\"{}\"", shorten(s))
    };
    let url = Url::parse(s).map_err(|e| {
        let hint = if s.contains("://") {
            format!("it is not a valid URL ({e})")
        } else {
            "it has no scheme, write it as https://…".to_owned()
        };
        Error::InvalidInput(format!(
            "cannot use {shown}: {hint}; enter a base URL {EXAMPLE}"
        ))
    })?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err(Error::InvalidInput(
            "the URL contains a user name or password; remove the \"user:password@\" part, \
             credentials never go in URLs"
                .to_owned(),
        ));
    }
    match url.scheme() {
        "https" => {}
        "http" if is_loopback(&url) => {}
        "http" => {
            return Err(Error::InvalidInput(format!(
                "cannot use {shown}: plain http is allowed only for this computer (localhost, \
                 127.0.0.1, [::1]); use https://"
            )))
        }
        other => {
            return Err(Error::InvalidInput(format!(
                "cannot use {shown}: the scheme \"{}\" is not supported; use https://",
                shorten(other)
            )))
        }
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(Error::InvalidInput(format!(
            "cannot use {shown}: it has no host name; enter a base URL {EXAMPLE}"
        )));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(Error::InvalidInput(format!(
            "cannot use {shown}: a base URL cannot have a '?' query or '#' fragment; remove \
             everything from the '?' or '#'"
        )));
    }
    Ok(normalize(url))
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(Host::Ipv4(ip)) => ip.is_loopback(),
        Some(Host::Ipv6(ip)) => ip.is_loopback(),
        Some(Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

/// Ends the path with exactly one `/` and drops query and fragment, so relative joins append.
fn normalize(mut url: Url) -> Url {
    url.set_query(None);
    url.set_fragment(None);
    let path = format!("{}/", url.path().trim_end_matches('/'));
    url.set_path(&path);
    url
}

/// `base` ends in `/` (see [`normalize`]); appending by text keeps its path prefix, which
/// `Url::join` with a leading `/` would drop.
fn append_path(base: &Url, relative: &str) -> Url {
    let mut url = base.clone();
    let path = format!("{}{}", base.path(), relative.trim_start_matches('/'));
    url.set_path(&path);
    url
}

fn prefix_message(err: Error, which: &str) -> Error {
    match err {
        Error::InvalidInput(msg) => Error::InvalidInput(format!("{which}: {msg}")),
        other => other,
    }
}

/// Keeps messages one short line even when the input is long or multi-line.
fn shorten(s: &str) -> String {
    const MAX: usize = 80;
    let one_line: String = s
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if one_line.chars().count() > MAX {
        let cut: String = one_line.chars().take(MAX).collect();
        format!("{cut}…")
    } else {
        one_line
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn ok(s: &str) -> Url {
        validate_base_url(s).unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    fn refused(s: &str) -> String {
        match validate_base_url(s) {
            Err(Error::InvalidInput(msg)) => {
                assert!(!msg.contains('\n'), "{msg}");
                msg
            }
            other => panic!("{s}: expected InvalidInput, got {other:?}"),
        }
    }

    #[test]
    fn https_is_accepted_and_normalized() {
        assert_eq!(
            ok("https://sp.auth.adobe.com").as_str(),
            "https://sp.auth.adobe.com/"
        );
        assert_eq!(
            ok(" https://sp.auth.adobe.com/ ").as_str(),
            "https://sp.auth.adobe.com/"
        );
        assert_eq!(
            ok("https://h.example/base//").as_str(),
            "https://h.example/base/"
        );
        assert_eq!(
            ok("https://h.example:8443/a/b").as_str(),
            "https://h.example:8443/a/b/"
        );
    }

    #[test]
    fn http_only_for_loopback() {
        for s in [
            "http://127.0.0.1",
            "http://127.0.0.2",
            "http://127.255.255.254:1234/x",
            "http://localhost:8080",
            "http://LOCALHOST",
            "http://[::1]:9",
        ] {
            ok(s);
        }
        for s in [
            "http://10.0.0.1",
            "http://example.com",
            "http://localhost.example.com",
            "http://app.localhost",
            "http://[::2]",
            "http://0.0.0.0",
            "http://128.0.0.1",
        ] {
            assert!(refused(s).contains("only for this computer"), "{s}");
        }
    }

    #[test]
    fn other_schemes_and_garbage_are_refused() {
        assert!(refused("ftp://example.com").contains("scheme \"ftp\""));
        assert!(refused("file:///etc/passwd").contains("scheme"));
        assert!(refused("sp.auth.adobe.com").contains("no scheme"));
        assert!(refused("localhost:8080").contains("scheme"));
        assert!(refused("https://").contains("not a valid URL"));
        assert!(refused("").contains("empty"));
        assert!(refused("   ").contains("empty"));
        refused("not a url at all");
        refused("https://exa mple.com");
        refused("http://");
        refused("https://[::1");
        let long = format!("{}\nnext line", "x".repeat(500));
        let msg = refused(&long);
        assert!(msg.len() < 400, "{msg}");
    }

    #[test]
    fn credentials_query_and_fragment_are_refused() {
        let msg = refused("https://user:pw@host.example");
        assert!(msg.contains("user name or password"), "{msg}");
        assert!(!msg.contains("pw"), "{msg}");
        refused("https://user@host.example");
        refused("https://:secret@host.example");
        assert!(!refused("ht!tp://user:hunter2@x").contains("hunter2"));
        assert!(refused("https://host.example/?a=1").contains("query"));
        refused("https://host.example/?");
        refused("https://host.example/#frag");
    }

    #[test]
    fn kind_names_round_trip() {
        for kind in EnvironmentKind::ALL {
            assert_eq!(kind.as_str().parse::<EnvironmentKind>().unwrap(), kind);
            assert_eq!(kind.to_string(), kind.as_str());
            let json = serde_json::to_string(&kind).unwrap();
            assert_eq!(json, format!("\"{}\"", kind.as_str()));
            assert_eq!(
                serde_json::from_str::<EnvironmentKind>(&json).unwrap(),
                kind
            );
            assert!(!kind.label().is_empty());
        }
        assert_eq!(
            "Prequal_Staging".parse::<EnvironmentKind>().unwrap(),
            EnvironmentKind::PrequalStaging
        );
        assert_eq!(
            " prequal production ".parse::<EnvironmentKind>().unwrap(),
            EnvironmentKind::PrequalProduction
        );
        assert_eq!(EnvironmentKind::PrequalStaging.label(), "Prequal staging");
        match "prod".parse::<EnvironmentKind>() {
            Err(Error::InvalidInput(msg)) => {
                assert!(msg.contains("\"prod\""), "{msg}");
                assert!(
                    msg.contains(
                        "production, staging, prequal-production, prequal-staging, demo, custom"
                    ),
                    "{msg}"
                );
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn named_environments_use_the_documented_hosts() {
        let prod = Environment::named(EnvironmentKind::Production).unwrap();
        assert_eq!(
            prod.register_url().as_str(),
            "https://sp.auth.adobe.com/o/client/register"
        );
        assert_eq!(
            prod.token_url().as_str(),
            "https://sp.auth.adobe.com/o/client/token"
        );
        assert_eq!(
            prod.reports_root().as_str(),
            "https://mgmt.auth.adobe.com/cmu/v2"
        );
        assert_eq!(prod.label(), "Production");
        let ps = Environment::named(EnvironmentKind::PrequalStaging).unwrap();
        assert_eq!(
            ps.sp_url().as_str(),
            "https://sp-prequal.auth-staging.adobe.com/"
        );
        assert_eq!(
            ps.mgmt_url().as_str(),
            "https://mgmt-prequal.auth-staging.adobe.com/"
        );
        for kind in EnvironmentKind::ALL {
            assert_eq!(Environment::named(kind).is_some(), kind.is_adobe());
        }
        assert!(Environment::named(EnvironmentKind::Demo).is_none());
        assert!(Environment::named(EnvironmentKind::Custom).is_none());
    }

    #[test]
    fn joining_keeps_base_path_prefixes() {
        let env =
            Environment::custom("https://gw.example/adobe/sp", "https://gw.example/mgmt/").unwrap();
        assert_eq!(
            env.register_url().as_str(),
            "https://gw.example/adobe/sp/o/client/register"
        );
        assert_eq!(
            env.token_url().as_str(),
            "https://gw.example/adobe/sp/o/client/token"
        );
        assert_eq!(
            env.reports_root().as_str(),
            "https://gw.example/mgmt/cmu/v2"
        );
        assert_eq!(
            env.reports_url("/cmu/v2/year/month").unwrap().as_str(),
            "https://gw.example/mgmt/cmu/v2/year/month"
        );
        assert_eq!(
            env.reports_url("cmu/v2/year").unwrap().as_str(),
            "https://gw.example/mgmt/cmu/v2/year"
        );
        assert_eq!(
            env.reports_url("/mgmt/cmu/v2/year").unwrap().as_str(),
            "https://gw.example/mgmt/cmu/v2/year"
        );
        assert_eq!(
            env.reports_url("/cmu/v2/year/month.csv?start=2024-01&limit=10")
                .unwrap()
                .as_str(),
            "https://gw.example/mgmt/cmu/v2/year/month.csv?start=2024-01&limit=10"
        );
        let root = Environment::named(EnvironmentKind::Staging).unwrap();
        assert_eq!(
            root.reports_url("/cmu/v2").unwrap().as_str(),
            "https://mgmt.auth-staging.adobe.com/cmu/v2"
        );
    }

    #[test]
    fn report_paths_cannot_escape_the_base() {
        let env = Environment::named(EnvironmentKind::Production).unwrap();
        for bad in [
            "https://evil.example/cmu/v2",
            "//evil.example/cmu/v2",
            "/cmu/v2/../../x",
            "/cmu/%2E%2E/x",
            "/cmu/.%2e/x",
            "/cmu/v2#x",
            "\\\\evil\\x",
        ] {
            match env.reports_url(bad) {
                Err(Error::InvalidInput(msg)) => assert!(!msg.contains('\n'), "{msg}"),
                other => panic!("{bad}: {other:?}"),
            }
        }
        // A query may legitimately contain '..' or '://' in a filter value.
        let url = env.reports_url("/cmu/v2/mvpd?channel=a..b").unwrap();
        assert_eq!(url.host_str(), Some("mgmt.auth.adobe.com"));
    }

    #[test]
    fn demo_serves_everything_on_one_base() {
        let base = Url::parse("http://127.0.0.1:43210").unwrap();
        let env = Environment::demo(&base);
        assert_eq!(env.kind(), EnvironmentKind::Demo);
        assert_eq!(
            env.register_url().as_str(),
            "http://127.0.0.1:43210/o/client/register"
        );
        assert_eq!(env.reports_root().as_str(), "http://127.0.0.1:43210/cmu/v2");
        assert!(env.is_loopback());
        assert!(!Environment::named(EnvironmentKind::Production)
            .unwrap()
            .is_loopback());
    }

    #[test]
    fn custom_errors_say_which_url() {
        match Environment::custom("https://ok.example", "http://bad.example") {
            Err(Error::InvalidInput(msg)) => assert!(msg.starts_with("reports URL: "), "{msg}"),
            other => panic!("{other:?}"),
        }
        match Environment::custom("ftp://x", "https://ok.example") {
            Err(Error::InvalidInput(msg)) => {
                assert!(msg.starts_with("registration/token URL: "), "{msg}");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn serde_round_trips_and_validates() {
        let env = Environment::named(EnvironmentKind::Staging).unwrap();
        let json = serde_json::to_value(&env).unwrap();
        assert_eq!(
            json,
            serde_json::json!({
                "kind": "staging",
                "spUrl": "https://sp.auth-staging.adobe.com/",
                "mgmtUrl": "https://mgmt.auth-staging.adobe.com/"
            })
        );
        let back: Environment = serde_json::from_value(json).unwrap();
        assert_eq!(back, env);
        let hand_edited = serde_json::json!({
            "kind": "custom", "spUrl": "https://a.example/x", "mgmtUrl": "https://b.example"
        });
        let env: Environment = serde_json::from_value(hand_edited).unwrap();
        assert_eq!(env.sp_url().as_str(), "https://a.example/x/");
        let bad = serde_json::json!({
            "kind": "custom", "spUrl": "http://a.example", "mgmtUrl": "https://b.example"
        });
        assert!(serde_json::from_value::<Environment>(bad).is_err());
    }
}
