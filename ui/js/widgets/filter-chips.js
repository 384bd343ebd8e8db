// Filter chips: dimension, = or ≠, value. Values are suggested from the report on screen.

import { $, clear, h } from "../dom.js";
import { dimensionLabel, FILTER_DIMENSIONS } from "../format.js";

export class FilterChips {
  constructor(root, { suggest }) {
    this.root = root;
    this.suggest = suggest;
    this.filters = [];
    this.list = $("#filter-chips", root);
    this.dimension = $("#filter-dimension", root);
    this.op = $("#filter-op", root);
    this.value = $("#filter-value", root);
    this.datalist = $("#filter-values", root);
    for (const d of FILTER_DIMENSIONS) this.dimension.append(h("option", { value: d }, dimensionLabel(d)));
    this.dimension.addEventListener("change", () => this.refreshSuggestions());
    this.value.addEventListener("focus", () => this.refreshSuggestions());
    $("#filter-add", root).addEventListener("click", () => this.addFromForm());
    this.value.addEventListener("keydown", (e) => {
      if (e.key === "Enter" && this.value.value.trim()) {
        e.preventDefault();
        e.stopPropagation();
        this.addFromForm();
      }
    });
    this.render();
  }

  refreshSuggestions() {
    clear(this.datalist);
    for (const v of this.suggest(this.dimension.value).slice(0, 500)) {
      this.datalist.append(h("option", { value: v }));
    }
  }

  addFromForm() {
    const value = this.value.value.trim();
    if (!value) {
      this.value.focus();
      return;
    }
    this.add(this.dimension.value, this.op.value, value);
    this.value.value = "";
    this.value.focus();
  }

  add(dimension, op, value) {
    const same = this.filters.find((f) => f.dimension === dimension && f.op === op);
    if (same) {
      if (!same.values.includes(value)) same.values.push(value);
    } else {
      this.filters.push({ dimension, op, values: [value] });
    }
    this.render();
  }

  remove(dimension, op, value) {
    for (const f of this.filters) {
      if (f.dimension === dimension && f.op === op) f.values = f.values.filter((v) => v !== value);
    }
    this.filters = this.filters.filter((f) => f.values.length || f.op === "project");
    this.render();
  }

  set(filters) {
    this.filters = (filters || []).map((f) => ({ dimension: f.dimension, op: f.op, values: [...(f.values || [])] }));
    this.render();
  }

  get() {
    return this.filters.map((f) => ({ dimension: f.dimension, op: f.op, values: [...f.values] }));
  }

  render() {
    clear(this.list);
    for (const f of this.filters) {
      if (f.op === "project") {
        this.list.append(h("li", { class: "chip" }, h("span", {}, `show ${dimensionLabel(f.dimension)}`)));
        continue;
      }
      for (const v of f.values) {
        const sign = f.op === "notEq" ? "≠" : "=";
        const remove = h(
          "button",
          { type: "button", class: "chip-remove", "aria-label": `Remove filter ${f.dimension} ${sign} ${v}` },
          "×",
        );
        remove.addEventListener("click", () => {
          this.remove(f.dimension, f.op, v);
          this.value.focus();
        });
        this.list.append(
          h(
            "li",
            { class: `chip${f.op === "notEq" ? " chip-not" : ""}` },
            h("span", { class: "chip-dim" }, dimensionLabel(f.dimension)),
            h("span", { class: "chip-op" }, ` ${sign} `),
            h("span", { class: "chip-value" }, v),
            remove,
          ),
        );
      }
    }
    if (!this.filters.length) this.list.append(h("li", { class: "hint none" }, "No filter: everything is counted."));
  }
}
