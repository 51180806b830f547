import Foundation

/// A replay run through the API (`POST /api/replays`): its state, how far it has got and, once done, its
/// result — the same JSON as `sokbo replay --json`.
public struct ReplayJob: Sendable, Encodable {
    /// Where a job is in its life: `queued → running → done | failed`.
    public enum State: String, Sendable, Encodable {
        /// Waiting for a free slot.
        case queued
        /// Replaying.
        case running
        /// Finished: `result` is set.
        case done
        /// Stopped on an error: `error` says why.
        case failed
    }

    /// How far a job has got.
    public struct Progress: Sendable, Encodable, Hashable {
        /// Share of the work done, 0 to 1 (days, or lines of the sample, over every variant).
        public var fraction: Double
        /// Recording lines read in the variant under way.
        public var lines: Int
        /// Headlines evaluated in the variant under way.
        public var headlines: Int
        /// The KST day under way (`YYYYMMDD`, empty before the first).
        public var day: String
        /// Trades booked and entries tried so far in the variant under way.
        public var trades: Int
        /// The variant under way, from 1.
        public var variant: Int
        /// Variants in all (1 unless a sweep).
        public var variants: Int
    }

    /// The job's id (`GET /api/replays/{id}`).
    public var id: String
    /// Its state.
    public var state: State
    /// What was asked.
    public var request: ReplayRequest
    /// When it was accepted.
    public var createdAt: Date
    /// When it started running.
    public var startedAt: Date?
    /// When it finished.
    public var finishedAt: Date?
    /// How far it has got.
    public var progress: Progress
    /// Why it failed.
    public var error: String?
    /// The result once done: one `ReplayResult`, or an array for a sweep of several values (as `--json`).
    public var result: ReplayResults?
}

/// A replay's results, encoded as `sokbo replay --json` prints them: one object, or an array for a sweep.
public struct ReplayResults: Sendable, Encodable {
    /// Every variant's result, in the sweep's order.
    public var all: [ReplayResult]

    /// Wraps results.
    public init(_ all: [ReplayResult]) { self.all = all }

    /// One object for one result, else an array.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        if all.count == 1 { try container.encode(all[0]) } else { try container.encode(all) }
    }
}
