//! A connection to Adobe Pass: the flows the app and the CLI share. Importing a statement
//! (register, then store), keeping a valid access token (reuse, refresh, re-register only on
//! `invalid_client`), authorised calls (refresh once on 401), and forgetting a profile.
//!
//! Nothing is written before the network step it depends on has succeeded, so a refused
//! registration or a broken statement leaves existing profiles and secrets as they were.

use std::sync::Arc;

use reqwest::header::AUTHORIZATION;
use reqwest::{Response, StatusCode};
use tokio::sync::Mutex;
use url::Url;

use crate::environment::Environment;
use crate::error::Error;
use crate::http::{Http, Progress, ProgressSink};
use crate::keyring_store::{KeyringStore, SecretKind};
use crate::profiles::{Profile, ProfileStore};
use crate::registration::{self, ClientCredentials};
use crate::secret::Secret;
use crate::statement::SoftwareStatement;
use crate::token::{self, AccessToken};

/// The state of a profile's access token, safe to show.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TokenStatus {
    /// Profile the token belongs to.
    pub profile_id: String,
    /// Expiry in Unix seconds.
    pub expires_at: i64,
    /// A new token was obtained by this call.
    pub refreshed: bool,
    /// The app had to register again (credentials were revoked).
    pub reregistered: bool,
}

/// Profiles, secrets and HTTP, together.
#[derive(Clone)]
pub struct Connections {
    profiles: Arc<ProfileStore>,
    keyring: Arc<KeyringStore>,
    http: Http,
    // One token refresh at a time, so concurrent calls do not each fetch a token.
    refresh_lock: Arc<Mutex<()>>,
}

impl std::fmt::Debug for Connections {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Connections").finish_non_exhaustive()
    }
}

impl Connections {
    /// Ties the stores and the HTTP client together.
    pub fn new(profiles: ProfileStore, keyring: KeyringStore, http: Http) -> Self {
        Self {
            profiles: Arc::new(profiles),
            keyring: Arc::new(keyring),
            http,
            refresh_lock: Arc::new(Mutex::new(())),
        }
    }

    /// The platform's stores: profiles under `paths`, secrets in the OS keyring, default HTTP
    /// timeouts. What the app and `cmu` use.
    pub fn open_platform(paths: &crate::paths::AppPaths) -> Result<Self, Error> {
        Ok(Self::new(
            ProfileStore::open(paths)?,
            KeyringStore::platform()?,
            Http::new(crate::http::HttpConfig::default())?,
        ))
    }

    /// The profile store.
    pub fn profiles(&self) -> &ProfileStore {
        &self.profiles
    }

    /// The HTTP client.
    pub fn http(&self) -> &Http {
        &self.http
    }

    /// Registers with `statement` in `env` and stores the result as a profile (one per
    /// environment and software id: importing the same statement again updates it).
    pub async fn import(
        &self,
        statement: &SoftwareStatement,
        env: Environment,
        label: Option<String>,
        progress: &ProgressSink,
    ) -> Result<Profile, Error> {
        // Refuse early, before registering, when there is nowhere safe to keep the result.
        self.keyring.check_available()?;
        progress.emit(&Progress::Registering);
        let credentials = registration::register(&self.http, &env, statement, progress).await?;

        let existing = self
            .profiles
            .find_by_identity(&env, statement.software_id())?;
        let mut profile = match existing {
            Some(p) => p,
            None => Profile::new(&env, statement.software_id()),
        };
        profile.client_name = statement.claims().client_name.clone();
        if let Some(label) = label {
            profile.label = label;
        }
        self.store_credentials(&mut profile, statement, &credentials)?;
        self.profiles.upsert(profile.clone())?;
        tracing::info!(profile = %profile.id, client_id = %profile.client_id, "imported statement");
        Ok(profile)
    }

    fn store_credentials(
        &self,
        profile: &mut Profile,
        statement: &SoftwareStatement,
        credentials: &ClientCredentials,
    ) -> Result<(), Error> {
        self.keyring
            .set(&profile.id, SecretKind::Statement, statement.raw())?;
        self.keyring.set(
            &profile.id,
            SecretKind::ClientSecret,
            &credentials.client_secret,
        )?;
        // A token of the previous credentials must not outlive them.
        self.keyring.delete(&profile.id, SecretKind::AccessToken)?;
        profile.client_id = credentials.client_id.clone();
        profile.registered_at = credentials.issued_at;
        Ok(())
    }

    /// Makes sure the profile has a usable token and says until when.
    pub async fn ensure_token(
        &self,
        profile_id: &str,
        progress: &ProgressSink,
    ) -> Result<TokenStatus, Error> {
        let (token, refreshed, reregistered) =
            self.current_token(profile_id, false, progress).await?;
        Ok(TokenStatus {
            profile_id: profile_id.to_owned(),
            expires_at: token.expires_at,
            refreshed,
            reregistered,
        })
    }

    /// Returns a fresh token: the stored one while it is fresh (unless `force`), else a new one
    /// from the stored credentials, else (on `invalid_client`) after registering again once.
    async fn current_token(
        &self,
        profile_id: &str,
        force: bool,
        progress: &ProgressSink,
    ) -> Result<(AccessToken, bool, bool), Error> {
        let now = chrono::Utc::now().timestamp();
        if !force {
            if let Some(token) = self.stored_token(profile_id)? {
                if token.is_fresh(now) {
                    return Ok((token, false, false));
                }
            }
        }
        let _guard = self.refresh_lock.lock().await;
        // Another caller may have refreshed while we waited for the lock.
        if !force {
            if let Some(token) = self.stored_token(profile_id)? {
                if token.is_fresh(chrono::Utc::now().timestamp()) {
                    return Ok((token, false, false));
                }
            }
        }
        let mut profile = self.profiles.get(profile_id)?;
        let env = profile.environment.clone();
        progress.emit(&Progress::RefreshingToken);
        let secret = self.secret(&profile.id, SecretKind::ClientSecret)?;
        match self.new_token(&profile, &secret, progress).await {
            Ok(token) => Ok((token, true, false)),
            Err(Error::AccessRefused { reason, .. }) if reason == "invalid_client" => {
                tracing::info!(profile = %profile.id, "client credentials revoked; registering again");
                let statement_text = self.secret(&profile.id, SecretKind::Statement)?;
                let statement = SoftwareStatement::parse_text(statement_text.expose())?;
                progress.emit(&Progress::Registering);
                let credentials =
                    registration::register(&self.http, &env, &statement, progress).await?;
                self.store_credentials(&mut profile, &statement, &credentials)?;
                self.profiles.upsert(profile.clone())?;
                let token = self
                    .new_token(&profile, &credentials.client_secret, progress)
                    .await?;
                Ok((token, true, true))
            }
            Err(e) => Err(e),
        }
    }

    /// When the stored access token of a profile expires (Unix seconds), if there is one.
    pub fn token_expiry(&self, profile_id: &str) -> Result<Option<i64>, Error> {
        Ok(self.stored_token(profile_id)?.map(|t| t.expires_at))
    }

    /// Requests a token with the profile's credentials and keeps it in the keyring.
    async fn new_token(
        &self,
        profile: &Profile,
        client_secret: &Secret<String>,
        progress: &ProgressSink,
    ) -> Result<AccessToken, Error> {
        let token = token::request_token(
            &self.http,
            &profile.environment,
            &profile.client_id,
            client_secret,
            progress,
        )
        .await?;
        self.keyring
            .store_token(&profile.id, &token.token, token.expires_at)?;
        self.profiles.touch(&profile.id)?;
        Ok(token)
    }

    fn stored_token(&self, profile_id: &str) -> Result<Option<AccessToken>, Error> {
        Ok(self
            .keyring
            .load_token(profile_id)?
            .map(|(token, expires_at)| AccessToken { token, expires_at }))
    }

    fn secret(&self, profile_id: &str, kind: SecretKind) -> Result<Secret<String>, Error> {
        self.keyring.get(profile_id, kind)?.ok_or_else(|| {
            Error::Keyring(format!(
                "the keyring has no {} for profile {profile_id}; import the software statement again",
                kind.as_str()
            ))
        })
    }

    /// GETs `url` with the profile's token. On 401 the token is renewed once and the call
    /// retried once; a second 401 is an access refusal.
    pub async fn authorized_get(
        &self,
        profile_id: &str,
        url: &Url,
        accept: &str,
        progress: &ProgressSink,
    ) -> Result<Response, Error> {
        let mut force = false;
        loop {
            let (token, _, _) = self.current_token(profile_id, force, progress).await?;
            let bearer = zeroize::Zeroizing::new(format!("Bearer {}", token.token.expose()));
            let response = self
                .http
                .send(
                    "report request",
                    || {
                        self.http
                            .client()
                            .get(url.clone())
                            .header(AUTHORIZATION, bearer.as_str())
                            .header(reqwest::header::ACCEPT, accept)
                    },
                    progress,
                )
                .await?;
            if response.status() != StatusCode::UNAUTHORIZED {
                return Ok(response);
            }
            if force {
                return Err(Error::AccessRefused {
                    reason: "unauthorized".to_owned(),
                    message: "Adobe Pass refused a freshly issued access token (HTTP 401); check that this application is allowed to read Concurrency Monitoring reports".to_owned(),
                });
            }
            tracing::info!(profile = profile_id, "401: renewing the access token once");
            force = true;
        }
    }

    /// Points every demo profile at the demo server now running at `base`: the embedded server
    /// listens on a new port each run, while its credentials stay valid (they are derived from
    /// its fixed key).
    pub fn retarget_demo_profiles(&self, base: &Url) -> Result<(), Error> {
        for mut profile in self.profiles.list()? {
            if profile.environment.kind() == crate::environment::EnvironmentKind::Demo {
                let env = Environment::demo(base);
                if profile.environment != env {
                    profile.environment = env;
                    self.profiles.upsert(profile)?;
                }
            }
        }
        Ok(())
    }

    /// Removes the profile and every keyring entry it owns.
    pub fn forget(&self, profile_id: &str) -> Result<Profile, Error> {
        let profile = self.profiles.get(profile_id)?;
        self.keyring.delete_all(&profile.id)?;
        self.profiles.remove(&profile.id)?;
        Ok(profile)
    }
}
