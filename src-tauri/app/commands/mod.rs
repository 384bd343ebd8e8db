//! The Tauri commands: one file per screen, each command a few lines over `cmu_core`.

pub mod about;
pub mod connections;
pub mod reports;
