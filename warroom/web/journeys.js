// Viewer-journey panels of the playbook: the conversion funnel per creative
// (GET /v1/funnels) with its biggest drop highlighted, the retargeting audience
// (GET /v1/audiences/retargeting, CSV for upload) and the fan loop, T0 / T30 (GET /v1/fan-loop).
import { $, clock, h, num, pct } from "./dom.js";
import { label, t } from "./i18n.js";

const STEPS = ["view", "click", "message", "order"];

function head(keys) {
  return h("thead", {}, h("tr", {}, keys.map(([key, cls]) => label(key, "th", cls ? { class: cls } : {}))));
}

/** "view→click" in the page's language. */
const stepName = (step) => step.split("→").map((s) => t(`step.${s}`)).join(" → ");

function funnelRow(r, by) {
  const lostAt = r.drop_step ? r.drop_step.split("→")[1] : null;
  const drop = r.drop_step ? h("span", { class: "drop-step" }, stepName(r.drop_step), h("span", { class: "muted" }, ` · ${pct(r.drop_rate)} ${t("pb.kept")}`)) : "—";
  return h(
    "tr",
    { dataset: { creative: r.creative_id || "", segment: r.segment || "" } },
    by.includes("creative") ? h("td", {}, h("code", {}, r.creative_id)) : null,
    by.includes("segment") ? h("td", {}, r.segment) : null,
    h("td", {}, r.shop_id),
    STEPS.map((step) => h("td", { class: `num step-${step}${step === lostAt ? " drop" : ""}` }, num(r[step]))),
    h("td", { class: "num" }, pct(r.click_rate)),
    h("td", { class: "num" }, pct(r.order_rate)),
    h("td", {}, drop),
  );
}

export const funnelPanel = {
  id: "funnel",
  empty: "pb.funnel.empty",
  path: (params) => {
    params.set("by", $("#funnel-by").value);
    return `/v1/funnels?${params}`;
  },
  draw: (answer) => {
    const by = $("#funnel-by").value;
    const keys = [by.includes("creative") ? ["ab.creative"] : null, by.includes("segment") ? ["pb.segment"] : null].filter(Boolean);
    return h(
      "table",
      { class: "data compact funnel" },
      head([...keys, ["pb.shop"], ...STEPS.map((s) => [`step.${s}`, "num"]), ["ab.ctr", "num"], ["ab.cvr", "num"], ["pb.drop"]]),
      h("tbody", {}, answer.data.map((r) => funnelRow(r, by))),
    );
  },
};

const LATEST = 10; // members listed on screen; the CSV has them all

export const audiencePanel = {
  id: "audience",
  empty: "pb.audience.empty",
  query: (params) => {
    const product = $("#audience-product").value.trim();
    if (product) params.set("product_id", product);
    return params;
  },
  path: (params) => {
    audiencePanel.query(params).set("limit", String(LATEST));
    return `/v1/audiences/retargeting?${params}`;
  },
  draw: (answer) => [
    h("p", { class: "headline" }, h("b", { class: "members" }, num(answer.count)), " ", label("pb.members"), h("span", { class: "muted" }, ` · ${t("pb.latest")}:`)),
    h(
      "table",
      { class: "data compact audience" },
      head([["pb.viewer"], ["pb.product"], ["filter.campaign"], ["ab.creative"], ["pb.clicked"]]),
      h(
        "tbody",
        {},
        answer.data.map((m) => h("tr", {}, h("td", {}, h("code", {}, m.viewer_id)), h("td", {}, m.product_id), h("td", {}, m.campaign_id), h("td", {}, m.creative_id), h("td", {}, clock(m.clicked_at)))),
      ),
    ),
  ],
};

const share = (count, rate) => h("span", {}, num(count), h("span", { class: "muted" }, ` · ${pct(rate)}`));

function loopRow(r) {
  return h(
    "tr",
    { dataset: { shop: r.shop_id, creator: r.creator_id } },
    h("td", {}, r.shop_id),
    h("td", {}, r.creator_id ? h("code", {}, r.creator_id) : label("pb.nocreator", "span", { class: "muted" })),
    h("td", { class: "num t0" }, num(r.t0_buyers)),
    h("td", { class: "num followed" }, share(r.followed, r.follow_rate)),
    h("td", { class: "num r48" }, share(r.repurchased_48h, r.repurchase_rate_48h)),
    h("td", { class: "num t30" }, share(r.repurchased_30d, r.t30_rate)),
  );
}

export const loopPanel = {
  id: "loop",
  empty: "pb.loop.empty",
  path: (params) => `/v1/fan-loop?${params}`,
  draw: (answer) =>
    h(
      "table",
      { class: "data compact loop" },
      head([["pb.shop"], ["pb.creator"], ["pb.t0", "num"], ["pb.followed", "num"], ["pb.r48", "num"], ["pb.t30", "num"]]),
      h("tbody", {}, answer.data.map(loopRow)),
    ),
};
