// Reports: the traffic, profit and risk tables from the warehouse (GET /v1/reports/...),
// with a bar chart of one column over time and a CSV download.
import { download, get, missingRoute } from "./api.js";
import { $, fill, h, rowsTable } from "./dom.js";
import { bars } from "./charts.js";
import { label } from "./i18n.js";

const TIME_NAMES = ["bucket", "period", "hour", "day", "ts", "time", "at", "minute", "date"];
let rows = [];

function query(format) {
  const data = new FormData($("#report-form"));
  const params = new URLSearchParams({ format, tz: Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC" });
  for (const [name, value] of data) {
    if (name === "report" || !String(value).trim()) continue;
    const isTime = name === "since" || name === "until";
    params.set(name, isTime ? new Date(String(value)).toISOString() : String(value).trim());
  }
  return `/v1/reports/${data.get("report")}?${params}`;
}

function timeColumn(columns) {
  return columns.find((c) => TIME_NAMES.includes(c)) || columns.find((c) => typeof rows[0][c] === "string" && !Number.isNaN(Date.parse(rows[0][c])));
}

const NOT_MEASURES = /(_id|^sku|^bucket|^gender|^age_band|^spending_power|^rule)$/;
const FIRST_CHOICE = ["spend", "net_margin", "gmv", "flagged", "orders", "impressions"];

function numericColumns(columns) {
  return columns.filter((c) => !NOT_MEASURES.test(c)).filter((c) => rows.some((r) => typeof r[c] === "number" || (typeof r[c] === "string" && r[c] !== "" && !Number.isNaN(Number(r[c])) && !TIME_NAMES.includes(c))));
}

const CATEGORIES = ["campaign_id", "shop_id", "rule", "sku", "creative_id"];

/** Time on the x axis, or a category when every row falls in one time bucket. */
function xAxis(columns, time) {
  const buckets = new Set(rows.map((r) => r[time]));
  if (time && buckets.size > 1) return time;
  return CATEGORIES.find((c) => columns.includes(c)) || time;
}

/** Totals of ``column`` per value of ``axis`` (time buckets or a category), sorted. */
function series(axis, column) {
  const totals = new Map();
  for (const r of rows) totals.set(r[axis], (totals.get(r[axis]) || 0) + (Number(r[column]) || 0));
  const keys = [...totals.keys()].sort();
  return [keys, keys.map((k) => totals.get(k))];
}

function drawChart() {
  const columns = Object.keys(rows[0] || {});
  const time = timeColumn(columns);
  const pick = $("#report-metric");
  const numeric = numericColumns(columns).filter((c) => c !== time);
  if (![...pick.options].map((o) => o.value).join() || pick.dataset.columns !== numeric.join()) {
    const first = FIRST_CHOICE.find((c) => numeric.includes(c));
    fill(pick, numeric.map((c) => h("option", { value: c, selected: c === first }, c)));
    pick.dataset.columns = numeric.join();
  }
  const axis = xAxis(columns, time);
  if (!axis || !numeric.length) return fill($("#report-chart"));
  const [labels, values] = series(axis, pick.value || numeric[0]);
  fill($("#report-chart"), bars(labels.map((l) => String(l).replace("T", " ").slice(0, 16)), [{ name: pick.value, values }]));
}

async function show() {
  const out = $("#report-table");
  try {
    const answer = await get(query("json"));
    rows = answer.data || [];
    $("#report-count").textContent = String(answer.count ?? rows.length);
    $("#report-note").textContent = answer.note || "";
    fill(out, rows.length ? rowsTable(rows, 500) : label("rep.empty", "p", { class: "muted" }));
    drawChart();
  } catch (err) {
    rows = [];
    $("#report-note").textContent = "";
    fill($("#report-chart"));
    fill(out, missingRoute(err) ? label("na", "p", { class: "muted na" }) : h("p", { class: "error" }, err.message));
  }
}

export function startReports() {
  const form = $("#report-form");
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    show();
  });
  $("#report-metric").addEventListener("change", drawChart);
  $("#report-csv").addEventListener("click", () => {
    const name = `${new FormData(form).get("report")}.csv`;
    download(query("csv"), name).catch((err) => fill($("#report-table"), missingRoute(err) ? label("na", "p", { class: "muted na" }) : h("p", { class: "error" }, err.message)));
  });
}

export const refreshReports = show;
