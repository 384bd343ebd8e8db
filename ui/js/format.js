// Formatting and the words the UI uses for the API's names.

// The system's locale, or English when the web view reports none (a "C" locale would print
// 30685422 without separators).
function pickLocale() {
  const langs = (navigator.languages && navigator.languages.length ? navigator.languages : [navigator.language]) || [];
  const usable = langs.filter((l) => l && /^[a-z]{2,3}(-|$)/i.test(l));
  try {
    return Intl.NumberFormat.supportedLocalesOf(usable)[0] || "en-US";
  } catch {
    return "en-US";
  }
}

export const LOCALE = pickLocale();
const integer = new Intl.NumberFormat(LOCALE, { maximumFractionDigits: 0, useGrouping: true });
const decimal = new Intl.NumberFormat(LOCALE, { maximumFractionDigits: 2, useGrouping: true });
const percent = new Intl.NumberFormat(LOCALE, { style: "percent", maximumFractionDigits: 1 });

/** 1234567 → "1,234,567" (the system's separators); null → "". */
export function fmtNumber(value) {
  if (value === null || value === undefined || Number.isNaN(value)) return "";
  return Number.isInteger(value) ? integer.format(value) : decimal.format(value);
}

export function fmtPercent(share) {
  return percent.format(share || 0);
}

function sameDay(a, b) {
  return a.getFullYear() === b.getFullYear() && a.getMonth() === b.getMonth() && a.getDate() === b.getDate();
}

/** Unix seconds → "14:32" today, "28 Nov, 14:32" another day. */
export function fmtClock(unixSecs) {
  const date = new Date(unixSecs * 1000);
  const time = date.toLocaleTimeString(LOCALE, { hour: "2-digit", minute: "2-digit" });
  if (sameDay(date, new Date())) return time;
  const day = date.toLocaleDateString(LOCALE, { day: "numeric", month: "short" });
  return `${day}, ${time}`;
}

/** Unix seconds → "27 Nov 2026, 14:32". */
export function fmtDateTime(unixSecs) {
  if (unixSecs === null || unixSecs === undefined) return "—";
  return new Date(unixSecs * 1000).toLocaleString(LOCALE, {
    day: "numeric",
    month: "short",
    year: "numeric",
    hour: "2-digit",
    minute: "2-digit",
  });
}

/** Milliseconds → "40 s", "2 min 5 s". */
export function fmtWait(ms) {
  const secs = Math.max(0, Math.ceil(ms / 1000));
  if (secs < 60) return `${secs} s`;
  const min = Math.floor(secs / 60);
  const rest = secs % 60;
  return rest ? `${min} min ${rest} s` : `${min} min`;
}

export const METRIC_MEANINGS = {
  "active-users": "Distinct accounts with at least one session in the interval. Not additive: the same person counts once per row.",
  "active-sessions": "Sessions with activity in the interval (denied initialisations excluded).",
  "started-sessions": "Sessions begun within the interval.",
  "completed-sessions": "Sessions ended within the interval.",
  "failed-attempts": "Session initialisations denied (for example by a concurrency policy).",
  "dismissed-sessions": "Sessions ended on a heartbeat by a policy.",
  "killed-sessions": "Sessions ended by a new session's terminate header.",
  users: "Users per concurrency level (most simultaneous streams) or activity level.",
};

const DURATION_LABELS = {
  "duration_0-15": "0–15 min",
  "duration_15-30": "15–30 min",
  "duration_30-60": "30–60 min",
  "duration_60-120": "1–2 h",
  "duration_2h-4h": "2–4 h",
  "duration_4h-8h": "4–8 h",
  "duration_8h-16h": "8–16 h",
  "duration_16h-1d": "16 h–1 day",
  "duration_1d-3d": "1–3 days",
  "duration_3d-7d": "3–7 days",
  "duration_1w-1m": "1 week–1 month",
  "duration_over-1m": "over 1 month",
};

export const SESSION_METRICS = [
  "active-users",
  "active-sessions",
  "started-sessions",
  "completed-sessions",
  "failed-attempts",
  "dismissed-sessions",
  "killed-sessions",
];
export const DURATION_METRICS = Object.keys(DURATION_LABELS);
export const ALL_METRICS = [...SESSION_METRICS, ...DURATION_METRICS, "users"];
export const NON_ADDITIVE = new Set(["active-users"]);

export function metricMeaning(name) {
  if (METRIC_MEANINGS[name]) return METRIC_MEANINGS[name];
  if (DURATION_LABELS[name]) {
    return `Completed sessions that lasted ${DURATION_LABELS[name]}.`;
  }
  return "";
}

export function metricLabel(name) {
  if (DURATION_LABELS[name]) return `Lasted ${DURATION_LABELS[name]}`;
  const text = name.replace(/-/g, " ");
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export const TIME_DIMENSIONS = ["year", "month", "day", "hour", "minute"];
export const LEVEL_DIMENSIONS = ["concurrency-level", "activity-level"];
export const FILTER_DIMENSIONS = ["mvpd", "platform", "channel", "application-id", "application", "tenant"];

const DIMENSION_LABELS = {
  mvpd: "MVPD",
  platform: "Platform",
  channel: "Channel",
  "application-id": "Application id",
  application: "Application",
  tenant: "Tenant",
  year: "Year",
  month: "Month",
  day: "Day",
  hour: "Hour",
  minute: "Minute",
  "concurrency-level": "Concurrency level",
  "activity-level": "Activity level",
};

export function dimensionLabel(name) {
  return DIMENSION_LABELS[name] || name;
}

export const ENVIRONMENTS = [
  { kind: "production", label: "Production", hint: "live data" },
  { kind: "staging", label: "Staging", hint: "" },
  { kind: "prequal-production", label: "Pre-qualification production", hint: "" },
  { kind: "prequal-staging", label: "Pre-qualification staging", hint: "" },
  { kind: "demo", label: "Demo", hint: "built-in synthetic data" },
  { kind: "custom", label: "Custom URLs", hint: "another host" },
];

/** A headline and a next step for an error, by its code. */
export function explain(err, context = "") {
  const e = explainRaw(err, context);
  let message = (e.message || "").trim();
  message = message.charAt(0).toUpperCase() + message.slice(1);
  if (message && !/[.!?)]$/.test(message)) message += ".";
  // The engine's messages often already say what to do: do not say it twice.
  const next = e.next && !(e.skipNext && e.skipNext.test(message)) ? e.next : "";
  return { title: e.title, message, next };
}

function explainRaw(err, context) {
  const message = err && err.message ? err.message : String(err);
  const d = (err && err.details) || {};
  switch (err && err.code) {
    case "invalid_statement":
      return {
        title: d.file ? `${d.file} is not a usable software statement` : "This is not a usable software statement",
        message,
        skipNext: /download/i,
        next: "Download the statement again from the Adobe Pass TVE Dashboard (Registered Applications → Download) and import that file.",
      };
    case "access_refused":
      return {
        title: context === "import" ? "Adobe Pass refused the registration" : "Adobe Pass refused access",
        message,
        next: d.reason ? `Adobe's reason code: ${d.reason}.` : "",
      };
    case "keyring_unavailable":
      return {
        title: "The system keyring is not available",
        message,
        next: "CMU Studio keeps credentials only in your system keyring. Unlock it (or install GNOME Keyring / KWallet), then try again.",
      };
    case "throttled":
      return {
        title: "Adobe Pass is asking us to slow down",
        message,
        next: d.waitSecs ? `Wait about ${d.waitSecs} s, then try again.` : "Wait a minute, then try again.",
        skipNext: /wait/i,
      };
    case "network":
      return { title: "Cannot reach Adobe Pass", message, next: "Check your network connection or proxy, then try again.", skipNext: /check|try again/i };
    case "server_error":
      return { title: "Adobe Pass had a problem", message, next: "Try again in a few minutes." };
    case "not_found":
      return { title: "No such report", message, next: "Pick a preset, or browse the available paths." };
    case "invalid_input":
      return { title: "Please check the form", message, next: "" };
    case "no_profile":
      return { title: "No such connection", message, next: "Import your software statement in Connections." };
    case "local_io":
      return { title: "A local file could not be used", message, next: "" };
    case "unavailable":
      return { title: "Not available yet", message, next: "" };
    default:
      return { title: "Something went wrong", message, next: "" };
  }
}
