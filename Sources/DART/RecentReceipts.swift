/// A bounded set of recently seen `rcept_no`s: the oldest are forgotten first. A day has ~400–700 filings, so the
/// default capacity remembers weeks while the memory stays fixed.
struct RecentReceipts: Sendable {
    private var members: Set<String> = []
    private var order: [String] = []
    private var head = 0
    let capacity: Int

    init(capacity: Int) {
        self.capacity = max(1, capacity)
        members.reserveCapacity(self.capacity)
    }

    /// How many are remembered.
    var count: Int { members.count }

    /// Inserts; returns false when it was already there.
    mutating func insert(_ receipt: String) -> Bool {
        guard !members.contains(receipt) else { return false }
        members.insert(receipt)
        if order.count < capacity {
            order.append(receipt)
        } else {
            members.remove(order[head])
            order[head] = receipt
            head = (head + 1) % capacity
        }
        return true
    }

    func contains(_ receipt: String) -> Bool { members.contains(receipt) }
}
