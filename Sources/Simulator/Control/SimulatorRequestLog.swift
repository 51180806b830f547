import Foundation
import Synchronization

/// What the simulated venue received, one entry per event: every Kiwoom REST request (tokens, orders,
/// queries) with its reply, every Kiwoom realtime login, eviction (`R10001`), drop and close, and (in the
/// standalone simulator) LS's token issues and NWS subscriptions, drops and closes. Read by the
/// control endpoint as JSON lines (`GET /requests`) and optionally appended to a file, so a test that runs
/// several Sokbo processes against one venue can assert what reached the broker, and when.
///
/// Recording is a struct append under a lock (no encoding on the request path); the newest
/// `capacity` entries are kept in memory, older ones are counted as `evicted` (the file keeps all).
public final class SimulatorRequestLog: Sendable {
    /// One event, encoded as one JSON line (absent fields are left out).
    public struct Entry: Codable, Sendable, Equatable {
        /// Position in the log, from 1, in the order entries were recorded.
        public var seq: Int = 0
        /// `CLOCK_MONOTONIC` in nanoseconds when the event happened (a REST request: when it arrived),
        /// comparable with any other process's monotonic clock on the same machine.
        public var monoNs: UInt64 = 0
        /// Wall time of the same moment, ISO 8601 UTC with milliseconds.
        public var wall: String = ""
        /// `kiwoom` or `ls`.
        public var venue: String = "kiwoom"
        /// Kiwoom: `token`, `revoke`, `order`, `query` (REST); `login`, `loginRefused`, `evicted`, `dropped`, `closed`
        /// (realtime). LS: `token`; `subscribe`, `subscribeRefused` (NWS), `dropped`, `closed` (WebSocket);
        /// `headline` (published through the control endpoint: `fields` `realkey`, `title`, `tickers`).
        public var kind: String
        /// The REST api-id (`au10001`, `kt10000`, …).
        public var apiId: String?
        /// The appkey, redacted (`sokb…ey`): from the token request's body, or the key the token was issued to.
        public var appkey: String?
        /// The `sokbo-node` header of the REST request or of the realtime socket's upgrade request, when the
        /// client sent one (how several processes sharing one appkey and token tell their requests apart).
        public var node: String?
        /// HTTP status of the reply (nil when no reply was made: the request was cancelled).
        public var status: Int?
        /// `return_code` of the reply body.
        public var returnCode: Int?
        /// `return_msg` of the reply body.
        public var returnMsg: String?
        /// The request's own fields: an order's natural fields as sent (`dmst_stex_tp`, `stk_cd`, `ord_qty`,
        /// `ord_uv`, `trde_tp`, `orig_ord_no`, …), a query's `stk_cd`, a token request's `grant_type`.
        public var fields: [String: String]?
        /// The venue's order number in the reply (`ord_no`).
        public var ordNo: String?
        /// `CLOCK_MONOTONIC` nanoseconds when the reply was made (REST).
        public var replyMonoNs: UInt64?
        /// The realtime session (numbered from 1 per login).
        public var session: Int?
        /// For `evicted`: the session whose login evicted this one (nil: evicted by the control endpoint).
        public var by: Int?
        /// A venue code carried by the event (`R10001`, `R10004`, `8005`).
        public var code: String?

        /// An entry of `kind`; the log stamps `seq`, `monoNs` (unless set) and `wall`.
        public init(kind: String) { self.kind = kind }

        /// The entry as one line of JSON (keys sorted), without the newline.
        public func jsonLine() -> String {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            return (try? encoder.encode(self)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
        }
    }

    private struct State {
        var entries: [Entry] = []
        var next = 1
        var evicted = 0
        var sink: AsyncStream<Entry>.Continuation?
    }

    private let state = Mutex(State())
    private let capacity: Int

    /// A log keeping the newest `capacity` entries in memory (50,000 by default: a few tens of MB at most, as
    /// every simulator, the embedded one too, keeps one; a file keeps everything).
    public init(capacity: Int = 50_000) {
        self.capacity = max(1, capacity)
    }

    /// `CLOCK_MONOTONIC` now, in nanoseconds.
    public static func monotonicNanoseconds() -> UInt64 {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return UInt64(spec.tv_sec) * 1_000_000_000 + UInt64(spec.tv_nsec)
    }

    /// A key shown without its middle: the first four and last two characters (`…` alone when short).
    public static func redact(_ key: String) -> String {
        key.count <= 8 ? "…" : String(key.prefix(4)) + "…" + String(key.suffix(2))
    }

    /// Records an entry; stamps its `seq`, `wall` and, when unset, `monoNs`.
    public func record(_ entry: Entry) {
        var entry = entry
        if entry.monoNs == 0 { entry.monoNs = Self.monotonicNanoseconds() }
        // The wall time of the monotonic instant, so both name the same moment.
        let age = Double(Int64(Self.monotonicNanoseconds()) - Int64(entry.monoNs)) / 1e9
        entry.wall = Date().addingTimeInterval(-age).formatted(Self.wallStyle)
        state.withLock { s in
            entry.seq = s.next
            s.next += 1
            s.entries.append(entry)
            if s.entries.count > capacity + capacity / 4 {
                // Trimmed in batches so the append stays amortised O(1).
                let excess = s.entries.count - capacity
                s.entries.removeFirst(excess)
                s.evicted += excess
            }
            // Encoded by the file's writer, off the request path.
            s.sink?.yield(entry)
        }
    }

    /// Entries with `seq` above `since`, oldest first.
    public func entries(since: Int = 0) -> [Entry] {
        state.withLock { s in
            guard let first = s.entries.first else { return [] }
            let start = max(0, since + 1 - first.seq)
            return start < s.entries.count ? Array(s.entries[start...]) : []
        }
    }

    /// Entries recorded since the start, and how many of them are no longer kept in memory.
    public var counts: (recorded: Int, evicted: Int) { state.withLock { ($0.next - 1, $0.evicted) } }

    /// Appends every entry recorded from now on to `path` (created if missing), one JSON line each: returns
    /// the writer, to run on a task of its own until `closeFile()`, when it returns with everything recorded
    /// before written. The file is written off the request path; the writer's task must not be cancelled
    /// before `closeFile()` (a cancelled stream drops what it still holds).
    public func openFile(_ path: String) throws -> @Sendable () async throws -> Void {
        guard FileManager.default.fileExists(atPath: path) || FileManager.default.createFile(atPath: path, contents: nil) else {
            throw SimulatorError("cannot create the request log \(path)")
        }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.seekToEnd()
        let (stream, continuation) = AsyncStream<Entry>.makeStream()
        state.withLock { $0.sink = continuation }
        return {
            defer { try? handle.close() }
            for await entry in stream {
                try handle.write(contentsOf: Data((entry.jsonLine() + "\n").utf8))
            }
        }
    }

    /// Ends the file's writer (`openFile`) once what was recorded so far is written.
    public func closeFile() {
        state.withLock { s in
            s.sink?.finish()
            s.sink = nil
        }
    }

    private static let wallStyle = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
}
