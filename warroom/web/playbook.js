// The playbook view: flash-sale countdowns, the hot-product radar, creative A/B tests,
// funnels per creative, the retargeting audience and the fan loop (T0 / T30). Each panel
// reads its own route, polled while the view is on screen, and shows its own empty state
// or error (one failing route never blanks the others).
import { download, get, missingRoute } from "./api.js";
import { $, clock, fill, h } from "./dom.js";
import { label, t } from "./i18n.js";
import { flashPanel, radarPanel, tickCountdowns } from "./sales.js";
import { abPanel } from "./abtests.js";
import { audiencePanel, funnelPanel, loopPanel } from "./journeys.js";

const EVERY_MS = 3000;
const PANELS = [flashPanel, audiencePanel, radarPanel, abPanel, funnelPanel, loopPanel];
const latest = new Map(); // panel id -> number of its latest request (older answers are dropped)
const shown = new Map(); // panel id -> the answer on screen, as text (an unchanged answer is not redrawn)
let visible = () => false;

/** The filters every panel shares (the shop), as query parameters. */
function shared() {
  const params = new URLSearchParams();
  const shop = $("#playbook-filters [name=shop_id]").value.trim();
  if (shop) params.set("shop_id", shop);
  return params;
}

function failure(err) {
  return missingRoute(err) ? label("na", "p", { class: "muted na" }) : h("p", { class: "error", role: "alert" }, err.message);
}

/** Load one panel and draw it, unless the answer is the one on screen (a selection or
 * a hover survives the poll) and ``force`` is not set. */
async function load(panel, force = false) {
  const seq = (latest.get(panel.id) || 0) + 1;
  latest.set(panel.id, seq);
  if (force) shown.delete(panel.id); // whichever answer comes last redraws
  const root = $(`#pb-${panel.id}`);
  const path = panel.path(shared());
  try {
    const answer = await get(path);
    const text = `${path} ${JSON.stringify(answer)}`;
    if (latest.get(panel.id) !== seq || text === shown.get(panel.id)) return;
    shown.set(panel.id, text);
    $(".count", root).textContent = `(${answer.count ?? answer.data.length})`;
    fill($(".body", root), answer.data.length ? panel.draw(answer) : label(panel.empty, "p", { class: "muted empty" }));
  } catch (err) {
    if (latest.get(panel.id) !== seq) return;
    shown.delete(panel.id);
    $(".count", root).textContent = "";
    fill($(".body", root), failure(err));
  }
}

/** Reload every panel now (``force``: redraw even what did not change). */
export async function refreshPlaybook(force = false) {
  await Promise.allSettled(PANELS.map((panel) => load(panel, force)));
  $("#playbook-at").textContent = `· ${t("pb.updated")} ${clock(Date.now() / 1000)}`;
}

function reloadOn(selector, event, panel) {
  $(selector).addEventListener(event, () => load(panel));
}

/** The audience as CSV (every member, not only the rows on screen). */
function downloadAudience() {
  const params = audiencePanel.query(shared());
  params.set("format", "csv");
  params.set("limit", "100000");
  const error = $("#audience-csv-error");
  error.textContent = "";
  download(`/v1/audiences/retargeting?${params}`, "retargeting.csv").catch((err) => {
    error.textContent = err.message;
  });
}

/** Start the view; ``isVisible`` says whether it is on screen (polling only then). */
export function startPlaybook(isVisible) {
  visible = isVisible;
  let pending = null;
  const form = $("#playbook-filters");
  form.addEventListener("submit", (e) => e.preventDefault());
  form.addEventListener("input", () => {
    clearTimeout(pending);
    pending = setTimeout(refreshPlaybook, 300);
  });
  reloadOn("#radar-sort", "change", radarPanel);
  reloadOn("#funnel-by", "change", funnelPanel);
  reloadOn("#audience-product", "input", audiencePanel);
  $("#audience-csv").addEventListener("click", downloadAudience);
  const live = () => visible() && !document.hidden;
  setInterval(() => live() && refreshPlaybook(), EVERY_MS);
  setInterval(() => live() && tickCountdowns($("#pb-flash")), 1000);
}
