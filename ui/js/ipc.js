// The one door to the Rust side. Commands answer either a value or an error object
// {code, message, ...}; callers get a rejected promise carrying an AppError either way.

export class AppError extends Error {
  constructor(code, message, details = {}) {
    super(message);
    this.code = code;
    this.details = details;
  }
}

function tauri() {
  const t = window.__TAURI__;
  if (!t || !t.core) {
    throw new AppError("no_backend", "CMU Studio's engine is not reachable; restart the app.");
  }
  return t;
}

// Tauri answers a plain string when a command does not exist in this build (or is not granted
// to the window). The UI treats that as "this feature needs a newer engine".
function isMissingCommand(text, command) {
  return (
    typeof text === "string" &&
    text.includes(command) &&
    /not found|not allowed|unknown command/i.test(text)
  );
}

export async function call(command, args = {}) {
  const t = tauri();
  try {
    return await t.core.invoke(command, args);
  } catch (err) {
    if (err && typeof err === "object" && "code" in err) {
      const { code, message, ...details } = err;
      throw new AppError(code, message, details);
    }
    const text = String(err);
    if (isMissingCommand(text, command)) {
      throw new AppError(
        "unavailable",
        `This part of CMU Studio is not available in this build (the \`${command}\` command is missing).`,
        { command },
      );
    }
    throw new AppError("unexpected", text);
  }
}

let counter = 0;

/** A fresh operation id: progress events carry it so each screen sees only its own. */
export function newOpId(prefix = "op") {
  counter += 1;
  return `${prefix}-${Date.now().toString(36)}-${counter}`;
}

const progressHandlers = new Map();
let progressListening = null;

/** Starts the one `progress` listener (idempotent). */
export function listenProgress() {
  if (progressListening) return progressListening;
  const t = window.__TAURI__;
  if (!t || !t.event) {
    progressListening = Promise.resolve(false);
    return progressListening;
  }
  progressListening = t.event
    .listen("progress", (event) => {
      const payload = event.payload || {};
      const handler = progressHandlers.get(payload.opId);
      if (handler) handler(payload);
    })
    .then(() => true)
    .catch(() => false);
  return progressListening;
}

/**
 * Runs `command` with a new opId, handing each progress event of that operation to
 * `onProgress` while it runs.
 */
export async function callWithProgress(command, args, onProgress, prefix = command) {
  await listenProgress();
  const opId = newOpId(prefix);
  if (onProgress) progressHandlers.set(opId, onProgress);
  try {
    return await call(command, { ...args, opId });
  } finally {
    progressHandlers.delete(opId);
  }
}
