/// A bounded queue of messages for one destination. When full, the oldest informational message is
/// dropped and counted; trading-critical messages are never dropped: they are kept over the bound
/// (their number is bounded by the day's orders, `SOKBO_MAX_ORDERS_PER_DAY`).
///
/// Pushing and taking are O(1) however long the queue (a failing webhook holds a day's trading messages):
/// the informational ones are counted, so a queue over its bound holding none is not searched, and taking
/// moves a head index rather than shifting the rest.
public struct AlertQueue: Sendable {
    /// Messages held before informational ones are dropped.
    public let capacity: Int
    /// Informational messages dropped because the queue was full.
    public private(set) var droppedInformational = 0
    private var storage: [AlertMessage] = []
    private var head = 0
    private var informational = 0

    /// An empty queue of `capacity` (at least 1).
    public init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    /// Waiting messages, oldest first.
    public var items: [AlertMessage] { Array(storage[head...]) }

    /// Appends a message; returns the message dropped to make room, if any.
    @discardableResult
    public mutating func push(_ message: AlertMessage) -> AlertMessage? {
        storage.append(message)
        if !message.isTradingCritical { informational += 1 }
        guard count > capacity, informational > 0,
              let index = storage[head...].firstIndex(where: { !$0.isTradingCritical }) else { return nil }
        informational -= 1
        droppedInformational += 1
        return storage.remove(at: index)
    }

    /// The next message, left in place until `removeFirst` (it is retried until delivered or given up).
    public var first: AlertMessage? { head < storage.count ? storage[head] : nil }

    /// Removes the next message.
    public mutating func removeFirst() {
        guard head < storage.count else { return }
        if !storage[head].isTradingCritical { informational -= 1 }
        head += 1
        // Reclaim the taken slots once they are most of the storage.
        if head >= 1_024, head * 2 >= storage.count {
            storage.removeFirst(head)
            head = 0
        }
    }

    /// Messages waiting.
    public var count: Int { storage.count - head }
}
