// The concurrency-limit what-if: how many users would a stream limit of N have stopped?

import { call } from "../ipc.js";
import { $, clear, h } from "../dom.js";
import { fmtNumber, fmtPercent } from "../format.js";
import { showError, hideError } from "./error-box.js";

export class WhatIfView {
  constructor(root, { onLimit }) {
    this.root = root;
    this.onLimit = onLimit;
    this.input = $("#whatif-limit", root);
    this.summary = $("#whatif-summary", root);
    this.error = $("#whatif-error", root);
    this.tableHost = $("#whatif-table", root);
    $("#whatif-run", root).addEventListener("click", () => this.run());
    this.input.addEventListener("keydown", (e) => {
      if (e.key === "Enter") {
        e.preventDefault();
        e.stopPropagation();
        this.run();
      }
    });
    this.input.addEventListener("change", () => this.run());
  }

  show(visible, dimension) {
    this.root.hidden = !visible;
    if (!visible) return;
    const what = dimension === "activity-level" ? "activity level" : "concurrent streams";
    $("#whatif-title", this.root).textContent =
      dimension === "activity-level" ? "What if the activity limit were…" : "What if the stream limit were…";
    this.root.dataset.dimension = dimension;
    this.summary.textContent = `Enter a limit to see how many users have a ${what} above it.`;
    clear(this.tableHost);
    hideError(this.error);
  }

  async run() {
    const limit = Number.parseInt(this.input.value, 10);
    if (!Number.isFinite(limit) || limit < 1) {
      showError(this.error, { code: "invalid_input", message: "The limit must be a whole number of at least 1." });
      return;
    }
    hideError(this.error);
    try {
      const w = await call("what_if", { limit });
      this.summary.textContent =
        `With a limit of ${w.limit}, ${fmtNumber(w.usersOverLimit)} of ${fmtNumber(w.totalUsers)} users ` +
        `(${fmtPercent(w.shareOverLimit)}) would have been denied a stream at least once; ` +
        `${fmtNumber(w.usersAtLimit)} (${fmtPercent(w.shareAtLimit)}) used exactly ${w.limit}.`;
      this.renderTable(w);
      this.onLimit(limit);
    } catch (err) {
      showError(this.error, err);
    }
  }

  renderTable(w) {
    clear(this.tableHost);
    const body = h("tbody");
    for (const r of w.rows || []) {
      const state = r.over ? "Denied at least once" : r.atLimit ? "At the limit" : "Within the limit";
      body.append(
        h(
          "tr",
          { class: r.over ? "over" : r.atLimit ? "at-limit" : "" },
          h("td", { class: "num" }, String(r.level)),
          h("td", { class: "num" }, fmtNumber(r.users)),
          h("td", {}, state),
        ),
      );
    }
    this.tableHost.append(
      h(
        "table",
        { class: "data-table compact" },
        h("thead", {}, h("tr", {}, h("th", { class: "num" }, "Level"), h("th", { class: "num" }, "Users"), h("th", {}, "Under this limit"))),
        body,
      ),
    );
  }
}
