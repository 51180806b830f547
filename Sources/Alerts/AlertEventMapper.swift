import Foundation
import SokboCore

/// Turns live events (`EventHub`) into messages through a table keyed by the event's kind: a new event
/// kind (fills, exits, protections) is one more entry in `table`, with the alert kinds it can produce.
/// Kinds with no entry are counted (`unmapped`), never an error.
///
/// Stateful for two reasons: an order reported twice in the same state says nothing new (exactly one
/// message per state change), and an order that was `unknown` is reported with how it settled.
public struct AlertEventMapper: Sendable {
    /// One row of the table: the alert kinds an event kind can produce, and how.
    public struct Entry: Sendable {
        /// Alert kinds this entry may produce (the subscription asks only for event kinds with one of them on).
        public var produces: Set<AlertKind>
        /// Builds the messages of one event (before modes are applied).
        public var map: @Sendable (LiveEvent, inout AlertEventMapper) -> [(AlertKind, String)]
    }

    /// Modes by kind; a kind missing here takes its default.
    public var modes: [AlertKind: AlertMode]
    /// Events whose kind has no table entry.
    public private(set) var unmapped = 0
    /// Events whose payload could not be read.
    public private(set) var unreadable = 0
    private var seenStates: Set<String> = []
    private var seenOrder: [String] = []
    private var unknownOrders: Set<String> = []

    /// A mapper with `modes` (missing kinds at their default).
    public init(modes: [AlertKind: AlertMode] = [:]) {
        self.modes = modes
    }

    /// The mode of `kind`.
    public func mode(_ kind: AlertKind) -> AlertMode { modes[kind] ?? kind.defaultMode }

    /// The table: event kind → entry. A fill is told through its order's change (`order`), so `fill`
    /// events need no entry of their own.
    public static let table: [String: Entry] = [
        LiveEvent.Kind.order.rawValue: Entry(
            produces: [.orderSent, .orderAccepted, .orderFilled, .orderRejected, .orderUnknown, .orderCancelled],
            map: { event, mapper in mapper.order(event) }),
        LiveEvent.Kind.trading.rawValue: Entry(produces: [.killSwitch], map: { event, mapper in mapper.trading(event) }),
        LiveEvent.Kind.exit.rawValue: Entry(produces: [.exit], map: { event, mapper in mapper.exit(event) }),
        LiveEvent.Kind.trade.rawValue: Entry(produces: [.tradeClosed], map: { event, mapper in mapper.trade(event) }),
        LiveEvent.Kind.protection.rawValue: Entry(produces: [.protection], map: { event, mapper in mapper.protection(event) }),
        LiveEvent.Kind.signal.rawValue: Entry(produces: [.signal], map: { event, mapper in mapper.signal(event) }),
        LiveEvent.Kind.news.rawValue: Entry(produces: [.news], map: { event, mapper in mapper.news(event) }),
    ]

    /// The event kinds to subscribe to: those whose entry can produce a kind that is not `off`.
    public func subscribedKinds() -> Set<LiveEvent.Kind> {
        Set(LiveEvent.Kind.allCases.filter { kind in
            Self.table[kind.rawValue]?.produces.contains { mode($0) != .off } ?? false
        })
    }

    /// The messages for one event, modes applied.
    public mutating func messages(for event: LiveEvent) -> [AlertMessage] {
        guard let entry = Self.table[event.kind] else {
            unmapped += 1
            return []
        }
        return entry.map(event, &self).compactMap { kind, text in
            let chosen = self.mode(kind)
            guard chosen != .off else { return nil }
            return AlertMessage(kind: kind, text: text, silent: chosen == .silent, createdAt: event.at)
        }
    }

    // MARK: - Entries

    static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }()

    /// The event's payload as published when it is a `T` (the engine's own types: no JSON either way), else
    /// read from its JSON (the engine's notices, whose types alerts do not import; encoded here, off the engine).
    private mutating func decode<T: Decodable>(_ type: T.Type, _ event: LiveEvent) -> T? {
        if let value = event.payload as? T { return value }
        guard let value = try? Self.decoder.decode(T.self, from: Data(event.json.utf8)) else {
            unreadable += 1
            return nil
        }
        return value
    }

    /// `삼성전자(005930)`, or the code alone outside the known universe.
    static func stock(_ ticker: Ticker) -> String {
        KRXUniverse.listing(for: ticker).map { "\($0.name)(\(ticker.code))" } ?? ticker.code
    }

    mutating func order(_ event: LiveEvent) -> [(AlertKind, String)] {
        guard let order = decode(Order.self, event) else { return [] }
        // One message per state change: the same order in the same state (and fill) again is not news.
        let key = "\(order.id)|\(order.state.rawValue)|\(order.filledQuantity)"
        guard seenStates.insert(key).inserted else { return [] }
        seenOrder.append(key)
        if seenOrder.count > 10_000 {
            for old in seenOrder.prefix(5_000) { seenStates.remove(old) }
            seenOrder.removeFirst(5_000)
        }
        let wasUnknown = unknownOrders.contains(order.id)
        let side = AlertFormat.side(order.side)
        let head = "\(Self.stock(order.ticker)) \(side)"
        let origin = order.rule.map { "규칙: \($0)" } ?? "수동 주문"
        let settled = wasUnknown ? "\n(미확정 주문 정리 결과)" : ""
        switch order.state {
        case .intent:
            return []
        case .submitted:
            return [(.orderSent, "📤 주문 전송 · \(head)\n\(AlertFormat.quantityAndPrice(order.quantity, order.price))\n\(origin)")]
        case .accepted:
            if wasUnknown { unknownOrders.remove(order.id) }
            return [(.orderAccepted, "✅ 주문 접수 · \(head)\n\(AlertFormat.quantityAndPrice(order.quantity, order.price))\n\(origin)\(settled)")]
        case .partiallyFilled, .filled:
            if wasUnknown { unknownOrders.remove(order.id) }
            let average = Int((order.averageFillPrice ?? 0).rounded())
            let label = order.state == .filled ? "💰 전량 체결" : "💰 일부 체결"
            return [(.orderFilled, "\(label) · \(head)\n\(AlertFormat.grouped(order.filledQuantity))/\(AlertFormat.grouped(order.quantity))주 평균 \(AlertFormat.won(average))\n금액 \(AlertFormat.won(average * order.filledQuantity))\(settled)")]
        case .rejected:
            unknownOrders.remove(order.id)
            return [(.orderRejected, "❌ 주문 거부 · \(head)\n\(AlertFormat.short(order.reason ?? "사유 없음"))\n주문 없음(접수되지 않음)\(settled)")]
        case .unknown:
            unknownOrders.insert(order.id)
            return [(.orderUnknown, "⚠️ 주문 결과 미확정 · \(head)\n\(AlertFormat.quantityAndPrice(order.quantity, order.price))\n\(AlertFormat.short(order.reason ?? ""))\n재전송하지 않음 · 잔고 대사로 확인 중")]
        case .cancelled:
            unknownOrders.remove(order.id)
            return [(.orderCancelled, "🚫 주문 취소 · \(head)\n체결 \(AlertFormat.grouped(order.filledQuantity))/\(AlertFormat.grouped(order.quantity))주\n\(AlertFormat.short(order.reason ?? ""))\(settled)")]
        }
    }

    mutating func trading(_ event: LiveEvent) -> [(AlertKind, String)] {
        guard let payload = decode([String: Bool].self, event), let halted = payload["halted"] else { return [] }
        return [(.killSwitch, halted ? "⛔ 거래 중지 (킬 스위치)\n신규 진입 없음 · \(AlertFormat.time(event.at)) KST"
                                    : "▶️ 거래 재개\n신규 진입 허용 · \(AlertFormat.time(event.at)) KST")]
    }

    /// The fields of the engine's exit notice (`TradingEngine.ExitNotice`) a message needs; read here
    /// rather than imported, so alerts depend on the core alone.
    struct ExitNotice: Decodable {
        var ticker: Ticker
        var reason: ExitReason
        var orderID: String?
        var quantity: Int
        var waiting: String?
    }

    /// The fields of the engine's protection notice (`TradingEngine.ProtectionNotice`).
    struct ProtectionNotice: Decodable {
        var kind: String
        var detail: String
        var pnl: Int
        var limit: Int
    }

    mutating func exit(_ event: LiveEvent) -> [(AlertKind, String)] {
        guard let notice = decode(ExitNotice.self, event) else { return [] }
        let head = "\(Self.stock(notice.ticker)) 매도"
        if let waiting = notice.waiting {
            return [(.exit, "⏸ 청산 대기 · \(head)\n사유: \(AlertFormat.exitReason(notice.reason))\n\(AlertFormat.short(waiting))")]
        }
        return [(.exit, "📉 청산 주문 · \(head)\n\(AlertFormat.grouped(notice.quantity))주 시장가 · 사유: \(AlertFormat.exitReason(notice.reason))")]
    }

    mutating func trade(_ event: LiveEvent) -> [(AlertKind, String)] {
        guard let record = decode(TradeRecord.self, event) else { return [] }
        let trade = record.trade
        let reason = trade.exitReason.map(AlertFormat.exitReason) ?? "사유 없음"
        let percent = String(format: "%+.2f%%", trade.returnPercent)
        return [(.tradeClosed, "🏁 거래 종료 · \(Self.stock(trade.ticker))\n\(AlertFormat.grouped(trade.quantity))주 "
                 + "\(AlertFormat.won(Int(trade.entryPrice.rounded()))) → \(AlertFormat.won(Int(trade.exitPrice.rounded())))\n"
                 + "손익 \(AlertFormat.signedWon(trade.netPnL)) (\(percent), 수수료·세금 포함) · \(reason)")]
    }

    mutating func protection(_ event: LiveEvent) -> [(AlertKind, String)] {
        guard let notice = decode(ProtectionNotice.self, event) else { return [] }
        return [(.protection, "🛑 보호 장치 작동 · \(notice.kind)\n\(AlertFormat.short(notice.detail))\n"
                 + "오늘 손익 \(AlertFormat.signedWon(notice.pnl)) / 한도 \(AlertFormat.won(notice.limit))\n신규 진입 중지 · 청산은 계속")]
    }

    mutating func signal(_ event: LiveEvent) -> [(AlertKind, String)] {
        guard let record = decode(SignalRecord.self, event) else { return [] }
        let stock = record.ticker.map(Self.stock) ?? "종목 미정"
        let decision = record.decision == .buy ? "매수 신호" : "진입 안 함"
        return [(.signal, "🔎 \(decision) · \(stock)\n\(AlertFormat.short(record.reason))")]
    }

    mutating func news(_ event: LiveEvent) -> [(AlertKind, String)] {
        guard let item = decode(NewsItem.self, event) else { return [] }
        return [(.news, "📰 \(AlertFormat.short(item.title))")]
    }
}
