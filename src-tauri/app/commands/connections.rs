//! The Connections screen: statement import (file picker, drop, paste), profiles, demo.

use cmu_core::environment::{Environment, EnvironmentKind};
use cmu_core::fake_server;
use cmu_core::profiles::Profile;
use cmu_core::statement::{SoftwareStatement, StatementSummary};
use cmu_core::Error;
use serde::{Deserialize, Serialize};
use tauri::{AppHandle, State};

use crate::error::CommandError;
use crate::progress::sink;
use crate::state::AppState;

/// Where a statement comes from: a file path (picker or drop) or pasted text.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StatementSource {
    /// A file chosen in the picker or dropped on the window.
    #[serde(default)]
    pub path: Option<String>,
    /// Pasted text.
    #[serde(default)]
    pub text: Option<String>,
}

impl StatementSource {
    fn read(&self) -> Result<SoftwareStatement, Error> {
        match (&self.path, &self.text) {
            (Some(path), _) => SoftwareStatement::read_file(std::path::Path::new(path)),
            (None, Some(text)) => SoftwareStatement::parse_text(text),
            (None, None) => Err(Error::InvalidInput(
                "choose a statement file, drop one on the window, or paste its text".to_owned(),
            )),
        }
    }
}

/// The environment picked in the import form.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EnvironmentChoice {
    /// `production`, `staging`, `prequal-production`, `prequal-staging`, `demo` or `custom`.
    pub kind: String,
    /// Registration/token base URL, for `custom`.
    #[serde(default)]
    pub sp_url: Option<String>,
    /// Reports base URL, for `custom` (defaults to `sp_url`).
    #[serde(default)]
    pub mgmt_url: Option<String>,
}

/// A profile as the UI shows it: never a secret.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ProfileView {
    /// The stored metadata.
    #[serde(flatten)]
    pub profile: Profile,
    /// Human name of the environment.
    pub environment_label: &'static str,
    /// When the stored access token expires (Unix seconds), if there is one.
    pub token_expires_at: Option<i64>,
}

fn view(profile: Profile, token_expires_at: Option<i64>) -> ProfileView {
    ProfileView {
        environment_label: profile.environment.label(),
        profile,
        token_expires_at,
    }
}

async fn environment(state: &AppState, choice: &EnvironmentChoice) -> Result<Environment, Error> {
    match choice.kind.parse::<EnvironmentKind>()? {
        EnvironmentKind::Demo => Ok(Environment::demo(&state.demo_base().await?)),
        EnvironmentKind::Custom => {
            let sp = choice.sp_url.as_deref().unwrap_or_default();
            if sp.trim().is_empty() {
                return Err(Error::InvalidInput(
                    "enter the registration URL for a custom environment".to_owned(),
                ));
            }
            let mgmt = choice
                .mgmt_url
                .as_deref()
                .filter(|m| !m.trim().is_empty())
                .unwrap_or(sp);
            Environment::custom(sp, mgmt)
        }
        kind => Environment::named(kind)
            .ok_or_else(|| Error::InvalidInput(format!("unknown environment {kind}"))),
    }
}

/// Opens the native file picker (GTK on Linux). `CMU_STUDIO_PICK_FILE` answers it instead,
/// for automated tests.
#[tauri::command]
pub async fn pick_statement_file(app: AppHandle) -> Result<Option<String>, CommandError> {
    if let Ok(path) = std::env::var("CMU_STUDIO_PICK_FILE") {
        return Ok(Some(path));
    }
    let (tx, rx) = tokio::sync::oneshot::channel();
    // GTK dialogs must run on the main (GTK) thread.
    app.run_on_main_thread(move || {
        let picked = rfd::FileDialog::new()
            .set_title("Choose your software statement")
            .add_filter("Software statement", &["txt", "jwt", "json"])
            .add_filter("All files", &["*"])
            .pick_file();
        let _ = tx.send(picked);
    })
    .map_err(|e| Error::LocalIo(format!("cannot open the file picker: {e}")))?;
    let picked = rx
        .await
        .map_err(|_| Error::LocalIo("the file picker closed unexpectedly".to_owned()))?;
    Ok(picked.map(|p| p.display().to_string()))
}

/// Decodes a statement without registering, so the user sees what it says first.
#[tauri::command]
pub fn inspect_statement(source: StatementSource) -> Result<StatementSummary, CommandError> {
    Ok(source.read()?.summary())
}

/// Registers with the statement and stores the profile. Nothing changes when it fails.
#[tauri::command]
pub async fn import_statement(
    app: AppHandle,
    state: State<'_, AppState>,
    source: StatementSource,
    environment: EnvironmentChoice,
    label: Option<String>,
    op_id: String,
) -> Result<ProfileView, CommandError> {
    let statement = source.read()?;
    let env = self::environment(&state, &environment).await?;
    let services = state.services().await?;
    let label = label.filter(|l| !l.trim().is_empty());
    let profile = services
        .connections
        .import(&statement, env, label, &sink(&app, &op_id))
        .await?;
    Ok(view(profile, None))
}

/// The stored profiles with their token state.
#[tauri::command]
pub async fn list_profiles(state: State<'_, AppState>) -> Result<Vec<ProfileView>, CommandError> {
    let services = state.services().await?;
    let mut views = Vec::new();
    for profile in services.connections.profiles().list()? {
        let expiry = services.connections.token_expiry(&profile.id)?;
        views.push(view(profile, expiry));
    }
    Ok(views)
}

/// Gets (or reuses) a token, proving the profile works.
#[tauri::command]
pub async fn test_connection(
    app: AppHandle,
    state: State<'_, AppState>,
    profile_id: String,
    op_id: String,
) -> Result<ProfileView, CommandError> {
    let services = state.services().await?;
    let status = services
        .connections
        .ensure_token(&profile_id, &sink(&app, &op_id))
        .await?;
    let profile = services.connections.profiles().get(&profile_id)?;
    Ok(view(profile, Some(status.expires_at)))
}

/// Gives a profile a new label.
#[tauri::command]
pub async fn rename_profile(
    state: State<'_, AppState>,
    profile_id: String,
    label: String,
) -> Result<ProfileView, CommandError> {
    let services = state.services().await?;
    let profile = services
        .connections
        .profiles()
        .rename(&profile_id, &label)?;
    let expiry = services.connections.token_expiry(&profile.id)?;
    Ok(view(profile, expiry))
}

/// Removes a profile and its keyring entries.
#[tauri::command]
pub async fn forget_profile(
    state: State<'_, AppState>,
    profile_id: String,
) -> Result<(), CommandError> {
    let services = state.services().await?;
    services.connections.forget(&profile_id)?;
    Ok(())
}

/// Starts the embedded fake Adobe Pass server and imports its demo statement.
#[tauri::command]
pub async fn start_demo(
    app: AppHandle,
    state: State<'_, AppState>,
    op_id: String,
) -> Result<ProfileView, CommandError> {
    let base = state.demo_base().await?;
    let services = state.services().await?;
    services.connections.retarget_demo_profiles(&base)?;
    let statement = SoftwareStatement::parse_text(&fake_server::demo_statement(
        fake_server::DEMO_SOFTWARE_ID,
        fake_server::DEMO_CLIENT_NAME,
    ))?;
    let profile = services
        .connections
        .import(
            &statement,
            Environment::demo(&base),
            Some("Demo data".to_owned()),
            &sink(&app, &op_id),
        )
        .await?;
    let status = services
        .connections
        .ensure_token(&profile.id, &sink(&app, &op_id))
        .await?;
    Ok(view(profile, Some(status.expires_at)))
}
