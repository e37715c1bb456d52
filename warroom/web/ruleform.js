// The form of a rule's draft: thresholds (risk rules) or condition, action and
// guardrails (budget rules). Every input is tied to its field path (draft.params.max_orders)
// so the API's validation messages show next to the field they are about.
import { h } from "./dom.js";
import { label } from "./i18n.js";

const MODES = ["off", "shadow", "enforce"];
const ACTIONS = ["pause", "scale", "copy"];
const ACTION_FIELDS = { scale: ["factor"], copy: ["initial_budget"], pause: [] };

/** Text typed into a number field as JSON: a number, null when empty, else the text
 * itself (the API then says what is wrong with it). */
export function parseValue(text, original) {
  const trimmed = text.trim();
  if (typeof original === "string" && original !== "") return text;
  if (trimmed === "") return null;
  const n = Number(trimmed);
  return Number.isFinite(n) ? n : trimmed;
}

function field(path, name, control) {
  return h("label", { class: "field", dataset: { field: path } }, h("span", { class: "name" }, name), control, h("span", { class: "field-error", role: "alert" }));
}

function input(path, value, disabled) {
  const el = h("input", { name: path, value: value === null || value === undefined ? "" : String(value), disabled, autocomplete: "off", spellcheck: "false" });
  el.dataset.original = JSON.stringify(value ?? null);
  return el;
}

function select(path, options, value, disabled) {
  return h("select", { name: path, disabled }, options.map((o) => h("option", { value: o, selected: o === value }, o)));
}

function group(titleKey, children) {
  return h("fieldset", {}, label(titleKey, "legend"), ...children);
}

function leaves(prefix, obj, disabled) {
  return Object.entries(obj || {}).map(([name, value]) => {
    const path = `${prefix}.${name}`;
    if (typeof value === "boolean") return field(path, name, h("input", { type: "checkbox", name: path, checked: value, disabled }));
    return field(path, name, input(path, value, disabled));
  });
}

function budgetParts(draft, disabled) {
  const action = draft.action || { type: "pause" };
  const kind = select("draft.action.type", ACTIONS, action.type, disabled);
  const extra = ["factor", "initial_budget"].map((name) => {
    const f = field(`draft.action.${name}`, name, input(`draft.action.${name}`, action[name] ?? (name === "factor" ? 1.2 : 500), disabled));
    f.hidden = !ACTION_FIELDS[action.type].includes(name);
    return f;
  });
  kind.addEventListener("change", () => {
    for (const f of extra) f.hidden = !ACTION_FIELDS[kind.value].includes(f.dataset.field.split(".").pop());
  });
  const condition = h("textarea", { name: "draft.condition", rows: 3, disabled, spellcheck: "false" }, draft.condition || "");
  return [
    group("rules.condition", [field("draft.condition", "condition", condition)]),
    group("rules.action", [field("draft.action.type", "type", kind), ...extra]),
    group("rules.guardrails", leaves("draft.guardrails", draft.guardrails, disabled)),
  ];
}

function readLeaves(form, prefix) {
  const out = {};
  for (const el of form.querySelectorAll(`[name^="${prefix}."]`)) {
    const name = el.name.slice(prefix.length + 1);
    if (name.includes(".")) continue;
    out[name] = el.type === "checkbox" ? el.checked : parseValue(el.value, JSON.parse(el.dataset.original || "null"));
  }
  return out;
}

/** The form for ``rule``'s draft: {el, read, showErrors, clearErrors}. */
export function ruleForm(rule, editable) {
  const disabled = !editable;
  const draft = rule.draft || {};
  const budget = rule.family === "budget";
  const parts = budget ? budgetParts(draft, disabled) : [group("rules.params", leaves("draft.params", draft.params, disabled))];
  const general = h("div", { class: "error general", role: "alert" });
  const el = h("form", { class: "rule-form", novalidate: true }, field("draft.mode", "mode", select("draft.mode", MODES, draft.mode, disabled)), ...parts, general);
  el.addEventListener("submit", (e) => e.preventDefault());

  function read() {
    const mode = el.querySelector('[name="draft.mode"]').value;
    if (!budget) return { mode, params: readLeaves(el, "draft.params") };
    const type = el.querySelector('[name="draft.action.type"]').value;
    const action = { type, ...Object.fromEntries(ACTION_FIELDS[type].map((n) => [n, readLeaves(el, "draft.action")[n]])) };
    const condition = el.querySelector('[name="draft.condition"]').value;
    return { mode, condition, action, guardrails: readLeaves(el, "draft.guardrails") };
  }

  function clearErrors() {
    for (const f of el.querySelectorAll(".field.invalid")) f.classList.remove("invalid");
    for (const m of el.querySelectorAll(".field-error")) m.textContent = "";
    general.textContent = "";
  }

  /** ``fields``: {"draft.params.max_orders": message}; unplaced ones go on top. */
  function showErrors(fields, fallback) {
    clearErrors();
    const rest = [];
    for (const [raw, message] of Object.entries(fields || {})) {
      const path = raw.replace(/^draft\.action\.(pause|scale|copy)\./, "draft.action.");
      const target = [...el.querySelectorAll(".field")].filter((f) => path === f.dataset.field || path.startsWith(`${f.dataset.field}.`)).pop();
      if (!target) {
        rest.push(path ? `${path}: ${message}` : message);
        continue;
      }
      target.classList.add("invalid");
      target.querySelector(".field-error").textContent = message;
    }
    if (!Object.keys(fields || {}).length && fallback) rest.push(fallback);
    general.textContent = rest.join("; ");
  }

  return { el, read, showErrors, clearErrors };
}
