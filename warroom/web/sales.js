// Product panels of the playbook: flash-sale stock countdowns (GET /v1/flash-sales) and
// the hot-product radar, 三率两周期 (GET /v1/radar).
import { $, $$, h, num, pct } from "./dom.js";
import { label, t } from "./i18n.js";

/** Seconds as "45 s", "4:05" or "2 h 05 min". */
export function duration(seconds) {
  const s = Math.max(0, Math.ceil(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, "0")} min`;
}

/** ``v`` with ``digits`` decimals always (rates read alike down a column). */
const fixed = (v, digits = 2) => (v === null || v === undefined ? "—" : Number(v).toFixed(digits));

/** What is left of a countdown now (it was ``left`` seconds at ``at``, epoch seconds). */
const leftNow = ({ left, at }) => Number(left) - (Date.now() / 1000 - Number(at));

/** Count the shown countdowns down between two polls. */
export function tickCountdowns(root) {
  for (const el of $$("[data-left]", root)) el.textContent = duration(leftNow(el.dataset));
}

function sellsOut(s) {
  if (s.level === "sold_out") return label("level.sold_out", "span", { class: "muted" });
  if (s.seconds_left === null) return label("pb.nopace", "span", { class: "muted" });
  const dataset = { left: s.seconds_left, at: s.updated_at };
  return h("b", { class: "sellout", dataset }, duration(leftNow(dataset)));
}

function stockBar(s) {
  const share = s.available > 0 ? Math.max(0, Math.min(1, s.remaining / s.available)) : 0;
  return h(
    "div",
    { class: "stock" },
    h("span", { class: "units" }, `${num(Math.max(s.remaining, 0))} / ${num(s.available)}`),
    h("span", { class: `bar ${s.level}` }, h("i", { style: `width: ${(share * 100).toFixed(1)}%` })),
  );
}

function campaignsOf(s) {
  const running = s.campaigns.filter((c) => !s.stopped.includes(c));
  const rest = running.length ? h("span", { class: "muted" }, ` ${t("pb.selling")}: ${running.join(", ")}`) : null;
  return [...s.stopped.map((c) => h("code", { class: "stopped" }, c)), rest];
}

function flashRow(s) {
  return h(
    "tr",
    { class: `level-${s.level}`, dataset: { sku: s.sku }, title: s.explanation },
    h("td", {}, h("code", {}, s.sku)),
    h("td", {}, s.shop_id),
    h("td", {}, label(`level.${s.level}`, "span", { class: `badge level ${s.level}` })),
    h("td", { class: "num left" }, stockBar(s)),
    h("td", { class: "num" }, `${fixed(s.pace_per_s)} ${t("pb.perS")}`),
    h("td", { class: "num" }, sellsOut(s)),
    h("td", { class: "campaigns" }, campaignsOf(s)),
  );
}

function head(keys) {
  return h("thead", {}, h("tr", {}, keys.map(([key, cls]) => label(key, "th", cls ? { class: cls } : {}))));
}

export const flashPanel = {
  id: "flash",
  empty: "pb.flash.empty",
  path: (params) => `/v1/flash-sales?${params}`,
  draw: (answer) =>
    h(
      "table",
      { class: "data compact flash" },
      head([["pb.sku"], ["pb.shop"], ["pb.level"], ["pb.left", "num"], ["pb.pace", "num"], ["pb.sellsout", "num"], ["pb.stopped"]]),
      h("tbody", {}, answer.data.map(flashRow)),
    ),
};

const signed = (v) => (v === null || v === undefined ? "—" : `${v >= 0 ? "+" : ""}${(v * 100).toFixed(0)}%`);

function stage(r) {
  const age = r.video_age_h === null ? "" : ` · ${fixed(r.video_age_h, 1)} h`;
  return [label(`stage.${r.video_stage}`, "span", { class: `stage ${r.video_stage}` }), age];
}

function radarRow(r) {
  return h(
    "tr",
    { class: r.tags.length ? "hot" : "", dataset: { product: r.product_id } },
    h("td", {}, h("code", {}, r.product_id)),
    h("td", {}, r.shop_id),
    h("td", { class: "num growth" }, signed(r.search_growth)),
    h("td", { class: "num" }, `${num(r.searches_before)} → ${num(r.searches)}`),
    h("td", { class: "num" }, pct(r.completion_rate)),
    h("td", { class: "num opm", title: `${num(r.orders)} / ${num(r.impressions)}` }, fixed(r.orders_per_mille)),
    h("td", {}, stage(r)),
    h("td", { class: "num", title: r.stock === null ? "" : `${num(r.stock)}` }, fixed(r.stock_turnover_days)),
    h("td", { class: "tags" }, r.tags.map((tag) => h("span", { class: "tag hot" }, tag))),
  );
}

export const radarPanel = {
  id: "radar",
  empty: "pb.radar.empty",
  path: (params) => {
    params.set("sort", $("#radar-sort").value);
    return `/v1/radar?${params}`;
  },
  draw: (answer) =>
    h(
      "table",
      { class: "data compact radar" },
      head([["pb.product"], ["pb.shop"], ["pb.growth", "num"], ["pb.searches", "num"], ["pb.completion", "num"], ["pb.opm", "num"], ["pb.video"], ["pb.turnover", "num"], ["pb.tags"]]),
      h("tbody", {}, answer.data.map(radarRow)),
    ),
};
