// An error in plain words with its next step, shown where the user is looking.

import { explain } from "../format.js";
import { clear, h } from "../dom.js";

export function showError(el, err, context = "") {
  const { title, message, next } = explain(err, context);
  clear(el);
  el.append(
    h("strong", { class: "error-title" }, title),
    h("span", { class: "error-message" }, ` ${message}`),
    next ? h("span", { class: "error-next" }, ` ${next}`) : null,
  );
  el.dataset.code = (err && err.code) || "unexpected";
  el.hidden = false;
}

export function hideError(el) {
  clear(el);
  delete el.dataset.code;
  el.hidden = true;
}
