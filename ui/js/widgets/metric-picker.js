// Which metrics to fetch, each with its documented meaning (tooltip, and spoken on focus).

import { $, clear, h } from "../dom.js";
import { DURATION_METRICS, metricLabel, metricMeaning, SESSION_METRICS } from "../format.js";

export class MetricPicker {
  constructor(root) {
    this.root = root;
    this.list = $("#metric-list", root);
    this.help = $("#metric-help", root);
    this.available = [];
  }

  /** `histogram`: only `users` exists. `checked`: the metrics to tick. */
  setAvailable(histogram, checked = []) {
    clear(this.list);
    this.available = histogram ? ["users"] : [...SESSION_METRICS, ...DURATION_METRICS];
    const groups = histogram
      ? [["Users", ["users"]]]
      : [
          ["Sessions and users", SESSION_METRICS],
          ["Session length (completed sessions)", DURATION_METRICS],
        ];
    for (const [title, names] of groups) {
      const box = h("div", { class: "metric-group" });
      const allButton = h("button", { type: "button", class: "link small" }, "all");
      const noneButton = h("button", { type: "button", class: "link small" }, "none");
      box.append(h("div", { class: "metric-group-head" }, h("span", {}, title), allButton, noneButton));
      const inputs = [];
      for (const name of names) {
        const id = `metric-${name}`;
        const meaning = metricMeaning(name);
        const input = h("input", { type: "checkbox", id, value: name, checked: checked.includes(name), "aria-describedby": "metric-help" });
        inputs.push(input);
        const label = h("label", { for: id, class: "metric", title: meaning }, input, h("span", {}, metricLabel(name)));
        const explain = () => {
          this.help.textContent = `${metricLabel(name)}: ${meaning}`;
        };
        input.addEventListener("focus", explain);
        label.addEventListener("mouseenter", explain);
        box.append(label);
      }
      allButton.addEventListener("click", () => inputs.forEach((i) => (i.checked = true)));
      noneButton.addEventListener("click", () => inputs.forEach((i) => (i.checked = false)));
      this.list.append(box);
    }
    this.help.textContent = "Hover or focus a metric to read what it counts.";
  }

  get() {
    return Array.from(this.list.querySelectorAll("input:checked")).map((i) => i.value);
  }
}
