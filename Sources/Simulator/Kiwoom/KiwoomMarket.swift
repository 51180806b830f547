import Foundation
import SokboCore

/// The simulated market behind the Kiwoom simulator: ~30 real KRX stocks walking on the tick grid within
/// their daily limits, a ten-level book around the last price, orders filling against it, and one account
/// whose cash and positions the account TRs report. A value type, mutated under the simulator's lock.
struct KiwoomMarket: Sendable {
    /// A listed stock (name and a realistic base price, i.e. the previous close).
    struct Listing: Sendable {
        let code: String
        let name: String
        let basePrice: Int
        let marginRate: Int
        let market: String
    }

    /// The universe: real KRX codes and names, base prices near recent levels.
    static let universe: [Listing] = [
        .init(code: "005930", name: "삼성전자", basePrice: 70_000, marginRate: 20, market: "거래소"),
        .init(code: "000660", name: "SK하이닉스", basePrice: 200_000, marginRate: 20, market: "거래소"),
        .init(code: "373220", name: "LG에너지솔루션", basePrice: 350_000, marginRate: 30, market: "거래소"),
        .init(code: "207940", name: "삼성바이오로직스", basePrice: 950_000, marginRate: 30, market: "거래소"),
        .init(code: "005380", name: "현대차", basePrice: 210_000, marginRate: 20, market: "거래소"),
        .init(code: "000270", name: "기아", basePrice: 95_000, marginRate: 20, market: "거래소"),
        .init(code: "068270", name: "셀트리온", basePrice: 180_000, marginRate: 30, market: "거래소"),
        .init(code: "005490", name: "POSCO홀딩스", basePrice: 300_000, marginRate: 30, market: "거래소"),
        .init(code: "035420", name: "NAVER", basePrice: 190_000, marginRate: 30, market: "거래소"),
        .init(code: "035720", name: "카카오", basePrice: 40_000, marginRate: 30, market: "거래소"),
        .init(code: "051910", name: "LG화학", basePrice: 300_000, marginRate: 30, market: "거래소"),
        .init(code: "006400", name: "삼성SDI", basePrice: 250_000, marginRate: 30, market: "거래소"),
        .init(code: "105560", name: "KB금융", basePrice: 80_000, marginRate: 20, market: "거래소"),
        .init(code: "055550", name: "신한지주", basePrice: 50_000, marginRate: 20, market: "거래소"),
        .init(code: "012330", name: "현대모비스", basePrice: 230_000, marginRate: 20, market: "거래소"),
        .init(code: "028260", name: "삼성물산", basePrice: 130_000, marginRate: 30, market: "거래소"),
        .init(code: "066570", name: "LG전자", basePrice: 90_000, marginRate: 30, market: "거래소"),
        .init(code: "003550", name: "LG", basePrice: 75_000, marginRate: 30, market: "거래소"),
        .init(code: "096770", name: "SK이노베이션", basePrice: 110_000, marginRate: 40, market: "거래소"),
        .init(code: "034730", name: "SK", basePrice: 150_000, marginRate: 30, market: "거래소"),
        .init(code: "017670", name: "SK텔레콤", basePrice: 52_000, marginRate: 20, market: "거래소"),
        .init(code: "030200", name: "KT", basePrice: 40_000, marginRate: 20, market: "거래소"),
        .init(code: "032830", name: "삼성생명", basePrice: 85_000, marginRate: 30, market: "거래소"),
        .init(code: "086790", name: "하나금융지주", basePrice: 60_000, marginRate: 20, market: "거래소"),
        .init(code: "316140", name: "우리금융지주", basePrice: 15_000, marginRate: 20, market: "거래소"),
        .init(code: "010130", name: "고려아연", basePrice: 800_000, marginRate: 40, market: "거래소"),
        .init(code: "009150", name: "삼성전기", basePrice: 130_000, marginRate: 30, market: "거래소"),
        .init(code: "018260", name: "삼성에스디에스", basePrice: 150_000, marginRate: 30, market: "거래소"),
        .init(code: "011200", name: "HMM", basePrice: 18_000, marginRate: 40, market: "거래소"),
        .init(code: "247540", name: "에코프로비엠", basePrice: 150_000, marginRate: 40, market: "코스닥"),
        .init(code: "086520", name: "에코프로", basePrice: 80_000, marginRate: 40, market: "코스닥"),
    ]

    /// Today's state of one stock.
    struct Quote: Sendable {
        let listing: Listing
        let limits: DailyLimits
        var price: Int
        var open: Int
        var high: Int
        var low: Int
        var volume: Int
        /// Quantity already taken from a book level at a price (reset when the price moves).
        var consumed: [Int: Int] = [:]
    }

    /// An order resting on or passing through the book.
    struct Order: Sendable {
        let number: String
        let originalNumber: String
        let code: String
        let side: OrderSide
        var quantity: Int
        var price: Int
        var open: Int
        var filled: Int
        var filledAmount: Int
        var lastFillPrice: Int
        let time: String
        var isMarket: Bool
    }

    /// A holding.
    struct Holding: Sendable {
        var quantity = 0
        var cost = 0
        var boughtToday = 0
        var soldToday = 0
    }

    let seed: UInt64
    var rng: SimRandom
    var quotes: [String: Quote] = [:]
    var orders: [Order] = []
    var nextOrderNumber = 1
    var cash: Int
    var holdings: [String: Holding] = [:]
    var dailyHistory: [String: [DailyRow]] = [:]

    /// One generated daily candle.
    struct DailyRow: Sendable {
        let date: String
        let open: Int, high: Int, low: Int, close: Int, volume: Int
        let previousClose: Int
    }

    init(seed: UInt64, startingCash: Int) {
        self.seed = seed
        self.rng = SimRandom(seed: seed)
        self.cash = startingCash
        for listing in Self.universe {
            let limits = KRXTick.dailyLimits(basePrice: listing.basePrice) ?? DailyLimits(upper: listing.basePrice, lower: listing.basePrice)
            // Open within ±3 % of the base price, on the grid.
            let drift = Double(Int(rng.next() % 601) - 300) / 10_000
            let open = Self.clampToGrid(Int(Double(listing.basePrice) * (1 + drift)), limits: limits)
            quotes[listing.code] = Quote(listing: listing, limits: limits, price: open, open: open, high: open, low: open,
                                         volume: 100_000 + Int(rng.next() % 900_000))
        }
    }

    static func clampToGrid(_ price: Int, limits: DailyLimits) -> Int {
        let p = KRXTick.roundDown(max(price, 1)) ?? 1
        return min(max(p, limits.lower), limits.upper)
    }

    /// The code without an `_NX`/`_AL` suffix, when listed.
    static func listedCode(_ raw: String) -> String? {
        var code = raw
        if code.hasSuffix("_NX") || code.hasSuffix("_AL") { code.removeLast(3) }
        return universe.contains { $0.code == code } ? code : nil
    }

    // MARK: - Price walk

    /// Moves a stock's price by up to two ticks (or not at all), within its limits, then fills any
    /// resting orders the new book crosses.
    mutating func step(_ code: String, now: String) {
        guard var q = quotes[code] else { return }
        let r = Int(rng.next() % 5) - 2
        var p = q.price
        if r > 0 { p = KRXTick.up(from: p, ticks: r) } else if r < 0 { p = KRXTick.down(from: p, ticks: -r) }
        p = min(max(p, q.limits.lower), q.limits.upper)
        if p != q.price {
            q.price = p
            q.consumed = [:]
        }
        q.high = max(q.high, p)
        q.low = min(q.low, p)
        q.volume += Int(rng.next() % 5_000)
        quotes[code] = q
        matchResting(code)
    }

    /// What a realtime push depends on: it changes whenever the price, the volume or the book does.
    struct Signature: Equatable, Sendable {
        let price: Int
        let volume: Int
        let consumed: Int
    }

    /// The current signature of a stock.
    func signature(_ code: String) -> Signature {
        guard let q = quotes[code] else { return Signature(price: 0, volume: 0, consumed: 0) }
        return Signature(price: q.price, volume: q.volume, consumed: q.consumed.values.reduce(0, +))
    }

    // MARK: - Book

    /// Best ask is one tick above the last price, best bid the last price; levels outside the limits are empty.
    func book(_ code: String) -> (asks: [(Int, Int)], bids: [(Int, Int)]) {
        guard let q = quotes[code] else { return ([], []) }
        var asks: [(Int, Int)] = []
        var bids: [(Int, Int)] = []
        for n in 1...10 {
            let ask = KRXTick.up(from: q.price, ticks: n)
            asks.append(ask <= q.limits.upper ? (ask, levelQuantity(code, ask, q)) : (0, 0))
            let bid = n == 1 ? q.price : KRXTick.down(from: q.price, ticks: n - 1)
            bids.append(bid >= q.limits.lower && bid > 0 ? (bid, levelQuantity(code, bid, q)) : (0, 0))
        }
        return (asks, bids)
    }

    func levelQuantity(_ code: String, _ price: Int, _ q: Quote) -> Int {
        // Cheaper stocks rest in larger sizes; deterministic per price so the book is stable between steps.
        let scale = max(1, 2_000_000 / max(price, 1))
        let base = Int(SimRandom.hash([code, String(price)], seed: seed) % 40 + 5) * scale / 10 + 1
        return max(0, base - (q.consumed[price] ?? 0))
    }

    // MARK: - Orders

    enum OrderError: Error {
        case offGrid, outsideLimits, insufficientCash, insufficientShares, unknownOriginal
    }

    mutating func place(code: String, side: OrderSide, quantity: Int, price: Int?, time: String) throws -> String {
        guard let q = quotes[code] else { throw OrderError.unknownOriginal }
        if let price {
            guard KRXTick.isOnGrid(price) else { throw OrderError.offGrid }
            guard q.limits.contains(price) else { throw OrderError.outsideLimits }
        }
        let reference = price ?? q.limits.upper
        switch side {
        case .buy:
            guard reference * quantity <= orderableCash else { throw OrderError.insufficientCash }
        case .sell:
            guard quantity <= sellable(code) else { throw OrderError.insufficientShares }
        }
        let number = takeOrderNumber()
        orders.append(Order(number: number, originalNumber: "0000000", code: code, side: side, quantity: quantity,
                            price: price ?? 0, open: quantity, filled: 0, filledAmount: 0, lastFillPrice: 0,
                            time: time, isMarket: price == nil))
        match(orders.count - 1)
        return number
    }

    mutating func cancel(original: String, quantity: Int) throws -> (number: String, cancelled: Int) {
        guard let i = orders.firstIndex(where: { $0.number == original && $0.open > 0 }) else { throw OrderError.unknownOriginal }
        let n = quantity == 0 ? orders[i].open : min(quantity, orders[i].open)
        orders[i].open -= n
        return (takeOrderNumber(), n)
    }

    mutating func modify(original: String, quantity: Int, price: Int, time: String) throws -> String {
        guard let i = orders.firstIndex(where: { $0.number == original && $0.open > 0 }) else { throw OrderError.unknownOriginal }
        guard KRXTick.isOnGrid(price) else { throw OrderError.offGrid }
        guard let q = quotes[orders[i].code], q.limits.contains(price) else { throw OrderError.outsideLimits }
        let moved = min(quantity, orders[i].open)
        orders[i].open -= moved
        let number = takeOrderNumber()
        let old = orders[i]
        orders.append(Order(number: number, originalNumber: original, code: old.code, side: old.side, quantity: moved,
                            price: price, open: moved, filled: 0, filledAmount: 0, lastFillPrice: 0, time: time, isMarket: false))
        match(orders.count - 1)
        return number
    }

    mutating func takeOrderNumber() -> String {
        defer { nextOrderNumber += 1 }
        let s = String(nextOrderNumber)
        return String(repeating: "0", count: max(0, 7 - s.count)) + s
    }

    var reservedCash: Int {
        orders.filter { $0.side == .buy && $0.open > 0 }.reduce(0) { $0 + $1.open * $1.price }
    }

    var orderableCash: Int { cash - reservedCash }

    func sellable(_ code: String) -> Int {
        let held = holdings[code]?.quantity ?? 0
        let pending = orders.filter { $0.code == code && $0.side == .sell && $0.open > 0 }.reduce(0) { $0 + $1.open }
        return held - pending
    }

    mutating func matchResting(_ code: String) {
        for i in orders.indices where orders[i].code == code && orders[i].open > 0 { match(i) }
    }

    /// Fills an order against the opposite side of the book, level by level, up to its limit.
    /// A market order takes whatever the ten levels hold and rests the remainder at the limit price.
    mutating func match(_ i: Int) {
        let code = orders[i].code
        guard var q = quotes[code] else { return }
        let levels = orders[i].side == .buy ? book(code).asks : book(code).bids
        for (price, available) in levels where price > 0 && available > 0 && orders[i].open > 0 {
            if !orders[i].isMarket {
                if orders[i].side == .buy && price > orders[i].price { break }
                if orders[i].side == .sell && price < orders[i].price { break }
            }
            let n = min(available, orders[i].open)
            orders[i].open -= n
            orders[i].filled += n
            orders[i].filledAmount += n * price
            orders[i].lastFillPrice = price
            q.consumed[price, default: 0] += n
            q.volume += n
            var h = holdings[code] ?? Holding()
            if orders[i].side == .buy {
                cash -= n * price
                h.quantity += n
                h.cost += n * price
                h.boughtToday += n
            } else {
                cash += n * price
                let avg = h.quantity > 0 ? h.cost / h.quantity : 0
                h.quantity -= n
                h.cost -= avg * n
                h.soldToday += n
            }
            holdings[code] = h
        }
        quotes[code] = q
        if orders[i].isMarket && orders[i].open > 0 {
            // The remainder of a market order rests at the limit price on its side.
            orders[i].isMarket = false
            orders[i].price = orders[i].side == .buy ? q.limits.upper : q.limits.lower
        }
    }

    // MARK: - History

    /// Business days (Mon–Fri) ending at `day` (inclusive), newest first.
    static func businessDays(endingAt day: Date, count: Int) -> [Date] {
        var days: [Date] = []
        var d = day
        while days.count < count {
            let weekday = KST.calendar.component(.weekday, from: d)
            if weekday != 1 && weekday != 7 { days.append(d) }
            d = d.addingTimeInterval(-86_400)
        }
        return days
    }

    /// The daily history of a stock, newest first, ending today with the live quote; generated once.
    mutating func history(_ code: String, days: Int, today: Date) -> [DailyRow] {
        guard let q = quotes[code] else { return [] }
        // The cache is checked before the calendar walk: ka10001 asks on every call.
        if let cached = dailyHistory[code], cached.count == days, cached.first?.date == KST.dayString(today) {
            var rows = cached
            rows[0] = DailyRow(date: rows[0].date, open: q.open, high: q.high, low: q.low, close: q.price, volume: q.volume,
                               previousClose: q.listing.basePrice)
            return rows
        }
        let dates = Self.businessDays(endingAt: today, count: days)
        var r = SimRandom(seed: SimRandom.hash([code, "daily"], seed: seed))
        var rows: [DailyRow] = []
        rows.append(DailyRow(date: KST.dayString(dates[0]), open: q.open, high: q.high, low: q.low, close: q.price,
                             volume: q.volume, previousClose: q.listing.basePrice))
        var close = q.listing.basePrice
        for date in dates.dropFirst() {
            let change = Double(Int(r.next() % 801) - 400) / 10_000
            let previous = max(100, KRXTick.roundDown(Int(Double(close) / (1 + change))) ?? close)
            let lo = KRXTick.roundDown(Int(Double(min(close, previous)) * 0.99)) ?? close
            let hi = KRXTick.roundUp(Int(Double(max(close, previous)) * 1.01))
            rows.append(DailyRow(date: KST.dayString(date), open: previous, high: hi, low: lo, close: close,
                                 volume: 200_000 + Int(r.next() % 5_000_000), previousClose: previous))
            close = previous
        }
        dailyHistory[code] = rows
        return rows
    }
}
