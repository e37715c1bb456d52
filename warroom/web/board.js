// The campaign board: one tile per campaign with its live spend, orders, ROI, CPA, CTR,
// match score, status, sparklines of the last hour and the last action taken on it.
// Live numbers are polled while the board is on screen; actions come from the feed.
import { get } from "./api.js";
import { $, clock, fill, h, money, num, pct, perFrame } from "./dom.js";
import { records } from "./feed.js";
import { label, t } from "./i18n.js";
import { sparkline } from "./charts.js";

const LIVE_EVERY_MS = 3000;
const LIST_EVERY_MS = 15000;
const TAKEN = new Set(["applied", "failed"]); // an action taken (or tried), not a skip

let campaigns = [];
const live = new Map(); // campaign id -> /live answer (or null: none yet)
const last = new Map(); // campaign id -> latest action taken on it
let visible = () => false;
let windowName = "60m";

/** The match score from wherever the API puts it (null until it is computed). */
function matchScore(c, l) {
  const w = l && l.windows && l.windows[windowName];
  return (l && l.match_score) ?? (w && w.match_score) ?? c.match_score ?? null;
}

/** Per-minute ``field`` over the last hour, oldest first (missing minutes as 0). */
function lastHour(l, field) {
  const now = Math.floor((l ? l.as_of : Date.now() / 1000) / 60);
  const byMinute = new Map((l ? l.minutes : []).map((m) => [m.minute, Number(m[field]) || 0]));
  return Array.from({ length: 60 }, (_, i) => byMinute.get(now - 59 + i) || 0);
}

function metric(key, value) {
  return h("div", { class: "metric" }, label(key, "span", { class: "k" }), h("span", { class: "v" }, value));
}

function lastAction(id) {
  const d = last.get(id);
  if (!d) return label("board.none", "span", { class: "muted" });
  const result = d.reason ? `${d.result}: ${d.reason}` : d.result;
  return h("span", { class: `result ${d.result}` }, `${d.action.toUpperCase()} ${result} · ${clock(d.decided_at)} · ${d.rule_id} v${d.rule_version}`);
}

function tile(c) {
  const l = live.get(c.id);
  const w = (l && l.windows && l.windows[windowName]) || {};
  const score = matchScore(c, l);
  return h(
    "article",
    { class: `tile ${c.status}`, dataset: { campaign: c.id } },
    h("header", {}, h("b", {}, c.id), h("span", { class: "muted" }, ` ${c.shop_id}`), label(`status.${c.status}`, "span", { class: `badge ${c.status}` })),
    h(
      "div",
      { class: "metrics" },
      metric("board.spend", money(w.spend)),
      metric("board.orders", num(w.orders)),
      metric("board.roi", num(w.roi)),
      metric("board.cpa", money(w.cpa)),
      metric("board.ctr", pct(w.ctr)),
      metric("board.match", score === null ? "—" : num(score, 0)),
    ),
    h("div", { class: "sparks", title: t("board.spark") }, sparkline(lastHour(l, "spend"), { cls: "spark spend" }), sparkline(lastHour(l, "orders"), { cls: "spark orders" })),
    h("div", { class: "budget" }, label("board.budget"), ` ${money(c.daily_budget)} / ${money(c.budget_cap)}`),
    h("div", { class: "last" }, label("board.last"), ": ", lastAction(c.id)),
    l ? null : label("board.nolive", "div", { class: "muted" }),
  );
}

const draw = perFrame(() => {
  const grid = $("#board");
  fill(grid, campaigns.map(tile));
  $("#board-empty").hidden = campaigns.length > 0;
});

async function loadCampaigns() {
  const page = await get("/v1/campaigns?limit=500&sort=id");
  campaigns = page.data;
  draw();
}

async function loadLive() {
  await Promise.allSettled(
    campaigns.map(async (c) => {
      try {
        live.set(c.id, await get(`/v1/campaigns/${encodeURIComponent(c.id)}/live`));
      } catch {
        live.delete(c.id); // 404: no live data yet
      }
    }),
  );
  draw();
}

async function loadLastActions() {
  const page = await get("/v1/decisions?limit=200");
  for (const d of page.data.reverse()) if (TAKEN.has(d.result)) last.set(d.campaign_id, d);
  draw();
}

function onRecord(event) {
  const r = event.detail;
  if (r.kind !== "decision" || !TAKEN.has(r.result)) return;
  last.set(r.campaign_id, r);
  if (r.result === "applied") setTimeout(() => loadCampaigns().catch(() => {}), 300);
  if (visible()) draw();
}

/** Start the board; ``isVisible`` says whether it is on screen (polling only then). */
export function startBoard(isVisible) {
  visible = isVisible;
  $("#board-window").addEventListener("change", (e) => {
    windowName = e.target.value;
    draw();
  });
  records.addEventListener("record", onRecord);
  const tick = (fn) => () => visible() && !document.hidden && fn().catch(() => {});
  loadCampaigns().then(loadLive).catch(() => {});
  loadLastActions().catch(() => {});
  setInterval(tick(loadLive), LIVE_EVERY_MS);
  setInterval(tick(loadCampaigns), LIST_EVERY_MS);
}

/** Redraw at once (when the board comes on screen). */
export function refreshBoard() {
  loadCampaigns().then(loadLive).catch(() => {});
}
