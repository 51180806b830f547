import Foundation
import Hummingbird
import SokboCore

/// The TR handlers: each checks its required fields as the live host does ([1511]) and answers in the
/// spec's formats (signed prices, zero-padded account fields, `A`-prefixed codes, 7-digit `ord_no`).
extension KiwoomSimulatorCore {
    typealias JSON = [String: Any]

    func route(apiID: String, body: JSON, nextKey: String?) -> Response {
        let required: [String: [String]] = [
            "ka10001": ["stk_cd"], "ka10004": ["stk_cd"], "ka10100": ["stk_cd"], "kt00011": ["stk_cd"],
            "kt10000": ["dmst_stex_tp", "stk_cd", "ord_qty", "trde_tp"], "kt10001": ["dmst_stex_tp", "stk_cd", "ord_qty", "trde_tp"],
            "kt10002": ["dmst_stex_tp", "orig_ord_no", "stk_cd", "mdfy_qty", "mdfy_uv"],
            "kt10003": ["dmst_stex_tp", "orig_ord_no", "stk_cd", "cncl_qty"],
            "ka10081": ["stk_cd", "base_dt", "upd_stkpc_tp"], "ka10080": ["stk_cd", "tic_scope", "upd_stkpc_tp"],
            "kt00001": ["qry_tp"], "kt00018": ["qry_tp", "dmst_stex_tp"], "ka10075": ["all_stk_tp", "trde_tp", "stex_tp"],
            "ka10076": ["qry_tp", "sell_tp", "stex_tp"],
        ]
        for field in required[apiID] ?? [] where ((body[field] as? String) ?? "").isEmpty {
            return reply(failure(2, "입력 값 오류입니다[1511:필수 입력 값에 값이 존재하지 않습니다. 필수입력 파라미터=\(field)]"), apiID: apiID)
        }
        let code = (body["stk_cd"] as? String).flatMap(KiwoomMarket.listedCode)
        if let raw = body["stk_cd"] as? String, !(apiID == "ka10075" || (apiID == "ka10076" && raw.isEmpty)), code == nil {
            let raw = body["stk_cd"] as? String ?? ""
            return reply(failure(7, "서비스를 처리하는 중에 오류가 발생했습니다[1902:종목 정보가 없습니다. 입력한 종목코드 값을 확인바랍니다. 종목코드=\(raw)]"), apiID: apiID)
        }
        let echo = body["stk_cd"] as? String ?? ""
        switch apiID {
        case "ka10001": return reply(ka10001(code!, echo: echo), apiID: apiID)
        case "ka10004": return reply(ka10004(code!), apiID: apiID)
        case "ka10100": return reply(ka10100(code!), apiID: apiID)
        case "kt00011": return reply(kt00011(code!), apiID: apiID)
        case "kt10000", "kt10001": return reply(order(apiID, code: code!, body: body), apiID: apiID)
        case "kt10002": return reply(modify(code: code!, body: body), apiID: apiID)
        case "kt10003": return reply(cancel(code: code!, body: body), apiID: apiID)
        case "ka10081": return daily(code!, echo: echo, body: body, nextKey: nextKey)
        case "ka10080": return minute(code!, echo: echo, body: body, nextKey: nextKey)
        case "kt00001": return reply(kt00001(), apiID: apiID)
        case "kt00018": return reply(kt00018(), apiID: apiID)
        case "ka10076": return ka10076(body: body, code: code, nextKey: nextKey)
        default: return reply(ka10075(filter: body["all_stk_tp"] as? String == "1" ? code : nil, side: body["trde_tp"] as? String ?? "0"), apiID: apiID)
        }
    }

    static let ok = "정상적으로 처리되었습니다"

    // MARK: - Quotes

    func ka10001(_ code: String, echo: String) -> JSON {
        state.withLock { s in
            s.market.step(code, at: Date())
            guard let q = s.market.quotes[code] else { return [:] }
            let base = q.listing.basePrice
            let sign = { (p: Int) in SimFormat.signed(p, base: base) }
            let change = q.price - base
            let sig = q.price == q.limits.upper ? "1" : q.price == q.limits.lower ? "4" : change > 0 ? "2" : change < 0 ? "5" : "3"
            // One cached history serves both this and ka10081; the 250-day range is its newest 250 rows.
            let hist = s.market.history(code, days: configuration.historyDays, today: Date()).prefix(250)
            let hi250 = hist.map(\.high).max() ?? q.high
            let lo250 = hist.map(\.low).min() ?? q.low
            return [
                "stk_cd": echo, "stk_nm": q.listing.name, "setl_mm": "12", "fav": "100", "fav_unit": "원",
                "cap": "7780", "flo_stk": "5969783", "dstr_stk": "4489862", "dstr_rt": "75.21",
                "per": "13.25", "eps": "\(base / 13)", "roe": "9.1", "pbr": "1.21", "ev": "5.34", "bps": "\(base * 10 / 12)",
                "sale_amt": "3008709", "bus_pro": "327260", "cup_nga": "344733", "mac": "\(base / 100 * 5969783 / 1000)",
                "mac_wght": "", "for_exh_rt": "+50.12", "crd_rt": "+0.13", "repl_pric": "\(base * 7 / 10)",
                "oyr_hgst": sign(hi250), "oyr_lwst": sign(lo250), "250hgst": sign(hi250), "250lwst": sign(lo250),
                "250hgst_pric_dt": hist.max { $0.high < $1.high }?.date ?? "", "250hgst_pric_pre_rt": SimFormat.rate(Double(q.price - hi250) * 100 / Double(hi250)),
                "250lwst_pric_dt": hist.min { $0.low < $1.low }?.date ?? "", "250lwst_pric_pre_rt": SimFormat.rate(Double(q.price - lo250) * 100 / Double(lo250)),
                "open_pric": sign(q.open), "high_pric": sign(q.high), "low_pric": sign(q.low),
                "upl_pric": sign(q.limits.upper), "lst_pric": sign(q.limits.lower), "base_pric": "\(base)",
                "exp_cntr_pric": "0", "exp_cntr_qty": "0", "cur_prc": sign(q.price), "pre_sig": sig,
                "pred_pre": SimFormat.change(change), "flu_rt": SimFormat.rate(Double(change) * 100 / Double(base)),
                "trde_qty": "\(q.volume)", "trde_pre": "+12.34",
                "return_code": 0, "return_msg": Self.ok,
            ]
        }
    }

    func ka10004(_ code: String) -> JSON {
        state.withLock { s in
            guard let q = s.market.quotes[code] else { return [:] }
            let book = s.market.book(code)
            let base = q.listing.basePrice
            var json: JSON = ["bid_req_base_tm": SimFormat.time(Date()), "return_code": 0, "return_msg": Self.ok]
            for n in 1...10 {
                for (side, level) in [("sel", book.asks[n - 1]), ("buy", book.bids[n - 1])] {
                    let names = n == 1
                        ? ("\(side)_fpr_bid", "\(side)_fpr_req", "\(side)_1th_pre_req_pre")
                        : ("\(side)_\(n)th_pre_bid", "\(side)_\(n)th_pre_req", "\(side)_\(n)th_pre_req_pre")
                    json[names.0] = level.0 > 0 ? SimFormat.signed(level.0, base: base) : "0"
                    json[names.1] = "\(level.1)"
                    json[names.2] = "0"
                }
            }
            json["tot_sel_req"] = "\(book.asks.reduce(0) { $0 + $1.1 })"
            json["tot_buy_req"] = "\(book.bids.reduce(0) { $0 + $1.1 })"
            for key in ["tot_sel_req_jub_pre", "tot_buy_req_jub_pre", "ovt_sel_req", "ovt_buy_req", "ovt_sel_req_pre", "ovt_buy_req_pre"] {
                json[key] = "0"
            }
            return json
        }
    }

    func ka10100(_ code: String) -> JSON {
        state.withLock { s in
            guard let q = s.market.quotes[code] else { return [:] }
            return ["code": code, "name": q.listing.name, "listCount": SimFormat.padded(5_969_782_550 / 1000, width: 16),
                    "auditInfo": "정상", "regDay": "19750611", "lastPrice": SimFormat.padded(q.listing.basePrice, width: 8),
                    "state": "증거금\(q.listing.marginRate)%|담보대출|신용가능", "marketCode": q.listing.market == "코스닥" ? "10" : "0",
                    "marketName": q.listing.market, "upName": "", "upSizeName": "대형주", "companyClassName": "",
                    "orderWarning": "0", "nxtEnable": "Y", "return_code": 0, "return_msg": Self.ok]
        }
    }

    func kt00011(_ code: String) -> JSON {
        state.withLock { s in
            guard let q = s.market.quotes[code] else { return [:] }
            let cash = s.market.orderableCash
            var json: JSON = ["stk_profa_rt": "\(q.listing.marginRate)%", "profa_rt": "100%", "aplc_rt": "\(max(q.listing.marginRate, 100))%",
                              "min_ord_alow_amt": SimFormat.padded(cash, width: 12), "min_ord_alowq": SimFormat.padded(cash / q.price, width: 12),
                              "entr": SimFormat.padded(s.market.cash, width: 12), "repl_amt": SimFormat.padded(0, width: 12),
                              "uncla": SimFormat.padded(0, width: 12), "ord_pos_repl": SimFormat.padded(0, width: 12),
                              "ord_alowa": SimFormat.padded(cash, width: 12), "return_code": 0, "return_msg": Self.ok]
            for nn in [20, 30, 40, 50, 60, 100] {
                let amount = cash * 100 / nn
                json["profa_\(nn)ord_alow_amt"] = SimFormat.padded(amount, width: 12)
                json["profa_\(nn)ord_alowq"] = SimFormat.padded(amount / q.price, width: 12)
                json["profa_\(nn)pred_reu_amt"] = SimFormat.padded(0, width: 12)
                json["profa_\(nn)tdy_reu_amt"] = SimFormat.padded(0, width: 12)
            }
            return json
        }
    }

    // MARK: - Orders

    func rejection(_ code: String, _ text: String) -> JSON {
        failure(20, "[2000](\(code):\(prefix)\(text))")
    }

    /// RC4057 before 09:00 and RC4058 after 15:30 or at weekends, when market hours are enforced.
    func marketClosed() -> JSON? {
        guard configuration.enforceMarketHours else { return nil }
        let now = configuration.marketClock()
        let weekday = KST.calendar.component(.weekday, from: now)
        let secs = KST.secondsIntoDay(now)
        if weekday == 1 || weekday == 7 || secs > 15 * 3600 + 30 * 60 { return rejection("RC4058", "장종료") }
        if secs < 9 * 3600 { return rejection("RC4057", "장시작전") }
        return nil
    }

    func orderError(_ error: KiwoomMarket.OrderError) -> JSON {
        switch error {
        case .offGrid: rejection("RC4003", "호가단위 오류입니다.")
        // The texts below are not captured from the venue: illustrative, in the captured shape.
        case .outsideLimits: rejection("RC4004", "주문가격이 상하한가를 벗어났습니다.")
        case .insufficientCash: rejection("RC4025", "주문가능금액을 초과합니다.")
        case .insufficientShares: rejection("800033", "매도가능수량이 부족합니다.")
        case .unknownOriginal: rejection("RC4032", "원주문번호를 확인하세요.")
        }
    }

    func order(_ apiID: String, code: String, body: JSON) -> JSON {
        if let closed = marketClosed() { return closed }
        let exchange = body["dmst_stex_tp"] as? String ?? ""
        if configuration.profile == .mock && exchange != "KRX" { return rejection("RC9000", "에서는 해당업무가 제공되지 않습니다.") }
        guard let qty = Int(body["ord_qty"] as? String ?? ""), qty > 0 else {
            return failure(2, "입력 값 오류입니다[1517:입력 값 형식이 올바르지 않습니다. 파라미터=ord_qty]")
        }
        let trde = body["trde_tp"] as? String ?? ""
        let uv = body["ord_uv"] as? String ?? ""
        let price: Int?
        if trde == "3" {
            price = nil
        } else {
            guard let p = Int(uv), p > 0 else {
                return failure(2, "입력 값 오류입니다[1511:필수 입력 값에 값이 존재하지 않습니다. 필수입력 파라미터=ord_uv]")
            }
            price = p
        }
        let side: OrderSide = apiID == "kt10000" ? .buy : .sell
        let result = state.withLock { s in
            Result { try s.market.place(code: code, side: side, quantity: qty, price: price, time: SimFormat.time(Date())) }
        }
        switch result {
        case .success(let number):
            let text = configuration.profile == .mock ? (side == .buy ? "모의투자 매수주문완료" : "모의투자 매도주문완료")
                : (side == .buy ? "매수주문이 완료되었습니다." : "매도주문이 완료되었습니다.")
            return ["ord_no": number, "dmst_stex_tp": exchange, "return_code": 0, "return_msg": text]
        case .failure(let error):
            return orderError(error as? KiwoomMarket.OrderError ?? .unknownOriginal)
        }
    }

    func modify(code: String, body: JSON) -> JSON {
        if let closed = marketClosed() { return closed }
        guard let qty = Int(body["mdfy_qty"] as? String ?? ""), qty > 0, let price = Int(body["mdfy_uv"] as? String ?? "") else {
            return failure(2, "입력 값 오류입니다[1517:입력 값 형식이 올바르지 않습니다. 파라미터=mdfy_qty]")
        }
        let original = body["orig_ord_no"] as? String ?? ""
        let result = state.withLock { s in
            Result { () throws -> (String, KiwoomMarket.Order?) in
                let order = s.market.orders.first { $0.number == original }
                return (try s.market.modify(original: original, quantity: qty, price: price, time: SimFormat.time(Date())), order)
            }
        }
        switch result {
        case .success(let (number, order)):
            let side = order?.side == .sell ? "매도" : "매수"
            return ["ord_no": number, "base_orig_ord_no": original, "mdfy_qty": SimFormat.padded(qty, width: 12),
                    "dmst_stex_tp": body["dmst_stex_tp"] as? String ?? "KRX", "return_code": 0, "return_msg": "\(side)정정 주문입력이 완료되었습니다"]
        case .failure(let error):
            return orderError(error as? KiwoomMarket.OrderError ?? .unknownOriginal)
        }
    }

    func cancel(code: String, body: JSON) -> JSON {
        if let closed = marketClosed() { return closed }
        let original = body["orig_ord_no"] as? String ?? ""
        let qty = Int(body["cncl_qty"] as? String ?? "") ?? -1
        guard qty >= 0 else { return failure(2, "입력 값 오류입니다[1517:입력 값 형식이 올바르지 않습니다. 파라미터=cncl_qty]") }
        let result = state.withLock { s in
            Result { () throws -> (String, Int, OrderSide?) in
                let side = s.market.orders.first { $0.number == original }?.side
                let r = try s.market.cancel(original: original, quantity: qty, time: SimFormat.time(Date()))
                return (r.number, r.cancelled, side)
            }
        }
        switch result {
        case .success(let (number, cancelled, side)):
            return ["ord_no": number, "base_orig_ord_no": original, "cncl_qty": SimFormat.padded(cancelled, width: 12),
                    "return_code": 0, "return_msg": "\(side == .sell ? "매도" : "매수")취소 주문입력이 완료되었습니다"]
        case .failure(let error):
            return orderError(error as? KiwoomMarket.OrderError ?? .unknownOriginal)
        }
    }

    // MARK: - Charts

    /// The opaque continuation key: an offset, dressed so clients cannot rely on its format.
    static func key(_ offset: Int) -> String { "SIM" + String(offset * 7 + 3, radix: 36).uppercased() }
    static func offset(_ key: String?) -> Int {
        guard let key, key.hasPrefix("SIM"), let v = Int(key.dropFirst(3), radix: 36), (v - 3) % 7 == 0 else { return 0 }
        return (v - 3) / 7
    }

    func daily(_ code: String, echo: String, body: JSON, nextKey: String?) -> Response {
        let baseDate = body["base_dt"] as? String ?? ""
        guard let base = KST.date(yyyymmdd: baseDate, hhmmss: "000000") else {
            return reply(failure(2, "입력 값 오류입니다[1517:입력 값 형식이 올바르지 않습니다. 파라미터=base_dt]"), apiID: "ka10081")
        }
        let rows = state.withLock { s in s.market.history(code, days: configuration.historyDays, today: Date()) }
            .filter { $0.date <= KST.dayString(base) }
        let start = Self.offset(nextKey)
        let page = Array(rows.dropFirst(start).prefix(configuration.dailyPageSize))
        let more = start + page.count < rows.count
        let list: [JSON] = page.map { r in
            ["dt": r.date, "cur_prc": SimFormat.signed(r.close, base: r.previousClose), "open_pric": SimFormat.signed(r.open, base: r.previousClose),
             "high_pric": SimFormat.signed(r.high, base: r.previousClose), "low_pric": SimFormat.signed(r.low, base: r.previousClose),
             "trde_qty": "\(r.volume)", "trde_prica": "\(r.volume / 1000 * r.close / 1000)",
             "pred_pre": SimFormat.change(r.close - r.previousClose),
             "pred_pre_sig": r.close > r.previousClose ? "2" : r.close < r.previousClose ? "5" : "3",
             "trde_tern_rt": SimFormat.rate(Double(r.volume) / 59_697_830)]
        }
        return reply(["stk_cd": echo, "stk_dt_pole_chart_qry": list, "return_code": 0, "return_msg": Self.ok], apiID: "ka10081",
                     contYn: more, nextKey: more ? Self.key(start + page.count) : "")
    }

    func minute(_ code: String, echo: String, body: JSON, nextKey: String?) -> Response {
        guard let scope = Int(body["tic_scope"] as? String ?? ""), [1, 3, 5, 10, 15, 30, 45, 60].contains(scope) else {
            return reply(failure(2, "입력 값 오류입니다[1517:입력 값 형식이 올바르지 않습니다. 파라미터=tic_scope]"), apiID: "ka10080")
        }
        let baseDay = (body["base_dt"] as? String).flatMap { KST.date(yyyymmdd: $0, hhmmss: "000000") } ?? Date()
        let days = state.withLock { s in Array(s.market.history(code, days: configuration.historyDays, today: Date()).filter { $0.date <= KST.dayString(baseDay) }.prefix(5)) }
        // As on the venue, no bar after the current minute: today's session is served only up to now.
        let now = Date()
        let nowStamp = KST.dayString(now) + KST.timeString(now)
        var rows: [JSON] = []
        for day in days {
            // Today's one-minute bars are the walk's own prints (what a session traded at), once it has any.
            let bars = scope == 1 && day.date == KST.dayString(now) ? state.withLock { $0.market.todaysBars(code, today: now) } : []
            if !bars.isEmpty {
                var acc = 0
                rows += bars.map { bar -> JSON in
                    acc += bar.volume
                    return ["cntr_tm": KST.dayString(bar.minute) + KST.timeString(bar.minute),
                            "cur_prc": SimFormat.signed(bar.close, base: day.previousClose),
                            "open_pric": SimFormat.signed(bar.open, base: day.previousClose),
                            "high_pric": SimFormat.signed(bar.high, base: day.previousClose),
                            "low_pric": SimFormat.signed(bar.low, base: day.previousClose),
                            "trde_qty": "\(bar.volume)", "acc_trde_qty": "\(acc)", "pred_pre": SimFormat.change(bar.close - day.previousClose),
                            "pred_pre_sig": bar.close > day.previousClose ? "2" : bar.close < day.previousClose ? "5" : "3"]
                }.reversed()
                continue
            }
            // A deterministic path from the open to the close through the session, on the tick grid.
            var r = SimRandom(seed: SimRandom.hash([code, day.date, "min"], seed: configuration.seed))
            var acc = 0
            var dayRows: [JSON] = []
            let minutes = stride(from: 0, to: 390, by: scope).map { $0 }
            for (i, m) in minutes.enumerated() {
                let t = Double(i + 1) / Double(minutes.count)
                let target = Double(day.open) + (Double(day.close) - Double(day.open)) * t
                let noise = Double(Int(r.next() % 201) - 100) / 10_000 * Double(day.close)
                let close = min(max(KRXTick.roundDown(Int(target + noise)) ?? day.close, day.low), day.high)
                let open = i == 0 ? day.open : close
                let qty = Int(r.next() % 20_000) + 100
                acc += qty
                let hh = 9 + (m / 60), mm = m % 60
                let stamp = day.date + String(format: "%02d%02d00", hh, mm)
                guard stamp <= nowStamp else { break }
                dayRows.append(["cntr_tm": stamp,
                                "cur_prc": SimFormat.signed(close, base: day.previousClose),
                                "open_pric": SimFormat.signed(open, base: day.previousClose),
                                "high_pric": SimFormat.signed(max(open, close), base: day.previousClose),
                                "low_pric": SimFormat.signed(min(open, close), base: day.previousClose),
                                "trde_qty": "\(qty)", "acc_trde_qty": "\(acc)", "pred_pre": SimFormat.change(close - day.previousClose),
                                "pred_pre_sig": close > day.previousClose ? "2" : close < day.previousClose ? "5" : "3"])
            }
            rows += dayRows.reversed()
        }
        let start = Self.offset(nextKey)
        let page = Array(rows.dropFirst(start).prefix(configuration.minutePageSize))
        let more = start + page.count < rows.count
        return reply(["stk_cd": echo, "stk_min_pole_chart_qry": page, "return_code": 0, "return_msg": Self.ok], apiID: "ka10080",
                     contYn: more, nextKey: more ? Self.key(start + page.count) : "")
    }

    // MARK: - Account

    func kt00001() -> JSON {
        state.withLock { s in
            let p = { (v: Int) in SimFormat.padded(v, width: 15) }
            let orderable = s.market.orderableCash
            var json: JSON = ["entr": p(s.market.cash), "profa_ch": p(0), "pymn_alow_amt": p(orderable), "ord_alow_amt": p(orderable),
                              "d1_entra": p(s.market.cash), "d2_entra": p(s.market.cash), "d1_pymn_alow_amt": p(orderable),
                              "d2_pymn_alow_amt": p(orderable), "d1_slby_exct_amt": p(0), "repl_amt": p(0), "crd_grnt_rt": "0.00",
                              "stk_entr_prst": [JSON](), "return_code": 0, "return_msg": "조회가 완료되었습니다."]
            for nn in [20, 30, 40, 50, 60, 100] { json["\(nn)stk_ord_alow_amt"] = p(orderable * 100 / nn) }
            return json
        }
    }

    func kt00018() -> JSON {
        state.withLock { s in
            let p = { (v: Int) in SimFormat.padded(v, width: 15) }
            var rows: [JSON] = []
            var totalPurchase = 0, totalValue = 0
            // A stock sold out today keeps its row with `rmnd_qty` 0, as on the live venue (public clients filter it).
            for (code, h) in s.market.holdings.sorted(by: { $0.key < $1.key }) where h.quantity > 0 || h.boughtToday > 0 || h.soldToday > 0 {
                guard let q = s.market.quotes[code] else { continue }
                let value = h.quantity * q.price
                totalPurchase += h.cost
                totalValue += value
                rows.append(["stk_cd": "A" + code, "stk_nm": q.listing.name, "rmnd_qty": p(h.quantity),
                             "trde_able_qty": p(max(0, s.market.sellable(code))), "pur_pric": p(h.quantity > 0 ? h.cost / h.quantity : 0),
                             "cur_prc": SimFormat.padded(q.price, width: 12), "pred_close_pric": SimFormat.padded(q.listing.basePrice, width: 12),
                             "pur_amt": p(h.cost), "evlt_amt": p(value), "evltv_prft": p(value - h.cost),
                             "prft_rt": String(format: "%.2f", h.cost > 0 ? Double(value - h.cost) * 100 / Double(h.cost) : 0),
                             "pred_buyq": p(0), "pred_sellq": p(0), "tdy_buyq": p(h.boughtToday), "tdy_sellq": p(h.soldToday),
                             "pur_cmsn": p(0), "sell_cmsn": p(0), "tax": p(0), "sum_cmsn": p(0), "poss_rt": "0.00",
                             "crd_tp": "00", "crd_tp_nm": "", "crd_loan_dt": ""])
            }
            return ["tot_pur_amt": p(totalPurchase), "tot_evlt_amt": p(totalValue), "tot_evlt_pl": p(totalValue - totalPurchase),
                    "tot_prft_rt": String(format: "%.2f", totalPurchase > 0 ? Double(totalValue - totalPurchase) * 100 / Double(totalPurchase) : 0),
                    "prsm_dpst_aset_amt": p(s.market.cash + totalValue), "tot_loan_amt": p(0), "tot_crd_loan_amt": p(0),
                    "tot_crd_ls_amt": p(0), "acnt_evlt_remn_indv_tot": rows, "return_code": 0, "return_msg": "조회가 완료되었습니다."]
        }
    }

    /// `ka10076` 체결: one row per order with fills today, newest first (`cntr_qty` the shares filled so far,
    /// `cntr_pric` their average price), filtered by stock (`qry_tp` 1), side (`sell_tp` 1 sell, 2 buy) and
    /// `ord_no` (orders older than it); paged by headers. Empty in the mock profile's quirk (§9).
    func ka10076(body: JSON, code: String?, nextKey: String?) -> Response {
        let byStock = body["qry_tp"] as? String == "1"
        let side = body["sell_tp"] as? String ?? "0"
        let before = (body["ord_no"] as? String).flatMap { Int($0) }
        let rows: [JSON] = configuration.emptyFillHistory ? [] : state.withLock { s in
            s.market.orders.reversed().filter { o in
                o.filled > 0 && (!byStock || o.code == code) && (before.map { (Int(o.number) ?? 0) < $0 } ?? true)
                    && (side == "0" || (side == "1" && o.side == .sell) || (side == "2" && o.side == .buy))
            }.map { o in
                ["ord_no": o.number, "stk_nm": s.market.quotes[o.code]?.listing.name ?? "", "io_tp_nm": o.side == .sell ? "-매도" : "+매수",
                 "ord_pric": "\(o.isMarketOrder ? 0 : o.price)", "ord_qty": "\(o.quantity)", "cntr_pric": "\(o.filledAmount / o.filled)",
                 "cntr_qty": "\(o.filled)", "oso_qty": "\(o.open)", "tdy_trde_cmsn": "0", "tdy_trde_tax": "0",
                 "ord_stt": o.open > 0 ? "접수" : "체결", "trde_tp": o.isMarketOrder ? "3" : "0", "orig_ord_no": o.originalNumber,
                 "ord_tm": o.time, "stk_cd": o.code, "stex_tp": "1", "stex_tp_txt": "KRX", "sor_yn": "N", "stop_pric": "0"]
            }
        }
        let start = Self.offset(nextKey)
        let page = Array(rows.dropFirst(start).prefix(max(1, configuration.fillsPageSize)))
        let more = start + page.count < rows.count
        return reply(["cntr": page, "return_code": 0, "return_msg": "조회가 완료되었습니다."], apiID: "ka10076",
                     contYn: more, nextKey: more ? Self.key(start + page.count) : "")
    }

    func ka10075(filter: String?, side: String) -> JSON {
        state.withLock { s in
            let rows: [JSON] = s.market.orders.filter { o in
                o.open > 0 && (filter == nil || o.code == filter)
                    && (side == "0" || (side == "1" && o.side == .sell) || (side == "2" && o.side == .buy))
            }.map { o in
                let q = s.market.quotes[o.code]
                return ["acnt_no": "8123456711", "ord_no": o.number, "stk_cd": o.code, "stk_nm": q?.listing.name ?? "",
                        "ord_stt": o.filled > 0 ? "체결" : "접수", "ord_qty": "\(o.quantity)", "ord_pric": "\(o.price)",
                        "oso_qty": "\(o.open)", "cntr_tot_amt": "\(o.filledAmount)", "orig_ord_no": o.originalNumber,
                        "io_tp_nm": o.side == .sell ? "-매도" : "+매수", "trde_tp": o.isMarket ? "시장가" : "보통", "tm": o.time,
                        "cntr_no": "", "cntr_pric": o.lastFillPrice > 0 ? "\(o.lastFillPrice)" : "", "cntr_qty": "\(o.filled)",
                        "cur_prc": q.map { SimFormat.signed($0.price, base: $0.listing.basePrice) } ?? "",
                        "sel_bid": "0", "buy_bid": "0", "stex_tp": "1", "stex_tp_txt": "KRX", "sor_yn": "N"]
            }
            return ["oso": rows, "return_code": 0, "return_msg": "조회가 완료되었습니다."]
        }
    }
}
