import Foundation
import SokboCore
import Synchronization

/// A broker that records every call and answers from a script, for the engine's unit tests. Pushes are
/// what the test yields into `push(_:)`; nothing happens on its own.
actor ScriptedBroker: Broker {
    /// One call the engine made.
    enum Call: Sendable, Hashable {
        case snapshot(Ticker)
        case entrySnapshot(Ticker)
        case submit(OrderRequest)
        case cancel(CancelRequest)
        case openOrders(Ticker?)
        case account
        case fills(Ticker?)
        case watch(Set<Ticker>)
    }

    private(set) var calls: [Call] = []
    /// Answers to `submit`, in order; when empty, accepted with the next order number.
    var submitAnswers: [OrderSubmission] = []
    /// Answers to `cancel`, in order; when empty, accepted.
    var cancelAnswers: [OrderSubmission] = []
    /// What `openOrdersAndFills` returns.
    var openOrders: [BrokerOrder] = []
    /// What `account` returns (nil: it throws).
    var accountAnswer: AccountSnapshot? = AccountSnapshot(cash: 100_000_000, orderableCash: 100_000_000, totalPurchase: 0,
                                                          totalValuation: 0, profitLoss: 0, estimatedAssets: 100_000_000, positions: [])
    /// What `fills` returns (nil: unsupported).
    var fillsAnswer: [BrokerExecution]?
    /// Snapshots by stock; others get `ScriptedBroker.snapshot(for:price:)` at 10,000 won.
    var snapshots: [Ticker: StockSnapshot] = [:]
    private var nextNumber = 1
    private let feed: AsyncStream<BrokerPush>
    private let feedInput: AsyncStream<BrokerPush>.Continuation
    private let connected = Mutex(false)

    init() { (feed, feedInput) = AsyncStream.makeStream() }

    // MARK: - Script

    func answerSubmits(_ answers: [OrderSubmission]) { submitAnswers = answers }
    func answerCancels(_ answers: [OrderSubmission]) { cancelAnswers = answers }
    func setOpenOrders(_ orders: [BrokerOrder]) { openOrders = orders }
    func setAccount(_ account: AccountSnapshot?) { accountAnswer = account }
    func setFills(_ fills: [BrokerExecution]?) { fillsAnswer = fills }
    func setSnapshot(_ snapshot: StockSnapshot) { snapshots[snapshot.ticker] = snapshot }
    /// Pushes something as the venue would.
    nonisolated func push(_ push: BrokerPush) {
        if case .feed(let up) = push { connected.withLock { $0 = up } }
        feedInput.yield(push)
    }
    /// Ends the push stream.
    nonisolated func finishPushes() { feedInput.finish() }
    func submits() -> [OrderRequest] { calls.compactMap { if case .submit(let r) = $0 { r } else { nil } } }
    func cancels() -> [CancelRequest] { calls.compactMap { if case .cancel(let r) = $0 { r } else { nil } } }

    // MARK: - Broker

    func snapshot(_ ticker: Ticker) async throws -> StockSnapshot {
        calls.append(.snapshot(ticker))
        return snapshots[ticker] ?? Self.snapshot(for: ticker, price: 10_000)
    }

    func entrySnapshot(_ ticker: Ticker) async throws -> EntrySnapshot {
        calls.append(.entrySnapshot(ticker))
        return EntrySnapshot(snapshot: snapshots[ticker] ?? Self.snapshot(for: ticker, price: 10_000), queries: 1)
    }

    func submit(_ order: OrderRequest) async -> OrderSubmission {
        calls.append(.submit(order))
        if !submitAnswers.isEmpty { return submitAnswers.removeFirst() }
        defer { nextNumber += 1 }
        return .accepted(brokerOrderNo: String(format: "%07d", nextNumber))
    }

    func cancel(_ request: CancelRequest) async -> OrderSubmission {
        calls.append(.cancel(request))
        if !cancelAnswers.isEmpty { return cancelAnswers.removeFirst() }
        defer { nextNumber += 1 }
        return .accepted(brokerOrderNo: String(format: "%07d", nextNumber))
    }

    func openOrdersAndFills(_ ticker: Ticker?) async throws -> [BrokerOrder] {
        calls.append(.openOrders(ticker))
        return openOrders.filter { ticker == nil || $0.ticker == ticker }
    }

    func account() async throws -> AccountSnapshot {
        calls.append(.account)
        guard let accountAnswer else { throw BrokerError(.unavailable, message: "scripted: no account") }
        return accountAnswer
    }

    func chart(_ ticker: Ticker, interval: CandleInterval, from: Date?, to: Date?) async throws -> [Candle] { [] }

    nonisolated func pushes() -> AsyncStream<BrokerPush> { feed }

    func watch(_ tickers: Set<Ticker>) async { calls.append(.watch(tickers)) }

    nonisolated var accountFeedConnected: Bool { connected.withLock { $0 } }

    func fills(_ ticker: Ticker?) async throws -> [BrokerExecution] {
        calls.append(.fills(ticker))
        guard let fillsAnswer else { throw BrokerError(.unsupported, message: "scripted: no fills") }
        return fillsAnswer.filter { ticker == nil || $0.ticker == ticker }
    }

    /// A snapshot at `price` with a one-tick book around it and ±30 % limits.
    static func snapshot(for ticker: Ticker, price: Int, halted: Bool = false) -> StockSnapshot {
        StockSnapshot(ticker: ticker, name: "scripted", price: price, basePrice: price, change: 0, changePercent: 0,
                      open: price, high: price, low: price, volume: 1_000,
                      limits: KRXTick.dailyLimits(basePrice: price) ?? DailyLimits(upper: price, lower: price),
                      halted: halted, marginRatePercent: 100,
                      book: OrderBook(asks: [BookLevel(price: price, quantity: 1_000)], bids: [BookLevel(price: price - KRXTick.size(at: price), quantity: 1_000)],
                                      totalAskQuantity: 1_000, totalBidQuantity: 1_000, time: nil),
                      missing: [], asOf: Date(), source: .rest)
    }
}
