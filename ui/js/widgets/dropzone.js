// The full-window drop zone: files dragged over the window are announced, and the dropped
// statement file goes to the import form. Tauri handles the native drop (the web view's own
// HTML5 drop events do not carry paths), so this listens to Tauri's drag-drop events.

import { h } from "../dom.js";

let overlay = null;

function ensureOverlay() {
  if (overlay) return overlay;
  overlay = h(
    "div",
    { id: "drop-overlay", class: "drop-overlay", hidden: true, "aria-hidden": "true" },
    h(
      "div",
      { class: "drop-card" },
      h("div", { class: "drop-icon", "aria-hidden": "true" }, "⤓"),
      h("p", { class: "drop-title" }, "Drop your software statement to import it"),
      h("p", { class: "drop-hint" }, "CMU Studio reads it and shows what it says before registering anything."),
    ),
  );
  document.body.append(overlay);
  return overlay;
}

function setVisible(visible) {
  const el = ensureOverlay();
  el.hidden = !visible;
  document.body.classList.toggle("dragging-file", visible);
}

function currentWebview() {
  const t = window.__TAURI__ || {};
  if (t.webview && t.webview.getCurrentWebview) return t.webview.getCurrentWebview();
  if (t.webviewWindow && t.webviewWindow.getCurrentWebviewWindow) return t.webviewWindow.getCurrentWebviewWindow();
  if (t.window && t.window.getCurrentWindow) return t.window.getCurrentWindow();
  return null;
}

/**
 * Starts listening. `onDrop(paths)` receives the dropped paths. Resolves to true once the
 * listener is in place (the page marks itself ready for drops with data-drop-ready).
 */
export async function initDropZone(onDrop) {
  ensureOverlay();
  const target = currentWebview();
  if (!target || !target.onDragDropEvent) return false;
  try {
    await target.onDragDropEvent((event) => {
      const payload = event.payload || {};
      switch (payload.type) {
        case "enter":
        case "over":
          setVisible(true);
          break;
        case "drop":
          setVisible(false);
          if (payload.paths && payload.paths.length) onDrop(payload.paths);
          break;
        default:
          setVisible(false);
      }
    });
    document.body.dataset.dropReady = "true";
    return true;
  } catch (err) {
    console.warn("drag and drop unavailable", err);
    return false;
  }
}
