// Choosing the report: a searchable list of the documented presets (grouped monthly / daily /
// hourly), or browsing the drill-down tree as a breadcrumb with the next dimensions.

import { callWithProgress } from "../ipc.js";
import { $, clear, h } from "../dom.js";
import { dimensionLabel } from "../format.js";
import { showError, hideError } from "./error-box.js";
import { progressText } from "./progress-text.js";

const GROUPS = [
  ["monthly", "Monthly"],
  ["daily", "Daily"],
  ["hourly", "Hourly"],
];

export function pathOf(text) {
  return text
    .replace(/^\/?cmu\/v2\/?/, "")
    .split("/")
    .filter(Boolean);
}

export function pathString(path) {
  return `/cmu/v2/${path.join("/")}`;
}

export function derivedTitle(path) {
  if (!path.length) return "Report";
  return path.map(dimensionLabel).join(" / ");
}

export class ReportSource {
  constructor(root, { onChange, profileId }) {
    this.root = root;
    this.onChange = onChange;
    this.profileId = profileId;
    this.presets = [];
    this.path = [];
    this.preset = null;
    this.mode = "presets";
    this.browseToken = 0;

    this.search = $("#preset-search", root);
    this.list = $("#preset-list", root);
    this.pathEl = $("#report-path", root);
    this.crumbs = $("#browse-crumbs", root);
    this.children = $("#browse-children", root);
    this.browseStatus = $("#browse-status", root);
    this.browseError = $("#browse-error", root);

    this.search.addEventListener("input", () => this.renderPresets());
    this.search.addEventListener("keydown", (e) => {
      if (e.key === "ArrowDown") {
        e.preventDefault();
        const first = this.list.querySelector("button.preset");
        if (first) first.focus();
      } else if (e.key === "Enter") {
        // Enter in the search box picks the first match instead of running the report.
        e.preventDefault();
        e.stopPropagation();
        const first = this.list.querySelector("button.preset");
        if (first) first.click();
      }
    });
    this.list.addEventListener("keydown", (e) => this.presetKeys(e));
    for (const tab of root.querySelectorAll(".segmented [role=tab]")) {
      tab.addEventListener("click", () => this.setMode(tab.id === "source-browse-tab" ? "browse" : "presets"));
      tab.addEventListener("keydown", (e) => {
        if (e.key === "ArrowRight" || e.key === "ArrowLeft") {
          e.preventDefault();
          const next = this.mode === "presets" ? "browse" : "presets";
          this.setMode(next);
          $(`#source-${next}-tab`, root).focus();
        }
      });
    }
  }

  setProfile(profileId) {
    this.profileId = profileId;
    if (this.mode === "browse") this.loadChildren();
  }

  setPresets(presets) {
    this.presets = presets;
    this.renderPresets();
  }

  presetKeys(e) {
    if (e.key !== "ArrowDown" && e.key !== "ArrowUp") return;
    const buttons = Array.from(this.list.querySelectorAll("button.preset"));
    const i = buttons.indexOf(document.activeElement);
    if (i < 0) return;
    e.preventDefault();
    const next = buttons[e.key === "ArrowDown" ? i + 1 : i - 1];
    if (next) next.focus();
    else if (e.key === "ArrowUp") this.search.focus();
  }

  renderPresets() {
    const words = this.search.value.toLowerCase().split(/\s+/).filter(Boolean);
    clear(this.list);
    let count = 0;
    for (const [key, label] of GROUPS) {
      const matches = this.presets.filter((p) => {
        if (p.granularity !== key) return false;
        const hay = `${p.name} ${p.path} ${p.granularity}`.toLowerCase();
        return words.every((w) => hay.includes(w));
      });
      if (!matches.length) continue;
      count += matches.length;
      const ul = h("ul", { class: "preset-group", "aria-label": `${label} presets` });
      for (const preset of matches) {
        const selected = this.preset && this.preset.name === preset.name;
        const button = h(
          "button",
          {
            type: "button",
            class: `preset${selected ? " selected" : ""}`,
            "aria-pressed": String(!!selected),
            "data-preset": preset.name,
            title: preset.path,
          },
          h("span", { class: "preset-name" }, preset.name),
          h("span", { class: "preset-path" }, preset.path.replace("/cmu/v2/", "")),
        );
        button.addEventListener("click", () => this.choosePreset(preset));
        ul.append(h("li", {}, button));
      }
      this.list.append(h("h3", { class: "preset-heading" }, label), ul);
    }
    if (!count) this.list.append(h("p", { class: "hint" }, "No preset matches. Try fewer words, or browse the paths."));
  }

  choosePreset(preset) {
    this.preset = preset;
    this.path = pathOf(preset.path);
    this.renderPresets();
    const button = this.list.querySelector(`button[data-preset="${CSS.escape(preset.name)}"]`);
    if (button) button.focus();
    this.changed({ presetMetrics: preset.metrics });
  }

  /** Sets the report from a remembered request. */
  restore(path, title) {
    this.path = [...path];
    const joined = pathString(path);
    this.preset =
      this.presets.find((p) => p.path === joined && p.name === title) ||
      this.presets.find((p) => p.path === joined && !title) ||
      null;
    this.renderPresets();
    this.revealSelected();
    this.showPath();
    if (this.mode === "browse") this.loadChildren();
  }

  /** Scrolls the preset list (only it) so the selected preset is in view. */
  revealSelected() {
    const button = this.list.querySelector("button.preset.selected");
    if (!button) return;
    const top = button.offsetTop; // the list is the offset parent (position: relative)
    if (top < this.list.scrollTop || top + button.offsetHeight > this.list.scrollTop + this.list.clientHeight) {
      this.list.scrollTop = Math.max(0, top - 40);
    }
  }

  title() {
    return this.preset ? this.preset.name : derivedTitle(this.path);
  }

  showPath() {
    this.pathEl.textContent = this.path.length ? pathString(this.path) : "—";
  }

  changed(extra = {}) {
    this.showPath();
    this.onChange({ path: this.path, title: this.title(), ...extra });
  }

  setMode(mode) {
    this.mode = mode;
    for (const [name, panel] of [
      ["presets", "#source-presets"],
      ["browse", "#source-browse"],
    ]) {
      const tab = $(`#source-${name}-tab`, this.root);
      tab.setAttribute("aria-selected", String(name === mode));
      tab.tabIndex = name === mode ? 0 : -1;
      $(panel, this.root).hidden = name !== mode;
    }
    if (mode === "browse") this.loadChildren();
  }

  renderCrumbs() {
    clear(this.crumbs);
    const crumb = (label, depth, current) => {
      const b = h("button", { type: "button", class: "crumb", "aria-current": current ? "location" : null }, label);
      b.addEventListener("click", () => this.browseTo(this.path.slice(0, depth)));
      return h("li", {}, b);
    };
    this.crumbs.append(crumb("cmu/v2", 0, this.path.length === 0));
    this.path.forEach((dim, i) => this.crumbs.append(crumb(dim, i + 1, i === this.path.length - 1)));
  }

  browseTo(path) {
    this.path = [...path];
    this.preset = null;
    this.renderPresets();
    this.changed();
    this.loadChildren();
  }

  async loadChildren() {
    this.renderCrumbs();
    clear(this.children);
    hideError(this.browseError);
    if (!this.profileId) return;
    const token = ++this.browseToken;
    this.browseStatus.hidden = false;
    this.browseStatus.classList.add("working");
    const progress = progressText(this.browseStatus, "Asking Adobe Pass which dimensions come next…");
    try {
      const node = await callWithProgress(
        "browse_tree",
        { profileId: this.profileId, path: this.path },
        (e) => progress.update(e),
        "tree",
      );
      if (token !== this.browseToken) return;
      const kids = node.children || [];
      if (!kids.length) {
        this.children.append(h("p", { class: "hint" }, "This is a leaf: no further drill-down."));
      }
      for (const child of kids) {
        const b = h("button", { type: "button", class: "chip-choice", "data-dimension": child }, `+ ${child}`);
        b.addEventListener("click", () => this.browseTo([...this.path, child]));
        this.children.append(b);
      }
    } catch (err) {
      if (token === this.browseToken) showError(this.browseError, err);
    } finally {
      progress.stop();
      if (token === this.browseToken) {
        this.browseStatus.hidden = true;
        this.browseStatus.classList.remove("working");
      }
    }
  }
}
