/// Where records that go through the row buffer are appended (signals, order events, news).
public protocol RecordSink: Sendable {
    /// Appends a record; returns quickly (an actor hop), never waits on the database.
    func append<R: Storable>(_ record: R) async
}
