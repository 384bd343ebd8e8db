// Navigation between the screens. Screens register an `enter(params)` function; anyone can
// call `goTo(name, params)` without importing the other screens.

const screens = new Map();

export function registerScreen(name, enter) {
  screens.set(name, enter);
}

function tabs() {
  return Array.from(document.querySelectorAll('.tabs [role="tab"]'));
}

export function currentScreen() {
  const tab = tabs().find((t) => t.getAttribute("aria-selected") === "true");
  return tab ? tab.dataset.screen : null;
}

export function goTo(name, params = {}) {
  for (const tab of tabs()) {
    const selected = tab.dataset.screen === name;
    tab.setAttribute("aria-selected", String(selected));
    tab.tabIndex = selected ? 0 : -1;
    document.getElementById(tab.getAttribute("aria-controls")).hidden = !selected;
  }
  document.body.dataset.screen = name;
  const enter = screens.get(name);
  if (enter) enter(params);
}
