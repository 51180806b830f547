import Foundation
import SokboCore

/// The simulated market behind the Kiwoom simulator: ~30 real KRX stocks walking on the tick grid within
/// their daily limits (with occasional larger jumps, news impulses that decay, and volatility interruptions),
/// a ten-level book around the last price, orders filling against it level by level (a large order fills over
/// several executions as levels are consumed and replenished), and one account whose cash and positions the
/// account TRs report. Every order event and fill is also queued as a realtime item (`00`, `04`, `1h`) for the
/// socket. A value type, mutated under the simulator's lock.
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
        /// A news impulse in progress.
        var impulse: Impulse?
        /// While a volatility interruption lasts: when it ends.
        var viUntil: Date?
        /// Volatility interruptions today.
        var viCount = 0
        /// News impulses started today.
        var impulses = 0
    }

    /// A news move: rises to `percent` of `anchor` over the rise time, then halves every half-life.
    struct Impulse: Sendable {
        let percent: Double
        let anchor: Int
        let start: Date
        /// The part of the move already added to the price, won.
        var applied: Int
    }

    /// How the market moves on its own (from the configuration).
    struct Motion: Sendable {
        var largeMoveChance = 0.02
        var viDuration: TimeInterval = 120
        var impulseRise: TimeInterval = 5
        var impulseHalfLife: TimeInterval = 120
    }

    /// One realtime item for the socket: `00`/`04` go to the account's sockets, `1h` to the stock's.
    struct RealtimeEvent: Sendable {
        let type: String
        let code: String
        let values: [String: String]
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
        /// Sent as a market order (its remainder may later rest at a limit: `isMarket` turns false).
        var isMarketOrder = false
    }

    /// A holding.
    struct Holding: Sendable {
        var quantity = 0
        var cost = 0
        var boughtToday = 0
        var soldToday = 0
        /// Realised profit of today's sells, won.
        var realised = 0
        /// What today's sold shares had cost, won.
        var soldCost = 0
    }

    let seed: UInt64
    var rng: SimRandom
    var quotes: [String: Quote] = [:]
    var orders: [Order] = []
    var nextOrderNumber = 1
    var cash: Int
    var holdings: [String: Holding] = [:]
    var dailyHistory: [String: [DailyRow]] = [:]
    /// Today's minute bars of each stock, from its walk (`KiwoomMarket+MinuteBars`).
    var minuteBars: [String: [MinuteBar]] = [:]
    var motion: Motion
    /// Realtime items not yet taken by the socket (oldest first, at most `eventsKept`).
    var events: [RealtimeEvent] = []
    var nextExecutionNumber = 1
    /// Reasons for the venue to refuse the next orders after taking them (`거부`, a test hook).
    var refusals: [String] = []
    /// Events kept when no socket drains them (the oldest go first).
    static let eventsKept = 10_000
    /// The simulated account number (`9201`).
    static let account = "8123456711"

    /// One generated daily candle.
    struct DailyRow: Sendable {
        let date: String
        let open: Int, high: Int, low: Int, close: Int, volume: Int
        let previousClose: Int
    }

    init(seed: UInt64, startingCash: Int, motion: Motion = Motion()) {
        self.seed = seed
        self.motion = motion
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

    /// Moves a stock's price by up to two ticks (or, now and then, by 3–8 at once), adds the part of a news
    /// impulse due by `now`, within its limits, then fills any resting orders the new book crosses. During a
    /// volatility interruption nothing trades; when it ends, resting orders are matched.
    mutating func step(_ code: String, at now: Date) {
        guard var q = quotes[code] else { return }
        let time = SimFormat.time(now)
        if let until = q.viUntil {
            guard now >= until else { return }
            q.viUntil = nil
            quotes[code] = q
            emitVI(code, started: false, at: now)
        }
        var p = q.price
        if Double(rng.next() % 10_000) < motion.largeMoveChance * 10_000 {
            let ticks = Int(rng.next() % 6) + 3
            p = rng.next() % 2 == 0 ? KRXTick.up(from: p, ticks: ticks) : KRXTick.down(from: p, ticks: ticks)
        } else {
            let r = Int(rng.next() % 5) - 2
            if r > 0 { p = KRXTick.up(from: p, ticks: r) } else if r < 0 { p = KRXTick.down(from: p, ticks: -r) }
        }
        if var impulse = q.impulse {
            let due = impulseOffset(impulse, at: now)
            p += due - impulse.applied
            impulse.applied = due
            let elapsed = now.timeIntervalSince(impulse.start)
            q.impulse = elapsed > motion.impulseRise + 10 * motion.impulseHalfLife ? nil : impulse
        }
        p = Self.clampToGrid(p, limits: q.limits)
        if p != q.price {
            q.price = p
            q.consumed = [:]
        }
        q.high = max(q.high, p)
        q.low = min(q.low, p)
        let traded = Int(rng.next() % 5_000)
        q.volume += traded
        quotes[code] = q
        recordPrint(code, price: p, volume: traded, at: now)
        matchResting(code, time: time)
    }

    /// The impulse's offset from its anchor due at `now`, won.
    func impulseOffset(_ impulse: Impulse, at now: Date) -> Int {
        let elapsed = max(0, now.timeIntervalSince(impulse.start))
        let rise = motion.impulseRise > 0 ? min(1, elapsed / motion.impulseRise) : 1
        let decay = pow(0.5, max(0, elapsed - motion.impulseRise) / max(motion.impulseHalfLife, 0.001))
        return Int(Double(impulse.anchor) * impulse.percent / 100 * rise * decay)
    }

    /// Starts a news impulse of `percent` on a stock (replacing one in progress, whose applied part stays).
    mutating func startImpulse(_ code: String, percent: Double, at now: Date) {
        guard let q = quotes[code] else { return }
        quotes[code]?.impulse = Impulse(percent: percent, anchor: q.price, start: now, applied: 0)
        quotes[code]?.impulses += 1
    }

    // MARK: - Volatility interruptions

    /// Starts a volatility interruption on a stock (nothing when one is on): `1h` 발동, no matching until it ends.
    mutating func startVI(_ code: String, at now: Date) {
        guard let q = quotes[code], q.viUntil == nil else { return }
        quotes[code]?.viUntil = now.addingTimeInterval(motion.viDuration)
        quotes[code]?.viCount += 1
        emitVI(code, started: true, at: now)
    }

    /// With probability `chance`, starts a VI on one of `codes` (picked with the seeded generator).
    mutating func maybeStartVI(among codes: [String], chance: Double, at now: Date) {
        guard !codes.isEmpty, chance > 0, Double(rng.next() % 1_000_000) < chance * 1_000_000 else { return }
        startVI(codes[Int(rng.next() % UInt64(codes.count))], at: now)
    }

    /// True while a stock is in a volatility interruption.
    func inVI(_ code: String) -> Bool { quotes[code]?.viUntil != nil }

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
                            time: time, isMarket: price == nil, isMarketOrder: price == nil))
        emit("00", code, orderValues(orders[orders.count - 1], status: "접수", time: time))
        if !refusals.isEmpty {
            // Refused after it was taken (as the exchange may refuse what the broker accepted): nothing rests.
            orders[orders.count - 1].open = 0
            var values = orderValues(orders[orders.count - 1], status: "거부", time: time)
            values["919"] = refusals.removeFirst()
            emit("00", code, values)
            return number
        }
        match(orders.count - 1, time: time)
        return number
    }

    mutating func cancel(original: String, quantity: Int, time: String) throws -> (number: String, cancelled: Int) {
        guard let i = orders.firstIndex(where: { $0.number == original && $0.open > 0 }) else { throw OrderError.unknownOriginal }
        let n = quantity == 0 ? orders[i].open : min(quantity, orders[i].open)
        orders[i].open -= n
        let number = takeOrderNumber()
        emitCancel(orders[i], number: number, cancelled: n, time: time)
        return (number, n)
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
        emitModify(orders[orders.count - 1], time: time)
        match(orders.count - 1, time: time)
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

    mutating func matchResting(_ code: String, time: String) {
        for i in orders.indices where orders[i].code == code && orders[i].open > 0 { match(i, time: time) }
    }

    /// Fills an order against the opposite side of the book, level by level, up to its limit.
    /// A market order takes whatever the ten levels hold and rests the remainder at the limit price. Each
    /// level taken is one execution (`00` 체결, then `04` with the new holding). Nothing matches during a VI.
    mutating func match(_ i: Int, time: String) {
        let code = orders[i].code
        guard var q = quotes[code], q.viUntil == nil else { return }
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
                h.cost = h.quantity > 0 ? h.cost - avg * n : 0
                h.soldToday += n
                h.realised += (price - avg) * n
                h.soldCost += avg * n
            }
            holdings[code] = h
            quotes[code] = q
            emit("00", code, orderValues(orders[i], status: "체결", time: time, execution: (takeExecutionNumber(), price, n)))
            emit("04", code, holdingValues(code))
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
