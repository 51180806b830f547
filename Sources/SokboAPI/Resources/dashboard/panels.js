// Orders, positions and health: tables rebuilt from the latest data (they are small; the tape is the hot path).
import { t } from "./i18n.js";
import { getJSON, HTTPError } from "./api.js";
import { allOrders, timeOf } from "./tape.js";

function td(text, className = "") {
  const cell = document.createElement("td");
  cell.textContent = text ?? "";
  if (className) cell.className = className;
  return cell;
}

const number = (value) => (typeof value === "number" ? value.toLocaleString() : value ?? "");
const priceText = (price) => (price?.type === "limit" ? number(price.value) : price?.type ?? "");

/// The orders view: state, fills, unknown orders being reconciled, a cancel button on open ones.
export function renderOrders(tbody, { onCancel }) {
  const open = new Set(["intent", "submitted", "accepted", "partiallyFilled", "unknown"]);
  const list = allOrders().slice(0, 300);
  tbody.replaceChildren(...list.map((order) => {
    const row = document.createElement("tr");
    row.dataset.orderId = order.id;
    row.dataset.state = order.state;
    const action = document.createElement("td");
    if (open.has(order.state) && order.state !== "intent") {
      const button = document.createElement("button");
      button.textContent = t("cancelOrder");
      button.dataset.testid = "cancel-order";
      button.addEventListener("click", () => onCancel(order));
      action.append(button);
    }
    row.append(td(timeOf(order.createdAt)), td(order.ticker), td(order.side), td(number(order.quantity), "num"),
      td(priceText(order.price), "num"), td(order.state === "unknown" ? `unknown (${t("reconciling")})` : order.state, "st-" + order.state),
      td(`${number(order.filledQuantity)}/${number(order.quantity)}` + (order.averageFillPrice ? ` @ ${number(Math.round(order.averageFillPrice))}` : ""), "num"),
      td(order.rule ?? "manual"), td(order.reason ?? ""), action);
    return row;
  }));
}

/// A table of objects, the given columns first (those present), then every other scalar field.
function table(items, preferred, actions) {
  if (!items.length) { const p = document.createElement("p"); p.className = "muted"; p.textContent = t("nothing"); return p; }
  const present = preferred.filter((name) => items.some((item) => item[name] !== undefined));
  const extra = [...new Set(items.flatMap((item) => Object.keys(item)))]
    .filter((name) => !present.includes(name) && items.some((item) => item[name] !== null && typeof item[name] !== "object"));
  const columns = [...present, ...extra];
  const element = document.createElement("table");
  element.className = "grid";
  const head = document.createElement("tr");
  for (const name of columns) { const th = document.createElement("th"); th.textContent = name; head.append(th); }
  if (actions) head.append(document.createElement("th"));
  element.createTHead().append(head);
  const body = element.createTBody();
  for (const item of items) {
    const row = document.createElement("tr");
    for (const name of columns) {
      const value = item[name];
      row.append(td(typeof value === "object" && value !== null ? JSON.stringify(value) : number(value), typeof value === "number" ? "num" : ""));
    }
    if (actions) { const cell = document.createElement("td"); cell.append(...actions(item)); row.append(cell); }
    body.append(row);
  }
  return element;
}

const listOf = (value) => (Array.isArray(value) ? value : value?.items ?? value?.positions ?? value?.trades ?? value?.days ?? []);

/// Loads a route that may not exist yet: 404 shows "not available yet" instead of an error.
async function optional(path, container, render) {
  try {
    container.replaceChildren(render(await getJSON(path)));
    container.dataset.available = "true";
  } catch (error) {
    const p = document.createElement("p");
    p.className = error instanceof HTTPError && error.status === 404 ? "muted" : "error";
    p.textContent = error instanceof HTTPError && error.status === 404 ? `${t("notAvailable")}: ${path}` : `${path}: ${error.message}`;
    container.dataset.available = error instanceof HTTPError && error.status === 404 ? "false" : "error";
    container.replaceChildren(p);
  }
}

/// Positions (with exit levels), closed trades, 30 days of P&L per rule, and the broker's holdings.
export async function renderPositions({ onClose }) {
  const closeButton = (item) => {
    const button = document.createElement("button");
    button.className = "danger";
    button.textContent = t("closePosition");
    button.dataset.testid = "close-position";
    button.addEventListener("click", () => onClose(item.ticker));
    return [button];
  };
  await Promise.all([
    optional("/api/positions", document.getElementById("positions"), (value) => table(listOf(value).map(withExitLevels),
      ["ticker", "rule", "quantity", "sellable", "averageCost", "mark", "unrealisedPnL", "realisedPnL", "takeProfit", "stop",
        "trailActivation", "timeLeft", "exiting", "halted", "waiting"], closeButton)),
    // `/api/trades` items are trade records: the round trip sits under `trade`.
    optional("/api/trades", document.getElementById("trades"), (value) => table(listOf(value).slice(0, 200).map((record) => record.trade ?? record),
      ["ticker", "rule", "openedAt", "closedAt", "quantity", "entryPrice", "exitPrice", "exitReason", "netPnL", "commission", "tax"])),
    optional("/api/pnl?days=30", document.getElementById("pnl"), (value) => pnlChart(listOf(value))),
    optional("/api/account", document.getElementById("holdings"), (value) => table(value.positions ?? [],
      ["ticker", "name", "quantity", "sellableQuantity", "averagePrice", "currentPrice", "profitLoss"])),
  ]);
}

/// A position's exit levels as prices and time, from its rule's policy (`exits`) and average cost: the
/// take-profit and stop prices before costs (the engine compares net returns), the gain that activates the
/// trail, and the minutes left of `max-hold-minutes`.
function withExitLevels(position) {
  const exits = position.exits ?? {};
  const cost = Number(position.averageCost ?? 0);
  const level = (percent) => (percent == null || !cost ? undefined : Math.round(cost * (1 + percent / 100)));
  const row = { ...position };
  delete row.exits;
  row.takeProfit = level(exits.takeProfitPercent);
  row.stop = level(exits.stopLossPercent == null ? null : -exits.stopLossPercent);
  row.trailActivation = level(exits.trailActivationPercent);
  if (exits.maxHoldMinutes != null && position.openedAt) {
    const left = Date.parse(position.openedAt) + exits.maxHoldMinutes * 60_000 - Date.now();
    row.timeLeft = `${Math.max(0, Math.floor(left / 60_000))}m ${Math.max(0, Math.floor((left % 60_000) / 1000))}s`;
  }
  return row;
}

/// Daily P&L bars as inline SVG (no chart library): one bar a day, its rules' shares in the tooltip.
function pnlChart(days) {
  if (!days.length) return table([], []);
  days = [...days].reverse().map((day) => ({ ...day, rules: (day.byRule ?? []).map((r) => `${r.rule ?? "manual"} ${r.netPnL}`).join(", ") }));
  const width = 600, height = 160, mid = height / 2;
  const totals = days.map((day) => Number(day.netPnL ?? 0));
  const scale = Math.max(1, ...totals.map(Math.abs)) / (mid - 10);
  const bar = width / days.length;
  const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
  svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
  svg.setAttribute("width", width);
  svg.setAttribute("height", height);
  days.forEach((day, index) => {
    const value = totals[index];
    const rect = document.createElementNS(svg.namespaceURI, "rect");
    rect.setAttribute("x", index * bar + 1);
    rect.setAttribute("width", Math.max(1, bar - 2));
    rect.setAttribute("y", value >= 0 ? mid - value / scale : mid);
    rect.setAttribute("height", Math.abs(value) / scale);
    rect.setAttribute("fill", value >= 0 ? "#1e7b34" : "#b3261e");
    const title = document.createElementNS(svg.namespaceURI, "title");
    title.textContent = `${day.day}: ${value.toLocaleString()} (${day.rules})`;
    rect.append(title);
    svg.append(rect);
  });
  const wrapper = document.createElement("div");
  wrapper.append(svg, table(days.map(({ byRule, ...day }) => day), ["day", "trades", "netPnL", "rules"]));
  return wrapper;
}

// MARK: health

const seconds = (value) => (value == null ? "" : value < 1 ? `${(value * 1000).toFixed(1)} ms` : `${value.toFixed(1)} s`);

/// One line per component: green, amber or red with the reason.
export function healthRows(status, now = Date.now()) {
  const rows = [];
  const add = (id, level, state, detail) => rows.push({ id, name: t(id), level, state, detail });
  const services = Object.entries(status.services ?? {});
  const failed = services.filter(([, state]) => state === "failed" || state === "stopped");
  add("services", failed.length ? "red" : "green", failed.length ? t("failed") : "running",
    services.map(([name, state]) => `${name}: ${state}`).join(", "));

  const news = status.news ?? {};
  add("lsNews", news.state === "connected" ? "green" : news.state === "connecting" ? "amber" : "red", news.state,
    [news.lastError && `last error: ${news.lastError}`, news.connectedSince && `since ${timeOf(news.connectedSince)}`,
      `reconnects ${news.reconnects ?? 0}`, `lost ${news.connectionsLost ?? 0}`, news.lastFrameAt && `last frame ${timeOf(news.lastFrameAt)}`]
      .filter(Boolean).join(" · "));

  const engine = status.engine ?? {};
  const byState = engine.counters?.byState ?? {};
  add("kiwoomRest", engine.openUnknown > 0 ? "amber" : "green", engine.openUnknown > 0 ? `${engine.openUnknown} unknown` : "ok",
    `orders sent ${engine.counters?.ordersSent ?? 0} · ${Object.entries(byState).map(([k, v]) => `${k} ${v}`).join(", ")}` +
    (engine.openUnknown > 0 ? ` · ${engine.openUnknown} ${t("reconciling")}` : ""));

  const realtime = status.kiwoomRealtime;
  if (realtime) {
    add("kiwoomRealtime", realtime.state === "subscribed" ? "green" : realtime.state === "idle" ? "green" : realtime.state === "evicted" ? "red" : "amber",
      realtime.state, [realtime.lastError && `last error: ${realtime.lastError}`, realtime.evictedUntil && `evicted until ${timeOf(realtime.evictedUntil)}`,
        `watched ${realtime.watched}`, `live quotes ${realtime.liveQuotes}`].filter(Boolean).join(" · "));
  } else add("kiwoomRealtime", "green", "off", "no watchlist (KIWOOM_REALTIME_WATCHLIST)");

  const dart = status.dart ?? {}, poller = dart.poller;
  const dartBad = poller && (poller.state === "backoff" || poller.state === "budget_spent" || poller.state === "stopped");
  add("dart", dart.state !== "running" ? "amber" : dartBad ? "red" : "green", poller?.state ?? dart.state,
    [poller?.lastError && `last error: ${poller.lastError}`, dart.warning, poller?.lastPollAt && `last poll ${timeOf(poller.lastPollAt)}`, poller?.hours]
      .filter(Boolean).join(" · "));

  const tokens = status.tokens;
  const renews = tokens?.lsRenewsAt ? Date.parse(tokens.lsRenewsAt) : null;
  const lsLevel = !tokens ? "" : renews == null ? "amber" : renews < now ? "red" : "green";
  const kiwoom = kiwoomToken(status.kiwoomRest?.token, now);
  add("tokenExpiry", worst(lsLevel, kiwoom.level),
    [renews == null ? "" : `LS ${timeOf(tokens.lsRenewsAt)}`, kiwoom.state].filter(Boolean).join(" · ") || "—",
    !tokens ? t("notReported") : `LS: ${renews == null ? "no token held" : `renewed at ${timeOf(tokens.lsRenewsAt)} (expires 07:00 KST)`}, ` +
      `issued ${tokens.lsIssued} · Kiwoom: ${kiwoom.detail}`);
  const headroom = kiwoomHeadroom(status.kiwoomRest?.buckets, now);
  add("rateLimit", worst(poller && poller.budgetLeft < 100 ? "red" : "", headroom.level),
    [poller ? `DART ${number(poller.budgetLeft)}` : "", headroom.state].filter(Boolean).join(" · ") || "—",
    `DART requests today ${number(poller?.requestsToday)}, poll budget left ${number(poller?.pollBudgetLeft)}; Kiwoom: ${headroom.detail}`);

  const buffer = status.buffer ?? {};
  const fill = buffer.capacity ? buffer.total / buffer.capacity : 0;
  add("bufferDepth", fill > 0.5 ? "red" : fill > 0.05 ? "amber" : "green", `${number(buffer.total)} / ${number(buffer.capacity)}`,
    Object.entries(buffer.depth ?? {}).map(([k, v]) => `${k} ${v}`).join(", ") + ` · high water ${number(buffer.highWater)}`);

  const flush = status.flush ?? {};
  const lastAt = flush.lastFlush?.at ? Date.parse(flush.lastFlush.at) : null;
  const lag = lastAt ? (now - lastAt) / 1000 : null;
  const flushBad = flush.consecutiveFailures > 0;
  const flushLate = lag != null && lag > 3 * (flush.intervalMs ?? 1000) / 1000 + 2;
  add("flushLag", flushBad ? "red" : flushLate ? "amber" : "green", lag == null ? "—" : seconds(lag),
    [flushBad && `${flush.consecutiveFailures} failures: ${flush.lastError?.error ?? ""}`, `rows written ${number(flush.rowsWritten)}`,
      flush.spilledRows && `spilled ${number(flush.spilledRows)}`, flush.rejectedRows && `rejected ${number(flush.rejectedRows)}`].filter(Boolean).join(" · "));

  const loopLag = status.eventLoopLagSeconds;
  add("eventLoopLag", loopLag == null ? "" : loopLag > 0.1 ? "red" : loopLag > 0.01 ? "amber" : "green",
    loopLag == null ? "—" : seconds(loopLag), loopLag == null ? t("notReported") : "");

  add("engine", engine.halted ? "red" : "green", engine.halted ? t("halted") : t("trading"),
    `rules ${engine.rules} · evaluated ${engine.counters?.evaluated ?? 0} · budget left ${number(engine.budgetLeft)} KRW` +
    (engine.newsToOrder?.p50 != null ? ` · news→order p50 ${Number(engine.newsToOrder.p50).toFixed(1)} ms` : ""));
  add("database", "", status.database?.kind, status.database?.url);
  return rows;
}

const levels = ["", "green", "amber", "red"];
const worst = (...list) => list.reduce((a, b) => (levels.indexOf(b) > levels.indexOf(a) ? b : a), "");

/// The Kiwoom access token: red while its renewal fails (the held token, if any, stops working at its
/// expires_dt), amber once expired (the next request issues a new one), green otherwise.
export function kiwoomToken(token, now = Date.now()) {
  if (!token) return { level: "", state: "", detail: t("notReported") };
  const expires = token.expiresAt ? Date.parse(token.expiresAt) : null;
  const left = expires == null ? "" : expires > now ? ` (${duration((expires - now) / 1000)} left)` : " (expired)";
  const held = expires == null ? "no token held" : `issued ${when(token.issuedAt, now)}, expires ${when(token.expiresAt, now)}${left}` +
    (token.renewsAt ? `, renewed from ${when(token.renewsAt, now)}` : "");
  const refusal = token.lastRefusal ? ` · refused ${token.refusals}× (last ${token.lastRefusal.code ?? ""} on ${token.lastRefusal.apiID} at ${when(token.lastRefusal.at, now)})` : "";
  const history = `${held} · issued ${token.issued}${refusal}`;
  if (token.state === "failing") {
    const failure = token.lastIssueFailure;
    return { level: "red", state: `Kiwoom ${t("tokenRenewalFailing")}`,
      detail: `renewal failing since ${when(failure?.at, now)}: ${failure?.error ?? ""} — ${expires == null ? "no token held: requests fail" : `the held token stops working at ${when(token.expiresAt, now)}${left}`} · ${history}` };
  }
  if (token.state === "expired") return { level: "amber", state: "Kiwoom expired", detail: `${history} · the next request issues a new one` };
  if (token.state === "none") return { level: "green", state: "Kiwoom —", detail: `${history} · the next request issues one` };
  return { level: "green", state: `Kiwoom ${when(token.expiresAt, now)}`, detail: history };
}

/// The Kiwoom client's pacing buckets: red when one is out of requests with more waiting than it refills in
/// a second (a backlog: they are held up), amber when it is out with a shorter queue (pacing at work: at 1
/// request/s per api-id, two calls in the same second already queue one) or while a 429's pause lasts,
/// green otherwise.
export function kiwoomHeadroom(buckets, now = Date.now()) {
  if (!buckets) return { level: "", state: "", detail: t("notReported") };
  const text = (b) => `${b.bucket} ${b.available}/${b.limit} (${b.perSecond}/s, used ${number(b.used)}` +
    (b.queued ? `, ${b.queued} queued` : "") + (b.rateLimited ? `, 429 ×${b.rateLimited}` : "") + (b.refused ? `, refused ${b.refused}` : "") + ")";
  const exhausted = buckets.filter((b) => b.available < 1 && b.queued > Math.max(1, b.perSecond));
  const pacing = buckets.filter((b) => b.available < 1 && b.queued > 0);
  const paused = buckets.filter((b) => b.pausedUntil && Date.parse(b.pausedUntil) > now);
  const tightest = [...buckets].sort((a, b) => a.available / a.limit - b.available / b.limit)[0];
  const all = buckets.map(text).join(", ");
  const seen = buckets.reduce((sum, b) => sum + b.rateLimited, 0);
  if (exhausted.length) {
    return { level: "red", state: `Kiwoom ${exhausted[0].bucket} ${t("exhausted")}`,
      detail: `${exhausted.map((b) => `${b.bucket} exhausted: ${b.available}/${b.limit} available, ${b.queued} queued`).join("; ")} · ${all}` };
  }
  if (paused.length) {
    return { level: "amber", state: `Kiwoom ${paused[0].bucket} 429`,
      detail: `${paused.map((b) => `${b.bucket} paused until ${timeOf(b.pausedUntil)} after a 429`).join("; ")} · ${all}` };
  }
  if (pacing.length) {
    return { level: "amber", state: `Kiwoom ${pacing[0].bucket} ${pacing[0].available}/${pacing[0].limit}`,
      detail: `${pacing.map((b) => `${b.bucket} pacing: ${b.queued} queued, a second of its budget or less`).join("; ")} · ${all}` };
  }
  return { level: "green", state: tightest ? `Kiwoom ${tightest.bucket} ${tightest.available}/${tightest.limit}` : "Kiwoom",
    detail: `${all} · 429s seen ${seen}` };
}

/// HH:MM:SS, with the month and day in front when not today.
function when(iso, now = Date.now()) {
  const date = new Date(iso);
  if (isNaN(date)) return "";
  const today = new Date(now);
  const two = (n) => String(n).padStart(2, "0");
  const day = date.toDateString() === today.toDateString() ? "" : `${two(date.getMonth() + 1)}-${two(date.getDate())} `;
  return day + timeOf(iso);
}

const duration = (s) => (s >= 3600 ? `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m` : s >= 60 ? `${Math.floor(s / 60)}m ${Math.floor(s % 60)}s` : `${Math.floor(s)}s`);

export function renderHealth(tbody, status) {
  tbody.replaceChildren(...healthRows(status).map((row) => {
    const tr = document.createElement("tr");
    tr.dataset.component = row.id;
    tr.dataset.level = row.level || "info";
    tr.append(td(row.name), td(row.state, row.level ? "state-" + row.level : ""), td(row.detail));
    return tr;
  }));
  document.getElementById("health-updated").textContent = `${t("healthUpdated")} ${timeOf(new Date().toISOString())}`;
}
