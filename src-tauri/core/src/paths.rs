//! Where CMU Studio keeps its files, following each platform's conventions
//! (XDG on Linux, so `XDG_CONFIG_HOME`, `XDG_DATA_HOME`, `XDG_CACHE_HOME` and `XDG_STATE_HOME`
//! relocate them).

use std::path::{Path, PathBuf};

use crate::error::Error;

/// The directories of one installation. Secrets never go in any of them: they live in the keyring.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppPaths {
    /// Non-secret profile metadata and settings.
    pub config_dir: PathBuf,
    /// Remembered report state and other non-secret data.
    pub data_dir: PathBuf,
    /// Disposable caches.
    pub cache_dir: PathBuf,
    /// Log files (size-capped).
    pub log_dir: PathBuf,
}

impl AppPaths {
    /// The platform directories for the current user.
    pub fn platform() -> Result<Self, Error> {
        let dirs =
            directories::ProjectDirs::from("com", "CMU Studio", "cmu-studio").ok_or_else(|| {
                Error::LocalIo(
                    "cannot find your home directory; set HOME (or XDG_CONFIG_HOME) and try again"
                        .to_owned(),
                )
            })?;
        let log_dir = dirs
            .state_dir()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| dirs.data_local_dir().to_path_buf())
            .join("logs");
        Ok(Self {
            config_dir: dirs.config_dir().to_path_buf(),
            data_dir: dirs.data_dir().to_path_buf(),
            cache_dir: dirs.cache_dir().to_path_buf(),
            log_dir,
        })
    }

    /// All directories under one root, for tests and portable runs.
    pub fn under(root: &Path) -> Self {
        Self {
            config_dir: root.join("config"),
            data_dir: root.join("data"),
            cache_dir: root.join("cache"),
            log_dir: root.join("logs"),
        }
    }

    /// Every directory, for scans that prove no secret was written to disk.
    pub fn all(&self) -> [&Path; 4] {
        [
            &self.config_dir,
            &self.data_dir,
            &self.cache_dir,
            &self.log_dir,
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn under_keeps_every_directory_inside_the_root() {
        let root = Path::new("/tmp/cmu-root");
        let paths = AppPaths::under(root);
        assert!(paths.all().iter().all(|p| p.starts_with(root)));
    }
}
