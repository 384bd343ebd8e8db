// A confirmation in a real <dialog> (window.confirm blocks WebDriver and looks foreign).

import { h } from "../dom.js";

/**
 * Asks a question; resolves true when the user confirms. `danger` styles the confirm button
 * as destructive.
 */
export function confirmDialog({ title, body, confirm = "OK", cancel = "Cancel", danger = false }) {
  return new Promise((resolve) => {
    const yes = h("button", { type: "button", class: danger ? "danger" : "primary", id: "confirm-yes" }, confirm);
    const no = h("button", { type: "button", id: "confirm-no" }, cancel);
    const dialog = h(
      "dialog",
      { class: "confirm", id: "confirm-dialog", "aria-labelledby": "confirm-title" },
      h("h2", { id: "confirm-title" }, title),
      h("p", {}, body),
      h("div", { class: "dialog-actions" }, no, yes),
    );
    let answered = false;
    const finish = (answer) => {
      if (answered) return;
      answered = true;
      if (dialog.open) dialog.close();
      dialog.remove();
      resolve(answer);
    };
    yes.addEventListener("click", () => finish(true));
    no.addEventListener("click", () => finish(false));
    dialog.addEventListener("cancel", () => finish(false));
    dialog.addEventListener("close", () => finish(false));
    document.body.append(dialog);
    dialog.showModal();
    no.focus();
  });
}
