// Small DOM and formatting helpers. Text always goes in as textContent, never as HTML.

/** An element: h("td", {class: "num", onclick: f}, "text", child, ...). */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith("on")) el.addEventListener(name.slice(2), value);
    else if (name === "dataset") Object.assign(el.dataset, value);
    else if (value === true) el.setAttribute(name, "");
    else el.setAttribute(name, value);
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : String(child));
  }
  return el;
}

/** Replace every child of ``el``. */
export function fill(el, ...children) {
  el.replaceChildren(...children.flat().filter((c) => c !== null && c !== undefined && c !== false));
  return el;
}

export const $ = (selector, root = document) => root.querySelector(selector);
export const $$ = (selector, root = document) => [...root.querySelectorAll(selector)];

const yuan = new Intl.NumberFormat("zh-CN", { style: "currency", currency: "CNY" });

export function money(value) {
  return value === null || value === undefined || value === "" ? "—" : yuan.format(Number(value));
}

export function num(value, digits = 2) {
  if (value === null || value === undefined || Number.isNaN(Number(value))) return "—";
  const n = Number(value);
  return Number.isInteger(n) ? n.toLocaleString() : n.toFixed(digits);
}

export function pct(value) {
  return value === null || value === undefined ? "—" : `${(Number(value) * 100).toFixed(2)}%`;
}

/** A time as local HH:MM:SS (ISO text or epoch seconds). */
export function clock(value) {
  if (value === null || value === undefined) return "";
  const date = typeof value === "number" ? new Date(value * 1000) : new Date(value);
  return Number.isNaN(date.getTime()) ? String(value) : date.toLocaleTimeString("en-GB");
}

export function stamp(value) {
  if (!value) return "";
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? String(value) : date.toLocaleString("en-GB");
}

/** ``{a: 1, b: "x"}`` as a compact definition list. */
export function pairs(obj) {
  const dl = h("dl", { class: "pairs" });
  for (const [key, value] of Object.entries(obj || {})) {
    const text = value !== null && typeof value === "object" ? JSON.stringify(value) : String(value);
    dl.append(h("dt", {}, `${key}:`), h("dd", {}, text));
  }
  return dl;
}

/** Run ``fn`` at most once per animation frame, however often it is asked for. */
export function perFrame(fn) {
  let queued = false;
  return () => {
    if (queued) return;
    queued = true;
    requestAnimationFrame(() => {
      queued = false;
      fn();
    });
  };
}

/** A table of ``rows`` (objects) with the columns of the first rows; nested values as JSON. */
export function rowsTable(rows, limit = 200) {
  const columns = [...new Set(rows.slice(0, 20).flatMap((r) => Object.keys(r)))];
  const cell = (v) => (v !== null && typeof v === "object" ? JSON.stringify(v) : v === null || v === undefined ? "" : String(v));
  return h(
    "table",
    { class: "compact data" },
    h("thead", {}, h("tr", {}, columns.map((c) => h("th", {}, c)))),
    h("tbody", {}, rows.slice(0, limit).map((r) => h("tr", {}, columns.map((c) => h("td", { class: typeof r[c] === "number" ? "num" : "" }, cell(r[c])))))),
  );
}

/** ``date`` as the value of a datetime-local input (local time, to the minute). */
export function localInput(date) {
  const p = (n) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${p(date.getMonth() + 1)}-${p(date.getDate())}T${p(date.getHours())}:${p(date.getMinutes())}`;
}
