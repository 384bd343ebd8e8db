// About panel: everything shown comes from the Rust `app_info` command.

import { call } from "../ipc.js";

let loaded = false;

function set(id, text) {
  document.getElementById(id).textContent = text;
}

export async function showAbout() {
  if (loaded) return;
  const facts = document.getElementById("about-facts");
  const error = document.getElementById("about-error");
  try {
    const info = await call("app_info");
    set("about-version", info.version);
    set("about-build", `${info.commit} · ${info.target} · ${info.profile}`);
    set("about-rustc", info.rustc);
    set("about-tauri", info.tauriVersion);
    set("about-webview", info.webviewVersion ?? "unknown");
    set("about-config", info.configDir);
    set("about-log", info.logFile ?? "file logging is off");
    error.hidden = true;
    loaded = true;
  } catch (err) {
    error.textContent = `Could not read the build information: ${err.message}`;
    error.hidden = false;
  } finally {
    facts.setAttribute("aria-busy", "false");
  }
}
