// The API client: the caller's key (from the #key= link or the login form, kept for the
// browser session only), JSON calls, and errors normalised to {status, message, fields}.

const STORE = "warroom.key";

/** Take a key handed over in the link (#key=...) and drop it from the address bar. */
export function adoptKeyFromLink() {
  const fromHash = new URLSearchParams(location.hash.slice(1)).get("key");
  if (fromHash) {
    sessionStorage.setItem(STORE, fromHash);
    history.replaceState(null, "", location.pathname + location.search);
  }
}

export const key = () => sessionStorage.getItem(STORE);
export const setKey = (token) => sessionStorage.setItem(STORE, token.trim());
export const forgetKey = () => sessionStorage.removeItem(STORE);

export class ApiError extends Error {
  constructor(status, message, fields) {
    super(message);
    this.status = status;
    this.fields = fields; // {"draft.params.max_orders": "message"}
  }
}

/** ``loc`` of a FastAPI validation error as the dotted path our own errors use. */
function dotted(loc) {
  const parts = (loc || []).filter((p, i) => !(i === 0 && ["body", "query", "path"].includes(p)));
  return parts.join(".");
}

/** An error answer as ApiError: ``{detail, field}`` or FastAPI's ``{detail: [{loc, msg}]}``. */
export function problem(status, body) {
  const detail = body && body.detail;
  if (Array.isArray(detail)) {
    const fields = {};
    for (const e of detail) fields[dotted(e.loc)] = e.msg;
    const message = detail.map((e) => `${dotted(e.loc) || "body"}: ${e.msg}`).join("; ");
    return new ApiError(status, message, fields);
  }
  const message = typeof detail === "string" ? detail : `HTTP ${status}`;
  const fields = body && body.field ? { [body.field]: message } : {};
  return new ApiError(status, message, fields);
}

/** A call to the API: the parsed JSON answer (null for 204), or ApiError. */
export async function call(method, path, body) {
  const headers = { authorization: `Bearer ${key()}` };
  if (body !== undefined) headers["content-type"] = "application/json";
  const resp = await fetch(path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (resp.status === 204) return null;
  const text = await resp.text();
  let parsed = null;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    parsed = { detail: text };
  }
  if (!resp.ok) throw problem(resp.status, parsed);
  return parsed;
}

export const get = (path) => call("GET", path);
export const post = (path, body = {}) => call("POST", path, body);
export const patch = (path, body) => call("PATCH", path, body);
export const del = (path) => call("DELETE", path);

/** A route that is not there (yet): FastAPI's own 404/405 for an unknown path. */
export function missingRoute(err) {
  return err instanceof ApiError && (err.status === 405 || (err.status === 404 && err.message === "Not Found"));
}

/** The live feed's URL (EventSource cannot send headers: the key goes as access_token). */
export function streamUrl(backlog) {
  return `/v1/stream?backlog=${backlog}&access_token=${encodeURIComponent(key())}`;
}

/** A CSV answer, downloaded as a file (fetched with the key in the header, not the URL). */
export async function download(path, filename) {
  const resp = await fetch(path, { headers: { authorization: `Bearer ${key()}` } });
  if (!resp.ok) throw problem(resp.status, await resp.json().catch(() => null));
  const url = URL.createObjectURL(await resp.blob());
  const a = Object.assign(document.createElement("a"), { href: url, download: filename });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
