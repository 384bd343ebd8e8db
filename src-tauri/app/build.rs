//! Tauri build step. Declaring the app's commands makes Tauri generate one `allow-<command>`
//! permission per command and deny every command the capability does not grant, instead of
//! allowing all app commands to every window by default.

fn main() {
    let manifest = tauri_build::AppManifest::new().commands(&[
        "app_info",
        "pick_statement_file",
        "inspect_statement",
        "import_statement",
        "list_profiles",
        "test_connection",
        "rename_profile",
        "forget_profile",
        "start_demo",
        "list_presets",
        "browse_tree",
        "run_report",
        "cancel_report",
        "export_csv",
        "last_report",
        "render_chart",
        "export_png",
        "what_if",
    ]);
    tauri_build::try_build(tauri_build::Attributes::new().app_manifest(manifest))
        .unwrap_or_else(|e| panic!("tauri build step failed: {e:#}"));
}
