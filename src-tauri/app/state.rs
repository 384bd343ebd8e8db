//! What the app keeps for the lifetime of the window.

use std::path::PathBuf;
use std::sync::Mutex;

use cmu_core::cmu_client::CmuClient;
use cmu_core::connection::Connections;
use cmu_core::fake_server::{FakeServer, FakeServerConfig};
use cmu_core::paths::AppPaths;
use cmu_core::Error;

use crate::reports_state::ReportsState;

/// The library services, opened on first use so a missing keyring is reported where the user
/// is looking instead of preventing start-up.
#[derive(Clone, Debug)]
pub struct Services {
    /// Profiles, secrets, tokens.
    pub connections: Connections,
    /// Reports.
    pub cmu: CmuClient,
}

/// Shared state handed to every command by Tauri.
pub struct AppState {
    /// Where the app keeps its (non-secret) files.
    pub paths: AppPaths,
    /// The current log file, when file logging could be set up.
    pub log_file: Option<PathBuf>,
    services: tokio::sync::Mutex<Option<Services>>,
    demo: tokio::sync::Mutex<Option<FakeServer>>,
    /// The report on screen and the fetch in flight.
    pub reports: Mutex<ReportsState>,
}

impl AppState {
    /// State for one run of the app.
    pub fn new(paths: AppPaths, log_file: Option<PathBuf>) -> Self {
        Self {
            paths,
            log_file,
            services: tokio::sync::Mutex::default(),
            demo: tokio::sync::Mutex::default(),
            reports: Mutex::default(),
        }
    }

    /// The services, opening them on first use. When demo profiles exist, the embedded demo
    /// server is started and they are pointed at it.
    pub async fn services(&self) -> Result<Services, Error> {
        let mut guard = self.services.lock().await;
        if let Some(services) = guard.as_ref() {
            return Ok(services.clone());
        }
        let connections = Connections::open_platform(&self.paths)?;
        let services = Services {
            cmu: CmuClient::new(connections.clone()),
            connections,
        };
        let has_demo = services
            .connections
            .profiles()
            .list()?
            .iter()
            .any(|p| p.environment.kind() == cmu_core::environment::EnvironmentKind::Demo);
        if has_demo {
            let base = self.demo_base().await?;
            services.connections.retarget_demo_profiles(&base)?;
        }
        *guard = Some(services.clone());
        Ok(services)
    }

    /// The base URL of the embedded demo server, starting it if needed.
    pub async fn demo_base(&self) -> Result<url::Url, Error> {
        let mut demo = self.demo.lock().await;
        if let Some(server) = demo.as_ref() {
            return Ok(server.base_url());
        }
        let server = FakeServer::start(FakeServerConfig::default())
            .await
            .map_err(|e| {
                Error::LocalIo(format!("cannot start the demo server on 127.0.0.1: {e}"))
            })?;
        let base = server.base_url();
        tracing::info!(%base, "demo server started");
        *demo = Some(server);
        Ok(base)
    }
}
