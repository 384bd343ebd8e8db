// App shell: tab navigation (mouse and keyboard), screen start-up, the window-wide drop zone.

import { showAbout } from "./screens/about.js";
import { enterConnections, initConnections, statementDropped } from "./screens/connections.js";
import { enterReports } from "./screens/reports.js";
import { goTo, registerScreen } from "./nav.js";
import { listenProgress } from "./ipc.js";
import { refreshProfiles } from "./store.js";
import { initDropZone } from "./widgets/dropzone.js";

registerScreen("connections", enterConnections);
registerScreen("reports", enterReports);
registerScreen("about", showAbout);

function tabs() {
  return Array.from(document.querySelectorAll('.tabs [role="tab"]'));
}

function onTabKey(event) {
  const list = tabs();
  const index = list.indexOf(event.target);
  if (index < 0) return;
  let next = null;
  if (event.key === "ArrowRight") next = list[(index + 1) % list.length];
  if (event.key === "ArrowLeft") next = list[(index - 1 + list.length) % list.length];
  if (event.key === "Home") next = list[0];
  if (event.key === "End") next = list[list.length - 1];
  if (next) {
    event.preventDefault();
    next.focus();
    goTo(next.dataset.screen);
  }
}

async function start() {
  for (const tab of tabs()) {
    tab.addEventListener("click", () => goTo(tab.dataset.screen));
    tab.addEventListener("keydown", onTabKey);
  }
  for (const link of document.querySelectorAll("[data-goto]")) {
    link.addEventListener("click", () => goTo(link.dataset.goto));
  }
  initConnections();
  goTo("connections");
  await Promise.all([listenProgress(), initDropZone(statementDropped), refreshProfiles()]);
  document.getElementById("app-shell").dataset.ready = "true";
}

start();
