/// What an alert is about. Each configurable kind has a key `sokbo.alerts.<rawValue>`
/// (`SOKBO_ALERTS_ORDER_FILLED`, …) taking `on`, `silent` or `off`.
public enum AlertKind: String, Sendable, Codable, CaseIterable, Hashable {
    /// A headline (every stored headline: off by default, far too many for a phone).
    case news
    /// The engine's decision on a headline (buy or skip with its reason).
    case signal
    /// An entry's order left for the broker (followed within a second by `order.accepted`, so off by default).
    case orderSent = "order.sent"
    /// The broker took an order (has its order number).
    case orderAccepted = "order.accepted"
    /// Shares filled (partly or wholly).
    case orderFilled = "order.filled"
    /// The broker refused an order: nothing was placed.
    case orderRejected = "order.rejected"
    /// An order's outcome is unknown (and, later, how reconciliation settled it).
    case orderUnknown = "order.unknown"
    /// An order (or its unfilled rest) was cancelled.
    case orderCancelled = "order.cancelled"
    /// An exit sell left for the broker, or an exit waits (a halt), with its reason.
    case exit
    /// A round trip closed, with its P&L after costs.
    case tradeClosed = "trade.closed"
    /// A protection acted (the daily loss limit halted entries).
    case protection
    /// The kill switch turned on or off.
    case killSwitch = "kill.switch"
    /// Venue trouble: news socket down, token refused, Kiwoom session evicted, DART budget spent,
    /// database failing, rows set aside.
    case venue
    /// Kiwoom's REST token refused on a request, or its issue failing; then back to normal (one message each
    /// per episode).
    case kiwoomToken = "kiwoom.token"
    /// Kiwoom requests refused unsent for want of a pacing slot (or answered 429) repeatedly, or a pacing
    /// bucket exhausted for long; then recovered (one message each per episode).
    case kiwoomPacing = "kiwoom.pacing"
    /// The day's orders and P&L after the close.
    case dailySummary = "daily.summary"
    /// A reply to a command from a Telegram chat (always on; sent only to that chat).
    case command

    /// Trading-critical messages are never dropped from a full queue; informational ones may be.
    public var isTradingCritical: Bool {
        switch self {
        case .news, .signal, .venue, .kiwoomToken, .kiwoomPacing, .dailySummary: false
        case .orderSent, .orderAccepted, .orderFilled, .orderRejected, .orderUnknown, .orderCancelled, .exit, .tradeClosed, .protection,
             .killSwitch, .command: true
        }
    }

    /// The mode when nothing is configured.
    public var defaultMode: AlertMode {
        switch self {
        case .news, .signal, .orderSent: .off
        default: .on
        }
    }

    /// Kinds a setting can change (`command` replies always go to the asking chat).
    public static var configurable: [AlertKind] { allCases.filter { $0 != .command } }
}
