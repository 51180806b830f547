/// Remembers the last `capacity` realkeys so a frame replayed after a reconnect is processed once.
///
/// Why a ring plus a set: membership is O(1) and memory is bounded; the oldest key is forgotten first,
/// which is safe because LS replays (if ever) only recent frames.
public struct RealkeyDeduper: Sendable {
    private var ring: [String?]
    private var next = 0
    private var members: Set<String>

    /// Creates a deduper remembering at most `capacity` keys (at least 1).
    public init(capacity: Int) {
        let size = max(1, capacity)
        self.ring = Array(repeating: nil, count: size)
        self.members = Set(minimumCapacity: size)
    }

    /// How many keys are remembered now.
    public var count: Int { members.count }

    /// Records a key; false when it was already seen (a duplicate).
    public mutating func insert(_ key: String) -> Bool {
        guard !members.contains(key) else { return false }
        if let evicted = ring[next] { members.remove(evicted) }
        ring[next] = key
        members.insert(key)
        next = (next + 1) % ring.count
        return true
    }
}
