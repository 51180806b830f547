// The live tape: headlines keyed by their id, each with its decision and order. Events and refills from
// the list routes merge into the same maps, so a row can never appear twice and a refill after a gap
// fills only what is missing. DOM work is batched into one requestAnimationFrame; rows are capped.
import { t } from "./i18n.js";

/// Rows kept on the tape (the oldest leave first): at thousands of headlines a second the page stays light.
export const MAX_ROWS = 500;

const news = new Map();          // id -> NewsItem
const signals = new Map();       // newsID -> Map(signal id -> Signal)
const orders = new Map();        // order id -> Order
const ordersByNews = new Map();  // newsID -> Set(order id)
const rows = new Map();          // newsID -> <tr>
const companyNames = new Map();  // ticker -> company name (from signals: the DART map the engine resolves with)
const dirty = new Set();
const orderListeners = [];
let scheduled = false;
let filters = { decision: "", rule: "", ticker: "" };
let body;

/// Attaches the tape to its <tbody>.
export function mountTape(tbody) { body = tbody; }

/// Calls back (batched, once per frame) with the orders changed since the last call.
export function onOrdersChanged(listener) { orderListeners.push(listener); }

/// Every order known, newest first.
export function allOrders() { return [...orders.values()].sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.id.localeCompare(a.id)); }

/// Sort key: arrival time, then the id (LS realkeys grow with time), newest first.
const key = (item) => `${item.receivedAt}|${item.id}`;

export function addNews(item) {
  if (news.has(item.id)) return;
  news.set(item.id, item);
  touch(item.id);
}

export function addSignal(signal) {
  let byID = signals.get(signal.newsID);
  if (!byID) signals.set(signal.newsID, byID = new Map());
  byID.set(signal.id, signal);
  touch(signal.newsID);
  if (signal.ticker && signal.companyName && companyNames.get(signal.ticker) !== signal.companyName) {
    companyNames.set(signal.ticker, signal.companyName);
    // A name learnt once names the stock on every row (rare: once per stock), headlines no rule matched included.
    for (const [id, item] of news) if (item.tickers.includes(signal.ticker)) touch(id);
  }
}

/// The company name known for a ticker, if any.
export function companyName(ticker) { return companyNames.get(ticker); }

const changedOrders = new Set();
/// Keeps an order's latest state: an older copy (fewer events) never overwrites a newer one.
export function addOrder(order) {
  const known = orders.get(order.id);
  if (known && (known.eventCount > order.eventCount || (known.eventCount === order.eventCount && known.updatedAt > order.updatedAt))) return;
  orders.set(order.id, order);
  changedOrders.add(order.id);
  if (order.newsID) {
    let set = ordersByNews.get(order.newsID);
    if (!set) ordersByNews.set(order.newsID, set = new Set());
    set.add(order.id);
    touch(order.newsID);
  } else schedule();
}

export function setFilters(next) {
  filters = next;
  for (const [id, row] of rows) row.hidden = !visible(id);
  updateCount();
}

function touch(id) { dirty.add(id); schedule(); }

function schedule() {
  if (scheduled) return;
  scheduled = true;
  requestAnimationFrame(render);
  // A hidden tab gets no animation frames: the timer (throttled to about once a second there) still
  // draws and trims, so a tab left in the background all day does not pile up headlines.
  setTimeout(render, 1000);
}

/// What the tape says about a headline: its decision class, label and detail.
export function decisionOf(id) {
  const list = [...(signals.get(id)?.values() ?? [])];
  const signal = list.find((s) => s.decision === "buy") ?? list[0];
  if (!signal) return { kind: "none", label: t("decisionNone"), reason: "", rule: "" };
  const common = { reason: signal.reason, rule: signal.rule ?? "", ticker: signal.ticker };
  if (signal.decision === "buy") return { kind: "buy", label: t("decisionBuy"), ...common };
  if (signal.decision === "skip" && /vetoed by/.test(signal.reason)) return { kind: "veto", label: t("decisionVeto"), ...common };
  if (signal.decision === "skip") return { kind: "skip", label: t("decisionSkip"), ...common };
  return { kind: "none", label: t("decisionNone"), ...common };
}

function visible(id) {
  const item = news.get(id);
  if (!item) return false;
  const decision = decisionOf(id);
  if (filters.decision && decision.kind !== filters.decision) return false;
  if (filters.rule && !decision.rule.toLowerCase().includes(filters.rule.toLowerCase())) return false;
  if (filters.ticker && !item.tickers.some((code) => code.includes(filters.ticker) || companyNames.get(code)?.includes(filters.ticker))) return false;
  return true;
}

function render() {
  if (!scheduled) return;
  scheduled = false;
  const fresh = [];
  for (const id of dirty) {
    const item = news.get(id);
    const row = rows.get(id);
    if (row) { fill(row, item); row.hidden = !visible(id); }
    else if (item) fresh.push(item);
    // A signal or order whose headline is not on the tape waits in its map: the headline's arrival draws it.
  }
  dirty.clear();
  fresh.sort((a, b) => key(b).localeCompare(key(a)));
  // A burst larger than the tape keeps only its newest rows: the rest are never drawn at all.
  for (const item of fresh.splice(MAX_ROWS)) forget(item.id);
  // The usual case, headlines newer than the top row, goes in with one insertion; a refilled older row
  // walks down to its place.
  const top = body.firstElementChild?.dataset.key ?? "";
  const newer = document.createDocumentFragment();
  const older = [];
  // With the tape full, a headline older than its last row would only be trimmed again.
  const bottom = rows.size >= MAX_ROWS ? body.lastElementChild?.dataset.key ?? "" : "";
  for (const item of fresh) {
    const k = key(item);
    if (k > top) newer.append(createRow(item)); else if (k > bottom) older.push(item); else forget(item.id);
  }
  body.prepend(newer);
  for (const item of older) insert(createRow(item));
  trim();
  updateCount();
  if (changedOrders.size) {
    const changed = [...changedOrders].map((id) => orders.get(id));
    changedOrders.clear();
    for (const listener of orderListeners) listener(changed);
  }
}

function createRow(item) {
  const row = document.createElement("tr");
  row.dataset.newsId = item.id;
  row.dataset.key = key(item);
  rows.set(item.id, row);
  fill(row, item);
  row.hidden = !visible(item.id);
  return row;
}

function insert(row) {
  let before = body.firstElementChild;
  while (before && before.dataset.key > row.dataset.key) before = before.nextElementSibling;
  body.insertBefore(row, before);
}

function trim() {
  while (rows.size > MAX_ROWS) {
    const last = body.lastElementChild;
    last.remove();
    forget(last.dataset.newsId);
  }
}

function forget(id) {
  rows.delete(id);
  news.delete(id);
  signals.delete(id);
  ordersByNews.delete(id);
}

function updateCount() {
  const counter = document.getElementById("tape-count");
  if (counter) counter.textContent = `${rows.size} / ${MAX_ROWS}`;
}

function fill(row, item) {
  const decision = decisionOf(item.id);
  const orderIDs = [...(ordersByNews.get(item.id) ?? [])];
  const orderText = orderIDs.map((id) => orderLabel(orders.get(id))).join(", ");
  row.className = "d-row-" + decision.kind;
  row.dataset.decision = decision.kind;
  row.dataset.reason = decision.reason;
  row.replaceChildren(
    cell(timeOf(item.receivedAt)),
    linkCell(item),
    tickerCell(item.tickers.length ? item.tickers : decision.ticker ? [decision.ticker] : []),
    cell(decision.reason && decision.kind !== "buy" ? `${decision.label}: ${decision.reason}` : decision.label, "d-" + decision.kind, "decision"),
    cell(decision.rule),
    cell(orderText, orderIDs.length ? "st-" + orders.get(orderIDs[0]).state : "", "order"),
  );
}

/// `filled 10/10 @ 39,250`, `unknown (reconciling)`.
export function orderLabel(order) {
  if (!order) return "";
  const state = order.state === "unknown" ? `unknown (${t("reconciling")})` : order.state;
  const fill = order.filledQuantity > 0 ? ` ${order.filledQuantity}/${order.quantity}` + (order.averageFillPrice ? ` @ ${Math.round(order.averageFillPrice).toLocaleString()}` : "") : ` 0/${order.quantity}`;
  return state + fill;
}

function cell(text, className = "", testid = "") {
  const td = document.createElement("td");
  td.textContent = text;
  if (className) td.className = className;
  if (testid) td.dataset.testid = testid;
  return td;
}

/// `005930 삼성전자`: each code with its company name when one is known.
function tickerCell(codes) {
  const td = document.createElement("td");
  td.dataset.testid = "tickers";
  codes.forEach((code, index) => {
    td.append(index ? " " + code : code);
    const name = companyNames.get(code);
    if (name) {
      const span = document.createElement("span");
      span.className = "company";
      span.dataset.testid = "company";
      span.textContent = name;
      td.append(" ", span);
    }
  });
  return td;
}

function linkCell(item) {
  const td = document.createElement("td");
  const a = document.createElement("a");
  a.href = "#";
  a.textContent = item.title;
  a.dataset.body = item.id;
  td.append(a);
  return td;
}

/// HH:MM:SS in the browser's zone.
export function timeOf(iso) {
  const date = new Date(iso);
  if (isNaN(date)) return "";
  const two = (n) => String(n).padStart(2, "0");
  return `${two(date.getHours())}:${two(date.getMinutes())}:${two(date.getSeconds())}`;
}
