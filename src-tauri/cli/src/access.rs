//! `inspect`, `import`, `profiles`, `token`, `forget`: thin adapters over `cmu_core::connection`.

use std::io::Read;

use cmu_core::connection::Connections;
use cmu_core::environment::{Environment, EnvironmentKind};
use cmu_core::fake_server::{FakeServer, FakeServerConfig};
use cmu_core::http::{Progress, ProgressSink};
use cmu_core::paths::AppPaths;
use cmu_core::profiles::{Profile, ProfileStore};
use cmu_core::statement::SoftwareStatement;
use cmu_core::Error;
use serde_json::json;

use crate::args::{ForgetArgs, GlobalArgs, ImportArgs, InspectArgs, JsonArgs};
use crate::output;

/// Reads a statement from a path or `-` (stdin).
fn read_statement(file: &str) -> Result<SoftwareStatement, Error> {
    if file == "-" {
        let mut bytes = Vec::new();
        // Read one byte past the cap so an oversized input is reported as such.
        std::io::stdin()
            .take(cmu_core::statement::MAX_STATEMENT_BYTES as u64 + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| Error::InvalidInput(format!("cannot read standard input: {e}")))?;
        SoftwareStatement::parse_bytes(&bytes, chrono::Utc::now().timestamp())
    } else {
        SoftwareStatement::read_file(std::path::Path::new(file))
    }
}

/// Progress on stderr, so stdout stays parseable.
pub fn progress() -> ProgressSink {
    ProgressSink::new(|event| match event {
        Progress::Throttled { wait_ms, .. } => {
            eprintln!(
                "throttled by Adobe Pass, retrying in {} s",
                wait_ms.div_ceil(1000)
            )
        }
        Progress::Retrying {
            reason, wait_ms, ..
        } => eprintln!("{reason}, retrying in {:.1} s", *wait_ms as f64 / 1000.0),
        Progress::RefreshingToken => {}
        Progress::Registering => {}
    })
}

/// Opens the stores. The embedded fake is kept alive for the command when the demo
/// environment is used.
pub struct Session {
    pub connections: Connections,
    pub demo: Option<FakeServer>,
}

pub async fn session(global: &GlobalArgs) -> Result<Session, Error> {
    let paths = AppPaths::platform()?;
    let connections = Connections::open_platform(&paths)?;
    let wants_demo = match chosen_kind(global)? {
        Some(EnvironmentKind::Demo) => true,
        Some(_) => false,
        None => match &global.profile {
            Some(p) => connections.profiles().get(p)?.environment.kind() == EnvironmentKind::Demo,
            None => connections
                .profiles()
                .default_profile()?
                .is_some_and(|p| p.environment.kind() == EnvironmentKind::Demo),
        },
    };
    let demo = if wants_demo {
        Some(start_demo().await?)
    } else {
        None
    };
    Ok(Session { connections, demo })
}

async fn start_demo() -> Result<FakeServer, Error> {
    FakeServer::start(FakeServerConfig::default())
        .await
        .map_err(|e| Error::LocalIo(format!("cannot start the demo server on 127.0.0.1: {e}")))
}

fn chosen_kind(global: &GlobalArgs) -> Result<Option<EnvironmentKind>, Error> {
    if global.sp_url.is_some() || global.mgmt_url.is_some() {
        return Ok(Some(EnvironmentKind::Custom));
    }
    global.env.as_deref().map(str::parse).transpose()
}

/// The environment named by the options (production when none is given).
fn environment(global: &GlobalArgs, demo: Option<&FakeServer>) -> Result<Environment, Error> {
    if global.sp_url.is_some() || global.mgmt_url.is_some() {
        let sp = global
            .sp_url
            .as_deref()
            .or(global.mgmt_url.as_deref())
            .unwrap_or_default();
        let mgmt = global.mgmt_url.as_deref().unwrap_or(sp);
        return Environment::custom(sp, mgmt);
    }
    let kind = chosen_kind(global)?.unwrap_or(EnvironmentKind::Production);
    match kind {
        EnvironmentKind::Demo => demo
            .map(|d| Environment::demo(&d.base_url()))
            .ok_or_else(|| Error::InvalidInput("the demo server is not running".to_owned())),
        EnvironmentKind::Custom => Err(Error::InvalidInput(
            "--env custom needs --sp-url URL (and --mgmt-url URL when reports live elsewhere)"
                .to_owned(),
        )),
        adobe => Environment::named(adobe).ok_or_else(|| {
            Error::InvalidInput(format!("no hosts known for environment {}", adobe.as_str()))
        }),
    }
}

/// The profile the options select: `--profile`, else the only or most recently used one of the
/// chosen environment.
pub fn select_profile(session: &Session, global: &GlobalArgs) -> Result<Profile, Error> {
    let store = session.connections.profiles();
    let profile = match &global.profile {
        Some(p) => store.get(p)?,
        None => store.default_profile()?.ok_or_else(|| {
            Error::NoProfile(
                "no profile yet; import a software statement first: cmu import FILE".to_owned(),
            )
        })?,
    };
    if let Some(demo) = &session.demo {
        if profile.environment.kind() == EnvironmentKind::Demo {
            session
                .connections
                .retarget_demo_profiles(&demo.base_url())?;
            return store.get(&profile.id);
        }
    }
    Ok(profile)
}

/// `cmu inspect`.
pub fn inspect(args: &InspectArgs) -> Result<(), Error> {
    let statement = read_statement(&args.file)?;
    if args.json {
        output::json(&output::statement_json(&statement));
        return Ok(());
    }
    let s = statement.summary();
    println!("Software statement");
    output::rows(&[
        ("software id", s.software_id.clone()),
        (
            "client name",
            s.client_name.clone().unwrap_or_else(|| "-".into()),
        ),
        (
            "software version",
            s.software_version.clone().unwrap_or_else(|| "-".into()),
        ),
        ("issuer", s.issuer.clone().unwrap_or_else(|| "-".into())),
        ("issued at", output::time(s.issued_at)),
        ("not before", output::time(s.not_before)),
        (
            "expires",
            match s.expires_at {
                Some(_) => output::time(s.expires_at),
                None => "never (valid until revoked)".to_owned(),
            },
        ),
        (
            "algorithm",
            format!(
                "{}{}{}",
                s.alg,
                s.kid
                    .as_deref()
                    .map(|k| format!(", key {k}"))
                    .unwrap_or_default(),
                s.typ
                    .as_deref()
                    .map(|t| format!(", type {t}"))
                    .unwrap_or_default()
            ),
        ),
        (
            "other claims",
            if s.other_claims.is_empty() {
                "-".to_owned()
            } else {
                s.other_claims.join(", ")
            },
        ),
    ]);
    Ok(())
}

fn profile_json(p: &Profile) -> serde_json::Value {
    serde_json::to_value(p).unwrap_or_else(|_| json!({"id": p.id}))
}

fn print_profile(p: &Profile) {
    output::rows(&[
        ("profile", p.id.clone()),
        ("label", p.label.clone()),
        ("environment", p.environment.label().to_owned()),
        ("software id", p.software_id.clone()),
        (
            "client name",
            p.client_name.clone().unwrap_or_else(|| "-".into()),
        ),
        ("client id", p.client_id.clone()),
        ("registered", output::time(p.registered_at)),
        ("last used", output::time(Some(p.last_used_at))),
    ]);
}

/// `cmu import`.
pub async fn import(global: &GlobalArgs, args: &ImportArgs) -> Result<(), Error> {
    // Validate the statement before touching the network or the stores.
    let statement = read_statement(&args.file)?;
    let session = session(global).await?;
    let env = environment(global, session.demo.as_ref())?;
    let profile = session
        .connections
        .import(&statement, env, args.label.clone(), &progress())
        .await?;
    if args.json {
        output::json(&profile_json(&profile));
    } else {
        println!("Imported and registered. Credentials are in the system keyring.");
        print_profile(&profile);
    }
    Ok(())
}

/// `cmu profiles`.
pub fn profiles(_global: &GlobalArgs, args: &JsonArgs) -> Result<(), Error> {
    let paths = AppPaths::platform()?;
    let list = ProfileStore::open(&paths)?.list()?;
    if args.json {
        output::json(&serde_json::Value::Array(
            list.iter().map(profile_json).collect(),
        ));
        return Ok(());
    }
    if list.is_empty() {
        println!("No profiles yet. Import a software statement: cmu import FILE");
    }
    for (i, p) in list.iter().enumerate() {
        if i > 0 {
            println!();
        }
        print_profile(p);
    }
    Ok(())
}

/// `cmu token`.
pub async fn token(global: &GlobalArgs, args: &JsonArgs) -> Result<(), Error> {
    let session = session(global).await?;
    let profile = select_profile(&session, global)?;
    let status = session
        .connections
        .ensure_token(&profile.id, &progress())
        .await?;
    if args.json {
        output::json(&json!(status));
    } else {
        let left = status.expires_at - chrono::Utc::now().timestamp();
        println!(
            "Access token for {} valid until {} ({} h {} min left){}{}",
            profile.id,
            output::time(Some(status.expires_at)),
            left / 3600,
            (left % 3600) / 60,
            if status.refreshed {
                ", just renewed"
            } else {
                ""
            },
            if status.reregistered {
                "; the app registered again (its earlier credentials were revoked)"
            } else {
                ""
            }
        );
    }
    Ok(())
}

/// `cmu forget`.
pub fn forget(global: &GlobalArgs, args: &ForgetArgs) -> Result<(), Error> {
    let paths = AppPaths::platform()?;
    let connections = Connections::open_platform(&paths)?;
    let targets: Vec<Profile> = if args.all {
        connections.profiles().list()?
    } else {
        match &global.profile {
            Some(p) => vec![connections.profiles().get(p)?],
            None => connections
                .profiles()
                .default_profile()?
                .into_iter()
                .collect(),
        }
    };
    for p in &targets {
        connections.forget(&p.id)?;
        println!("Forgot {} (keyring entries and profile removed)", p.id);
    }
    if targets.is_empty() {
        println!("No profiles to forget.");
    }
    Ok(())
}
