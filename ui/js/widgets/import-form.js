// The import form: a statement from the picker, a drop or pasted text; what it says; the
// environment to register in; registration with visible progress. Errors stay next to it.

import { call, callWithProgress } from "../ipc.js";
import { $, clear, h } from "../dom.js";
import { ENVIRONMENTS, fmtDateTime } from "../format.js";
import { showError, hideError } from "./error-box.js";
import { progressText } from "./progress-text.js";

export class ImportForm {
  constructor(root, { onImported }) {
    this.root = root;
    this.onImported = onImported;
    this.source = null;
    this.summary = null;
    this.busy = false;

    this.error = $("#import-error", root);
    this.summaryBox = $("#import-summary", root);
    this.facts = $("#summary-facts", root);
    this.sourceLine = $("#summary-source", root);
    this.status = $("#import-status", root);
    this.registerButton = $("#import-register", root);
    this.textArea = $("#import-text", root);
    this.reading = $("#import-reading", root);

    this.buildEnvironmentChoice();
    $("#import-pick", root).addEventListener("click", () => this.pick());
    $("#import-inspect-text", root).addEventListener("click", () => this.inspectText());
    this.textArea.addEventListener("keydown", (e) => {
      if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
        e.preventDefault();
        this.inspectText();
      }
    });
    $("#import-cancel", root).addEventListener("click", () => this.reset());
    $("#import-form", root).addEventListener("submit", (e) => {
      e.preventDefault();
      this.register();
    });
  }

  buildEnvironmentChoice() {
    const list = $("#env-options", this.root);
    clear(list);
    for (const env of ENVIRONMENTS) {
      const id = `env-${env.kind}`;
      list.append(
        h(
          "label",
          { class: "env-option", for: id },
          h("input", { type: "radio", name: "environment", id, value: env.kind, checked: env.kind === "production" }),
          h("span", { class: "env-name" }, env.label),
          env.hint ? h("span", { class: "env-hint" }, env.hint) : null,
        ),
      );
    }
    const custom = $("#env-custom-urls", this.root);
    list.addEventListener("change", () => {
      custom.hidden = this.environmentKind() !== "custom";
      if (!custom.hidden) $("#env-sp-url", this.root).focus();
    });
  }

  environmentKind() {
    const checked = this.root.querySelector('input[name="environment"]:checked');
    return checked ? checked.value : "production";
  }

  environment() {
    const kind = this.environmentKind();
    if (kind !== "custom") return { kind };
    return {
      kind,
      spUrl: $("#env-sp-url", this.root).value.trim(),
      mgmtUrl: $("#env-mgmt-url", this.root).value.trim() || null,
    };
  }

  async pick() {
    hideError(this.error);
    let path;
    try {
      path = await call("pick_statement_file");
    } catch (err) {
      showError(this.error, err, "import");
      return;
    }
    if (path) await this.inspect({ path });
  }

  async inspectText() {
    const text = this.textArea.value.trim();
    if (!text) {
      showError(this.error, { code: "invalid_input", message: "Paste the statement text first (it starts with eyJ)." });
      this.textArea.focus();
      return;
    }
    await this.inspect({ text });
  }

  /** Reads a statement from a dropped file. */
  async inspectDropped(paths) {
    await this.inspect({ path: paths[0] }, paths.length > 1 ? "Only the first dropped file was read." : "");
  }

  async inspect(source, note = "") {
    hideError(this.error);
    $("#import-done", this.root).hidden = true;
    this.reading.hidden = false;
    this.root.setAttribute("aria-busy", "true");
    try {
      const summary = await call("inspect_statement", { source });
      this.source = source;
      this.summary = summary;
      this.showSummary(summary, note);
    } catch (err) {
      this.source = null;
      this.summary = null;
      this.summaryBox.hidden = true;
      this.root.dataset.state = "error";
      const details = { ...(err.details || {}), file: source.path ? fileName(source.path) : null };
      showError(this.error, { code: err.code, message: err.message, details }, "import");
      this.error.focus();
    } finally {
      this.reading.hidden = true;
      this.root.setAttribute("aria-busy", "false");
    }
  }

  showSummary(s, note) {
    clear(this.facts);
    const fact = (label, value, cls = "") =>
      value ? [h("dt", {}, label), h("dd", { class: cls, "data-fact": label }, value)] : [];
    const expiry = s.expiresAt ? fmtDateTime(s.expiresAt) : "No expiry (valid until revoked)";
    const expired = s.expiresAt && s.expiresAt * 1000 < Date.now();
    this.facts.append(
      ...fact("Software ID", s.softwareId, "mono"),
      ...fact("Client name", s.clientName || "—"),
      ...fact("Issuer", s.issuer || "—"),
      ...fact("Issued", s.issuedAt ? fmtDateTime(s.issuedAt) : "—"),
      ...fact("Expires", expired ? `${expiry} (expired)` : expiry),
      ...(s.softwareVersion ? fact("Version", s.softwareVersion) : []),
    );
    const from = this.source.path ? `From ${fileName(this.source.path)}` : "From pasted text";
    this.sourceLine.textContent = note ? `${from}. ${note}` : from;
    this.summaryBox.hidden = false;
    this.root.dataset.state = "summary";
    this.status.hidden = true;
    $("#import-label", this.root).value = "";
    // Bring the Register button into view; the summary sits just above it.
    this.registerButton.focus({ preventScroll: true });
    this.registerButton.scrollIntoView({ block: "nearest" });
  }

  async register() {
    if (this.busy || !this.source) return;
    hideError(this.error);
    const environment = this.environment();
    if (environment.kind === "custom" && !environment.spUrl) {
      showError(this.error, { code: "invalid_input", message: "Enter the registration URL of the custom environment." });
      $("#env-sp-url", this.root).focus();
      return;
    }
    this.busy = true;
    this.registerButton.disabled = true;
    this.status.hidden = false;
    this.status.classList.add("working");
    const progress = progressText(this.status, "Registering with Adobe Pass…");
    try {
      // Without a name, the card is titled with the statement's client name.
      const label = $("#import-label", this.root).value.trim() || (this.summary && this.summary.clientName) || null;
      const profile = await callWithProgress(
        "import_statement",
        { source: this.source, environment, label },
        (event) => progress.update(event),
        "import",
      );
      this.reset();
      this.onImported(profile);
    } catch (err) {
      this.status.hidden = true;
      showError(this.error, err, "import");
    } finally {
      progress.stop();
      this.status.classList.remove("working");
      this.busy = false;
      this.registerButton.disabled = false;
    }
  }

  reset() {
    this.source = null;
    this.summary = null;
    this.summaryBox.hidden = true;
    this.status.hidden = true;
    this.textArea.value = "";
    this.root.dataset.state = "idle";
    hideError(this.error);
  }
}

function fileName(path) {
  return path.split(/[\\/]/).pop();
}
