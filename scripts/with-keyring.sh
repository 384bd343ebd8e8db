#!/usr/bin/env bash
# Runs a command inside a private D-Bus session that has an unlocked, throwaway gnome-keyring
# (a real Secret Service), so tests never touch the developer's own keyring.
#   scripts/with-keyring.sh cargo test -p cmu-core
set -euo pipefail
if [ -z "${CMU_IN_KEYRING_SESSION:-}" ]; then
  exec dbus-run-session -- env CMU_IN_KEYRING_SESSION=1 "$0" "$@"
fi
keyring_home=$(mktemp -d -t cmu-keyring.XXXXXX)
trap 'rm -rf "$keyring_home"' EXIT
# The daemon keeps its keyring files under XDG_DATA_HOME and its control socket under
# XDG_RUNTIME_DIR; it gets temporary ones, so a caller's XDG settings cannot break it.
mkdir -m 700 "$keyring_home/data" "$keyring_home/run"
printf '%s' "cmu-studio-test" | env XDG_DATA_HOME="$keyring_home/data" \
  XDG_RUNTIME_DIR="$keyring_home/run" \
  gnome-keyring-daemon --unlock --components=secrets >/dev/null
"$@"
