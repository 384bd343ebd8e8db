// The chart: SVG drawn by our own Rust renderer (render_chart), inserted as parsed markup,
// with values under the pointer (and the arrow keys) from the renderer's point positions,
// series toggles, and kind / metric / split / theme switches that re-render.

import { call } from "../ipc.js";
import { $, clear, h } from "../dom.js";
import { dimensionLabel, fmtNumber, LEVEL_DIMENSIONS, metricLabel, TIME_DIMENSIONS } from "../format.js";

const KINDS = [
  ["line", "Lines"],
  ["stackedArea", "Stacked area"],
  ["bar", "Bars"],
  ["stackedBar", "Stacked bars"],
  ["histogram", "Histogram"],
  ["whatIf", "What-if"],
];

const dark = window.matchMedia("(prefers-color-scheme: dark)");

export class ChartView {
  constructor(root) {
    this.root = root;
    this.box = $("#chart-box", root);
    this.svgHost = $("#chart-svg", root);
    this.tooltip = $("#chart-tooltip", root);
    this.rule = $("#chart-rule", root);
    this.message = $("#chart-message", root);
    this.toggles = $("#series-toggles", root);
    this.kind = $("#chart-kind", root);
    this.metric = $("#chart-metric", root);
    this.series = $("#chart-series", root);
    this.theme = $("#chart-theme", root);
    this.spec = null;
    this.data = null;
    this.hidden = new Set();
    this.renderToken = 0;
    this.focusIndex = -1;
    this.available = true;

    this.kind.addEventListener("change", () => this.changeSpec({ kind: this.kind.value }));
    this.metric.addEventListener("change", () => this.changeSpec({ metrics: [this.metric.value], title: null }));
    this.series.addEventListener("change", () => {
      this.hidden.clear();
      this.changeSpec({ seriesBy: this.series.value || null, title: null });
    });
    this.theme.addEventListener("change", () => this.render());
    dark.addEventListener("change", () => {
      if (this.theme.value === "auto") this.render();
    });

    this.box.addEventListener("mousemove", (e) => this.hover(e));
    this.box.addEventListener("mouseleave", () => this.hideTooltip());
    this.box.addEventListener("keydown", (e) => this.keys(e));
    this.box.addEventListener("blur", () => this.hideTooltip());

    let lastWidth = 0;
    let resizeTimer = null;
    new ResizeObserver(() => {
      const width = this.box.clientWidth;
      if (!this.spec || Math.abs(width - lastWidth) < 40) return;
      lastWidth = width;
      clearTimeout(resizeTimer);
      resizeTimer = setTimeout(() => this.render(), 250);
    }).observe(this.box);
  }

  themeName() {
    const t = this.theme.value;
    if (t === "light" || t === "dark") return t;
    return dark.matches ? "dark" : "light";
  }

  size() {
    const width = Math.max(320, Math.min(2400, Math.round(this.box.clientWidth || 900)));
    const height = Math.max(280, Math.min(560, Math.round(width * 0.48)));
    return { width, height };
  }

  /** A new report arrived: pick the default chart and draw it. */
  async showReport(view) {
    this.view = view;
    this.hidden.clear();
    const table = view.table;
    // The engine sends the spec of the chart it drew; older engines may not.
    const spec = view.chartSpec || defaultSpec(table);
    this.spec = { ...defaultSpec(table), ...spec };
    this.fillControls(table);
    if (view.chart && view.chart.svg) {
      // Shown at once; redrawn at the window's size and theme just after.
      this.display(view.chart.svg, view.chart.data);
    } else if (view.chartError) {
      this.showMessage(`The chart could not be drawn: ${view.chartError}`);
    }
    await this.render();
  }

  fillControls(table) {
    const levels = table.columns.some((c) => LEVEL_DIMENSIONS.includes(c.name));
    clear(this.kind);
    for (const [value, label] of KINDS) {
      if (value === "histogram" && !levels) continue;
      if (value === "whatIf" && this.spec.kind !== "whatIf") continue;
      this.kind.append(h("option", { value }, label));
    }
    this.kind.value = this.spec.kind || "line";
    clear(this.metric);
    const metrics = table.columns.filter((c) => c.kind === "metric").map((c) => c.name);
    for (const m of metrics) this.metric.append(h("option", { value: m }, metricLabel(m).toLowerCase()));
    this.metric.value = (this.spec.metrics && this.spec.metrics[0]) || metrics[0] || "";
    this.metric.disabled = metrics.length < 2;
    clear(this.series);
    this.series.append(h("option", { value: "" }, "no split"));
    const dims = table.columns
      .filter((c) => c.kind !== "metric" && !TIME_DIMENSIONS.includes(c.name) && !LEVEL_DIMENSIONS.includes(c.name))
      .map((c) => c.name);
    for (const d of dims) this.series.append(h("option", { value: d }, dimensionLabel(d)));
    this.series.value = this.spec.seriesBy || "";
    this.series.disabled = levels || dims.length === 0;
  }

  changeSpec(patch) {
    if (!this.spec) return;
    this.spec = { ...this.spec, ...patch };
    if (patch.kind && patch.kind !== "whatIf") this.spec.limit = null;
    this.render();
  }

  /** Shows the what-if chart for `limit` (or goes back to the histogram with null). */
  whatIf(limit) {
    if (!this.spec) return;
    if (limit) {
      this.spec = { ...this.spec, kind: "whatIf", limit, title: null };
    } else {
      this.spec = { ...this.spec, kind: "histogram", limit: null, title: null };
    }
    this.fillControls(this.view.table);
    this.render();
  }

  async render() {
    if (!this.spec) return;
    const token = ++this.renderToken;
    const spec = {
      ...this.spec,
      ...this.size(),
      theme: this.themeName(),
      hiddenSeries: Array.from(this.hidden),
    };
    this.box.setAttribute("aria-busy", "true");
    try {
      const out = await call("render_chart", { spec });
      if (token !== this.renderToken) return;
      this.available = true;
      this.display(out.svg, out.data);
    } catch (err) {
      if (token !== this.renderToken) return;
      if (err.code === "unavailable") {
        this.available = false;
        if (!this.data) {
          this.showMessage("Charts are not available in this build yet; the table below has every value.");
        }
      } else {
        this.showMessage(`The chart could not be drawn: ${err.message}`);
      }
    } finally {
      if (token === this.renderToken) this.box.setAttribute("aria-busy", "false");
    }
  }

  showMessage(text) {
    clear(this.svgHost);
    clear(this.toggles);
    this.data = null;
    this.message.textContent = text;
    this.message.hidden = false;
    this.box.classList.add("no-chart");
  }

  display(svgText, data) {
    const doc = new DOMParser().parseFromString(svgText, "image/svg+xml");
    const svg = doc.documentElement;
    if (!svg || svg.nodeName.toLowerCase() !== "svg" || doc.getElementsByTagName("parsererror").length) {
      this.showMessage("The chart could not be read.");
      return;
    }
    // Scripts and event handlers have no place in a chart: drop any, defensively.
    for (const bad of svg.querySelectorAll("script, foreignObject")) bad.remove();
    for (const el of [svg, ...svg.querySelectorAll("*")]) {
      for (const attr of Array.from(el.attributes)) {
        if (/^on/i.test(attr.name) || attr.name === "style") el.removeAttribute(attr.name);
      }
    }
    const width = (data && data.width) || Number(svg.getAttribute("width")) || 800;
    const height = (data && data.height) || Number(svg.getAttribute("height")) || 450;
    if (!svg.getAttribute("viewBox")) svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
    svg.removeAttribute("width");
    svg.removeAttribute("height");
    svg.setAttribute("role", "img");
    svg.setAttribute("aria-label", (data && data.title) || "Chart");
    svg.classList.add("chart");
    clear(this.svgHost);
    this.svgHost.append(document.importNode(svg, true));
    this.data = data || null;
    this.message.hidden = !(data && data.message);
    this.message.textContent = (data && data.message) || "";
    this.box.classList.remove("no-chart");
    this.box.dataset.series = String(data && data.series ? data.series.length : 0);
    this.renderToggles();
    this.hideTooltip();
  }

  renderToggles() {
    clear(this.toggles);
    const series = (this.data && this.data.series) || [];
    const names = new Set(series.map((s) => s.name));
    for (const name of this.hidden) if (!names.has(name)) names.add(name);
    // What-if and histogram bars are levels of one series, not series one could hide.
    if (names.size < 2 || (this.spec && (this.spec.kind === "whatIf" || this.spec.kind === "histogram"))) return;
    const colors = new Map(series.map((s) => [s.name, s.color]));
    this.toggles.append(h("span", { class: "hint" }, "Show:"));
    for (const name of names) {
      const swatch = h("span", { class: "swatch", "aria-hidden": "true" });
      if (colors.get(name)) swatch.style.backgroundColor = colors.get(name);
      const input = h("input", { type: "checkbox", checked: !this.hidden.has(name), "data-series": name });
      input.addEventListener("change", () => {
        if (input.checked) this.hidden.delete(name);
        else this.hidden.add(name);
        this.render();
      });
      this.toggles.append(h("label", { class: "series-toggle" }, input, swatch, h("span", {}, name)));
    }
  }

  visibleSeries() {
    return ((this.data && this.data.series) || []).filter((s) => !this.hidden.has(s.name) && s.points.length);
  }

  /** Distinct x positions (logical px) with their labels, left to right. */
  columns() {
    const xs = new Map();
    for (const s of this.visibleSeries()) {
      for (const p of s.points) {
        const key = Math.round(p.px * 10) / 10;
        if (!xs.has(key)) xs.set(key, p.xLabel);
      }
    }
    return Array.from(xs.entries())
      .map(([px, label]) => ({ px, label }))
      .sort((a, b) => a.px - b.px);
  }

  scale() {
    const svg = this.svgHost.querySelector("svg");
    if (!svg || !this.data) return null;
    const rect = svg.getBoundingClientRect();
    return { rect, k: rect.width / this.data.width };
  }

  hover(event) {
    const s = this.scale();
    if (!s) return;
    const x = (event.clientX - s.rect.left) / s.k;
    const y = (event.clientY - s.rect.top) / s.k;
    const area = this.data.plotArea || { x: 0, y: 0, w: this.data.width, h: this.data.height };
    if (x < area.x - 8 || x > area.x + area.w + 8 || y < area.y - 8 || y > area.y + area.h + 8) {
      this.hideTooltip();
      return;
    }
    const cols = this.columns();
    if (!cols.length) return;
    let best = 0;
    cols.forEach((c, i) => {
      if (Math.abs(c.px - x) < Math.abs(cols[best].px - x)) best = i;
    });
    this.focusIndex = best;
    this.showAt(cols[best], s);
  }

  keys(event) {
    const cols = this.columns();
    if (!cols.length) return;
    let i = this.focusIndex;
    if (event.key === "ArrowRight") i = Math.min(cols.length - 1, i + 1);
    else if (event.key === "ArrowLeft") i = i < 0 ? cols.length - 1 : Math.max(0, i - 1);
    else if (event.key === "Home") i = 0;
    else if (event.key === "End") i = cols.length - 1;
    else if (event.key === "Escape" && !this.tooltip.hidden) {
      event.stopPropagation();
      this.hideTooltip();
      return;
    } else return;
    event.preventDefault();
    this.focusIndex = i;
    const s = this.scale();
    if (s) this.showAt(cols[i], s);
  }

  showAt(col, s) {
    const rows = [];
    let topY = Infinity;
    for (const series of this.visibleSeries()) {
      const p = series.points.find((q) => Math.abs(q.px - col.px) < 0.75);
      if (!p) continue;
      topY = Math.min(topY, p.py);
      rows.push({ series, p });
    }
    if (!rows.length) return this.hideTooltip();
    rows.sort((a, b) => b.p.value - a.p.value);
    clear(this.tooltip);
    this.tooltip.append(h("div", { class: "tip-title" }, col.label));
    for (const { series, p } of rows.slice(0, 12)) {
      const swatch = h("span", { class: "swatch", "aria-hidden": "true" });
      swatch.style.backgroundColor = series.color;
      this.tooltip.append(
        h("div", { class: "tip-row" }, swatch, h("span", { class: "tip-name" }, series.name), h("span", { class: "tip-value" }, fmtNumber(p.value))),
      );
    }
    if (rows.length > 12) this.tooltip.append(h("div", { class: "hint" }, `and ${rows.length - 12} more`));
    this.tooltip.hidden = false;
    const boxRect = this.box.getBoundingClientRect();
    const offsetX = s.rect.left - boxRect.left;
    const offsetY = s.rect.top - boxRect.top;
    const px = offsetX + col.px * s.k;
    const area = this.data.plotArea;
    this.rule.hidden = false;
    this.rule.style.left = `${px}px`;
    this.rule.style.top = `${offsetY + area.y * s.k}px`;
    this.rule.style.height = `${area.h * s.k}px`;
    const tipWidth = this.tooltip.offsetWidth;
    let left = px + 14;
    if (left + tipWidth > boxRect.width - 4) left = px - tipWidth - 14;
    const top = Math.max(4, offsetY + topY * s.k - this.tooltip.offsetHeight / 2);
    this.tooltip.style.left = `${Math.max(4, left)}px`;
    this.tooltip.style.top = `${top}px`;
  }

  hideTooltip() {
    this.tooltip.hidden = true;
    this.rule.hidden = true;
  }
}

/** The chart that fits a report's shape, when the engine does not say (mirrors the Rust default). */
export function defaultSpec(table) {
  const names = table.columns.map((c) => c.name);
  const metrics = table.columns.filter((c) => c.kind === "metric").map((c) => c.name);
  const level = LEVEL_DIMENSIONS.find((l) => names.includes(l) || (table.path || []).includes(l));
  if (level) {
    return { kind: "histogram", x: { type: "category", dimension: level }, metrics: ["users"], seriesBy: null, title: null };
  }
  const dims = names.filter((n) => !TIME_DIMENSIONS.includes(n) && !metrics.includes(n));
  const series = names.includes("mvpd") ? "mvpd" : dims[0] || null;
  const hasTime = names.some((n) => TIME_DIMENSIONS.includes(n));
  if (hasTime) return { kind: "line", x: { type: "time" }, metrics: metrics.slice(0, 1), seriesBy: series, title: null };
  return {
    kind: "bar",
    x: series ? { type: "category", dimension: series } : { type: "time" },
    metrics: metrics.slice(0, 1),
    seriesBy: null,
    title: null,
  };
}
