//! Tauri build step. Declaring the app's commands makes Tauri generate one `allow-<command>`
//! permission per command and deny every command the capability does not grant, instead of
//! allowing all app commands to every window by default.

fn main() {
    let manifest = tauri_build::AppManifest::new().commands(&["app_info"]);
    tauri_build::try_build(tauri_build::Attributes::new().app_manifest(manifest))
        .unwrap_or_else(|e| panic!("tauri build step failed: {e:#}"));
}
