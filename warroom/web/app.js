// The war-room page: sign in, tabs, language switch; each view lives in its own module.
import { ApiError, adoptKeyFromLink, forgetKey, get, key, setKey } from "./api.js";
import { $, $$ } from "./dom.js";
import { language, setLanguage, t, translate } from "./i18n.js";
import { session, signIn } from "./session.js";
import { startFeed } from "./feed.js";
import { refreshBoard, startBoard } from "./board.js";
import { refreshReviews, startReviews } from "./reviews.js";
import { refreshRules, startRules } from "./rules.js";
import { startReports } from "./reports.js";
import { refreshPlaybook, startPlaybook } from "./playbook.js";

const TABS = ["feed", "board", "playbook", "reviews", "rules", "reports"];
const ON_SHOW = { board: refreshBoard, playbook: () => refreshPlaybook(true), reviews: refreshReviews, rules: refreshRules };
let current = "feed";

function show(tab) {
  current = TABS.includes(tab) ? tab : "feed";
  for (const name of TABS) {
    $(`#view-${name}`).hidden = name !== current;
    $(`#tab-${name}`).setAttribute("aria-selected", String(name === current));
  }
  if (location.hash.slice(1) !== current) history.replaceState(null, "", `#${current}`);
  ON_SHOW[current]?.();
}

function askForKey(reason) {
  $("#login").hidden = false;
  $("#app").hidden = true;
  $("#login-error").textContent = reason || "";
  $("#login-key").focus();
}

async function killSwitch() {
  const state = await get("/v1/kill-switch").catch(() => null);
  $("#kill").hidden = !(state && state.on);
  if (state && state.on) $("#kill").title = `${state.reason} (${state.by})`;
}

function startApp(me) {
  $("#login").hidden = true;
  $("#app").hidden = false;
  $("#who").textContent = `${me.role} · ${me.key_id}${me.shops ? ` · ${me.shops.join(",")}` : ""}`;
  for (const name of TABS) $(`#tab-${name}`).addEventListener("click", () => show(name));
  startFeed();
  startBoard(() => current === "board");
  startPlaybook(() => current === "playbook");
  startReviews(() => current === "reviews");
  startRules();
  startReports();
  killSwitch();
  setInterval(killSwitch, 10000);
  show(location.hash.slice(1));
}

async function boot() {
  adoptKeyFromLink();
  translate();
  $("#lang").addEventListener("click", () => {
    setLanguage(language() === "zh-CN" ? "en" : "zh-CN");
    if (current === "playbook") refreshPlaybook(true); // its tables carry words too
  });
  $("#logout").addEventListener("click", () => {
    forgetKey();
    location.reload();
  });
  $("#login").addEventListener("submit", (e) => {
    e.preventDefault();
    setKey($("#login-key").value);
    location.reload();
  });
  window.addEventListener("hashchange", () => {
    if (new URLSearchParams(location.hash.slice(1)).has("key")) {
      adoptKeyFromLink(); // a new link pasted into this tab: sign in with its key
      location.reload();
    }
  });
  if (!key()) return askForKey("");
  try {
    startApp(await signIn());
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) forgetKey();
    askForKey(err instanceof ApiError && err.status === 401 ? t("login.bad") : err.message);
  }
}

boot();
export { session };
