/// When the order journal may be emptied: once it is long and every order written to it has reached the
/// store. Kept on the engine's actor, as the journal's appends are, so "nothing pending" means no order is
/// between its journal write and its store write.
struct JournalCompaction: Sendable, Hashable {
    /// Lines after which the journal is emptied.
    let threshold: Int
    /// Orders written to the journal whose store write has not succeeded yet.
    private(set) var pending = 0
    /// Lines in the journal.
    private(set) var lines = 0

    init(threshold: Int) { self.threshold = threshold }

    /// An order's row was appended to the journal.
    mutating func appended() {
        pending += 1
        lines += 1
    }

    /// A journaled row reached the store; true when the journal should be emptied now.
    mutating func stored() -> Bool {
        pending -= 1
        return pending == 0 && lines >= threshold
    }

    /// The journal was emptied.
    mutating func cleared() { lines = 0 }
}
