import Foundation
import SokboCore

/// Reads pushed realtime items into venue-neutral pushes (`kiwoom-rest.md` §8.5), one item at a time: `00`
/// 주문체결 → `.execution`, `04` 현물잔고 → `.holding`, `1h` VI발동/해제 → `.halt`, `0B`/`0D` → `.quote`. An item
/// of another type is not a push (nil, `.ignored`); an item of these types that cannot be read is `.malformed`
/// (counted by the caller, never a crash).
public enum KiwoomPushDecoder {
    /// What one item gave.
    public enum Outcome: Sendable, Equatable {
        /// A push.
        case push(BrokerPush)
        /// A type this decoder does not turn into pushes.
        case ignored
        /// One of its types, unreadable (the reason says which field).
        case malformed(String)
    }

    /// Decodes one item; `lastPrice` gives the live last price of a code (a `0D` book carries none), `now`
    /// stamps quotes whose time cannot be read.
    public static func decode(_ item: KiwoomRealtimeFrame.Item, lastPrice: (String) -> Int? = { _ in nil }, now: Date = Date()) -> Outcome {
        switch item.type {
        case "00": execution(item.values).map { Outcome.push(.execution($0)) } ?? .malformed("00 without a readable 9203/9001/913")
        case "04": holding(item.values).map { Outcome.push(.holding($0)) } ?? .malformed("04 without a readable 9001/930")
        case "1h": halt(item).map { Outcome.push(.halt($0.0, $0.1)) } ?? .malformed("1h without a readable stock")
        case "0B", "0D": quote(item, lastPrice: lastPrice, now: now).map { Outcome.push(.quote($0)) } ?? .malformed("\(item.type) without a readable price")
        default: .ignored
        }
    }

    /// `00`: order number 9203, stock 9001, status 913 (접수/체결/확인/취소/거부, matched by containment), side 907
    /// (`1` sell, `2` buy; else 905 `"+매수"`/`"-매도"`), quantities 900/902, price 901, execution 909/910/911, time
    /// 908, original order 904, refusal reason 919. `cumulativeQuantity` is 900 − 902 for 접수 and 체결; for 확인,
    /// 취소 and 거부 the venue sends no filled count and it is 0 (count fills from the 체결 reports).
    public static func execution(_ v: [String: String]) -> BrokerExecution? {
        guard let number = KiwoomValue.text(v["9203"]), let ticker = v["9001"].flatMap(Ticker.init(venueCode:)),
              let status = status(v["913"]) else { return nil }
        let quantity = KiwoomValue.signedInt(v["900"]).map(abs) ?? 0
        let open = KiwoomValue.signedInt(v["902"]).map(abs) ?? 0
        let executed = KiwoomValue.signedInt(v["911"]).map(abs).flatMap { $0 > 0 ? $0 : nil }
        let original = KiwoomValue.text(v["904"]).flatMap { Int($0) == 0 ? nil : $0 }
        return BrokerExecution(
            brokerOrderNo: number, originalOrderNo: original, ticker: ticker, side: side(v["907"], v["905"]), status: status,
            orderQuantity: quantity, orderPrice: KiwoomValue.price(v["901"]) ?? 0, openQuantity: open,
            cumulativeQuantity: status == .received || status == .filled ? max(0, quantity - open) : 0,
            executionID: status == .filled ? KiwoomValue.text(v["909"]) : nil,
            executionPrice: status == .filled ? KiwoomValue.price(v["910"]).flatMap { $0 > 0 ? $0 : nil } : nil,
            executionQuantity: status == .filled ? executed : nil,
            time: KiwoomValue.text(v["908"]) ?? "", reason: KiwoomValue.text(v["919"]))
    }

    /// `04`: stock 9001, held 930, average price 931, orderable 933.
    public static func holding(_ v: [String: String]) -> BrokerHolding? {
        guard let ticker = v["9001"].flatMap(Ticker.init(venueCode:)), let quantity = KiwoomValue.signedInt(v["930"]) else { return nil }
        return BrokerHolding(ticker: ticker, quantity: abs(quantity), averagePrice: KiwoomValue.price(v["931"]) ?? 0,
                             sellableQuantity: KiwoomValue.signedInt(v["933"]).map(abs) ?? abs(quantity))
    }

    /// `1h`: the stock (9001, else the item) and whether a VI began. 9068 `1` is 발동 and `2` 해제, as public
    /// clients read it (the guide's example gives no value table); with any other 9068, a filled 1224 (VI해제시각)
    /// means 해제.
    public static func halt(_ item: KiwoomRealtimeFrame.Item) -> (Ticker, Bool)? {
        guard let ticker = item.values["9001"].flatMap(Ticker.init(venueCode:)) ?? Ticker(venueCode: item.item) else { return nil }
        switch KiwoomValue.text(item.values["9068"]) {
        case "1": return (ticker, true)
        case "2": return (ticker, false)
        default:
            let released = KiwoomValue.text(item.values["1224"]).map { Int($0) != 0 } ?? false
            return (ticker, !released)
        }
    }

    /// `0B` (last price 10, best ask 27, best bid 28, time 20) or `0D` (best ask 41, best bid 51, time 21, with the
    /// last price from `lastPrice`).
    public static func quote(_ item: KiwoomRealtimeFrame.Item, lastPrice: (String) -> Int?, now: Date) -> QuoteTick? {
        guard let ticker = Ticker(venueCode: item.item) else { return nil }
        let v = item.values
        let positive = { (raw: String?) in KiwoomValue.price(raw).flatMap { $0 > 0 ? $0 : nil } }
        if item.type == "0B" {
            guard let price = positive(v["10"]) else { return nil }
            return QuoteTick(ticker: ticker, price: price, bestBid: positive(v["28"]), bestAsk: positive(v["27"]), at: stamp(v["20"], now: now))
        }
        guard let price = lastPrice(ticker.code) else { return nil }
        return QuoteTick(ticker: ticker, price: price, bestBid: positive(v["51"]), bestAsk: positive(v["41"]), at: stamp(v["21"], now: now))
    }

    /// 913 by containment; nil when none of the five.
    static func status(_ raw: String?) -> ExecutionStatus? {
        guard let raw else { return nil }
        if raw.contains("체결") { return .filled }
        if raw.contains("접수") { return .received }
        if raw.contains("확인") { return .confirmed }
        if raw.contains("취소") { return .cancelled }
        if raw.contains("거부") { return .rejected }
        return nil
    }

    static func side(_ code: String?, _ name: String?) -> OrderSide? {
        switch KiwoomValue.text(code) {
        case "1": return .sell
        case "2": return .buy
        default:
            guard let name else { return nil }
            return name.contains("매도") ? .sell : name.contains("매수") ? .buy : nil
        }
    }

    /// `HHMMSS` today (KST) when readable, else `now`.
    static func stamp(_ raw: String?, now: Date) -> Date {
        guard let raw = KiwoomValue.text(raw), raw.count == 6 else { return now }
        return KST.date(yyyymmdd: KST.dayString(now), hhmmss: raw) ?? now
    }
}
