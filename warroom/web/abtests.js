// Creative A/B tests of the playbook (GET /v1/ab-tests): per test its variants' counts,
// CTR / CVR / ROI and always-valid p-value against the control, and the sequential
// test's state: still running, or decided with its winner and confidence.
import { clock, h, money, num, pct } from "./dom.js";
import { label, t } from "./i18n.js";

const ratio = (part, whole) => (whole > 0 ? part / whole : null);
const fixed = (v) => (v === null ? "—" : v.toFixed(2));

/** A confidence as a percentage rounded down (0.999999 is "99.99%", never "100.00%"). */
export function confidence(value) {
  return value === null || value === undefined ? "—" : `${(Math.floor(value * 10000) / 100).toFixed(2)}%`;
}

function pValue(value) {
  if (value === null || value === undefined) return "—";
  return value < 0.0001 ? "< 0.0001" : value.toFixed(4);
}

function role(test, v) {
  return [
    v.control ? label("ab.control", "span", { class: "tag" }) : null,
    v.creative_id === test.winner ? label("ab.winner", "span", { class: "tag win" }) : null,
    test.losers.includes(v.creative_id) ? label("ab.loser", "span", { class: "tag lose" }) : null,
  ];
}

function variantRow(test, v) {
  const metric = (name) => (test.metric === name ? "num metric" : "num");
  const cls = v.creative_id === test.winner ? "winner" : test.losers.includes(v.creative_id) ? "loser" : "";
  return h(
    "tr",
    { class: cls, dataset: { creative: v.creative_id } },
    h("td", {}, h("code", {}, v.creative_id), " ", role(test, v)),
    h("td", { class: "num" }, num(v.impressions)),
    h("td", { class: "num" }, num(v.clicks)),
    h("td", { class: "num" }, num(v.orders)),
    h("td", { class: "num" }, money(v.spend)),
    h("td", { class: "num" }, money(v.gmv)),
    h("td", { class: metric("ctr") }, pct(ratio(v.clicks, v.impressions))),
    h("td", { class: metric("cvr") }, pct(ratio(v.orders, v.clicks))),
    h("td", { class: metric("roi") }, fixed(ratio(v.gmv, v.spend))),
    h("td", { class: "num" }, pValue(v.p_value)),
  );
}

function outcome(test) {
  if (test.status !== "decided" || !test.winner) return label("ab.nowinner", "p", { class: "muted outcome" });
  return h("p", { class: "outcome ok" }, `${t("ab.winner")}: `, h("b", { class: "winner" }, test.winner), ` · ${t("ab.confidence")} `, h("b", { class: "confidence" }, confidence(test.confidence)));
}

const COLUMNS = ["ab.creative", "ab.impressions", "ab.clicks", "ab.orders", "ab.spend", "ab.gmv", "ab.ctr", "ab.cvr", "ab.roi", "ab.p"];

function card(test) {
  return h(
    "article",
    { class: `abtest ${test.status}`, dataset: { rule: test.rule_id } },
    h(
      "header",
      {},
      h("code", {}, test.rule_id),
      h("span", { class: "muted" }, ` v${test.rule_version} · ${test.shop_id || ""}`),
      label(`ab.${test.status}`, "span", { class: `badge ab-${test.status}` }),
      h("span", { class: `badge mode-${test.mode}` }, test.mode),
      h("span", { class: "muted" }, `${t("ab.metric")} ${test.metric.toUpperCase()} · α ${test.alpha} · ${t("ab.started")} ${clock(test.started_at)}`),
    ),
    outcome(test),
    h(
      "table",
      { class: "data compact variants" },
      h("thead", {}, h("tr", {}, COLUMNS.map((key, i) => label(key, "th", i ? { class: "num" } : {})))),
      h("tbody", {}, test.variants.map((v) => variantRow(test, v))),
    ),
  );
}

export const abPanel = {
  id: "ab",
  empty: "pb.ab.empty",
  path: (params) => `/v1/ab-tests?${params}`,
  // newest test first, in a stable order (the route's "latest update first" would reshuffle
  // the cards at every poll)
  draw: (answer) => h("div", { class: "abtests" }, [...answer.data].sort((a, b) => b.started_at - a.started_at || a.rule_id.localeCompare(b.rule_id)).map(card)),
};
