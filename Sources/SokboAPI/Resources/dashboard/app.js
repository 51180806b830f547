// Sokbo dashboard: log-in, the live stream with refills, the views and the controls.
import { t, applyLabels, toggleLanguage } from "./i18n.js";
import { token, setToken, clearToken, getJSON, postJSON, call, readEvents, HTTPError } from "./api.js";
import { mountTape, addNews, addSignal, addOrder, setFilters, onOrdersChanged } from "./tape.js";
import { renderOrders, renderPositions, renderHealth } from "./panels.js";
import { mountRules, loadRules } from "./rules.js";
import { mountReplay } from "./replay.js";

const $ = (id) => document.getElementById(id);
let stream;            // AbortController of the open /api/events read
let statusTimer;
let view = "tape";
let lastStatus;

// MARK: log-in

async function logIn(candidate) {
  setToken(candidate);
  try {
    lastStatus = await getJSON("/api/status");
  } catch (error) {
    clearToken();
    $("login-error").textContent = error instanceof HTTPError && error.status === 401 ? t("tokenRefused") : String(error.message ?? error);
    $("login-error").dataset.testid = "login-error";
    return false;
  }
  $("login").hidden = true;
  $("app").hidden = false;
  showStatus(lastStatus);
  startStream();
  statusTimer = setInterval(refreshStatus, 2000);
  return true;
}

function logOut() {
  clearToken();
  stream?.abort();
  clearInterval(statusTimer);
  location.reload();
}

// MARK: the live stream

/// One reader at a time; after the stream ends or fails, a new one after a short pause. Each time the
/// server says `: connected` the subscription exists, so a refill from the list routes from then on cannot
/// miss what happened while disconnected, and the maps keyed by id drop whatever arrives twice.
async function startStream() {
  let pause = 500;
  for (;;) {
    stream = new AbortController();
    setStreamState("reconnecting");
    try {
      await readEvents({
        signal: stream.signal,
        onOpen: () => { pause = 500; refill("connected"); },
        onEvent: (kind, data) => {
          if (kind === "news") addNews(data);
          else if (kind === "signal") addSignal(data);
          else if (kind === "order") addOrder(data);
          else if (kind === "trading") showHalted(data.halted);
        },
        onGap: (missed) => refill(`gap ${missed}`),
      });
    } catch (error) {
      if (error instanceof HTTPError && error.status === 401) { logOut(); return; }
      if (stream.signal.aborted) return;
    }
    setStreamState("reconnecting");
    await new Promise((resolve) => setTimeout(resolve, pause));
    pause = Math.min(pause * 2, 5000);
  }
}

let refilling = Promise.resolve();
/// Refills from the stored lists. The buffer is flushed first so rows from the last second are in the store.
function refill(reason) {
  refilling = refilling.then(async () => {
    setStreamState("refilling");
    try {
      await call("POST", "/api/flush").catch(() => {});
      const [news, signals, orders] = await Promise.all([
        getJSON("/api/news?limit=500"), getJSON("/api/signals?limit=1000"), getJSON("/api/orders?limit=1000")]);
      for (const item of news.items.reverse()) addNews(item);
      for (const signal of signals.items) addSignal(signal);
      for (const order of orders.items) addOrder(order);
      document.body.dataset.refills = String(Number(document.body.dataset.refills ?? 0) + 1);
      document.body.dataset.lastRefill = reason;
    } catch (error) {
      notice(`refill: ${error.message}`);
    }
    setStreamState(stream && !stream.signal.aborted ? "live" : "reconnecting");
  });
  return refilling;
}

function setStreamState(state) {
  const badge = $("stream-state");
  badge.dataset.state = state;
  badge.textContent = t(state === "live" ? "streamLive" : state === "refilling" ? "streamRefilling" : "streamReconnecting");
  badge.className = "badge " + (state === "live" ? "green" : "amber");
}

// MARK: status, health

async function refreshStatus() {
  try {
    lastStatus = await getJSON("/api/status");
    showStatus(lastStatus);
  } catch (error) {
    if (error instanceof HTTPError && error.status === 401) logOut();
    notice(`status: ${error.message}`);
  }
}

function showStatus(status) {
  $("real-money").hidden = status.mode !== "live";
  const mode = $("mode");
  mode.textContent = t(status.mode === "live" ? "modeLive" : status.mode === "mock" ? "modeMock" : "modeSimulate");
  mode.className = "badge " + (status.mode === "live" ? "red" : "");
  mode.dataset.mode = status.mode;
  showHalted(status.engine?.halted);
  if (view === "health") renderHealth($("health-rows"), status);
}

function showHalted(halted) {
  const badge = $("trading-state");
  badge.textContent = halted ? t("halted") : t("trading");
  badge.className = "badge " + (halted ? "red" : "green");
  badge.dataset.halted = String(Boolean(halted));
  $("halt").disabled = Boolean(halted);
  $("resume").disabled = !halted;
  if (lastStatus?.engine) lastStatus.engine.halted = Boolean(halted);
  if (view === "health" && lastStatus) renderHealth($("health-rows"), lastStatus);
}

// MARK: controls (each behind a confirmation that names what will happen)

function confirmAction(text) {
  const dialog = $("confirm");
  $("confirm-text").textContent = text;
  $("confirm-ok").textContent = t("ok");
  dialog.returnValue = "";
  dialog.showModal();
  return new Promise((resolve) => dialog.addEventListener("close", () => resolve(dialog.returnValue === "ok"), { once: true }));
}

function notice(text) { $("notice").textContent = text; }

async function act(question, method, path, done) {
  if (!(await confirmAction(question))) return;
  try {
    const response = await call(method, path);
    const value = await response.json().catch(() => ({}));
    notice(`${method} ${path}: ${response.status}`);
    done?.(value);
  } catch (error) {
    notice(error instanceof HTTPError && error.status === 404 ? `${path}: ${t("notAvailable")}` : `${path}: ${error.message}`);
  }
}

function wireControls() {
  $("halt").addEventListener("click", () => act(t("confirmHalt"), "POST", "/api/trading/halt", (v) => showHalted(v.halted)));
  $("resume").addEventListener("click", () => act(t("confirmResume"), "POST", "/api/trading/resume", (v) => showHalted(v.halted)));
  $("flatten").addEventListener("click", () => act(t("confirmFlatten"), "POST", "/api/trading/flatten", () => view === "positions" && showPositions()));
  $("lang").addEventListener("click", () => { toggleLanguage(); $("lang").textContent = document.documentElement.lang === "ko" ? "EN" : "한"; });
  $("logout").addEventListener("click", logOut);
  for (const tab of document.querySelectorAll("#tabs button")) tab.addEventListener("click", () => show(tab.dataset.view));
  for (const id of ["filter-decision", "filter-rule", "filter-ticker"]) $(id).addEventListener("input", () =>
    setFilters({ decision: $("filter-decision").value, rule: $("filter-rule").value.trim(), ticker: $("filter-ticker").value.trim() }));
  $("tape-rows").addEventListener("click", (event) => {
    const link = event.target.closest("a[data-body]");
    if (!link) return;
    event.preventDefault();
    showBody(link.dataset.body, link.textContent);
  });
}

async function showBody(id, title) {
  const dialog = $("body-dialog");
  $("body-title").textContent = title;
  $("body-text").textContent = "…";
  dialog.showModal();
  try {
    const detail = await getJSON(`/api/news/${encodeURIComponent(id)}`);
    $("body-text").textContent = detail.body;
  } catch (error) {
    $("body-text").textContent = error.message;
  }
}

const cancelOrder = (order) => act(t("confirmCancel", { id: order.id }), "POST", `/api/orders/${encodeURIComponent(order.id)}/cancel`, addOrder);
const closePosition = (ticker) => act(t("confirmClose", { ticker }), "POST", `/api/positions/${encodeURIComponent(ticker)}/close`, showPositions);
const showPositions = () => renderPositions({ onClose: closePosition });

function show(name) {
  view = name;
  for (const tab of document.querySelectorAll("#tabs button")) tab.setAttribute("aria-selected", String(tab.dataset.view === name));
  for (const section of document.querySelectorAll(".view")) section.hidden = section.id !== "view-" + name;
  if (name === "orders") renderOrders($("order-rows"), { onCancel: cancelOrder });
  if (name === "positions") showPositions();
  if (name === "health" && lastStatus) renderHealth($("health-rows"), lastStatus);
  if (name === "rules") loadRules().catch((error) => notice(`rules: ${error.message}`));
}

// MARK: start

applyLabels();
$("lang").textContent = document.documentElement.lang === "ko" ? "EN" : "한";
mountTape($("tape-rows"));
mountRules();
mountReplay();
wireControls();
onOrdersChanged(() => { if (view === "orders") renderOrders($("order-rows"), { onCancel: cancelOrder }); });
setInterval(() => { if (view === "positions") showPositions(); }, 3000);
$("login-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const value = $("token").value.trim();
  $("token").value = "";
  logIn(value);
});
if (token()) logIn(token());
