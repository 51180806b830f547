/// The state `/status` shows.
public struct AlertStatusSnapshot: Sendable, Hashable {
    /// `simulate`, `mock` or `live`.
    public var mode: String
    /// The kill switch.
    public var halted: Bool
    /// Today's orders by state.
    public var ordersByState: [String: Int]
    /// Orders awaiting reconciliation.
    public var openUnknown: Int
    /// KRW left of the daily budget.
    public var budgetLeft: Int
    /// The news socket is connected (nil: unknown).
    public var newsConnected: Bool?

    /// Creates a snapshot.
    public init(mode: String, halted: Bool, ordersByState: [String: Int], openUnknown: Int, budgetLeft: Int, newsConnected: Bool?) {
        self.mode = mode
        self.halted = halted
        self.ordersByState = ordersByState
        self.openUnknown = openUnknown
        self.budgetLeft = budgetLeft
        self.newsConnected = newsConnected
    }
}
