import NIOCore
import NIOPosix
import Prometheus
import ServiceLifecycle
import SokboCore
import Synchronization

/// Measures event-loop lag: every 100 ms it schedules a no-op on each loop of the server's group and
/// records how late it ran. A blocking call on a loop shows up here as lag.
public struct EventLoopLagProbe: Service {
    let group: any EventLoopGroup
    let histogram: DurationHistogram
    let gauge: Gauge
    let last: LastLag

    /// Creates the probe over the server's event loops.
    public init(group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton, registry: PrometheusCollectorRegistry,
                last: LastLag = LastLag()) {
        self.group = group
        self.last = last
        self.histogram = registry.makeDurationHistogram(
            descriptor: .named("sokbo_event_loop_lag_seconds", "Delay between scheduling a task on an event loop and it running"), buckets: [
                .microseconds(50), .microseconds(100), .microseconds(250), .microseconds(500), .milliseconds(1),
                .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(50), .milliseconds(100), .seconds(1),
            ])
        self.gauge = registry.makeGauge(descriptor: .named("sokbo_event_loop_lag_last_seconds", "The last measured event-loop lag (max over loops)"))
    }

    /// Probes until graceful shutdown.
    public func run() async throws {
        while !Task.isCancelled, !Task.isShuttingDownGracefully {
            var worst: Duration = .zero
            for loop in group.makeIterator() {
                let scheduled = ContinuousClock.now
                let lag = try? await loop.submit { scheduled.duration(to: .now) }.get()
                if let lag {
                    histogram.recordNanoseconds(lag.nanoseconds)
                    worst = max(worst, lag)
                }
            }
            gauge.set(worst.seconds)
            last.set(worst.seconds)
            try? await Task.sleep(for: .milliseconds(100))
        }
    }
}

/// The last lag the probe measured, for `/api/status` (`eventLoopLagSeconds`).
public final class LastLag: Sendable {
    private let value = Mutex<Double?>(nil)

    /// Nothing measured yet.
    public init() {}

    /// The last measurement in seconds (max over loops), nil before the first.
    public var seconds: Double? { value.withLock { $0 } }

    func set(_ seconds: Double) { value.withLock { $0 = seconds } }
}
