// The rule editor: every rule with its live mode and version; a rule's draft form with
// inline validation, publish, roll back, shadow candidates, versions and audit trail.
import { ApiError, del, get, patch, post } from "./api.js";
import { $, fill, h, pairs, stamp } from "./dom.js";
import { label, t } from "./i18n.js";
import { backtestPanel } from "./backtest.js";
import { ruleForm } from "./ruleform.js";
import { may } from "./session.js";

let rules = [];
const liveBody = new Map(); // rule id -> body of its live version
let selected = null;

function canWrite(rule) {
  return may(rule.family === "risk" ? "write_risk_rules" : "write_budget_rules", rule.shop_id);
}

function listRow(rule) {
  const body = liveBody.get(rule.id);
  return h(
    "tr",
    { class: selected === rule.id ? "selected" : "", dataset: { rule: rule.id }, tabindex: "0" },
    h("td", {}, h("code", {}, rule.id)),
    h("td", {}, rule.kind),
    h("td", {}, body ? h("span", { class: `badge mode-${body.mode}` }, body.mode) : "—"),
    h("td", { class: "num" }, rule.live_version ? `v${rule.live_version}` : "—"),
    h("td", { class: "num" }, rule.candidate_version ? `v${rule.candidate_version}` : ""),
  );
}

function drawList() {
  fill($("#rules tbody"), rules.map(listRow));
}

async function loadList() {
  rules = (await get("/v1/rules?limit=500")).data;
  drawList();
  await Promise.allSettled(
    rules.map(async (rule) => {
      const versions = (await get(`/v1/rules/${rule.id}/versions`)).data;
      const live = versions.find((v) => v.version === rule.live_version);
      if (live) liveBody.set(rule.id, live.body);
    }),
  );
  drawList();
}

function message(box, text, isError) {
  box.className = isError ? "error" : "ok";
  box.textContent = text;
}

function versionsTable(versions) {
  return h(
    "table",
    { class: "compact versions" },
    h("thead", {}, h("tr", {}, ["x.version", "x.mode", "x.by", "x.note"].map((k) => label(k, "th")), h("th", {}, ""))),
    h("tbody", {}, versions.slice().reverse().map((v) => h("tr", {}, h("td", {}, `v${v.version}`), h("td", {}, v.body.mode), h("td", {}, `${v.published_by} · ${stamp(v.published_at)}`), h("td", {}, v.note), h("td", {}, h("details", {}, h("summary", {}, "body"), h("pre", {}, JSON.stringify(v.body, null, 1))))))),
  );
}

function changed(before, after) {
  const keys = new Set([...Object.keys(before || {}), ...Object.keys(after || {})]);
  const diff = {};
  for (const k of keys) {
    const [a, b] = [JSON.stringify((before || {})[k]), JSON.stringify((after || {})[k])];
    if (a !== b) diff[k] = `${a ?? "—"} → ${b ?? "—"}`;
  }
  return diff;
}

function auditTable(entries) {
  return h(
    "table",
    { class: "compact audit" },
    h("tbody", {}, entries.map((e) => h("tr", {}, h("td", {}, stamp(e.at)), h("td", {}, e.actor), h("td", {}, e.action), h("td", {}, pairs(changed(e.before, e.after)))))),
  );
}

async function shadowPanel(rule) {
  const report = await get(`/v1/rules/${rule.id}/shadow`).catch(() => null);
  if (!report || (!rule.candidate_version && !report.events_judged_by_either)) return null;
  const counts = ["events_judged_by_either", "live_hits", "candidate_hits", "both", "only_live", "only_candidate"];
  return h("section", {}, label("rules.shadow", "h4"), pairs(Object.fromEntries(counts.map((k) => [k, report[k]]))));
}

function actionBar(rule, form, status) {
  const note = h("input", { name: "note", placeholder: t("rules.note"), "data-i18n-placeholder": "rules.note", maxlength: 2000 });
  const save = label("rules.save", "button", { type: "button", class: "save" });
  const publish = label("rules.publish", "button", { type: "button", class: "publish primary" });
  const candidate = label(rule.candidate_version ? "rules.candidate.stop" : "rules.candidate.start", "button", { type: "button", class: "candidate" });

  async function saveDraft() {
    form.clearErrors();
    const updated = await patch(`/v1/rules/${rule.id}`, { revision: rule.revision, draft: form.read() });
    Object.assign(rule, updated);
    return updated;
  }
  async function attempt(fn) {
    try {
      await fn();
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      if (err.status === 422) form.showErrors(err.fields, err.message);
      message(status, err.status === 422 ? t("rules.invalid") : err.message, true);
    }
  }
  save.addEventListener("click", () => attempt(async () => {
    await saveDraft();
    message(status, t("rules.saved"), false);
  }));
  publish.addEventListener("click", () => attempt(async () => {
    await saveDraft();
    const version = await post(`/v1/rules/${rule.id}/publish`, { revision: rule.revision, note: note.value });
    await reopen(rule.id, `${t("rules.published")} v${version.version}`);
  }));
  candidate.addEventListener("click", () => attempt(async () => {
    if (rule.candidate_version) {
      await del(`/v1/rules/${rule.id}/candidate`);
      await reopen(rule.id, "");
      return;
    }
    await saveDraft();
    const version = await post(`/v1/rules/${rule.id}/candidate`, { revision: rule.revision, note: note.value });
    await reopen(rule.id, `${t("rules.candidate.started")} v${version.version}`);
  }));
  return h("div", { class: "bar" }, note, save, publish, rule.family === "risk" ? candidate : null);
}

function rollbackBar(rule, versions, status) {
  const older = versions.filter((v) => v.version !== rule.live_version);
  if (!older.length) return null;
  const pick = h("select", { name: "rollback" }, older.slice().reverse().map((v) => h("option", { value: v.version }, `v${v.version} (${v.body.mode})`)));
  const go = label("rules.rollback", "button", { type: "button", class: "rollback" });
  go.addEventListener("click", async () => {
    try {
      const version = await post(`/v1/rules/${rule.id}/rollback`, { version: Number(pick.value), note: "" });
      await reopen(rule.id, `${t("rules.rolled")} v${version.version}`);
    } catch (err) {
      message(status, err.message, true);
    }
  });
  return h("div", { class: "bar" }, go, pick);
}

async function reopen(id, note) {
  await loadList();
  await openRule(id);
  if (note) message($("#rule-status"), note, false);
}

/** Show rule ``id`` in the editor. */
export async function openRule(id) {
  selected = id;
  drawList();
  const [rule, versions, audit] = await Promise.all([
    get(`/v1/rules/${id}`),
    get(`/v1/rules/${id}/versions`).then((p) => p.data),
    get(`/v1/audit?resource=rule&resource_id=${encodeURIComponent(id)}&limit=20`).then((p) => p.data),
  ]);
  const editable = canWrite(rule);
  const form = ruleForm(rule, editable);
  const status = h("div", { id: "rule-status", role: "status" });
  const live = versions.find((v) => v.version === rule.live_version);
  fill(
    $("#rule-detail"),
    h("h3", {}, h("code", {}, rule.id), " ", h("span", { class: "muted" }, `${rule.kind} · ${rule.shop_id || "*"} · rev ${rule.revision}`)),
    rule.title ? h("p", {}, rule.title) : null,
    h("p", {}, label("rules.live"), `: ${live ? `v${live.version} (${live.body.mode})` : "—"}`),
    label("rules.draft", "h4"),
    form.el,
    editable ? actionBar(rule, form, status) : label("rules.readonly", "p", { class: "muted" }),
    editable ? rollbackBar(rule, versions, status) : null,
    status,
    await shadowPanel(rule),
    backtestPanel(rule, form),
    label("rules.versions", "h4"),
    versionsTable(versions),
    label("rules.audit", "h4"),
    auditTable(audit),
  );
}

export function startRules() {
  $("#rules tbody").addEventListener("click", (e) => {
    const tr = e.target.closest("tr");
    if (tr) openRule(tr.dataset.rule).catch((err) => message($("#rule-detail"), err.message, true));
  });
  loadList().catch(() => {});
}

export const refreshRules = () => loadList().catch(() => {});
