/// The sell side of one position: what is held, which sells are out, and what the next step of an exit
/// is. It guarantees, by construction, the money rules of exits:
/// - never more is sold than is held: a sell's quantity is what is held less every sell still out
///   (an unknown sell counts as out until reconciliation ends it);
/// - never two exits at once: while a (non-resting) exit sell is out, another request does nothing;
/// - a resting sell (a take-profit limit left at the venue) ties up the shares, so it is cancelled first
///   and the exit sells only once that cancel has ended (its fills, if any, counted).
///
/// A state machine with no I/O: events in, actions out; the engine performs the actions.
public struct PositionExitState: Sendable, Hashable {
    /// A sell order of this position that has not ended.
    public struct Sell: Sendable, Hashable {
        /// The order's id.
        public var id: String
        /// Shares asked for.
        public var quantity: Int
        /// Shares filled so far.
        public var filled: Int
        /// Why it was sent.
        public var reason: ExitReason
        /// A resting limit (take-profit) left at the venue, rather than an exit being carried out.
        public var resting: Bool
        /// A cancel of it has been sent.
        public var cancelRequested: Bool

        /// Shares that may still fill.
        public var outstanding: Int { max(0, quantity - filled) }
    }

    /// What the engine should do next.
    public enum Action: Sendable, Hashable {
        /// Send a sell of `quantity` for `reason` (a market order unless `resting`).
        case sell(quantity: Int, reason: ExitReason, resting: Bool)
        /// Cancel the resting sell `id` before the exit for `reason` can sell.
        case cancel(id: String, reason: ExitReason)
    }

    /// Why a request produced no sell.
    public enum Refusal: String, Error, Sendable, Hashable {
        /// Nothing is held.
        case nothingHeld = "nothing held"
        /// An exit sell is already out.
        case exitInFlight = "an exit is already in flight"
        /// Waiting for a resting sell's cancel to end.
        case awaitingCancel = "waiting for the resting sell's cancel"
        /// Every held share is already offered by a sell that is out.
        case allOffered = "every held share is already offered"
        /// The take-profit rests at the venue already: it fills there, nothing is sold at market for it.
        case takeProfitResting = "the take-profit rests at the venue"
    }

    /// Shares held (filled buys less filled sells).
    public private(set) var held: Int
    /// Sells not yet ended.
    public private(set) var sells: [Sell]
    /// The exit waiting for a cancel to end, if any.
    public private(set) var pendingExit: ExitReason?

    /// A position holding `held` shares, with no sells out.
    public init(held: Int = 0) {
        self.held = held
        self.sells = []
        self.pendingExit = nil
    }

    /// Shares no sell offers yet.
    public var sellable: Int { max(0, held - sells.reduce(0) { $0 + $1.outstanding }) }

    /// Whether an exit (not a resting take-profit) is out or waiting for a cancel.
    public var isExiting: Bool { pendingExit != nil || sells.contains { !$0.resting } }

    // MARK: - Requests

    /// Asks to leave the position for `reason`: the actions to perform, or why there are none.
    public mutating func requestExit(_ reason: ExitReason) -> Result<[Action], Refusal> {
        guard held > 0 else { return .failure(.nothingHeld) }
        if sells.contains(where: { !$0.resting }) { return .failure(.exitInFlight) }
        if reason == .takeProfit, pendingExit == nil, sells.contains(where: { $0.resting && !$0.cancelRequested }) {
            return .failure(.takeProfitResting)
        }
        let resting = sells.filter(\.resting)
        if !resting.isEmpty {
            pendingExit = reason
            let toCancel = resting.filter { !$0.cancelRequested }
            guard !toCancel.isEmpty else { return .failure(.awaitingCancel) }
            for sell in toCancel { update(sell.id) { $0.cancelRequested = true } }
            return .success(toCancel.map { .cancel(id: $0.id, reason: reason) })
        }
        guard sellable > 0 else { return .failure(.allOffered) }
        return .success([.sell(quantity: sellable, reason: reason, resting: false)])
    }

    /// Asks to rest a take-profit limit for every unoffered share (no exit may be under way).
    public mutating func requestRestingTakeProfit() -> Result<[Action], Refusal> {
        guard held > 0 else { return .failure(.nothingHeld) }
        guard !isExiting else { return .failure(.exitInFlight) }
        guard sellable > 0 else { return .failure(.allOffered) }
        return .success([.sell(quantity: sellable, reason: .takeProfit, resting: true)])
    }

    // MARK: - Events

    /// A sell the engine is about to send (its id reserved and stored): it now counts as out.
    public mutating func sellSent(id: String, quantity: Int, reason: ExitReason, resting: Bool) {
        sells.append(Sell(id: id, quantity: min(quantity, sellable), filled: 0, reason: reason, resting: resting, cancelRequested: false))
    }

    /// A buy filled further (an entry, or a position found at the broker).
    public mutating func bought(_ quantity: Int) { held += max(0, quantity) }

    /// A sell's cumulative filled quantity is now `cumulative` (fills are idempotent by cumulative count).
    public mutating func sellFilled(id: String, cumulative: Int) {
        guard let index = sells.firstIndex(where: { $0.id == id }) else { return }
        let newFills = max(0, min(cumulative, sells[index].quantity) - sells[index].filled)
        sells[index].filled += newFills
        held = max(0, held - newFills)
    }

    /// A sell ended (filled, cancelled, rejected, or reconciled as never placed) with `cumulative` filled.
    /// When it was a resting sell whose cancel an exit waits for, the exit's sell follows.
    public mutating func sellEnded(id: String, cumulative: Int) -> [Action] {
        sellFilled(id: id, cumulative: cumulative)
        sells.removeAll { $0.id == id }
        guard let reason = pendingExit, !sells.contains(where: \.resting) else { return [] }
        pendingExit = nil
        guard held > 0, sellable > 0 else { return [] }
        return [.sell(quantity: sellable, reason: reason, resting: false)]
    }

    /// The broker says `quantity` is held (reconciliation): the broker's quantity wins.
    public mutating func brokerHolds(_ quantity: Int) { held = max(0, quantity) }

    private mutating func update(_ id: String, _ change: (inout Sell) -> Void) {
        guard let index = sells.firstIndex(where: { $0.id == id }) else { return }
        change(&sells[index])
    }
}
