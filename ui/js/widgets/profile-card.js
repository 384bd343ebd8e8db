// One connection: environment, name, ids, registration date, token state, and its actions.
// Never shows a secret (the commands never send one).

import { call, callWithProgress } from "../ipc.js";
import { clear, h } from "../dom.js";
import { fmtClock, fmtDateTime } from "../format.js";
import { showError, hideError } from "./error-box.js";
import { progressText } from "./progress-text.js";
import { confirmDialog } from "./confirm.js";

export function tokenWords(profile) {
  const exp = profile.tokenExpiresAt;
  if (!exp) return { text: "No access token yet — test the connection to get one", state: "none" };
  if (exp * 1000 <= Date.now()) return { text: "Token expired — a new one is requested when needed", state: "expired" };
  return { text: `Token valid until ${fmtClock(exp)}`, state: "valid" };
}

export class ProfileCard {
  constructor(profile, { onChanged, onForgotten, onOpenReports }) {
    this.profile = profile;
    this.onChanged = onChanged;
    this.onForgotten = onForgotten;
    this.onOpenReports = onOpenReports;
    this.el = h("li", { class: "card profile-card", dataset: { profileId: profile.id } });
    this.render();
  }

  render() {
    const p = this.profile;
    const kind = p.environment ? p.environment.kind : "custom";
    clear(this.el);
    this.el.classList.toggle("is-demo", kind === "demo");
    this.labelEl = h("h3", { class: "profile-label" }, p.label);
    this.renameButton = h(
      "button",
      { type: "button", class: "icon-button rename", "aria-label": `Rename ${p.label}`, title: "Rename" },
      "Rename",
    );
    this.renameButton.addEventListener("click", () => this.startRename());
    this.head = h(
      "div",
      { class: "card-head" },
      h("span", { class: `env-badge env-${kind}` }, kind === "demo" ? "Demo data" : p.environmentLabel),
      this.labelEl,
      this.renameButton,
    );
    const fact = (label, value, cls = "") => [h("dt", {}, label), h("dd", { class: cls }, value)];
    const urls =
      kind === "custom" && p.environment
        ? fact("Server", p.environment.spUrl, "mono")
        : [];
    this.tokenEl = h("p", { class: "token-state", "aria-live": "polite" });
    this.errorEl = h("p", { class: "error card-error", role: "alert", hidden: true, tabindex: "-1" });
    this.testButton = h("button", { type: "button", class: "test" }, "Test connection");
    this.testButton.addEventListener("click", () => this.test());
    const reports = h("button", { type: "button", class: "primary open-reports" }, "Open reports");
    reports.addEventListener("click", () => this.onOpenReports(this.profile));
    const forget = h("button", { type: "button", class: "danger-outline forget" }, "Forget…");
    forget.addEventListener("click", () => this.forget());
    this.el.append(
      this.head,
      h(
        "dl",
        { class: "facts compact" },
        fact("Software ID", p.softwareId, "mono software-id"),
        p.clientName ? fact("Client name", p.clientName) : [],
        fact("Client ID", p.clientId || "not registered yet", "mono client-id"),
        fact("Registered", p.registeredAt ? fmtDateTime(p.registeredAt) : "—"),
        urls,
      ),
      this.tokenEl,
      this.errorEl,
      h("div", { class: "card-actions" }, reports, this.testButton, forget),
    );
    this.showToken();
  }

  showToken() {
    const { text, state } = tokenWords(this.profile);
    this.tokenEl.textContent = this.note ? `${this.note} ${text}` : text;
    this.tokenEl.dataset.state = state;
  }

  update(profile) {
    if (profile === this.profile) {
      this.showToken();
      return;
    }
    this.profile = profile;
    if (!this.renaming && !this.testing) this.render();
  }

  async test() {
    if (this.testing) return;
    this.testing = true;
    hideError(this.errorEl);
    this.testButton.disabled = true;
    this.tokenEl.dataset.state = "working";
    const progress = progressText(this.tokenEl, "Checking the connection…", {
      onChange: (kind) => {
        this.tokenEl.dataset.state = kind || "working";
      },
    });
    try {
      const profile = await callWithProgress(
        "test_connection",
        { profileId: this.profile.id },
        (e) => progress.update(e),
        "test",
      );
      progress.stop();
      this.profile = profile;
      this.note = "Connection works.";
      this.showToken();
      this.tokenEl.dataset.tested = "ok";
      this.onChanged(profile);
    } catch (err) {
      progress.stop();
      this.note = "";
      this.showToken();
      this.tokenEl.dataset.tested = "failed";
      showError(this.errorEl, err);
    } finally {
      this.testing = false;
      this.testButton.disabled = false;
    }
  }

  startRename() {
    if (this.renaming) return;
    this.renaming = true;
    const input = h("input", {
      type: "text",
      class: "rename-input",
      value: this.profile.label,
      "aria-label": "New name",
      maxlength: "100",
    });
    const save = h("button", { type: "button", class: "primary small" }, "Save");
    const cancel = h("button", { type: "button", class: "small" }, "Cancel");
    const form = h("div", { class: "rename-form" }, input, save, cancel);
    const done = () => {
      this.renaming = false;
      this.render();
      this.renameButton.focus();
    };
    const commit = async () => {
      const label = input.value.trim();
      if (!label || label === this.profile.label) return done();
      save.disabled = true;
      try {
        const profile = await call("rename_profile", { profileId: this.profile.id, label });
        this.profile = profile;
        this.onChanged(profile);
        done();
      } catch (err) {
        save.disabled = false;
        showError(this.errorEl, err);
      }
    };
    save.addEventListener("click", commit);
    cancel.addEventListener("click", done);
    input.addEventListener("keydown", (e) => {
      if (e.key === "Enter") {
        e.preventDefault();
        commit();
      } else if (e.key === "Escape") {
        e.preventDefault();
        done();
      }
    });
    this.labelEl.replaceWith(form);
    this.renameButton.hidden = true;
    input.focus();
    input.select();
  }

  async forget() {
    const ok = await confirmDialog({
      title: `Forget “${this.profile.label}”?`,
      body:
        "CMU Studio removes this connection and deletes its credentials from your keyring. " +
        "Your reports on Adobe Pass are not affected; to use it again, import the statement again.",
      confirm: "Forget connection",
      danger: true,
    });
    if (!ok) return;
    try {
      await call("forget_profile", { profileId: this.profile.id });
      this.onForgotten(this.profile);
    } catch (err) {
      showError(this.errorEl, err);
    }
  }
}
