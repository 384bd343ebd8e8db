// The one door to the Rust side. Commands answer either a value or an error object
// {code, message, ...}; callers get a rejected promise carrying an AppError either way.

export class AppError extends Error {
  constructor(code, message, details = {}) {
    super(message);
    this.code = code;
    this.details = details;
  }
}

export async function call(command, args = {}) {
  const tauri = window.__TAURI__;
  if (!tauri || !tauri.core) {
    throw new AppError("no_backend", "CMU Studio's engine is not reachable; restart the app.");
  }
  try {
    return await tauri.core.invoke(command, args);
  } catch (err) {
    if (err && typeof err === "object" && "code" in err) {
      const { code, message, ...details } = err;
      throw new AppError(code, message, details);
    }
    throw new AppError("unexpected", String(err));
  }
}
