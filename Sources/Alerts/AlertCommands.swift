import Foundation
import SokboCore

/// The Telegram commands, from allowed chats only (the caller checks the chat): `/status`, `/positions`,
/// `/pnl`, `/halt`, `/resume`, `/flatten` (then `/flatten confirm` within `confirmWindow`), `/close <ticker>`.
/// Each returns the reply's text; anything else gets the list of commands.
public actor AlertCommands {
    private let control: any AlertControl
    private let confirmWindow: TimeInterval
    private let now: @Sendable () -> Date
    /// Chats that asked to flatten, and when.
    private var flattenAsked: [Int64: Date] = [:]

    /// Commands acting on `control`; a `/flatten` must be confirmed within `confirmWindow` seconds.
    public init(control: any AlertControl, confirmWindow: TimeInterval = 60, now: @escaping @Sendable () -> Date = { Date() }) {
        self.control = control
        self.confirmWindow = confirmWindow
        self.now = now
    }

    /// The help text.
    public static let help = """
        명령
        /status 상태
        /positions 보유 종목
        /pnl 오늘 손익
        /halt 신규 진입 중지
        /resume 재개
        /flatten 전량 청산 (확인 필요)
        /close 005930 한 종목 청산
        """

    /// Handles one command text from `chat`; returns the reply.
    public func handle(_ text: String, chat: Int64) async -> String {
        let words = text.split(whereSeparator: \.isWhitespace).map(String.init)
        guard let first = words.first, first.hasPrefix("/") else { return Self.help }
        // `/halt@SokboBot` in a group names the bot; the name is not needed here.
        let command = first.split(separator: "@").first.map(String.init)?.lowercased() ?? first
        let argument = words.dropFirst().first
        if command != "/flatten" { flattenAsked[chat] = nil }
        switch command {
        case "/start", "/help": return Self.help
        case "/status": return Self.statusText(await control.status())
        case "/positions": return Self.positionsText(await control.positions())
        case "/pnl": return DailySummary.text(title: "📊 오늘 손익", orders: await control.todaysOrders(), trades: await control.closedTrades())
        case "/halt":
            await control.setHalted(true)
            return "⛔ 신규 진입 중지됨\n보유 종목과 진행 중 주문은 그대로\n재개: /resume"
        case "/resume":
            await control.setHalted(false)
            return "▶️ 신규 진입 재개됨"
        case "/flatten":
            return await flatten(chat: chat, confirmed: argument?.lowercased() == "confirm")
        case "/close":
            guard let argument, let ticker = Ticker(argument) else { return "사용법: /close 005930 (6자리 종목코드)" }
            switch await control.close(ticker) {
            case .answer(let text): return "📤 청산 주문 · \(AlertEventMapper.stock(ticker))\n\(text)"
            case .notAvailable(let reason): return "청산 불가 · \(AlertEventMapper.stock(ticker))\n\(reason)"
            }
        default:
            return "알 수 없는 명령: \(AlertFormat.short(command, limit: 30))\n\n" + Self.help
        }
    }

    private func flatten(chat: Int64, confirmed: Bool) async -> String {
        let at = now()
        guard confirmed else {
            flattenAsked[chat] = at
            return "⚠️ 전량 청산할까요?\n\(Int(confirmWindow))초 안에 /flatten confirm 으로 확인"
        }
        guard let asked = flattenAsked.removeValue(forKey: chat), at.timeIntervalSince(asked) <= confirmWindow else {
            return "확인할 청산 요청이 없거나 시간이 지났습니다\n먼저 /flatten"
        }
        switch await control.flatten() {
        case .answer(let text): return "📤 전량 청산\n\(text)"
        case .notAvailable(let reason): return "전량 청산 불가\n\(reason)"
        }
    }

    static func statusText(_ status: AlertStatusSnapshot) -> String {
        let news = status.newsConnected.map { $0 ? "연결" : "끊김" } ?? "알 수 없음"
        let orders = status.ordersByState.values.reduce(0, +)
        let filled = status.ordersByState[OrderState.filled.rawValue, default: 0]
        return """
            \(status.halted ? "⛔ 거래 중지" : "▶️ 거래 중") · \(status.mode)
            뉴스 소켓 \(news)
            오늘 주문 \(orders)건 · 체결 \(filled) · 미확정 \(status.openUnknown)
            남은 예산 \(AlertFormat.won(status.budgetLeft))
            """
    }

    static func positionsText(_ answer: AlertControlAnswer<[Position]>) -> String {
        switch answer {
        case .notAvailable(let reason): return "보유 종목 조회 불가\n\(reason)"
        case .answer(let positions):
            guard !positions.isEmpty else { return "보유 종목 없음" }
            var lines = ["📋 보유 \(positions.count)종목"]
            for position in positions.prefix(20) {
                lines.append("· \(position.name)(\(position.ticker.code)) \(AlertFormat.grouped(position.quantity))주")
                lines.append("  평균 \(AlertFormat.won(position.averagePrice)) · 현재 \(AlertFormat.won(position.currentPrice)) · \(AlertFormat.signedWon(position.profitLoss))")
            }
            if positions.count > 20 { lines.append("… 외 \(positions.count - 20)종목") }
            return lines.joined(separator: "\n")
        }
    }
}
