/// A bounded queue of messages for one destination. When full, the oldest informational message is
/// dropped and counted; trading-critical messages are never dropped: they are kept over the bound
/// (their number is bounded by the day's orders, `SOKBO_MAX_ORDERS_PER_DAY`).
public struct AlertQueue: Sendable {
    /// Messages held before informational ones are dropped.
    public let capacity: Int
    /// Waiting messages, oldest first.
    public private(set) var items: [AlertMessage] = []
    /// Informational messages dropped because the queue was full.
    public private(set) var droppedInformational = 0

    /// An empty queue of `capacity` (at least 1).
    public init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    /// Appends a message; returns the message dropped to make room, if any.
    @discardableResult
    public mutating func push(_ message: AlertMessage) -> AlertMessage? {
        items.append(message)
        guard items.count > capacity, let index = items.firstIndex(where: { !$0.isTradingCritical }) else { return nil }
        droppedInformational += 1
        return items.remove(at: index)
    }

    /// The next message, left in place until `removeFirst` (it is retried until delivered or given up).
    public var first: AlertMessage? { items.first }

    /// Removes the next message.
    public mutating func removeFirst() {
        if !items.isEmpty { items.removeFirst() }
    }

    /// Messages waiting.
    public var count: Int { items.count }
}
