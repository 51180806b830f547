/// Keeps the last latencies (bounded) and summarises them as percentiles.
public struct LatencyRecorder: Sendable {
    /// Percentiles in milliseconds.
    public struct Summary: Sendable, Codable {
        /// Samples kept.
        public var count: Int
        /// Median, ms.
        public var p50: Double?
        /// 99th percentile, ms.
        public var p99: Double?
        /// Maximum, ms.
        public var max: Double?
    }

    private(set) var samples: [Duration] = []
    private var next = 0
    private let capacity = 10_000

    mutating func record(_ latency: Duration) {
        if samples.count < capacity {
            samples.append(latency)
        } else {
            samples[next] = latency
            next = (next + 1) % capacity
        }
    }

    func summary() -> Summary {
        guard !samples.isEmpty else { return Summary(count: 0) }
        let sorted = samples.sorted()
        func ms(_ q: Double) -> Double {
            let d = sorted[min(sorted.count - 1, Int((Double(sorted.count - 1) * q).rounded()))]
            return Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) / 1e15
        }
        return Summary(count: sorted.count, p50: ms(0.5), p99: ms(0.99), max: ms(1))
    }
}
