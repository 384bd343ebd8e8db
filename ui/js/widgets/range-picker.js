// The period: quick picks and a custom start/end, with the time zone they are read in.

import { $, clear, h } from "../dom.js";
import { AppError } from "../ipc.js";

export const RANGES = [
  { id: "last24h", label: "Last 24 h", range: { kind: "lastHours", value: 24 } },
  { id: "last7d", label: "Last 7 days", range: { kind: "lastDays", value: 7 } },
  { id: "last30d", label: "Last 30 days", range: { kind: "lastDays", value: 30 } },
  { id: "thisMonth", label: "This month", range: { kind: "thisMonth" } },
  { id: "previousMonth", label: "Previous month", range: { kind: "previousMonth" } },
  { id: "custom", label: "Custom…", range: null },
];

const ISO = /^\d{4}(-\d{2}(-\d{2}([T ]\d{2}(:\d{2}(:\d{2})?)?([zZ]|[+-]\d{2}:?\d{2})?)?)?)?$/;

export class RangePicker {
  constructor(root) {
    this.root = root;
    this.options = $("#range-options", root);
    this.custom = $("#range-custom", root);
    this.start = $("#range-start", root);
    this.end = $("#range-end", root);
    this.zone = $("#range-zone", root);
    clear(this.options);
    for (const r of RANGES) {
      const id = `range-${r.id}`;
      this.options.append(
        h("input", { type: "radio", name: "range", id, value: r.id, class: "pill-radio", checked: r.id === "last30d" }),
        h("label", { for: id, class: "pill" }, r.label),
      );
    }
    this.options.addEventListener("change", () => {
      this.custom.hidden = this.selected() !== "custom";
      if (!this.custom.hidden && !this.start.value) this.start.focus();
    });
    const local = Intl.DateTimeFormat().resolvedOptions().timeZone;
    this.zone.append(h("option", { value: "UTC" }, "UTC"));
    if (local && local !== "UTC" && local !== "Etc/UTC") {
      this.zone.append(h("option", { value: local }, `${local} (this computer)`));
    }
  }

  selected() {
    const checked = this.options.querySelector("input:checked");
    return checked ? checked.value : "last30d";
  }

  select(id) {
    const input = this.options.querySelector(`input[value="${id}"]`);
    if (input) input.checked = true;
    this.custom.hidden = id !== "custom";
  }

  /** The TimeRange for the request; throws an AppError when the custom dates are unusable. */
  range() {
    const id = this.selected();
    if (id !== "custom") return RANGES.find((r) => r.id === id).range;
    const start = this.start.value.trim().replace(" ", "T");
    const end = this.end.value.trim().replace(" ", "T");
    if (!ISO.test(start) || !ISO.test(end)) {
      throw new AppError("invalid_input", "Enter the custom start and end as dates like 2026-10-01 (a time such as 2026-10-01T06:00 is fine too).");
    }
    if (start >= end) {
      throw new AppError("invalid_input", "The end of the period must come after its start.");
    }
    return { kind: "absolute", value: { start, end } };
  }

  timeZone() {
    return this.zone.value || "UTC";
  }

  zoneLabel() {
    return this.timeZone();
  }

  restore(range, timeZone) {
    if (timeZone && ![...this.zone.options].some((o) => o.value === timeZone)) {
      this.zone.append(h("option", { value: timeZone }, timeZone));
    }
    this.zone.value = timeZone || "UTC";
    if (!range) return this.select("last30d");
    if (range.kind === "absolute") {
      this.start.value = range.value.start;
      this.end.value = range.value.end;
      return this.select("custom");
    }
    const match = RANGES.find(
      (r) => r.range && r.range.kind === range.kind && (r.range.value === undefined || r.range.value === range.value),
    );
    if (match) return this.select(match.id);
    // Another relative range (e.g. the last 3 days from the CLI): show it as custom text.
    this.select("last30d");
  }
}
