import Foundation
import SokboCore

/// The realtime items the market queues for the socket, in Kiwoom's FIDs (`kiwoom-rest.md` §8.5): `00`
/// 주문체결 on every order event, `04` 현물잔고 after every fill, `1h` VI발동/해제 at a VI's start and end.
///
/// Order life as pushed (consistent with the REST replies: the `ord_no` a reply carries is the `9203` pushed):
/// - an order (`kt10000`/`kt10001`): `접수` with `902` = its quantity, then one `체결` per book level taken
///   (`909` execution number, `910` price, `911` this execution's shares, `902` what is still open after it);
/// - a cancel (`kt10003`): `접수` then `확인` on the cancel's own number (`904` the original, `900` the shares
///   cancelled); when that leaves the original with nothing open, `취소` on the original (`902` 0). The live
///   venue's exact sequence for the original is not documented; this is our reading of 913's values;
/// - a modify (`kt10002`): `접수` then `확인` on the new number (`904` the original), whose fills follow as usual;
/// - a venue-side refusal after the order was taken (`refuseNextOrder`, a test hook): `접수` then `거부` (919 the reason).
extension KiwoomMarket {
    /// Queues one realtime item (the oldest are dropped past `eventsKept`, as nothing replays them at the venue).
    mutating func emit(_ type: String, _ code: String, _ values: [String: String]) {
        events.append(RealtimeEvent(type: type, code: code, values: values))
        if events.count > Self.eventsKept { events.removeFirst(events.count - Self.eventsKept) }
    }

    /// Takes every queued item.
    mutating func takeEvents() -> [RealtimeEvent] {
        defer { events = [] }
        return events
    }

    mutating func takeExecutionNumber() -> String {
        defer { nextExecutionNumber += 1 }
        return KST.digits(nextExecutionNumber, width: 7)
    }

    /// The `00` values of an order's report.
    func orderValues(_ o: Order, status: String, time: String, execution: (number: String, price: Int, quantity: Int)? = nil) -> [String: String] {
        let q = quotes[o.code]
        let base = q?.listing.basePrice ?? 0
        let levels = book(o.code)
        var v: [String: String] = [
            "9201": Self.account, "9203": o.number, "9205": "", "9001": o.code, "912": "JJ", "913": status,
            "302": q?.listing.name ?? "", "900": "\(o.quantity)", "901": "\(o.isMarketOrder ? 0 : o.price)", "902": "\(o.open)",
            "903": "\(o.filledAmount)", "904": o.originalNumber, "905": o.side == .buy ? "+매수" : "-매도",
            "906": o.isMarketOrder ? "시장가" : "보통", "907": o.side == .sell ? "1" : "2", "908": time,
            "909": "", "910": "", "911": "", "914": "", "915": "", "938": "0", "939": "0", "919": "",
            "10": q.map { SimFormat.signed($0.price, base: base) } ?? "", "27": levels.asks.first.map { SimFormat.signed($0.0, base: base) } ?? "",
            "28": levels.bids.first.map { SimFormat.signed($0.0, base: base) } ?? "", "2134": "1", "2135": "KRX", "2136": "N",
        ]
        if let execution {
            v["909"] = execution.number
            v["910"] = "\(execution.price)"
            v["911"] = "\(execution.quantity)"
            v["914"] = "\(execution.price)"
            v["915"] = "\(execution.quantity)"
        }
        return v
    }

    /// The `04` values of a stock's holding now.
    func holdingValues(_ code: String) -> [String: String] {
        let h = holdings[code] ?? Holding()
        let q = quotes[code]
        let average = h.quantity > 0 ? h.cost / h.quantity : 0
        let price = q?.price ?? 0
        let rate = average > 0 ? Double(price - average) * 100 / Double(average) : 0
        let realisedRate = h.soldCost > 0 ? Double(h.realised) * 100 / Double(h.soldCost) : 0
        return [
            "9201": Self.account, "9001": code, "917": "00", "916": "", "302": q?.listing.name ?? "",
            "10": q.map { SimFormat.signed($0.price, base: $0.listing.basePrice) } ?? "", "930": "\(h.quantity)",
            "931": "\(average)", "932": "\(h.cost)", "933": "\(sellable(code))", "945": "\(h.boughtToday - h.soldToday)",
            "946": "", "950": "0", "951": "0", "27": "", "28": "", "307": "\(q?.listing.basePrice ?? 0)",
            "8019": SimFormat.rate(rate), "990": "\(h.realised)", "991": SimFormat.rate(realisedRate),
        ]
    }

    /// `접수` and `확인` on the cancel's number; `취소` on the original when nothing of it is left open.
    mutating func emitCancel(_ original: Order, number: String, cancelled: Int, time: String) {
        var values = orderValues(original, status: "접수", time: time)
        values["9203"] = number
        values["904"] = original.number
        values["900"] = "\(cancelled)"
        values["901"] = "0"
        values["902"] = "\(cancelled)"
        values["903"] = "0"
        values["905"] = original.side == .buy ? "+매수취소" : "-매도취소"
        emit("00", original.code, values)
        values["913"] = "확인"
        values["902"] = "0"
        emit("00", original.code, values)
        if original.open == 0 { emit("00", original.code, orderValues(original, status: "취소", time: time)) }
    }

    /// `접수` and `확인` on a modify's new number (its `904` is the original).
    mutating func emitModify(_ order: Order, time: String) {
        var values = orderValues(order, status: "접수", time: time)
        values["905"] = order.side == .buy ? "+매수정정" : "-매도정정"
        emit("00", order.code, values)
        values["913"] = "확인"
        emit("00", order.code, values)
    }

    /// `1h` at a VI's start (`9068` 1) or end (`9068` 2).
    ///
    /// The FIDs are not in our venue notes. Kiwoom's REST guide lists them for `1h` (as public clients mirror it):
    /// 9001 종목코드, 302 종목명, 13/14 누적거래량/대금, 9068 VI발동구분, 9008 시장구분, 9075 장전구분, 1221 VI발동가격,
    /// 1223 매매체결처리시각, 1224 VI해제시각, 1225 VI적용구분 (정적/동적/동적+정적), 1236/1237 기준가격 정적/동적,
    /// 1238/1239 괴리율 정적/동적, 1489 VI발동가 등락율, 1490 VI발동횟수, 9069 발동방향구분 (1 up, 2 down). The guide's
    /// example gives no value table for 9068; several public clients read `1` as 발동 and `2` as 해제 (one of them
    /// treats a filled 1224 as 해제): we send both signals so either reading works.
    mutating func emitVI(_ code: String, started: Bool, at now: Date) {
        guard let q = quotes[code] else { return }
        let base = q.listing.basePrice
        let time = SimFormat.time(now)
        let deviation = Double(q.price - q.open) * 100 / Double(max(q.open, 1))
        emit("1h", code, [
            "9001": code, "302": q.listing.name, "13": "\(q.volume)", "14": "\(q.volume / 1000 * q.price / 1000)",
            "9068": started ? "1" : "2", "9008": q.listing.market == "코스닥" ? "101" : "001", "9075": "1",
            "1221": SimFormat.signed(q.price, base: base), "1223": time, "1224": started ? "" : time, "1225": "동적",
            "1236": "0", "1237": "\(q.open)", "1238": "0.00", "1239": SimFormat.rate(deviation),
            "1489": SimFormat.rate(Double(q.price - base) * 100 / Double(base)), "1490": "\(q.viCount)",
            "9069": q.price >= q.open ? "1" : "2",
        ])
    }
}
