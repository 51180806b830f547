import Foundation

/// Where an order stands. Each case lists what it can become; anything else is refused.
public enum OrderState: String, Sendable, Codable, Hashable, CaseIterable {
    /// Stored before sending. → `submitted` (sent), `cancelled` (abandoned before it left),
    /// `unknown` (found in this state after a restart: it may have left).
    case intent
    /// The request left for the broker; no answer yet. → `accepted`, `rejected`, `unknown` (also when
    /// found in this state after a restart).
    case submitted
    /// The broker took it (has an order number). → `partiallyFilled`, `filled`, `cancelled`.
    case accepted
    /// Some shares filled. → `partiallyFilled`, `filled`, `cancelled` (the rest).
    case partiallyFilled
    /// Every share filled. Terminal.
    case filled
    /// The broker refused it: definitely not placed. Terminal.
    case rejected
    /// Sent, but the answer was lost (timeout, disconnect, 5xx, 429). Only reconciliation settles it:
    /// → `accepted`, `partiallyFilled`, `filled`, `cancelled`, `rejected` (not found at the broker).
    /// Never back to `submitted`: nothing re-sends an order on its own.
    case unknown
    /// Cancelled (wholly, or the unfilled rest). Terminal, but a fill the venue made before the cancel took
    /// effect and reported after it is still recorded (the state stays `cancelled`).
    case cancelled

    /// True for states an order never leaves.
    public var isTerminal: Bool { self == .filled || self == .rejected || self == .cancelled }
    /// True while the broker may still hold the order (counts against risk limits).
    public var isOpen: Bool { !isTerminal }
}

/// Something that happened to an order.
public enum OrderEvent: Sendable, Hashable {
    /// The request left for the broker.
    case sent
    /// The broker answered with an order number.
    case accepted(brokerOrderNo: String)
    /// The broker refused (no order number).
    case rejected(reason: String)
    /// The outcome is unknown (timeout, disconnect, 5xx, 429 after sending).
    case outcomeUnknown(reason: String)
    /// A fill report: `cumulativeQuantity` shares filled in all at `averagePrice`.
    case filled(cumulativeQuantity: Int, averagePrice: Double)
    /// The order (or its unfilled rest) was cancelled, or an intent abandoned before sending.
    case cancelled(reason: String)
    /// Reconciliation found the order at the broker.
    case reconciledFound(brokerOrderNo: String, cumulativeQuantity: Int, averagePrice: Double?, isClosed: Bool)
    /// Reconciliation established that the broker never had it.
    case reconciledNotFound

    /// A short name for logs and stored events.
    public var name: String {
        switch self {
        case .sent: "sent"
        case .accepted: "accepted"
        case .rejected: "rejected"
        case .outcomeUnknown: "unknown"
        case .filled: "filled"
        case .cancelled: "cancelled"
        case .reconciledFound: "reconciled"
        case .reconciledNotFound: "reconciled_not_found"
        }
    }
}

/// What the shell must do after a transition.
public enum OrderEffect: Sendable, Hashable {
    /// Store the order's new state (before anything else happens).
    case persist
    /// Send the order to the broker (only ever from `intent`).
    case sendToBroker
    /// Ask the broker what became of it (ka10075 / kt00018).
    case reconcile
    /// Tell listeners (events stream, metrics).
    case notify
}

/// A refused transition: the event does not apply to the order's state.
public struct OrderTransitionError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The state the order was in.
    public let state: OrderState
    /// The event's name.
    public let event: String
    /// `event X is not allowed in state Y`.
    public var description: String { "event \(event) is not allowed in state \(state.rawValue)" }
}

/// The pure order state machine: (order, event) → (order, effects), or a refusal.
public enum OrderStateMachine {
    /// Intent → submitted with the effect to send. The only way `sendToBroker` is ever produced.
    public static func apply(_ order: Order, _ event: OrderEvent, at now: Date) -> Result<(Order, [OrderEffect]), OrderTransitionError> {
        var next = order
        let refuse = Result<(Order, [OrderEffect]), OrderTransitionError>.failure(OrderTransitionError(state: order.state, event: event.name))
        switch (order.state, event) {
        case (.intent, .sent):
            next.state = .submitted
            return .success(done(next, now, [.persist, .sendToBroker, .notify]))
        case (.intent, .outcomeUnknown(let reason)):
            // Only after a restart: the process died between storing the intent and the broker's answer.
            next.state = .unknown
            next.reason = reason
            return .success(done(next, now, [.persist, .reconcile, .notify]))
        case (.intent, .cancelled(let reason)):
            next.state = .cancelled
            next.reason = reason
            return .success(done(next, now, [.persist, .notify]))

        case (.submitted, .accepted(let number)):
            next.state = .accepted
            next.brokerOrderNo = number
            return .success(done(next, now, [.persist, .notify]))
        case (.submitted, .rejected(let reason)):
            next.state = .rejected
            next.reason = reason
            return .success(done(next, now, [.persist, .notify]))
        case (.submitted, .outcomeUnknown(let reason)):
            next.state = .unknown
            next.reason = reason
            return .success(done(next, now, [.persist, .reconcile, .notify]))

        case (.accepted, .filled(let quantity, let price)), (.partiallyFilled, .filled(let quantity, let price)):
            guard quantity > order.filledQuantity || order.state == .accepted, quantity > 0, quantity <= order.quantity else {
                return refuse
            }
            next.filledQuantity = quantity
            next.averageFillPrice = price
            next.state = quantity == order.quantity ? .filled : .partiallyFilled
            return .success(done(next, now, [.persist, .notify]))
        case (.accepted, .cancelled(let reason)), (.partiallyFilled, .cancelled(let reason)):
            next.state = .cancelled
            next.reason = reason
            return .success(done(next, now, [.persist, .notify]))

        case (.cancelled, .filled(let quantity, let price)):
            // Shares that executed before the cancel took effect, reported after it: kept, never lost.
            guard order.brokerOrderNo != nil, quantity > order.filledQuantity, quantity <= order.quantity else { return refuse }
            next.filledQuantity = quantity
            next.averageFillPrice = price
            return .success(done(next, now, [.persist, .notify]))

        case (.unknown, .reconciledFound(let number, let quantity, let price, let isClosed)):
            guard quantity >= 0, quantity <= order.quantity else { return refuse }
            next.brokerOrderNo = number
            next.filledQuantity = quantity
            next.averageFillPrice = quantity > 0 ? price : nil
            if quantity == order.quantity {
                next.state = .filled
            } else if isClosed {
                next.state = .cancelled
                next.reason = "closed at the broker with \(quantity) of \(order.quantity) filled"
            } else {
                next.state = quantity > 0 ? .partiallyFilled : .accepted
            }
            return .success(done(next, now, [.persist, .notify]))
        case (.unknown, .reconciledNotFound):
            next.state = .rejected
            next.reason = "not found at the broker after reconciliation"
            return .success(done(next, now, [.persist, .notify]))
        case (.unknown, .outcomeUnknown):
            // A reconciliation attempt that itself failed: stay unknown and try again later.
            return .success(done(next, now, [.reconcile]))

        default:
            return refuse
        }
    }

    private static func done(_ order: Order, _ now: Date, _ effects: [OrderEffect]) -> (Order, [OrderEffect]) {
        var order = order
        order.updatedAt = now
        order.eventCount += 1
        return (order, effects)
    }
}
