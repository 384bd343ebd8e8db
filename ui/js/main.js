// App shell: tab navigation (mouse and keyboard) and screen start-up.

import { showAbout } from "./screens/about.js";

const screens = {
  connections: null,
  reports: null,
  about: showAbout,
};

function tabs() {
  return Array.from(document.querySelectorAll('.tabs [role="tab"]'));
}

export function goTo(name) {
  for (const tab of tabs()) {
    const selected = tab.dataset.screen === name;
    tab.setAttribute("aria-selected", String(selected));
    tab.tabIndex = selected ? 0 : -1;
    document.getElementById(tab.getAttribute("aria-controls")).hidden = !selected;
  }
  const enter = screens[name];
  if (enter) enter();
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

function start() {
  for (const tab of tabs()) {
    tab.addEventListener("click", () => goTo(tab.dataset.screen));
    tab.addEventListener("keydown", onTabKey);
  }
  for (const link of document.querySelectorAll("[data-goto]")) {
    link.addEventListener("click", () => goTo(link.dataset.goto));
  }
  goTo("connections");
  document.getElementById("app-shell").dataset.ready = "true";
}

start();
