// The replay view: runs a replay (POST /api/replays) over recorded days or the shipped sample day, follows
// its progress (GET /api/replays/{id}) and shows the result: totals, the per-rule table and the equity curve,
// drawn here from the result JSON; the self-contained HTML report (GET /api/replays/{id}/report) is offered
// as a download, since an iframe could not send the token and the page's policy frames nothing.
import { t, addLabels } from "./i18n.js";
import { call, getJSON, postJSON, HTTPError } from "./api.js";

addLabels({
  tabReplay: ["리플레이", "Replay"],
  replaySample: ["샘플 하루 (시뮬레이터 기록)", "Sample day (recorded from the simulator)"],
  replayRange: ["기록된 기간", "Recorded days"], replayFrom: ["시작일", "From"], replayTo: ["종료일", "To"],
  replayLatency: ["지연 (ms)", "Latency (ms)"], replaySlippage: ["슬리피지 (호가 단위)", "Slippage (ticks)"],
  replaySet: ["가정 변경 (규칙.키=값,값)", "What-if (rule.key=a,b)"], replayRun: ["리플레이 실행", "Run replay"],
  replayQueued: ["대기 중", "Queued"], replayRunning: ["실행 중", "Running"], replayDone: ["완료", "Done"], replayFailed: ["실패", "Failed"],
  replayReport: ["HTML 보고서 내려받기", "Download the HTML report"], replayEquity: ["누적 순손익 (원)", "Cumulative net P&L (KRW)"],
  replayProgress: ["{day} · 헤드라인 {headlines} · 거래 {trades} · 변형 {variant}/{variants}",
    "{day} · {headlines} headlines · {trades} trades · variant {variant}/{variants}"],
  replayTotals: ["거래 {trades} · 승률 {win}% · 순손익 {pnl}원 · 최대 낙폭 {dd}원 · {days}일 · 헤드라인 {headlines}",
    "{trades} trades · win {win}% · net P&L {pnl} KRW · max drawdown {dd} KRW · {days} days · {headlines} headlines"],
  replayMissing: ["데이터 없음 (거래 건너뜀)", "Missing data (trades skipped)"],
  colTrades: ["거래", "Trades"], colWin: ["승률 %", "Win %"], colAvg: ["평균 %", "Avg %"], colMedian: ["중앙값 %", "Median %"],
  colPnl: ["순손익", "Net P&L"], colDrawdown: ["최대 낙폭", "Max DD"], colExposure: ["노출 %", "Exposure %"],
  colExits: ["청산 사유", "Exits"], colUnfilled: ["미체결", "Unfilled"], colSkipped: ["건너뜀", "Skipped"],
});

const $ = (id) => document.getElementById(id);
const won = (value) => Number(value).toLocaleString("en-US");
const fixed = (value) => Number(value).toFixed(2);
let polling;

/// Wires the form; called once at start.
export function mountReplay() {
  const today = new Date(Date.now() + 9 * 3600 * 1000).toISOString().slice(0, 10);
  $("replay-from").value = today;
  $("replay-to").value = today;
  for (const radio of document.querySelectorAll("input[name=replay-source]")) radio.addEventListener("change", syncSource);
  syncSource();
  $("replay-form").addEventListener("submit", (event) => { event.preventDefault(); run(); });
}

function syncSource() {
  const range = document.querySelector("input[name=replay-source]:checked").value === "range";
  $("replay-from").disabled = !range;
  $("replay-to").disabled = !range;
}

async function run() {
  clearTimeout(polling);
  const body = {};
  if (document.querySelector("input[name=replay-source]:checked").value === "range") {
    body.from = $("replay-from").value;
    body.to = $("replay-to").value || body.from;
  } else {
    body.sample = true;
  }
  body.latencyMs = Number($("replay-latency").value);
  body.slippageTicks = Number($("replay-slippage").value);
  if ($("replay-set").value.trim()) body.set = $("replay-set").value.trim();
  $("replay-error").textContent = "";
  $("replay-result").hidden = true;
  $("replay-run").disabled = true;
  try {
    const job = await postJSON("/api/replays", body);
    follow(job);
  } catch (error) {
    $("replay-run").disabled = false;
    $("replay-error").textContent = error instanceof HTTPError ? `${error.status} ${error.code}: ${error.message}` : String(error.message ?? error);
  }
}

/// Shows the job's state and polls it until it is done or failed.
function follow(job) {
  const state = $("replay-state");
  state.dataset.state = job.state;
  state.textContent = t({ queued: "replayQueued", running: "replayRunning", done: "replayDone", failed: "replayFailed" }[job.state]);
  state.className = "badge " + (job.state === "done" ? "green" : job.state === "failed" ? "red" : "amber");
  const progress = job.progress;
  $("replay-bar").value = progress.fraction;
  $("replay-progress").textContent = progress.day ? t("replayProgress", progress) : "";
  if (job.state === "done") { $("replay-run").disabled = false; show(job); return; }
  if (job.state === "failed") { $("replay-run").disabled = false; $("replay-error").textContent = job.error ?? ""; return; }
  polling = setTimeout(async () => {
    try { follow(await getJSON(`/api/replays/${encodeURIComponent(job.id)}`)); } catch (error) {
      $("replay-run").disabled = false;
      $("replay-error").textContent = String(error.message ?? error);
    }
  }, 500);
}

function show(job) {
  const results = Array.isArray(job.result) ? job.result : [job.result];
  const first = results[0];
  $("replay-totals").textContent = results.map((result) => (result.variant ? `[${result.variant}] ` : "") + t("replayTotals", {
    trades: result.total.trades, win: fixed(result.total.winRatePercent), pnl: won(result.total.totalPnl),
    dd: won(result.total.maxDrawdown), days: result.days, headlines: result.headlines,
  })).join("\n");
  $("replay-totals").dataset.trades = String(first.total.trades);
  $("replay-totals").dataset.pnl = String(first.total.totalPnl);
  renderTable(results);
  renderEquity(results);
  const missing = results[0].missing;
  $("replay-missing").textContent = missing.length ? `${t("replayMissing")}: ` + missing.map((m) => `${m.day} ${m.ticker}`).join(", ") : "";
  $("replay-report").onclick = () => download(job.id);
  $("replay-result").hidden = false;
}

function cell(row, text, numeric = false) {
  const td = row.insertCell();
  td.textContent = text;
  if (numeric) td.className = "num";
}

function renderTable(results) {
  const body = $("replay-rules");
  body.replaceChildren();
  for (const result of results) {
    for (const figures of [...result.rules, result.total]) {
      const row = body.insertRow();
      row.dataset.rule = figures.rule;
      if (figures.rule === "total") row.className = "total";
      cell(row, (results.length > 1 ? `[${result.variant}] ` : "") + figures.rule);
      cell(row, String(figures.trades), true);
      cell(row, fixed(figures.winRatePercent), true);
      cell(row, fixed(figures.averageReturnPercent), true);
      cell(row, fixed(figures.medianReturnPercent), true);
      cell(row, won(figures.totalPnl), true);
      cell(row, won(figures.maxDrawdown), true);
      cell(row, fixed(figures.exposurePercent), true);
      cell(row, String(figures.unfilled), true);
      cell(row, String(Object.values(figures.skipped).reduce((a, b) => a + b, 0)), true);
      cell(row, Object.entries(figures.exitReasons).sort().map(([reason, count]) => `${reason} ${count}`).join(", "));
    }
  }
}

/// The equity curve of each variant as an SVG polyline (presentation attributes only: the page's policy allows no inline style).
function renderEquity(results) {
  const ns = "http://www.w3.org/2000/svg";
  const width = 800, height = 220, pad = 4;
  const svg = document.createElementNS(ns, "svg");
  svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
  svg.setAttribute("width", String(width));
  svg.setAttribute("height", String(height));
  svg.setAttribute("role", "img");
  const series = results.map((result) => [0, ...result.equity.map((point) => point.pnl)]);
  const all = series.flat();
  const low = Math.min(...all), high = Math.max(...all), span = Math.max(1, high - low);
  const y = (value) => pad + (height - 2 * pad) * (1 - (value - low) / span);
  const zero = document.createElementNS(ns, "line");
  for (const [name, value] of [["x1", 0], ["x2", width], ["y1", y(0)], ["y2", y(0)], ["stroke", "#aaa"], ["stroke-dasharray", "4"]]) zero.setAttribute(name, String(value));
  svg.append(zero);
  const colours = ["#1f5fbf", "#1e7b34", "#b3261e", "#a15c00", "#6b3fa0"];
  series.forEach((values, index) => {
    const step = (width - 2 * pad) / Math.max(1, values.length - 1);
    const line = document.createElementNS(ns, "polyline");
    line.setAttribute("points", values.map((value, i) => `${(pad + i * step).toFixed(1)},${y(value).toFixed(1)}`).join(" "));
    line.setAttribute("fill", "none");
    line.setAttribute("stroke", colours[index % colours.length]);
    line.setAttribute("stroke-width", "1.5");
    line.dataset.points = String(values.length - 1);
    svg.append(line);
  });
  $("replay-equity").replaceChildren(svg);
}

async function download(id) {
  try {
    const response = await call("GET", `/api/replays/${encodeURIComponent(id)}/report`, { accept: "text/html" });
    const url = URL.createObjectURL(new Blob([await response.text()], { type: "text/html" }));
    const link = document.createElement("a");
    link.href = url;
    link.download = `sokbo-replay-${id}.html`;
    link.click();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  } catch (error) {
    $("replay-error").textContent = String(error.message ?? error);
  }
}
