// The report as a sortable table: one "Period" column for the time dimensions, the other
// dimensions as text, metrics right-aligned with thousands separators, totals in the footer.

import { clear, h } from "../dom.js";
import { dimensionLabel, fmtNumber, metricLabel, metricMeaning, NON_ADDITIVE, TIME_DIMENSIONS } from "../format.js";

const PAGE = 1000;

function pad(n) {
  return String(n).padStart(2, "0");
}

/** Combines the time cells of a row into text and a sort key. */
function period(parts) {
  const get = (name) => (parts[name] === undefined || parts[name] === null ? null : Number(parts[name]));
  const y = get("year");
  const mo = get("month");
  const d = get("day");
  const hr = get("hour");
  const mi = get("minute");
  let text = y !== null ? String(y) : "";
  if (mo !== null) text += `${text ? "-" : ""}${pad(mo)}`;
  if (d !== null) text += `-${pad(d)}`;
  if (hr !== null) text += ` ${pad(hr)}:${mi !== null ? pad(mi) : "00"}`;
  const key = (y || 0) * 1e8 + (mo || 0) * 1e6 + (d || 0) * 1e4 + (hr || 0) * 100 + (mi || 0);
  return { text, key };
}

export class DataTable {
  constructor(table, { count, more }) {
    this.table = table;
    this.count = count;
    this.more = more;
    this.shown = PAGE;
    this.sort = null; // {index, dir}
    more.addEventListener("click", () => {
      this.shown += PAGE;
      this.renderBody();
    });
  }

  /** `report` is ReportView.table; `totals` is ReportView.totals. */
  show(report, totals) {
    this.report = report;
    const cols = report.columns;
    const timeIdx = [];
    const columns = [];
    cols.forEach((c, i) => {
      if (c.kind === "time" || TIME_DIMENSIONS.includes(c.name)) timeIdx.push(i);
    });
    if (timeIdx.length) {
      const names = timeIdx.map((i) => cols[i].name).join(", ");
      columns.push({ name: "period", label: "Period", kind: "time", title: `From the ${names} columns` });
    }
    cols.forEach((c, i) => {
      if (timeIdx.includes(i)) return;
      columns.push({
        name: c.name,
        label: c.kind === "metric" ? metricLabel(c.name) : dimensionLabel(c.name),
        kind: c.kind === "metric" ? "metric" : "dimension",
        index: i,
        title: c.kind === "metric" ? metricMeaning(c.name) : "",
      });
    });
    this.columns = columns;
    this.rows = report.rows.map((row, n) => {
      const cells = [];
      if (timeIdx.length) {
        const parts = {};
        timeIdx.forEach((i) => (parts[cols[i].name] = row[i]));
        cells.push(period(parts));
      }
      for (const c of columns) {
        if (c.kind === "time") continue;
        const v = row[c.index];
        cells.push(c.kind === "metric" ? { value: v, key: v === null ? -Infinity : v } : { text: v ?? "", key: v ?? "" });
      }
      return { cells, order: n };
    });
    this.totals = new Map((totals || []).map(([name, value]) => [name, value]));
    this.sort = null;
    this.shown = PAGE;
    this.renderHead();
    this.renderBody();
    this.renderFoot();
  }

  renderHead() {
    clear(this.table);
    this.thead = h("thead");
    const tr = h("tr");
    this.columns.forEach((c, i) => {
      const button = h(
        "button",
        { type: "button", class: "sort", title: c.title || null },
        c.label,
        h("span", { class: "sort-mark", "aria-hidden": "true" }),
      );
      button.addEventListener("click", () => this.sortBy(i));
      tr.append(
        h("th", { scope: "col", class: c.kind === "metric" ? "num" : "", "data-column": c.name, "aria-sort": "none" }, button),
      );
    });
    this.thead.append(tr);
    this.tbody = h("tbody");
    this.tfoot = h("tfoot");
    this.table.append(this.thead, this.tbody, this.tfoot);
  }

  sortBy(i) {
    if (this.sort && this.sort.index === i) {
      this.sort = { index: i, dir: this.sort.dir === "ascending" ? "descending" : "ascending" };
    } else {
      // Numbers are most often read largest first.
      this.sort = { index: i, dir: this.columns[i].kind === "metric" ? "descending" : "ascending" };
    }
    const { index, dir } = this.sort;
    const sign = dir === "ascending" ? 1 : -1;
    this.rows.sort((a, b) => {
      const x = a.cells[index].key;
      const y = b.cells[index].key;
      let cmp;
      if (typeof x === "number" && typeof y === "number") cmp = x - y;
      else cmp = String(x).localeCompare(String(y), undefined, { numeric: true, sensitivity: "base" });
      return cmp * sign || a.order - b.order;
    });
    this.thead.querySelectorAll("th").forEach((th, n) => {
      th.setAttribute("aria-sort", n === index ? dir : "none");
    });
    this.renderBody();
  }

  renderBody() {
    clear(this.tbody);
    const rows = this.rows.slice(0, this.shown);
    const frag = document.createDocumentFragment();
    for (const row of rows) {
      const tr = h("tr");
      row.cells.forEach((cell, i) => {
        const c = this.columns[i];
        if (c.kind === "metric") {
          tr.append(h("td", { class: "num" }, fmtNumber(cell.value)));
        } else {
          tr.append(h("td", { class: c.kind === "time" ? "time" : "" }, cell.text));
        }
      });
      frag.append(tr);
    }
    this.tbody.append(frag);
    const total = this.rows.length;
    this.count.textContent = `${fmtNumber(total)} row${total === 1 ? "" : "s"}`;
    this.more.hidden = total <= this.shown;
    if (!this.more.hidden) {
      this.more.textContent = `Show more rows (${fmtNumber(Math.min(this.shown, total))} of ${fmtNumber(total)} shown)`;
    }
  }

  renderFoot() {
    clear(this.tfoot);
    if (!this.rows.length) {
      this.tfoot.append(
        h("tr", {}, h("td", { colspan: String(this.columns.length), class: "empty" }, "No rows for this period and these filters.")),
      );
      return;
    }
    const tr = h("tr", { class: "totals" });
    let labelled = false;
    this.columns.forEach((c) => {
      if (c.kind !== "metric") {
        tr.append(h("th", { scope: "row" }, labelled ? "" : "Total"));
        labelled = true;
        return;
      }
      const value = this.totals.get(c.name);
      if (NON_ADDITIVE.has(c.name)) {
        tr.append(
          h(
            "td",
            { class: "num muted", "data-total": c.name, "data-value": value ?? "", title: "Distinct users cannot be added up across rows: the same person is counted in several rows." },
            "n/a",
          ),
        );
      } else {
        tr.append(h("td", { class: "num", "data-total": c.name, "data-value": value ?? "" }, fmtNumber(value)));
      }
    });
    this.tfoot.append(tr);
  }

  /** Distinct values of a dimension column, for filter suggestions. */
  values(dimension) {
    if (!this.report) return [];
    const i = this.report.columns.findIndex((c) => c.name === dimension);
    if (i < 0) return [];
    return Array.from(new Set(this.report.rows.map((r) => r[i]).filter((v) => v !== null && v !== ""))).sort((a, b) =>
      String(a).localeCompare(String(b)),
    );
  }
}
