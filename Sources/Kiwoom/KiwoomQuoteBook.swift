import Foundation
import SokboCore
import Synchronization

/// Live prices and books of the watched stocks, kept current by the realtime WebSocket (`0B` 주식체결,
/// `0D` 호가잔량) so an order can be sized without a round trip.
///
/// A quote is only served while the socket that fed it is up: every quote is dropped when the
/// connection is lost, so nothing older than the last gap is ever used. A quote may be seeded from a
/// REST snapshot taken after the subscription, unless a push for that stock arrived meanwhile (the push
/// is newer).
public final class KiwoomQuoteBook: Sendable {
    /// What is known live about one stock.
    public struct Quote: Sendable, Equatable {
        /// The last traded price (`0B` FID 10), won.
        public var lastPrice: Int?
        /// The ten-level book (`0D`).
        public var book: OrderBook?
        /// When it last changed.
        public var updatedAt: Date
        /// How many pushes built it (0 when only seeded from REST).
        public var pushes: Int
    }

    private struct State {
        var live = false
        var quotes: [String: Quote] = [:]
        var applied = 0
        var ignored = 0
    }

    private let state = Mutex(State())

    /// Creates an empty book (not live until `connectionOpened`).
    public init() {}

    /// The socket is subscribed: pushes may now be trusted.
    public func connectionOpened() {
        state.withLock { $0.live = true; $0.quotes.removeAll() }
    }

    /// The socket is gone: every quote is dropped until pushes rebuild them.
    public func connectionLost() {
        state.withLock { $0.live = false; $0.quotes.removeAll() }
    }

    /// A usable quote (live, with a last price and a book), or nil.
    public func quote(_ ticker: Ticker) -> Quote? {
        state.withLock { s in
            guard s.live, let q = s.quotes[ticker.code], q.lastPrice != nil, q.book != nil else { return nil }
            return q
        }
    }

    /// The live last price of a code (`0B` FID 10), while the socket is up.
    public func lastPrice(_ code: String) -> Int? {
        state.withLock { s in s.live ? s.quotes[code]?.lastPrice : nil }
    }

    /// Counts for status: usable quotes (a price and a book), items applied, items ignored (other types,
    /// unknown codes, bad values), and whether the socket is subscribed.
    public func counts() -> (quotes: Int, applied: Int, ignored: Int, live: Bool) {
        state.withLock { s in
            (s.quotes.values.count { $0.lastPrice != nil && $0.book != nil }, s.applied, s.ignored, s.live)
        }
    }

    /// Applies pushed items; returns how many changed a quote.
    @discardableResult
    public func apply(_ items: [KiwoomRealtimeFrame.Item], at now: Date = Date()) -> Int {
        state.withLock { s in
            var changed = 0
            for item in items {
                guard s.live, let code = Self.code(item.item) else { s.ignored += 1; continue }
                var quote = s.quotes[code] ?? Quote(lastPrice: nil, book: nil, updatedAt: now, pushes: 0)
                switch item.type {
                case "0B":
                    guard let price = KiwoomValue.price(item.values["10"]), price > 0 else { s.ignored += 1; continue }
                    quote.lastPrice = price
                case "0D":
                    guard let book = Self.book(item.values) else { s.ignored += 1; continue }
                    quote.book = book
                default:
                    s.ignored += 1
                    continue
                }
                quote.updatedAt = now
                quote.pushes += 1
                s.quotes[code] = quote
                s.applied += 1
                changed += 1
            }
            return changed
        }
    }

    /// Seeds a stock from a REST snapshot requested at `requestedAt`, unless a push arrived since then.
    public func seed(_ snapshot: StockSnapshot, requestedAt: Date) {
        guard let book = snapshot.book else { return }
        state.withLock { s in
            guard s.live else { return }
            if let existing = s.quotes[snapshot.ticker.code], existing.pushes > 0, existing.updatedAt >= requestedAt { return }
            var quote = s.quotes[snapshot.ticker.code] ?? Quote(lastPrice: nil, book: nil, updatedAt: snapshot.asOf, pushes: 0)
            if quote.pushes == 0 || quote.lastPrice == nil { quote.lastPrice = snapshot.price }
            if quote.pushes == 0 || quote.book == nil { quote.book = book }
            s.quotes[snapshot.ticker.code] = quote
        }
    }

    /// `0D` values → a book: ask prices FID 41–50 with quantities 61–70, bid prices 51–60 with 71–80,
    /// totals 121 (ask) and 125 (bid), time 21. Prices lose their sign; empty levels are dropped.
    static func book(_ v: [String: String]) -> OrderBook? {
        func levels(prices: Int, quantities: Int) -> [BookLevel] {
            (0..<10).compactMap { n in
                guard let p = KiwoomValue.price(v[String(prices + n)]), p > 0 else { return nil }
                return BookLevel(price: p, quantity: KiwoomValue.signedInt(v[String(quantities + n)]).map(abs) ?? 0)
            }
        }
        let asks = levels(prices: 41, quantities: 61)
        let bids = levels(prices: 51, quantities: 71)
        guard !asks.isEmpty || !bids.isEmpty else { return nil }
        return OrderBook(asks: asks, bids: bids,
                         totalAskQuantity: KiwoomValue.signedInt(v["121"]).map(abs) ?? asks.reduce(0) { $0 + $1.quantity },
                         totalBidQuantity: KiwoomValue.signedInt(v["125"]).map(abs) ?? bids.reduce(0) { $0 + $1.quantity },
                         time: KiwoomValue.text(v["21"]))
    }

    /// `005930`, `005930_NX`, `005930_AL` → `005930`; anything else → nil.
    static func code(_ raw: String) -> String? {
        var code = Substring(raw)
        if code.hasSuffix("_NX") || code.hasSuffix("_AL") { code = code.dropLast(3) }
        return Ticker(String(code))?.code
    }
}
