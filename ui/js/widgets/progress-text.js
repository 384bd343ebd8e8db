// Turns progress events into words, with a live countdown for waits.

import { fmtWait } from "../format.js";

/**
 * Drives `el` from progress events. `base` is the text while nothing special happens.
 * Returns {update(event), stop()}.
 */
export function progressText(el, base, { onChange } = {}) {
  let timer = null;
  const stopTimer = () => {
    if (timer) clearInterval(timer);
    timer = null;
  };
  const set = (text, kind) => {
    el.textContent = text;
    el.dataset.kind = kind || "";
    if (onChange) onChange(kind || "");
  };
  set(base, "");
  return {
    update(event) {
      stopTimer();
      switch (event.kind) {
        case "throttled":
        case "retrying": {
          const until = Date.now() + (event.waitMs || 0);
          const render = () => {
            const left = until - Date.now();
            const words =
              event.kind === "throttled"
                ? `Throttled by Adobe Pass, retrying in ${fmtWait(left)}`
                : `Connection problem (${event.reason || "temporary failure"}), retrying in ${fmtWait(left)}`;
            set(`${words}${event.attempt ? ` (attempt ${event.attempt})` : ""}…`, event.kind);
            if (left <= 0) {
              stopTimer();
              set(`${base} (retrying)`, "retry");
            }
          };
          render();
          timer = setInterval(render, 250);
          break;
        }
        case "refreshingToken":
          set("Refreshing the access token…", "refreshing");
          break;
        case "registering":
          set("Registering with Adobe Pass…", "registering");
          break;
        default:
          set(base, "");
      }
    },
    stop() {
      stopTimer();
    },
  };
}
