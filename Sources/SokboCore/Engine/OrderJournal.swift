/// A write-ahead record of orders about to leave. The engine writes an order's row here, synchronously,
/// before the request is sent, and to the store right after; at the next start whatever the journal
/// holds that the store does not is folded into the store. So the store may lag the journal by one
/// write, but an order never leaves without a durable trace of it.
public protocol OrderJournal: Sendable {
    /// Appends one order row. Returns once the row is in the file (the kernel's page cache: it survives
    /// the process being killed, not the machine losing power).
    func append(_ row: Row) throws
    /// Every row in the journal, in the order written, and how many lines could not be read.
    func load() throws -> (rows: [Row], unreadable: Int)
    /// Empties the journal once its rows are in the store.
    func clear() throws
}
