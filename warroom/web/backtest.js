// A backtest of a rule's draft beside its live version over a past span
// (POST /v1/rules/{id}/backtest): the two summaries side by side as a chart and a
// table, and the decisions each would have made.
import { ApiError, missingRoute, post } from "./api.js";
import { fill, h, localInput, rowsTable } from "./dom.js";
import { bars } from "./charts.js";
import { label, t } from "./i18n.js";

/** A summary flattened one level ("actions.pause": 3), numeric text as numbers. */
export function flat(summary) {
  const out = {};
  for (const [key, value] of Object.entries(summary || {})) {
    if (value !== null && typeof value === "object") {
      for (const [k, v] of Object.entries(value)) out[`${key}.${k}`] = v;
    } else out[key] = value;
  }
  for (const [key, value] of Object.entries(out)) {
    if (typeof value === "string" && value !== "" && !Number.isNaN(Number(value))) out[key] = Number(value);
  }
  return out;
}

function comparison(live, draft) {
  const [a, b] = [flat(live && live.summary), flat(draft.summary)];
  const keys = [...new Set([...Object.keys(b), ...Object.keys(a)])];
  const numbers = keys.filter((k) => typeof a[k] === "number" || typeof b[k] === "number");
  const differ = numbers.filter((k) => (a[k] ?? 0) !== (b[k] ?? 0));
  const numeric = differ.length ? differ : numbers; // the chart shows what the draft changes
  const cell = (v) => h("td", { class: "num" }, v === undefined || v === null ? "—" : String(v));
  const series = [
    { name: t("bt.live"), values: numeric.map((k) => a[k] ?? 0) },
    { name: t("bt.draft"), values: numeric.map((k) => b[k] ?? 0) },
  ];
  return [
    numeric.length ? bars(numeric, series, { height: 150 }) : null,
    h("p", { class: "legend" }, h("span", { class: "key s0" }), label("bt.live"), " ", h("span", { class: "key s1" }), label("bt.draft")),
    h(
      "table",
      { class: "compact side-by-side" },
      h("thead", {}, h("tr", {}, h("th", {}, ""), h("th", {}, live ? `${t("bt.live")} (${live.label})` : t("bt.live")), h("th", {}, `${t("bt.draft")} (${draft.label})`))),
      h("tbody", {}, keys.map((k) => h("tr", {}, h("th", {}, k), cell(a[k]), cell(b[k])))),
    ),
  ];
}

function decisions(side, key) {
  if (!side) return h("div", {}, label(key, "h5"), "—");
  const shown = side.decisions || [];
  return h("div", {}, h("h5", {}, `${t(key)} (${side.label}) · ${side.decisions_total ?? shown.length}`), label("bt.decisions", "div", { class: "muted" }), shown.length ? rowsTable(shown, 100) : "—");
}

function render(out, answer) {
  const draft = answer.candidate ?? answer.draft;
  const live = answer.live ?? null;
  const history = Object.entries(answer.history || {}).map(([k, v]) => `${k} ${v}`).join(", ");
  fill(
    out,
    h("p", { class: "muted" }, `${history}${answer.elapsed_s !== undefined ? ` · ${answer.elapsed_s.toFixed(2)} s` : ""}`),
    comparison(live, draft),
    h("div", { class: "two" }, decisions(live, "bt.live"), decisions(draft, "bt.draft")),
  );
}

/** The backtest section of the rule editor: run ``form``'s draft beside the live rule. */
export function backtestPanel(rule, form) {
  const now = new Date();
  const since = h("input", { type: "datetime-local", name: "since", value: localInput(new Date(now - 3600e3)) });
  const until = h("input", { type: "datetime-local", name: "until", value: localInput(new Date(now.getTime() + 60e3)) });
  const run = label("bt.run", "button", { type: "button", class: "backtest" });
  const out = h("div", { class: "backtest-result" });
  run.addEventListener("click", async () => {
    fill(out, h("span", { class: "muted" }, "…"));
    const body = { since: new Date(since.value).toISOString(), until: new Date(until.value).toISOString(), draft: form.read() };
    try {
      form.clearErrors();
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
