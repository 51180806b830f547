import Foundation
import SokboCore

/// The broker as a node in active/standby sees it: every call goes through only while the node may act
/// (`HANode.maySend`). A standby or a demoted node makes no venue request at all — no token, no query, no
/// order — so it spends none of the appkey's budget; an order refused here was never sent.
///
/// An active whose deadline passed between its fenced commit and the send (a pause, a slow database) sends
/// nothing: checked here, and again by the Kiwoom client right before the request is written
/// (`KiwoomConfiguration.requestGate`), after the token and the pacing slot, which can take seconds.
public struct LeaseGatedBroker: Broker {
    /// The venue's broker.
    public let inner: any Broker
    let node: HANode

    /// Wraps `inner` behind `node`'s lease.
    public init(_ inner: any Broker, node: HANode) {
        self.inner = inner
        self.node = node
    }

    private func refusal() -> String? {
        node.maySend() ? nil : (node.standbyAnswer() ?? "this node does not hold the lease")
    }

    private func check() throws {
        if let why = refusal() { throw BrokerError(.unavailable, code: "HA", message: why, isRetryable: true) }
    }

    /// Gated.
    public func snapshot(_ ticker: Ticker) async throws -> StockSnapshot {
        try check()
        return try await inner.snapshot(ticker)
    }

    /// Gated.
    public func entrySnapshot(_ ticker: Ticker) async throws -> EntrySnapshot {
        try check()
        return try await inner.entrySnapshot(ticker)
    }

    /// Refused unsent (`rejected`, code `HA`) unless the node may act at this instant.
    public func submit(_ order: OrderRequest) async -> OrderSubmission {
        if let why = refusal() { return .rejected(code: "HA", message: "not sent: \(why)") }
        return await inner.submit(order)
    }

    /// Gated like `submit`.
    public func cancel(_ request: CancelRequest) async -> OrderSubmission {
        if let why = refusal() { return .rejected(code: "HA", message: "not sent: \(why)") }
        return await inner.cancel(request)
    }

    /// Gated.
    public func openOrdersAndFills(_ ticker: Ticker?) async throws -> [BrokerOrder] {
        try check()
        return try await inner.openOrdersAndFills(ticker)
    }

    /// Gated.
    public func account() async throws -> AccountSnapshot {
        try check()
        return try await inner.account()
    }

    /// Gated.
    public func chart(_ ticker: Ticker, interval: CandleInterval, from: Date?, to: Date?) async throws -> [Candle] {
        try check()
        return try await inner.chart(ticker, interval: interval, from: from, to: to)
    }

    /// The venue's pushes (only an active node's realtime service feeds them).
    public func pushes() -> AsyncStream<BrokerPush> { inner.pushes() }

    /// Passed through (the realtime service is the active's only).
    public func watch(_ tickers: Set<Ticker>) async { await inner.watch(tickers) }

    /// Passed through.
    public var accountFeedConnected: Bool { inner.accountFeedConnected }

    /// Gated.
    public func fills(_ ticker: Ticker?) async throws -> [BrokerExecution] {
        try check()
        return try await inner.fills(ticker)
    }
}
