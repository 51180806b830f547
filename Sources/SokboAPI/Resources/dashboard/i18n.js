// Korean and English labels. Elements with data-i18n are relabelled on a language switch; code asks t(key).
const labels = {
  realMoney: ["실제 돈 · REAL MONEY — 실거래 모드", "REAL MONEY · 실제 돈 — live trading"],
  tokenLabel: ["API 토큰", "API token"], logIn: ["로그인", "Log in"], logOut: ["로그아웃", "Log out"],
  tokenHint: ["토큰은 이 탭의 세션에만 보관됩니다.", "The token is kept in this tab's session only."],
  tokenRefused: ["토큰이 거부되었습니다 (401).", "Token refused (401)."],
  tabTape: ["속보", "Tape"], tabOrders: ["주문", "Orders"], tabPositions: ["포지션", "Positions"],
  tabHealth: ["상태", "Health"], tabRules: ["규칙", "Rules"],
  halt: ["진입 중지", "Halt entries"], resume: ["재개", "Resume"], flattenAll: ["전량 청산", "Flatten all"],
  cancel: ["취소", "Cancel"], close: ["닫기", "Close"], ok: ["확인", "Confirm"],
  filterDecision: ["결정", "Decision"], filterRule: ["규칙", "Rule"], filterTicker: ["종목", "Ticker"], all: ["전체", "All"],
  decisionBuy: ["매수", "Bought"], decisionSkip: ["건너뜀", "Skipped"], decisionVeto: ["거부어", "Vetoed"], decisionNone: ["규칙 없음", "No rule"],
  decisionPending: ["판단 중", "Deciding"],
  colTime: ["시각", "Time"], colHeadline: ["제목", "Headline"], colTicker: ["종목", "Ticker"], colDecision: ["결정", "Decision"],
  colRule: ["규칙", "Rule"], colOrder: ["주문", "Order"], colSide: ["구분", "Side"], colQuantity: ["수량", "Qty"],
  colPrice: ["가격", "Price"], colState: ["상태", "State"], colFilled: ["체결", "Filled"], colReason: ["사유", "Reason"],
  colComponent: ["구성요소", "Component"], colDetail: ["세부", "Detail"],
  positionsTitle: ["보유 포지션", "Open positions"], tradesTitle: ["청산된 거래", "Closed trades"],
  pnlTitle: ["손익 (최근 30일, 규칙별)", "P&L (last 30 days, per rule)"], holdingsTitle: ["증권사 잔고 (/api/account)", "Broker holdings (/api/account)"],
  notAvailable: ["아직 제공되지 않음 (서버에 이 경로가 없습니다)", "Not available yet (the server has no such route)"],
  nothing: ["없음", "None"],
  rulesReload: ["다시 읽기", "Reload"], rulesSave: ["검증 후 적용", "Validate and apply"],
  rulesApplied: ["적용되었습니다.", "Applied."], rulesRefused: ["거부됨: 기존 규칙이 그대로 유지됩니다.", "Refused: the old rules stay in force."],
  rulesLine: ["줄", "line"],
  streamLive: ["실시간", "Live"], streamReconnecting: ["재연결 중", "Reconnecting"], streamRefilling: ["보충 중", "Refilling"],
  modeSimulate: ["모의(시뮬레이터)", "Simulate"], modeMock: ["모의투자 서버", "Mock venue"], modeLive: ["실거래", "LIVE"],
  halted: ["진입 중지됨", "Halted"], trading: ["거래 중", "Trading"],
  confirmHalt: ["새 진입 주문을 모두 멈춥니다. 이미 나간 주문과 보유 포지션은 그대로 둡니다. 계속할까요?",
    "Stops every new entry order. Orders already sent and open positions are left as they are. Go on?"],
  confirmResume: ["새 속보에 대한 진입 주문을 다시 허용합니다. 계속할까요?", "Allows entry orders on new headlines again. Go on?"],
  confirmFlatten: ["모든 보유 포지션을 시장에서 매도합니다 (POST /api/trading/flatten). 계속할까요?",
    "Sells every open position at market (POST /api/trading/flatten). Go on?"],
  confirmClose: ["{ticker} 포지션 전량을 매도합니다 (POST /api/positions/{ticker}/close). 계속할까요?",
    "Sells the whole {ticker} position (POST /api/positions/{ticker}/close). Go on?"],
  confirmCancel: ["주문 {id}의 미체결 잔량 취소를 증권사에 요청합니다. 계속할까요?",
    "Asks the broker to cancel the open remainder of order {id}. Go on?"],
  closePosition: ["청산", "Close"], cancelOrder: ["취소 요청", "Cancel"],
  reconciling: ["확인 중 (대사)", "reconciling"],
  tokenRenewalFailing: ["토큰 갱신 실패", "token renewal failing"], exhausted: ["한도 소진", "exhausted"],
  healthUpdated: ["갱신", "Updated"], notReported: ["/api/status에 없음", "not reported by /api/status"],
  services: ["서비스", "Services"], lsNews: ["LS 뉴스 소켓", "LS news socket"], kiwoomRest: ["키움 REST (주문·조회)", "Kiwoom REST (orders, queries)"],
  kiwoomRealtime: ["키움 실시간", "Kiwoom realtime"], dart: ["DART 공시 폴러", "DART poller"], tokenExpiry: ["토큰 만료", "Token expiry"],
  rateLimit: ["호출 한도 여유", "Rate-limit headroom"], bufferDepth: ["버퍼 적재", "Buffer depth"], flushLag: ["DB 기록 지연", "Flush lag"],
  eventLoopLag: ["이벤트 루프 지연", "Event-loop lag"], engine: ["매매 엔진", "Trading engine"], database: ["데이터베이스", "Database"],
  failed: ["실패", "failed"],
};

let language = sessionStorage.getItem("sokbo.lang") || (navigator.language?.startsWith("ko") ? "ko" : "en");

/// The label for a key in the current language; {name} placeholders are filled from `values`.
export function t(key, values = {}) {
  const pair = labels[key];
  let text = pair ? pair[language === "ko" ? 0 : 1] : key;
  for (const [name, value] of Object.entries(values)) text = text.replaceAll(`{${name}}`, value);
  return text;
}

/// The current language, "ko" or "en".
export function currentLanguage() { return language; }

/// Relabels every data-i18n element.
export function applyLabels(root = document) {
  document.documentElement.lang = language;
  for (const element of root.querySelectorAll("[data-i18n]")) element.textContent = t(element.dataset.i18n);
}

/// Switches between Korean and English.
export function toggleLanguage() {
  language = language === "ko" ? "en" : "ko";
  sessionStorage.setItem("sokbo.lang", language);
  applyLabels();
}

/// Adds labels (a view module's own, so each view keeps its words beside its code).
export function addLabels(more) { Object.assign(labels, more); }
