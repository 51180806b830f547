// Every call goes to this origin with the Bearer header. The token lives in sessionStorage only (gone when
// the tab closes) and never in a URL.
const KEY = "sokbo.token";

export class HTTPError extends Error {
  constructor(status, code, message) { super(message); this.status = status; this.code = code; }
}

export function token() { return sessionStorage.getItem(KEY); }
export function setToken(value) { sessionStorage.setItem(KEY, value); }
export function clearToken() { sessionStorage.removeItem(KEY); }

/// fetch with the token; throws HTTPError with the server's error envelope on a non-2xx answer.
export async function call(method, path, { body, contentType, accept = "application/json", signal } = {}) {
  const headers = { Authorization: `Bearer ${token()}`, Accept: accept };
  if (body !== undefined) headers["Content-Type"] = contentType || "application/json";
  const response = await fetch(path, { method, headers, body, signal, credentials: "omit", cache: "no-store", redirect: "error" });
  if (!response.ok) {
    let code = "http_" + response.status, message = response.statusText;
    try { const envelope = await response.json(); code = envelope.error.code; message = envelope.error.message; } catch { /* not JSON */ }
    throw new HTTPError(response.status, code, message);
  }
  return response;
}

export async function getJSON(path) { return (await call("GET", path)).json(); }
export async function postJSON(path, value) {
  return (await call("POST", path, value === undefined ? {} : { body: JSON.stringify(value) })).json();
}

/// Reads `/api/events` with fetch streaming (EventSource cannot send the Authorization header).
/// `onOpen` runs when the server says `: connected` (the subscription exists from then on), `onEvent(kind, data)`
/// per event, `onGap(missed)` on `event: gap`. Resolves when the stream ends; rejects on a network error.
export async function readEvents({ signal, onOpen, onEvent, onGap }) {
  const response = await call("GET", "/api/events", { accept: "text/event-stream", signal });
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value;
    let end;
    while ((end = buffer.indexOf("\n\n")) >= 0) {
      const frame = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let kind = "message", data = "";
      for (const line of frame.split("\n")) {
        if (line.startsWith(":")) { if (line.startsWith(": connected")) onOpen(); continue; }
        const colon = line.indexOf(":");
        const field = colon < 0 ? line : line.slice(0, colon);
        const text = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
        if (field === "event") kind = text; else if (field === "data") data += (data ? "\n" : "") + text;
      }
      if (!data) continue;
      const parsed = JSON.parse(data);
      if (kind === "gap") onGap(parsed.missed); else onEvent(kind, parsed);
    }
  }
}
