//! Version and build facts shown by `cmu --version` and the app's About panel.

use serde::Serialize;

/// What this binary is and how it was built.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct BuildInfo {
    /// Product name.
    pub name: &'static str,
    /// Semantic version of the workspace.
    pub version: &'static str,
    /// Short git commit the build came from, or `unknown` outside a checkout.
    pub commit: &'static str,
    /// Target triple.
    pub target: &'static str,
    /// Cargo profile (`debug` or `release`).
    pub profile: &'static str,
    /// Compiler that built it.
    pub rustc: &'static str,
}

/// The build facts of this binary.
pub const BUILD_INFO: BuildInfo = BuildInfo {
    name: "CMU Studio",
    version: env!("CARGO_PKG_VERSION"),
    commit: env!("CMU_BUILD_COMMIT"),
    target: env!("CMU_BUILD_TARGET"),
    profile: env!("CMU_BUILD_PROFILE"),
    rustc: env!("CMU_BUILD_RUSTC"),
};

impl BuildInfo {
    /// One line for `--version` output and logs, e.g. `0.1.0 (abc123 x86_64-unknown-linux-gnu debug)`.
    pub fn long_version(&self) -> String {
        format!(
            "{} ({} {} {})",
            self.version, self.commit, self.target, self.profile
        )
    }

    /// The `User-Agent` every HTTP request of ours carries.
    pub fn user_agent(&self) -> String {
        format!("CMUStudio/{} ({})", self.version, std::env::consts::OS)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_matches_the_package() {
        assert_eq!(BUILD_INFO.version, env!("CARGO_PKG_VERSION"));
        assert!(BUILD_INFO.long_version().starts_with(BUILD_INFO.version));
        assert!(!BUILD_INFO.commit.is_empty());
    }

    #[test]
    fn user_agent_names_the_product_and_version() {
        let ua = BUILD_INFO.user_agent();
        assert!(ua.starts_with("CMUStudio/"), "{ua}");
        assert!(ua.contains(BUILD_INFO.version));
    }
}
