// The live feed: Server-Sent Events from /v1/stream, newest first, filtered in the page.
// Records are buffered and drawn once per animation frame; the list is capped, so a busy
// feed never makes the page flicker or grow without bound.
import { ApiError, post, streamUrl } from "./api.js";
import { $, clock, h, num, perFrame } from "./dom.js";
import { changeText, explain } from "./explain.js";
import { label, t } from "./i18n.js";
import { may } from "./session.js";

const KEEP = 1000; // records remembered (for re-filtering)
const ROWS = 300; // rows drawn
const BUDGET_ACTIONS = new Set(["pause", "scale", "copy"]);

/** Every record as it arrives, for the other views (board, review queue). */
export const records = new EventTarget();

const items = new Map(); // entry key -> record, oldest first
const rows = new Map(); // entry key -> <li>
const expanded = new Set();
const byDecisionKey = new Map(); // decision key -> entry key
let pending = [];
let paused = false;
let list;
let filters = { kind: "", shop: "", campaign: "", rule: "" };

function entryKey(r) {
  return r.kind === "decision" ? `decision:${r.id}` : `${r.kind}:${r.key}`;
}

function rulesOf(r) {
  if (r.kind === "verdict") return (r.hits || []).map((hit) => hit.rule_id);
  if (r.kind === "decision") return [r.rule_id];
  return r.rules || [];
}

function entityLike(r, prefix, text) {
  return (r.entities || []).some((e) => e.startsWith(prefix) && e.slice(prefix.length).toLowerCase().includes(text));
}

function matches(r) {
  const { kind, shop, campaign, rule } = filters;
  if (kind && r.kind !== kind) return false;
  if (shop && !entityLike(r, "shop:", shop)) return false;
  if (campaign && !entityLike(r, "campaign:", campaign)) return false;
  return !rule || rulesOf(r).some((id) => id.toLowerCase().includes(rule));
}

function badge(r) {
  if (r.kind === "verdict") return [r.outcome.toUpperCase(), r.outcome];
  if (r.kind === "decision") return [r.action.toUpperCase(), `${r.action} ${r.result}`];
  return [r.label === "fraud" ? "FRAUD" : "LEGIT", `review ${r.label}`];
}

function observedText(observed) {
  return Object.entries(observed || {})
    .filter(([, v]) => typeof v === "number")
    .slice(0, 3)
    .map(([k, v]) => `${k} ${num(v)}`)
    .join(", ");
}

function summary(r) {
  if (r.kind === "verdict") {
    const why = (r.hits || []).map((hit) => `${hit.rule_id} v${hit.rule_version}: ${hit.explanation}`).join("; ");
    return `order ${r.order_id} · shop ${r.shop_id} · score ${num(r.score, 0)} | ${why}`;
  }
  if (r.kind === "decision") {
    const result = r.reason ? `${r.result}: ${r.reason}` : r.result;
    const what = [observedText(r.observed), changeText(r, " ")].filter(Boolean).join("; ");
    return `${r.entity_kind} ${r.entity_id} · shop ${r.shop_id}: ${what} | ${r.rule_id} v${r.rule_version} | ${result}`;
  }
  return `order ${r.order_id} · shop ${r.shop_id} · ${r.decided_by} | ${(r.rules || []).join(", ")} ${r.note || ""}`;
}

async function revert(r, cell) {
  cell.replaceChildren(label("revert.asked", "span", { class: "muted" }));
  try {
    await post(`/v1/decisions/${r.id}/revert`);
  } catch (err) {
    cell.replaceChildren(h("span", { class: "error" }, err instanceof ApiError ? err.message : String(err)));
  }
}

function revertCell(r) {
  const cell = h("div", { class: "actions" });
  if (r.reverted_by) cell.append(label("revert.done", "span", { class: "muted" }));
  else if (r.result === "applied" && BUDGET_ACTIONS.has(r.action) && may("revert_decisions", r.shop_id)) {
    const button = label("revert.go", "button", { class: "revert", type: "button" });
    button.addEventListener("click", (e) => {
      e.stopPropagation();
      revert(r, cell);
    });
    cell.append(button);
  }
  return cell;
}

function buildRow(key, r) {
  const [text, cls] = badge(r);
  const open = expanded.has(key);
  const li = h(
    "li",
    { class: `entry ${r.kind}${r.mode === "shadow" ? " shadow" : ""}${open ? " open" : ""}`, dataset: { key } },
    h(
      "div",
      { class: "line", role: "button", tabindex: "0", "aria-expanded": String(open) },
      h("time", {}, clock(r.decided_at)),
      h("span", { class: `badge ${cls}` }, text),
      r.mode === "shadow" ? h("span", { class: "badge shadow" }, "SHADOW") : null,
      h("span", { class: "summary" }, summary(r)),
    ),
  );
  if (r.kind === "decision") li.append(revertCell(r));
  if (open) li.append(h("div", { class: "detail" }, explain(r)));
  return li;
}

function toggle(li) {
  const key = li.dataset.key;
  if (expanded.has(key)) expanded.delete(key);
  else expanded.add(key);
  const fresh = buildRow(key, items.get(key));
  li.replaceWith(fresh);
  rows.set(key, fresh);
}

function remember(r) {
  const key = entryKey(r);
  items.delete(key);
  items.set(key, r);
  if (r.kind === "decision") byDecisionKey.set(r.key, key);
  if (items.size > KEEP) {
    const oldest = items.keys().next().value;
    items.delete(oldest);
    expanded.delete(oldest);
  }
  return key;
}

function markReverted(undo) {
  const key = byDecisionKey.get(undo.reverts);
  const original = key && items.get(key);
  if (!original || undo.result !== "applied") return;
  items.set(key, { ...original, reverted_by: undo.key });
  const old = rows.get(key);
  if (old) {
    const fresh = buildRow(key, items.get(key));
    old.replaceWith(fresh);
    rows.set(key, fresh);
  }
}

function trim() {
  while (list.children.length > ROWS) {
    const last = list.lastElementChild;
    rows.delete(last.dataset.key);
    last.remove();
  }
}

function drawPending() {
  if (paused || !pending.length) return;
  const batch = pending;
  pending = [];
  const fragment = document.createDocumentFragment();
  for (const r of batch) {
    const key = remember(r);
    rows.get(key)?.remove();
    rows.delete(key);
    if (r.kind === "decision" && r.action === "revert") markReverted(r);
    if (!matches(r)) continue;
    const li = buildRow(key, r);
    rows.set(key, li);
    fragment.prepend(li);
  }
  list.prepend(fragment);
  trim();
  showCount();
}

const schedule = perFrame(drawPending);

function redraw() {
  rows.clear();
  const shown = [...items].reverse().filter(([, r]) => matches(r)).slice(0, ROWS);
  list.replaceChildren(...shown.map(([key, r]) => {
    const li = buildRow(key, r);
    rows.set(key, li);
    return li;
  }));
  showCount();
}

function showCount() {
  $("#feed-count").textContent = `${rows.size} / ${items.size}${pending.length ? ` (+${pending.length})` : ""}`;
  $("#feed-empty").hidden = items.size > 0;
}

function onRecord(event) {
  const record = JSON.parse(event.data);
  pending.push(record);
  if (pending.length > KEEP) pending = pending.slice(-KEEP);
  records.dispatchEvent(new CustomEvent("record", { detail: record }));
  schedule();
}

function connect() {
  const status = $("#live-status");
  const source = new EventSource(streamUrl(200));
  for (const kind of ["verdict", "decision", "review"]) source.addEventListener(kind, onRecord);
  source.onopen = () => {
    status.dataset.i18n = "status.live";
    status.textContent = t("status.live");
    status.className = "live";
  };
  source.onerror = () => {
    status.dataset.i18n = "status.reconnecting";
    status.textContent = t("status.reconnecting");
    status.className = "down";
  };
  return source;
}

function bindFilters() {
  const form = $("#feed-filters");
  form.addEventListener("input", () => {
    const data = new FormData(form);
    filters = Object.fromEntries(["kind", "shop", "campaign", "rule"].map((k) => [k, String(data.get(k) || "").trim().toLowerCase()]));
    redraw();
  });
  form.addEventListener("submit", (e) => e.preventDefault());
  $("#feed-pause").addEventListener("click", (e) => {
    paused = !paused;
    e.target.dataset.i18n = paused ? "filter.resume" : "filter.pause";
    e.target.textContent = t(e.target.dataset.i18n);
    schedule();
  });
}

/** Start the feed view: connect to the stream and draw as records come. */
export function startFeed() {
  list = $("#feed");
  list.addEventListener("click", (e) => {
    const line = e.target.closest(".line");
    if (line) toggle(line.parentElement);
  });
  list.addEventListener("keydown", (e) => {
    if (e.key === "Enter" && e.target.classList.contains("line")) toggle(e.target.parentElement);
  });
  bindFilters();
  showCount();
  return connect();
}
