// Export the report on screen: PNG (slide or document size) and CSV; show where it went.

import { call } from "../ipc.js";
import { $ } from "../dom.js";
import { showError, hideError } from "./error-box.js";

const SIZES = {
  slide: { width: 1600, height: 900, scale: 2 },
  document: { width: 1200, height: 675, scale: 1 },
};

export class ExportBar {
  constructor(root, { chartSpec }) {
    this.root = root;
    this.chartSpec = chartSpec;
    this.status = $("#export-status", root);
    this.error = $("#export-error", root);
    this.csv = $("#export-csv", root);
    this.png = $("#export-png", root);
    this.size = $("#png-size", root);
    this.csv.addEventListener("click", () => this.run("csv"));
    this.png.addEventListener("click", () => this.run("png"));
  }

  reset() {
    this.status.hidden = true;
    hideError(this.error);
  }

  async run(kind) {
    this.reset();
    const button = kind === "csv" ? this.csv : this.png;
    button.disabled = true;
    this.status.hidden = false;
    this.status.classList.add("working");
    this.status.textContent = kind === "csv" ? "Writing the CSV file…" : "Drawing the PNG…";
    try {
      let path;
      if (kind === "csv") {
        path = await call("export_csv", {});
      } else {
        const size = SIZES[this.size.value] || SIZES.slide;
        const spec = this.chartSpec();
        path = await call("export_png", { ...size, spec: spec ? { ...spec, width: size.width, height: size.height } : null });
      }
      if (path) {
        this.status.textContent = `Saved ${kind.toUpperCase()} to ${path}`;
        this.status.dataset.path = path;
      } else {
        this.status.hidden = true;
      }
    } catch (err) {
      this.status.hidden = true;
      showError(this.error, err);
    } finally {
      this.status.classList.remove("working");
      button.disabled = false;
    }
  }
}
