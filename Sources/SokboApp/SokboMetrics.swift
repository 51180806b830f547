import LSNews
import Prometheus
import Synchronization
import Trading
import SokboCore
import Storage

/// The process's metrics: a registry of its own (no global bootstrap, so tests can build many apps),
/// live histograms recorded where things happen, and figures derived from status snapshots at scrape time.
public final class SokboMetrics: Sendable {
    /// The registry `/metrics` emits.
    public let registry = PrometheusCollectorRegistry()
    private let counters = SnapshotCounters()

    /// Creates the metrics.
    public init() {}

    /// Refreshes snapshot-derived figures and renders Prometheus text.
    func render(buffer: RowBuffer.Stats, flush: FlushService.Status, news: LSListenerStatus, engine: EngineStatus,
                ha: HANode.Status? = nil) async -> String {
        if let ha { renderHA(ha) }
        advance("sokbo_news_frames_accepted_total", help: "NWS frames parsed into news items", to: news.framesAccepted)
        for (kind, count) in news.framesRejected {
            advance("sokbo_news_frames_rejected_total", labels: [("kind", kind)], help: "Malformed NWS frames by kind", to: count)
        }
        advance("sokbo_news_reconnects_total", help: "News socket reconnects", to: news.reconnects)
        advance("sokbo_orders_sent_total", help: "Orders sent to the broker", to: engine.counters.ordersSent)
        advance("sokbo_fills_total", help: "Fills applied to orders", to: engine.counters.fills)
        advance("sokbo_exits_sent_total", help: "Exit sells sent", to: engine.counters.exitsSent)
        advance("sokbo_entry_timeouts_total", help: "Entries whose unfilled rest was cancelled for their timeout", to: engine.counters.entryTimeouts)
        registry.makeGauge(descriptor: .named("sokbo_open_positions", "Open positions")).set(Double(engine.positions))
        registry.makeGauge(descriptor: .named("sokbo_pnl_today_won", "Today's P&L, realised and unrealised"), labels: [("kind", "realised")])
            .set(Double(engine.pnl.realised))
        registry.makeGauge(descriptor: .named("sokbo_pnl_today_won", "Today's P&L, realised and unrealised"), labels: [("kind", "unrealised")])
            .set(Double(engine.pnl.unrealised))
        for (state, count) in engine.counters.byState {
            registry.makeGauge(descriptor: .named("sokbo_orders", "Today's orders by state"), labels: [("state", state)]).set(Double(count))
        }
        if let p99 = engine.newsToOrder.p99 {
            registry.makeGauge(descriptor: .named("sokbo_news_to_order_p99_seconds", "News-to-order latency, 99th percentile")).set(p99 / 1000)
        }
        if let p99 = engine.tickToExit.p99 {
            registry.makeGauge(descriptor: .named("sokbo_tick_to_exit_p99_seconds", "Tick-to-exit latency (quote frame read to the sell leaving), 99th percentile"))
                .set(p99 / 1000)
        }
        for (table, depth) in buffer.depth {
            registry.makeGauge(descriptor: .named("sokbo_buffer_depth", "Rows waiting in the buffer"), labels: [("table", table)]).set(Double(depth))
        }
        registry.makeGauge(descriptor: .named("sokbo_buffer_spilled_rows", "Rows waiting in the spill file")).set(Double(flush.spilledRows))
        counters.advance(registry.makeCounter(descriptor: .named("sokbo_flush_rows_total", "Rows written by the flush service")),
                         key: "flush_rows", to: flush.rowsWritten)
        counters.advance(registry.makeCounter(descriptor: .named("sokbo_flush_rejected_rows_total", "Rows the database refused for their values, set aside")),
                         key: "flush_rejected_rows", to: flush.rejectedRows)
        registry.makeGauge(descriptor: .named("sokbo_flush_consecutive_failures", "Flush failures in a row")).set(Double(flush.consecutiveFailures))
        if let last = flush.lastFlush {
            registry.makeGauge(descriptor: .named("sokbo_flush_last_duration_seconds", "Duration of the last successful flush")).set(last.durationMs / 1000)
        }
        return registry.emitToString()
    }

    /// Active/standby: the role (1 on the current one), the epoch, the lease's age and takeovers made.
    private func renderHA(_ ha: HANode.Status) {
        for role in ["starting", "standby", "takeover", "active", "demoted"] {
            registry.makeGauge(descriptor: .named("sokbo_ha_role", "This node's role (1 on the current one)"), labels: [("role", role)])
                .set(Double(ha.role == role ? 1 : 0))
        }
        registry.makeGauge(descriptor: .named("sokbo_ha_epoch", "The lease's epoch as last seen")).set(Double(ha.epoch))
        if let age = ha.leaseAgeMs {
            registry.makeGauge(descriptor: .named("sokbo_ha_lease_age_seconds", "Seconds since the lease was last renewed")).set(Double(age) / 1000)
        }
        if let takeover = ha.lastTakeover {
            registry.makeGauge(descriptor: .named("sokbo_ha_last_takeover_epoch", "Epoch of this node's last takeover"), labels: [("cause", takeover.cause)])
                .set(Double(takeover.epoch))
            registry.makeGauge(descriptor: .named("sokbo_ha_last_takeover_timestamp_seconds", "When this node last took over"))
                .set(takeover.at.timeIntervalSince1970)
        }
    }

    /// Records one flush (called by the flush service's observer).
    func recordFlush(_ report: FlushService.Report) {
        registry.makeDurationHistogram(descriptor: .named("sokbo_flush_duration_seconds", "Flush duration"), buckets: [
            .milliseconds(1), .milliseconds(5), .milliseconds(25), .milliseconds(100), .milliseconds(500), .seconds(2), .seconds(10),
        ]).recordNanoseconds(Int64(report.durationMs * 1_000_000))
        if report.error != nil {
            registry.makeCounter(descriptor: .named("sokbo_flush_failures_total", "Failed flushes")).increment()
        }
    }

    /// Feeds a monotonic figure from a snapshot into a counter by its increase since the last scrape.
    func advance(_ name: String, labels: [(String, String)] = [], help: String, to value: Int) {
        let key = ([name] + labels.map { "\($0.0)=\($0.1)" }).joined(separator: ",")
        counters.advance(registry.makeCounter(descriptor: .named(name, help), labels: labels), key: key, to: value)
    }
}

/// Last values seen for snapshot-derived counters.
private final class SnapshotCounters: Sendable {
    private let last = Mutex([String: Int]())

    func advance(_ counter: Counter, key: String, to value: Int) {
        let delta = last.withLock { seen -> Int in
            let previous = seen[key] ?? 0
            seen[key] = max(previous, value)
            return max(0, value - previous)
        }
        if delta > 0 { counter.increment(by: Int64(delta)) }
    }
}
