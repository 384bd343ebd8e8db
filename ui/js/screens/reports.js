// Reports: the builder (connection, preset or path, period, filters, metrics, limit) and the
// result (chart, table, what-if, exports). A fetch can be cancelled (button or Esc); the last
// good result stays on screen, dimmed, while a new one loads or fails.

import { call, callWithProgress } from "../ipc.js";
import { $, clear, h } from "../dom.js";
import { currentScreen } from "../nav.js";
import * as store from "../store.js";
import { dimensionLabel, fmtNumber, LEVEL_DIMENSIONS } from "../format.js";
import { ReportSource, pathOf, pathString } from "../widgets/report-source.js";
import { RangePicker } from "../widgets/range-picker.js";
import { FilterChips } from "../widgets/filter-chips.js";
import { MetricPicker } from "../widgets/metric-picker.js";
import { DataTable } from "../widgets/data-table.js";
import { ChartView } from "../widgets/chart-view.js";
import { WhatIfView } from "../widgets/whatif.js";
import { ExportBar } from "../widgets/export-bar.js";
import { showError, hideError } from "../widgets/error-box.js";
import { progressText } from "../widgets/progress-text.js";

const DEFAULT_PRESET = "Cross-MVPD daily stats";

const ui = {};
let started = false;
let presets = [];
let presetsLoaded = null;
let profileId = null;
let current = null; // {view, request, profileId}
let runSeq = 0;
let running = null; // {seq, progress, timer}

function isHistogram(path) {
  return path.some((d) => LEVEL_DIMENSIONS.includes(d));
}

function onSourceChange({ path, presetMetrics }) {
  ui.metrics.setAvailable(isHistogram(path), presetMetrics || ui.metrics.get());
}

function fillProfiles() {
  const select = ui.profile;
  const all = store.sortedProfiles();
  clear(select);
  for (const p of all) {
    const env = store.isDemo(p) ? "Demo data" : p.environmentLabel;
    select.append(h("option", { value: p.id }, p.label === env ? p.label : `${p.label} — ${env}`));
  }
  const has = all.length > 0;
  $("#reports-empty").hidden = has;
  $("#reports-main").hidden = !has;
  if (!has) {
    profileId = null;
    return;
  }
  if (!all.some((p) => p.id === profileId)) profileId = all[0].id;
  select.value = profileId;
}

async function selectProfile(id, { restore = true } = {}) {
  const changed = id !== profileId;
  profileId = id;
  ui.profile.value = id;
  ui.source.setProfile(id);
  markDemo();
  if (changed && current && current.profileId !== id) clearResult();
  if (restore) await restoreBuilder(id);
}

function markDemo() {
  const demo = store.isDemo(store.profileById(profileId));
  $("#result-demo").hidden = !demo;
  ui.root.classList.toggle("demo", demo);
}

async function restoreBuilder(id) {
  await presetsLoaded;
  let request = null;
  try {
    request = await call("last_report", { profileId: id });
  } catch {
    request = null;
  }
  if (id !== profileId) return;
  if (request && request.query && request.query.path && request.query.path.length) {
    const q = request.query;
    ui.source.restore(q.path, request.title || null);
    ui.range.restore(request.range || (q.start && q.end ? { kind: "absolute", value: { start: q.start, end: q.end } } : null), request.timeZone);
    ui.filters.set(q.filters);
    ui.metrics.setAvailable(isHistogram(q.path), q.metrics || []);
    ui.limit.value = q.limit ? String(q.limit) : "";
    ui.root.dataset.restored = "last";
  } else {
    const preset = presets.find((p) => p.name === DEFAULT_PRESET) || presets[0];
    if (preset) {
      ui.source.restore(pathOf(preset.path), preset.name);
      ui.metrics.setAvailable(isHistogram(pathOf(preset.path)), preset.metrics);
    }
    ui.range.restore(null, "UTC");
    ui.filters.set([]);
    ui.limit.value = "";
    ui.root.dataset.restored = "default";
  }
}

function buildRequest() {
  const path = ui.source.path;
  if (!path.length) {
    throw { code: "invalid_input", message: "Choose a preset, or browse to a report path first." };
  }
  const limitText = ui.limit.value.trim();
  let limit = null;
  if (limitText) {
    limit = Number.parseInt(limitText, 10);
    if (!Number.isFinite(limit) || limit < 1 || String(limit) !== limitText) {
      throw { code: "invalid_input", message: "The row limit must be a whole number of at least 1 (or empty for the server default)." };
    }
  }
  return {
    query: {
      path: [...path],
      start: null,
      end: null,
      filters: ui.filters.get(),
      metrics: ui.metrics.get(),
      limit,
      format: null,
    },
    range: ui.range.range(),
    timeZone: ui.range.timeZone(),
    title: ui.source.title(),
  };
}

function setRunning(on) {
  ui.runButton.disabled = false;
  ui.runButton.textContent = on ? "Run again" : "Run report";
  $("#report-result").classList.toggle("is-stale", on);
  $("#report-result").setAttribute("aria-busy", String(on));
  $("#results").dataset.state = on ? "loading" : current ? "shown" : "empty";
}

export async function runReport() {
  if (!profileId) return;
  hideError(ui.error);
  ui.notice.hidden = true;
  let request;
  try {
    request = buildRequest();
  } catch (err) {
    showError(ui.error, err);
    ui.error.focus();
    return;
  }
  const seq = ++runSeq;
  if (running) running.progress.stop();
  const forProfile = profileId;
  const progressEl = $("#report-progress");
  const progressTextEl = $("#report-progress-text");
  progressEl.hidden = false;
  progressEl.dataset.kind = "";
  const started = Date.now();
  const label = `Fetching ${request.title}`;
  const progress = progressText(progressTextEl, `${label}…`, {
    onChange: (kind) => {
      progressEl.dataset.kind = kind;
    },
  });
  // A plain fetch shows its elapsed time; a wait shows its own countdown.
  const timer = setInterval(() => {
    if (!progressEl.dataset.kind) {
      progressTextEl.textContent = `${label}… ${Math.floor((Date.now() - started) / 1000)} s`;
    }
  }, 1000);
  running = { seq, progress, timer };
  setRunning(true);
  $("#results-placeholder").hidden = true;
  if (!current) $("#result-title").textContent = request.title;
  try {
    const view = await callWithProgress(
      "run_report",
      { profileId: forProfile, request },
      (event) => {
        if (seq === runSeq) progress.update(event);
      },
      "report",
    );
    if (seq !== runSeq) return;
    current = { view, request, profileId: forProfile };
    await showResult();
  } catch (err) {
    if (seq !== runSeq) return;
    if (err.code === "cancelled") {
      ui.notice.textContent = current
        ? "Cancelled. The previous report is still shown."
        : "Cancelled. Nothing was fetched.";
      ui.notice.hidden = false;
    } else {
      showError(ui.error, err);
    }
  } finally {
    if (seq === runSeq) {
      clearInterval(timer);
      progress.stop();
      progressEl.hidden = true;
      running = null;
      setRunning(false);
    } else {
      clearInterval(timer);
    }
  }
}

export async function cancelReport() {
  if (!running) return;
  $("#report-progress-text").textContent = "Cancelling…";
  try {
    await call("cancel_report");
  } catch (err) {
    showError(ui.error, err);
  }
}

function clearResult() {
  current = null;
  $("#report-result").hidden = true;
  $("#results-placeholder").hidden = false;
  $("#result-title").textContent = "Reports";
  $("#result-subtitle").textContent = "";
  $("#results").dataset.state = "empty";
  hideError(ui.error);
  ui.notice.hidden = true;
}

function subtitle(view, request) {
  const q = view.table.query || {};
  const profile = store.profileById(current.profileId);
  const parts = [];
  if (profile) parts.push(environmentWords(profile));
  if (q.start || q.end) parts.push(`${short(q.start)} to ${short(q.end)}`);
  parts.push(`times in ${view.zoneLabel || request.timeZone || "UTC"}`);
  const filters = (q.filters || []).map((f) =>
    f.op === "project" ? f.dimension : `${dimensionLabel(f.dimension)} ${f.op === "notEq" ? "≠" : "="} ${f.values.join(", ")}`,
  );
  if (filters.length) parts.push(filters.join("; "));
  return parts.join(" · ");
}

function environmentWords(profile) {
  const kind = profile.environment && profile.environment.kind;
  if (kind === "demo") return "Demo data (synthetic)";
  if (kind === "custom") return "Custom server";
  return profile.environmentLabel;
}

function short(instant) {
  if (!instant) return "…";
  const [date, time = ""] = instant.split("T");
  const hm = time.replace(/Z$/, "").slice(0, 5);
  return !hm || hm === "00:00" ? date : `${date} ${hm}`;
}

async function showResult() {
  const { view, request } = current;
  $("#report-result").hidden = false;
  $("#results-placeholder").hidden = true;
  $("#result-title").textContent = request.title;
  $("#result-subtitle").textContent = subtitle(view, request);
  ui.exports.reset();
  ui.table.show(view.table, view.totals);
  ui.filters.refreshSuggestions();

  const warning = $("#truncation-warning");
  clear(warning);
  if (view.table.truncationWarning) {
    const next = Math.min(100000, Math.max(10000, (view.table.rowCount || 1000) * 10));
    const raise = h("button", { type: "button", class: "small", id: "raise-limit" }, `Raise the limit to ${fmtNumber(next)} and run again`);
    raise.addEventListener("click", () => {
      ui.limit.value = String(next);
      runReport();
    });
    warning.append(
      h("strong", {}, "Some rows may be missing. "),
      `${view.table.truncationWarning} `,
      /raise|narrow/i.test(view.table.truncationWarning) ? "" : "Raise the row limit, or narrow the period or the filters. ",
      raise,
    );
    warning.hidden = false;
  } else {
    warning.hidden = true;
  }

  const level = (view.table.path || []).find((d) => LEVEL_DIMENSIONS.includes(d));
  ui.whatif.show(!!level, level);
  $("#results").dataset.state = "shown";
  await ui.chart.showReport(view);
  $("#results").dataset.chart = ui.chart.data ? "shown" : "none";
}

function onKey(event) {
  if (currentScreen() !== "reports") return;
  if (event.key === "Escape" && running && !document.querySelector("dialog[open]")) {
    event.preventDefault();
    cancelReport();
  }
}

function init() {
  if (started) return;
  started = true;
  ui.root = $("#screen-reports");
  ui.profile = $("#report-profile");
  ui.limit = $("#report-limit");
  ui.error = $("#report-error");
  ui.notice = $("#report-notice");
  ui.runButton = $("#run-report");
  const builder = $("#report-builder");
  ui.source = new ReportSource(builder, { onChange: onSourceChange, profileId: null });
  ui.range = new RangePicker(builder);
  ui.metrics = new MetricPicker(builder);
  ui.table = new DataTable($("#report-table"), { count: $("#table-count"), more: $("#table-more") });
  ui.filters = new FilterChips(builder, { suggest: (dim) => ui.table.values(dim) });
  ui.chart = new ChartView($("#report-result"));
  ui.whatif = new WhatIfView($("#whatif"), { onLimit: (limit) => ui.chart.whatIf(limit) });
  ui.exports = new ExportBar($("#report-result"), {
    chartSpec: () =>
      ui.chart.spec
        ? { ...ui.chart.spec, theme: ui.chart.themeName(), hiddenSeries: Array.from(ui.chart.hidden) }
        : null,
  });

  builder.addEventListener("submit", (e) => {
    e.preventDefault();
    runReport();
  });
  // Enter runs from anywhere in the builder (checkboxes, radios and selects included).
  builder.addEventListener("keydown", (e) => {
    if (e.key !== "Enter" || e.defaultPrevented || e.isComposing) return;
    const t = e.target;
    if (t.matches && t.matches("input[type=checkbox], input[type=radio], select")) {
      e.preventDefault();
      runReport();
    }
  });
  $("#cancel-report").addEventListener("click", cancelReport);
  document.addEventListener("keydown", onKey);
  ui.profile.addEventListener("change", () => selectProfile(ui.profile.value));

  presetsLoaded = call("list_presets")
    .then((list) => {
      presets = list;
      ui.source.setPresets(list);
    })
    .catch((err) => showError(ui.error, err));

  store.onProfilesChanged(() => {
    const before = profileId;
    fillProfiles();
    if (profileId && profileId !== before) selectProfile(profileId);
    else markDemo();
  });
  fillProfiles();
  if (profileId) selectProfile(profileId);
}

export async function enterReports(params = {}) {
  init();
  fillProfiles();
  if (params.profileId && store.profileById(params.profileId)) {
    await selectProfile(params.profileId, { restore: params.profileId !== profileId || !current || params.run });
  }
  if (params.run) {
    await runReport();
  }
}

export function reportPathString() {
  return pathString(ui.source ? ui.source.path : []);
}
