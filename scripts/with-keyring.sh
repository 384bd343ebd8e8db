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
# The daemon keeps its keyring files under XDG_DATA_HOME; only the daemon sees the temp one.
printf '%s' "cmu-studio-test" | XDG_DATA_HOME="$keyring_home" \
  gnome-keyring-daemon --unlock --components=secrets >/dev/null
"$@"
