#!/usr/bin/env bash
# Installs what building, running and testing CMU Studio needs on Debian 12 / Ubuntu 22.04+.
# Idempotent: skips what is already there, so `make run` / `make test` stay fast on a warm machine.
set -euo pipefail

# Why each package is needed is listed in README.md ("Linux packages").
PACKAGES=(
  build-essential pkg-config libssl-dev
  libwebkit2gtk-4.1-dev librsvg2-dev
  webkit2gtk-driver
  xvfb xauth xdotool python3-gi gir1.2-gtk-3.0
  dbus-daemon dbus-x11 gnome-keyring libsecret-tools
  file
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "install-deps: installing ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

if ! cargo tauri --version >/dev/null 2>&1; then
  echo "install-deps: installing tauri-cli (builds the .deb)"
  cargo install tauri-cli --locked --version '^2'
fi

if ! command -v tauri-driver >/dev/null 2>&1; then
  echo "install-deps: installing tauri-driver"
  cargo install tauri-driver --locked --version '^2'
fi
