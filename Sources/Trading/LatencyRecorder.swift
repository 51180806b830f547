import Foundation
import SokboCore

/// When a news order passed each step, from its frame's arrival to the order request leaving.
public struct NewsToOrderStages: Sendable {
    /// The frame reached the listener.
    public var received: Date
    /// The engine started evaluating the headline (after parsing, the pipeline and the engine's inbox).
    public var evaluationStarted: Date
    /// The engine decided to try an order.
    public var decided: Date
    /// The order's own task started.
    public var executionStarted: Date
    /// The stock snapshot came back.
    public var snapshotReturned: Date
    /// Sized, risk-checked and stored: the request leaves now.
    public var sent: Date
    /// Where the snapshot came from (a REST round trip or the realtime feed's live quote).
    public var snapshotSource: StockSnapshot.Source

    /// From the frame's arrival to the order request leaving.
    public var total: Duration { .seconds(sent.timeIntervalSince(received)) }

    /// Each step's share, in order: name and duration.
    public var steps: [(name: String, duration: Duration)] {
        [("to engine", evaluationStarted.timeIntervalSince(received)), ("evaluate", decided.timeIntervalSince(evaluationStarted)),
         ("to task", executionStarted.timeIntervalSince(decided)), ("snapshot", snapshotReturned.timeIntervalSince(executionStarted)),
         ("size+store", sent.timeIntervalSince(snapshotReturned))].map { ($0.0, .seconds($0.1)) }
    }
}

/// A latency sample made of stamped steps: its total is what the recorder summarises.
public protocol StagedLatency: Sendable {
    /// From the first stamp to the last.
    var total: Duration { get }
}

extension NewsToOrderStages: StagedLatency {}

/// Percentiles of a latency, in milliseconds (`/api/status`).
public struct LatencySummary: Sendable, Codable {
    /// Samples kept.
    public var count: Int
    /// Median, ms.
    public var p50: Double?
    /// 99th percentile, ms.
    public var p99: Double?
    /// Maximum, ms.
    public var max: Double?

    /// Creates a summary.
    public init(count: Int, p50: Double? = nil, p99: Double? = nil, max: Double? = nil) {
        self.count = count
        self.p50 = p50
        self.p99 = p99
        self.max = max
    }
}

/// Keeps the last latencies (bounded) and summarises them as percentiles.
public struct LatencyRecorder<Stages: StagedLatency>: Sendable {
    /// Percentiles in milliseconds.
    public typealias Summary = LatencySummary

    private(set) var samples: [Stages] = []
    private var next = 0
    private let capacity = 10_000

    mutating func record(_ stages: Stages) {
        if samples.count < capacity {
            samples.append(stages)
        } else {
            samples[next] = stages
            next = (next + 1) % capacity
        }
    }

    func summary() -> Summary {
        guard !samples.isEmpty else { return Summary(count: 0) }
        let sorted = samples.map(\.total).sorted()
        func ms(_ q: Double) -> Double {
            let d = sorted[min(sorted.count - 1, Int((Double(sorted.count - 1) * q).rounded()))]
            return d.milliseconds
        }
        return Summary(count: sorted.count, p50: ms(0.5), p99: ms(0.99), max: ms(1))
    }
}
