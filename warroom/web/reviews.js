// The review queue: held and flagged orders with their reasons; risk analysts (and
// admins) release an order or confirm its fraud. Refreshed while on screen and whenever
// the feed brings a hold or review verdict.
import { ApiError, get, post } from "./api.js";
import { $, fill, h, num, stamp } from "./dom.js";
import { records } from "./feed.js";
import { label } from "./i18n.js";
import { may } from "./session.js";

const EVERY_MS = 5000;
let visible = () => false;
let timer = null;

function reasons(review) {
  const hits = (review.verdict && review.verdict.hits) || [];
  return h("ul", { class: "reasons" }, hits.map((hit) => h("li", {}, h("b", {}, `${hit.rule_id} v${hit.rule_version}`), `: ${hit.explanation}`)));
}

async function decide(review, action, cell) {
  for (const b of cell.querySelectorAll("button")) b.disabled = true;
  try {
    const after = await post(`/v1/reviews/${encodeURIComponent(review.order_id)}`, { action, note: "" });
    fill(cell, label(`rev.${after.status}`, "span", { class: `badge ${after.status}` }));
    cell.closest("tr").classList.add("decided");
  } catch (err) {
    cell.append(h("div", { class: "error" }, err instanceof ApiError ? err.message : String(err)));
  }
}

function buttons(review) {
  const cell = h("td", { class: "actions" });
  if (review.status !== "open") {
    cell.append(label(`rev.${review.status}`, "span", { class: `badge ${review.status}` }), h("div", { class: "muted" }, review.decided_by || ""));
  } else if (may("decide_reviews", review.shop_id)) {
    const release = label("rev.release", "button", { type: "button", class: "release" });
    const fraud = label("rev.fraud", "button", { type: "button", class: "fraud danger" });
    release.addEventListener("click", () => decide(review, "release", cell));
    fraud.addEventListener("click", () => decide(review, "confirm_fraud", cell));
    cell.append(release, " ", fraud);
  }
  return cell;
}

function row(review) {
  return h(
    "tr",
    { dataset: { order: review.order_id } },
    h("td", {}, h("code", {}, review.order_id)),
    h("td", {}, review.shop_id),
    h("td", {}, h("span", { class: `badge ${review.outcome}` }, review.outcome.toUpperCase())),
    h("td", { class: "num" }, num(review.score, 0)),
    h("td", {}, reasons(review)),
    h("td", {}, stamp(review.queued_at)),
    buttons(review),
  );
}

const PAGE = 100;
let offset = 0;

function query() {
  const params = new URLSearchParams({ status: $("#review-status").value, limit: PAGE, offset });
  for (const name of ["shop_id", "rule"]) {
    const value = $(`#review-filters [name=${name}]`).value.trim();
    if (value) params.set(name, value);
  }
  return `/v1/reviews?${params}`;
}

async function load() {
  const page = await get(query());
  fill($("#reviews tbody"), page.data.map(row));
  $("#reviews-empty").hidden = page.data.length > 0;
  $("#review-count").textContent = String(page.count);
  $("#review-page").textContent = page.count > PAGE ? `${offset + 1}–${offset + page.data.length}` : "";
  $("#review-prev").disabled = offset === 0;
  $("#review-next").disabled = offset + PAGE >= page.count;
}

function turn(step) {
  offset = Math.max(0, offset + step * PAGE);
  refreshReviews();
}

/** Reload the queue now (and keep the error, if any, on screen). */
export function refreshReviews() {
  load().catch((err) => {
    $("#review-count").textContent = err.message;
  });
}

function onRecord(event) {
  const r = event.detail;
  const queued = r.kind === "verdict" && (r.outcome === "hold" || r.outcome === "review");
  if (!queued || !visible() || timer) return;
  timer = setTimeout(() => {
    timer = null;
    autoRefresh();
  }, 2000);
}

/** A refresh nobody asked for waits while the pointer is over the queue (no row moves
 * away under a click). */
function autoRefresh() {
  if (visible() && !document.hidden && !$("#reviews").matches(":hover")) refreshReviews();
}

export function startReviews(isVisible) {
  visible = isVisible;
  $("#review-filters").addEventListener("input", () => {
    offset = 0;
    refreshReviews();
  });
  $("#review-filters").addEventListener("submit", (e) => e.preventDefault());
  $("#review-prev").addEventListener("click", () => turn(-1));
  $("#review-next").addEventListener("click", () => turn(1));
  records.addEventListener("record", onRecord);
  setInterval(autoRefresh, EVERY_MS);
}
