// Connections: import a statement (picker, drop, paste), the profile cards, the demo.

import { callWithProgress } from "../ipc.js";
import { $, h } from "../dom.js";
import { goTo } from "../nav.js";
import * as store from "../store.js";
import { ImportForm } from "../widgets/import-form.js";
import { ProfileCard } from "../widgets/profile-card.js";
import { showError, hideError } from "../widgets/error-box.js";
import { progressText } from "../widgets/progress-text.js";

let form = null;
const cards = new Map();
let started = false;

function renderProfiles() {
  const list = $("#profile-list");
  const all = store.sortedProfiles();
  const empty = all.length === 0;
  $("#connections-empty").hidden = !empty || !store.profilesLoaded();
  $("#profiles").hidden = empty;
  $("#demo-top").hidden = empty || all.some(store.isDemo);
  const loadError = $("#profiles-error");
  if (store.profilesError()) showError(loadError, store.profilesError());
  else hideError(loadError);

  const seen = new Set();
  for (const profile of all) {
    seen.add(profile.id);
    let card = cards.get(profile.id);
    if (card) card.update(profile);
    else {
      card = new ProfileCard(profile, {
        onChanged: (p) => store.upsertProfile(p),
        onForgotten: (p) => store.removeProfile(p.id),
        onOpenReports: (p) => goTo("reports", { profileId: p.id }),
      });
      cards.set(profile.id, card);
    }
    list.append(card.el); // re-appending keeps the most recent first
  }
  for (const [id, card] of cards) {
    if (!seen.has(id)) {
      card.el.remove();
      cards.delete(id);
    }
  }
  $("#screen-connections").dataset.profiles = String(all.length);
}

async function afterImport(profile) {
  store.upsertProfile(profile);
  const card = cards.get(profile.id);
  const status = $("#import-done");
  status.textContent = `Connected “${profile.label}”. Checking that it can get a token…`;
  status.hidden = false;
  if (card) {
    card.el.classList.add("just-added");
    card.el.scrollIntoView({ block: "nearest" });
    await card.test();
    status.textContent = `Connected “${card.profile.label}”.`;
  }
}

async function startDemo(button) {
  const errorEl = $("#demo-error");
  const statusEl = $("#demo-status");
  hideError(errorEl);
  const buttons = [$("#demo-start"), $("#demo-top")];
  buttons.forEach((b) => (b.disabled = true));
  statusEl.hidden = false;
  const progress = progressText(statusEl, "Starting the demo server with synthetic data…");
  try {
    const profile = await callWithProgress("start_demo", {}, (e) => progress.update(e), "demo");
    store.upsertProfile(profile);
    statusEl.hidden = true;
    goTo("reports", { profileId: profile.id, run: true });
  } catch (err) {
    statusEl.hidden = true;
    showError(errorEl, err);
    (button || buttons[0]).focus();
  } finally {
    progress.stop();
    buttons.forEach((b) => (b.disabled = false));
  }
}

/** A file was dropped anywhere on the window. */
export function statementDropped(paths) {
  goTo("connections");
  if (form) form.inspectDropped(paths);
}

export function initConnections() {
  if (started) return;
  started = true;
  form = new ImportForm($("#import-panel"), { onImported: afterImport });
  $("#demo-start").addEventListener("click", (e) => startDemo(e.currentTarget));
  $("#demo-top").addEventListener("click", (e) => startDemo(e.currentTarget));
  store.onProfilesChanged(renderProfiles);
  renderProfiles();
  // Token states age ("valid until 14:32" becomes "expired"): refresh the words each minute.
  setInterval(() => {
    for (const card of cards.values()) if (!card.testing) card.showToken();
  }, 60_000);
}

export function enterConnections() {
  initConnections();
  // Token states age: re-render the cards' words each time the screen shows.
  renderProfiles();
}


