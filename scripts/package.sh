#!/usr/bin/env bash
# Builds the installable package this machine can make (.deb on Debian/Ubuntu) with
# `cargo tauri build`, from the bundle settings in tauri.conf.json. Prints the package path.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! cargo tauri --version >/dev/null 2>&1; then
  echo "package: installing tauri-cli" >&2
  cargo install tauri-cli --locked --version '^2' >&2
fi
# Only the .deb is built here: AppImage needs a download at bundle time, MSI and DMG need
# Windows and macOS. All are configured in tauri.conf.json.
cargo tauri build --bundles deb "$@" >&2
ls -t target/release/bundle/deb/*.deb | head -n 1
