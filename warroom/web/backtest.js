// A backtest of a rule's draft against its live version over a past span
// (POST /v1/rules/{id}/backtest): the summaries side by side as a chart and a table,
// and the decisions each would have made.
import { ApiError, missingRoute, post } from "./api.js";
import { fill, h, localInput, rowsTable } from "./dom.js";
import { bars } from "./charts.js";
import { label, t } from "./i18n.js";

/** The live and draft parts of an answer, whatever it calls them. */
function sides(answer) {
  const live = answer.live ?? answer.live_version ?? answer.current ?? {};
  const draft = answer.draft ?? answer.candidate ?? {};
  return [live, draft];
}

function summaryOf(side) {
  const s = side.summary ?? side;
  return Object.fromEntries(Object.entries(s).filter(([, v]) => v === null || typeof v !== "object"));
}

function decisionsOf(side, answer, name) {
  if (Array.isArray(side.decisions)) return side.decisions;
  const all = answer.decisions || [];
  return all.filter((d) => d.side === name || d.version === name);
}

function comparison(live, draft) {
  const [a, b] = [summaryOf(live), summaryOf(draft)];
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
  const numeric = keys.filter((k) => typeof a[k] === "number" || typeof b[k] === "number");
  return [
    numeric.length ? bars(numeric, [{ name: t("bt.live"), values: numeric.map((k) => a[k]) }, { name: t("bt.draft"), values: numeric.map((k) => b[k]) }], { height: 160 }) : null,
    h("table", { class: "compact side-by-side" }, h("thead", {}, h("tr", {}, h("th", {}, ""), label("bt.live", "th"), label("bt.draft", "th"))), h("tbody", {}, keys.map((k) => h("tr", {}, h("th", {}, k), h("td", { class: "num" }, String(a[k] ?? "—")), h("td", { class: "num" }, String(b[k] ?? "—")))))),
  ];
}

function render(out, answer) {
  const [live, draft] = sides(answer);
  const [dl, dd] = [decisionsOf(live, answer, "live"), decisionsOf(draft, answer, "draft")];
  fill(
    out,
    comparison(live, draft),
    h("div", { class: "two" }, h("div", {}, label("bt.live", "h5"), label("bt.decisions", "div", { class: "muted" }), dl.length ? rowsTable(dl, 100) : "—"), h("div", {}, label("bt.draft", "h5"), label("bt.decisions", "div", { class: "muted" }), dd.length ? rowsTable(dd, 100) : "—")),
  );
}

/** The backtest section of the rule editor: run ``form``'s draft against the live rule. */
export function backtestPanel(rule, form) {
  const now = new Date();
  const since = h("input", { type: "datetime-local", name: "since", value: localInput(new Date(now - 3600e3)) });
  const until = h("input", { type: "datetime-local", name: "until", value: localInput(now) });
  const run = label("bt.run", "button", { type: "button", class: "backtest" });
  const out = h("div", { class: "backtest-result" });
  run.addEventListener("click", async () => {
    fill(out, h("span", { class: "muted" }, "…"));
    const body = { since: new Date(since.value).toISOString(), until: new Date(until.value).toISOString(), draft: form.read() };
    try {
      render(out, await post(`/v1/rules/${rule.id}/backtest`, body));
    } catch (err) {
      if (missingRoute(err)) fill(out, label("na", "p", { class: "muted na" }));
      else {
        if (err instanceof ApiError && err.status === 422) form.showErrors(err.fields, err.message);
        fill(out, h("p", { class: "error" }, err.message));
      }
    }
  });
  return h("section", { class: "backtest" }, label("bt.title", "h4"), h("div", { class: "bar" }, label("bt.since"), since, label("bt.until"), until, run), out);
}
