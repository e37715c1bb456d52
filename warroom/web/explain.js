// A feed entry's explanation: rule, version, window, observed values, thresholds, and the
// result of the action (budget decisions) or the reviewer's label.
import { h, money, pairs, stamp } from "./dom.js";
import { label } from "./i18n.js";

function row(key, ...value) {
  return [label(key, "dt"), h("dd", {}, ...value)];
}

function windowOf(hit) {
  const span = hit.thresholds && hit.thresholds.window_s;
  const obs = hit.observed || {};
  const seen = obs.span_s !== undefined ? ` (${obs.span_s} s)` : "";
  return span ? `${span} s${seen}` : seen.trim() || "—";
}

function hitBlock(hit) {
  return h(
    "dl",
    { class: "explain" },
    row("x.rule", hit.rule_id),
    row("x.version", `v${hit.rule_version}`),
    row("x.entity", hit.entity || "—"),
    row("x.window", windowOf(hit)),
    row("x.observed", pairs(hit.observed)),
    row("x.thresholds", pairs(hit.thresholds)),
    row("x.score", String(hit.score)),
    hit.evidence && hit.evidence.length ? row("x.evidence", hit.evidence.join(", ")) : null,
    h("dd", { class: "why" }, hit.explanation || ""),
  );
}

function verdict(r) {
  const head = h(
    "dl",
    { class: "explain" },
    row("x.outcome", `${r.outcome} (${r.mode})`),
    row("x.score", String(r.score)),
  );
  return [head, ...(r.hits || []).map(hitBlock)];
}

/** A decision's changes as text, budgets in yuan: "daily_budget: ¥100.00 → ¥120.00". */
export function changeText(r, sep = ": ") {
  const show = (k, v) => (v === null || v === undefined ? "—" : k.endsWith("budget") ? money(v) : v);
  const list = Object.entries(r.changes || {}).map(([k, c]) => `${k}${sep}${show(k, c.before)} → ${show(k, c.after)}`);
  return list.join(", ");
}

function changes(r) {
  return changeText(r) || "—";
}

function decision(r) {
  const result = r.reason ? `${r.result}: ${r.reason}` : r.result;
  return h(
    "dl",
    { class: "explain" },
    row("x.rule", r.rule_id),
    row("x.version", `v${r.rule_version}`),
    row("x.mode", r.mode),
    row("x.entity", `${r.entity_kind} ${r.entity_id} · shop ${r.shop_id}`),
    row("x.window", `→ ${stamp(r.window_end)}`),
    row("x.observed", pairs(r.observed)),
    row("x.thresholds", pairs(r.thresholds)),
    row("x.guardrails", pairs(r.guardrails)),
    row("x.changes", changes(r)),
    row("x.result", h("span", { class: `result ${r.result}` }, result)),
    r.reverted_by ? row("x.reverted", r.reverted_by) : null,
    r.requested_by ? row("x.by", r.requested_by) : null,
  );
}

function review(r) {
  return h(
    "dl",
    { class: "explain" },
    row("x.outcome", `${r.label} (${r.action})`),
    row("x.rule", (r.rules || []).join(", ")),
    row("x.score", String(r.score)),
    row("x.by", `${r.decided_by} · ${stamp(r.decided_at)}`),
    r.note ? row("x.note", r.note) : null,
  );
}

/** The explanation of one feed record, as elements. */
export function explain(record) {
  if (record.kind === "verdict") return verdict(record);
  if (record.kind === "decision") return decision(record);
  if (record.kind === "review") return review(record);
  return pairs(record);
}
