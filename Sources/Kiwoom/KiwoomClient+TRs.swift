import SokboCore

/// One method per api-id. Every input is checked before anything is sent.
extension KiwoomClient {
    // MARK: - Quotes

    /// `ka10001` 주식기본정보요청.
    public func ka10001(stockCode: String) async throws -> KA10001Response {
        try KiwoomInputCheck.stockCode(stockCode, api: .ka10001)
        return try await query(.ka10001, StockCodeRequest(stk_cd: stockCode), as: KA10001Response.self).value
    }

    /// `ka10004` 주식호가요청 (ten-level book).
    public func ka10004(stockCode: String) async throws -> KA10004Response {
        try KiwoomInputCheck.stockCode(stockCode, api: .ka10004)
        return try await query(.ka10004, StockCodeRequest(stk_cd: stockCode), as: KA10004Response.self).value
    }

    /// `ka10100` 종목정보 조회 (`state` carries the margin rate and halt flags).
    public func ka10100(stockCode: String) async throws -> KA10100Response {
        try KiwoomInputCheck.stockCode(stockCode, api: .ka10100)
        return try await query(.ka10100, StockCodeRequest(stk_cd: stockCode), as: KA10100Response.self).value
    }

    /// `kt00011` 증거금율별주문가능수량조회요청; `price` is the optional buy price.
    public func kt00011(stockCode: String, price: Int? = nil) async throws -> KT00011Response {
        try KiwoomInputCheck.stockCode(stockCode, api: .kt00011)
        return try await query(.kt00011, KT00011Request(stk_cd: stockCode, uv: price.map(String.init) ?? ""), as: KT00011Response.self).value
    }

    // MARK: - Orders (sent once, never retried)

    /// `kt10000` 매수주문. `price` nil is a market order (`trde_tp` `"3"`, `ord_uv` `""`).
    public func kt10000(exchange: String = "KRX", stockCode: String, quantity: Int, price: Int?) async -> KiwoomOrderOutcome<KT10000Response> {
        await placeOrder(.kt10000, exchange: exchange, stockCode: stockCode, quantity: quantity, price: price)
    }

    /// `kt10001` 매도주문. `price` nil is a market order.
    public func kt10001(exchange: String = "KRX", stockCode: String, quantity: Int, price: Int?) async -> KiwoomOrderOutcome<KT10000Response> {
        await placeOrder(.kt10001, exchange: exchange, stockCode: stockCode, quantity: quantity, price: price)
    }

    func placeOrder(_ api: KiwoomAPI, exchange: String, stockCode: String, quantity: Int, price: Int?) async -> KiwoomOrderOutcome<KT10000Response> {
        do {
            try KiwoomInputCheck.stockCode(stockCode, api: api)
            try KiwoomInputCheck.quantity(quantity, api: api)
            if let price { try KiwoomInputCheck.limitPrice(price, limits: nil, api: api) }
        } catch {
            return .rejected(error as? KiwoomError ?? KiwoomError(.invalidRequest, apiID: api.rawValue, message: "\(error)"))
        }
        let body = KT10000Request(dmst_stex_tp: exchange, stk_cd: stockCode, ord_qty: String(quantity),
                                  ord_uv: price.map(String.init) ?? "", trde_tp: price == nil ? "3" : "0", cond_uv: "")
        return await order(api, body, as: KT10000Response.self) { $0.ord_no }
    }

    /// `kt10002` 정정주문: new quantity and price for an open order.
    public func kt10002(exchange: String = "KRX", originalOrderNo: String, stockCode: String, quantity: Int, price: Int) async -> KiwoomOrderOutcome<KT10002Response> {
        do {
            try KiwoomInputCheck.orderNumber(originalOrderNo, api: .kt10002)
            try KiwoomInputCheck.stockCode(stockCode, api: .kt10002)
            try KiwoomInputCheck.quantity(quantity, api: .kt10002)
            try KiwoomInputCheck.limitPrice(price, limits: nil, api: .kt10002)
        } catch {
            return .rejected(error as? KiwoomError ?? KiwoomError(.invalidRequest, apiID: "kt10002", message: "\(error)"))
        }
        let body = KT10002Request(dmst_stex_tp: exchange, orig_ord_no: originalOrderNo, stk_cd: stockCode,
                                  mdfy_qty: String(quantity), mdfy_uv: String(price), mdfy_cond_uv: "")
        return await order(.kt10002, body, as: KT10002Response.self) { $0.ord_no }
    }

    /// `kt10003` 취소주문; `quantity` nil (sent as `"0"`) cancels the whole remainder.
    public func kt10003(exchange: String = "KRX", originalOrderNo: String, stockCode: String, quantity: Int?) async -> KiwoomOrderOutcome<KT10003Response> {
        do {
            try KiwoomInputCheck.orderNumber(originalOrderNo, api: .kt10003)
            try KiwoomInputCheck.stockCode(stockCode, api: .kt10003)
            if let quantity { try KiwoomInputCheck.quantity(quantity, api: .kt10003) }
        } catch {
            return .rejected(error as? KiwoomError ?? KiwoomError(.invalidRequest, apiID: "kt10003", message: "\(error)"))
        }
        let body = KT10003Request(dmst_stex_tp: exchange, orig_ord_no: originalOrderNo, stk_cd: stockCode, cncl_qty: String(quantity ?? 0))
        return await order(.kt10003, body, as: KT10003Response.self) { $0.ord_no }
    }

    // MARK: - Charts (header paging)

    /// `ka10081` 주식일봉차트조회요청, one page. Pass the previous page's `nextKey` to continue.
    public func ka10081(stockCode: String, baseDate: String, adjusted: Bool = true, nextKey: String? = nil) async throws -> Page<KA10081Response> {
        try KiwoomInputCheck.stockCode(stockCode, api: .ka10081)
        try KiwoomInputCheck.date(baseDate, field: "base_dt", api: .ka10081)
        let body = KA10081Request(stk_cd: stockCode, base_dt: baseDate, upd_stkpc_tp: adjusted ? "1" : "0")
        return try await query(.ka10081, body, as: KA10081Response.self, contYn: nextKey != nil, nextKey: nextKey)
    }

    /// `ka10080` 주식분봉차트조회요청, one page; `tickScope` in minutes (1, 3, 5, 10, 15, 30, 45, 60).
    public func ka10080(stockCode: String, tickScope: Int = 1, baseDate: String? = nil, adjusted: Bool = true, nextKey: String? = nil) async throws -> Page<KA10080Response> {
        try KiwoomInputCheck.stockCode(stockCode, api: .ka10080)
        guard [1, 3, 5, 10, 15, 30, 45, 60].contains(tickScope) else {
            throw KiwoomError(.invalidRequest, apiID: "ka10080", message: "tic_scope must be 1, 3, 5, 10, 15, 30, 45 or 60; got \(tickScope)")
        }
        if let baseDate { try KiwoomInputCheck.date(baseDate, field: "base_dt", api: .ka10080) }
        let body = KA10080Request(stk_cd: stockCode, tic_scope: String(tickScope), upd_stkpc_tp: adjusted ? "1" : "0", base_dt: baseDate)
        return try await query(.ka10080, body, as: KA10080Response.self, contYn: nextKey != nil, nextKey: nextKey)
    }

    /// `ka10081` over several pages, newest first, until `cont-yn` is not `Y`, the key is empty,
    /// `maxPages` is reached or `stop` says the rows reach back far enough.
    public func ka10081Pages(stockCode: String, baseDate: String, maxPages: Int? = nil,
                             stop: ([KA10081Response.Row]) -> Bool = { _ in false }) async throws -> [KA10081Response.Row] {
        var rows: [KA10081Response.Row] = []
        var key: String?
        for _ in 0..<(maxPages ?? configuration.maxChartPages) {
            let page = try await ka10081(stockCode: stockCode, baseDate: baseDate, nextKey: key)
            let pageRows = page.value.stk_dt_pole_chart_qry ?? []
            rows += pageRows
            guard page.hasMore, !pageRows.isEmpty, !stop(pageRows) else { break }
            key = page.nextKey
        }
        return rows
    }

    /// `ka10080` over several pages, like `ka10081Pages`.
    public func ka10080Pages(stockCode: String, tickScope: Int = 1, baseDate: String? = nil, maxPages: Int? = nil,
                             stop: ([KA10080Response.Row]) -> Bool = { _ in false }) async throws -> [KA10080Response.Row] {
        var rows: [KA10080Response.Row] = []
        var key: String?
        for _ in 0..<(maxPages ?? configuration.maxChartPages) {
            let page = try await ka10080(stockCode: stockCode, tickScope: tickScope, baseDate: baseDate, nextKey: key)
            let pageRows = page.value.stk_min_pole_chart_qry ?? []
            rows += pageRows
            guard page.hasMore, !pageRows.isEmpty, !stop(pageRows) else { break }
            key = page.nextKey
        }
        return rows
    }

    // MARK: - Account

    /// `kt00001` 예수금상세현황요청; `queryType` `"3"` 추정조회 (default) or `"2"` 일반조회.
    public func kt00001(queryType: String = "3") async throws -> KT00001Response {
        try await query(.kt00001, KT00001Request(qry_tp: queryType), as: KT00001Response.self).value
    }

    /// `kt00018` 계좌평가잔고내역요청; `queryType` `"1"` 합산, `"2"` 개별.
    public func kt00018(queryType: String = "1", exchange: String = "KRX") async throws -> KT00018Response {
        try await query(.kt00018, KT00018Request(qry_tp: queryType, dmst_stex_tp: exchange), as: KT00018Response.self).value
    }

    /// `ka10075` 미체결요청: open orders of all stocks, or of one.
    public func ka10075(stockCode: String? = nil, side: String = "0", exchange: String = "0") async throws -> KA10075Response {
        if let stockCode { try KiwoomInputCheck.stockCode(stockCode, api: .ka10075) }
        let body = KA10075Request(all_stk_tp: stockCode == nil ? "0" : "1", trde_tp: side, stk_cd: stockCode, stex_tp: exchange)
        return try await query(.ka10075, body, as: KA10075Response.self).value
    }

    /// `ka10076` 체결요청, one page: today's orders with fills, of all stocks or one. Pass the previous page's
    /// `nextKey` to continue (header paging, §2.5).
    public func ka10076(stockCode: String? = nil, side: String = "0", exchange: String = "0", nextKey: String? = nil) async throws -> Page<KA10076Response> {
        if let stockCode { try KiwoomInputCheck.stockCode(stockCode, api: .ka10076) }
        let body = KA10076Request(qry_tp: stockCode == nil ? "0" : "1", sell_tp: side, stk_cd: stockCode ?? "", ord_no: "", stex_tp: exchange)
        return try await query(.ka10076, body, as: KA10076Response.self, contYn: nextKey != nil, nextKey: nextKey)
    }

    /// `ka10076` over every page (at most `maxPages`, default `maxChartPages`).
    public func ka10076Pages(stockCode: String? = nil, maxPages: Int? = nil) async throws -> [KA10076Response.Row] {
        var rows: [KA10076Response.Row] = []
        var key: String?
        for _ in 0..<(maxPages ?? configuration.maxChartPages) {
            let page = try await ka10076(stockCode: stockCode, nextKey: key)
            let pageRows = page.value.cntr ?? []
            rows += pageRows
            guard page.hasMore, !pageRows.isEmpty else { break }
            key = page.nextKey
        }
        return rows
    }
}
