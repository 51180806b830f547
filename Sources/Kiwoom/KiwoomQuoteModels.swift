/// A body of just `stk_cd` (`ka10001`, `ka10004`, `ka10100`).
public struct StockCodeRequest: Encodable, Sendable {
    /// `005930`, `005930_NX`, `005930_AL`.
    public var stk_cd: String
}

/// `ka10001` 주식기본정보요청 reply (GUIDE p.14–15). Prices carry a direction sign.
public struct KA10001Response: Decodable, Sendable {
    /// Wire field `stk_cd`.
    public var stk_cd: String?
    /// Wire field `stk_nm`.
    public var stk_nm: String?
    /// Wire field `setl_mm`.
    public var setl_mm: String?
    /// Wire field `fav`.
    public var fav: String?
    /// Wire field `fav_unit`.
    public var fav_unit: String?
    /// Wire field `cap`.
    public var cap: String?
    /// Wire field `flo_stk`.
    public var flo_stk: String?
    /// Wire field `dstr_stk`.
    public var dstr_stk: String?
    /// Wire field `dstr_rt`.
    public var dstr_rt: String?
    /// Wire field `per`.
    public var per: String?
    /// Wire field `eps`.
    public var eps: String?
    /// Wire field `roe`.
    public var roe: String?
    /// Wire field `pbr`.
    public var pbr: String?
    /// Wire field `ev`.
    public var ev: String?
    /// Wire field `bps`.
    public var bps: String?
    /// Wire field `sale_amt`.
    public var sale_amt: String?
    /// Wire field `bus_pro`.
    public var bus_pro: String?
    /// Wire field `cup_nga`.
    public var cup_nga: String?
    /// Wire field `mac`.
    public var mac: String?
    /// Wire field `mac_wght`.
    public var mac_wght: String?
    /// Wire field `for_exh_rt`.
    public var for_exh_rt: String?
    /// Wire field `crd_rt`.
    public var crd_rt: String?
    /// Wire field `repl_pric`.
    public var repl_pric: String?
    /// Wire field `oyr_hgst`.
    public var oyr_hgst: String?
    /// Wire field `oyr_lwst`.
    public var oyr_lwst: String?
    /// Wire field `hgst250`.
    public var hgst250: String?
    /// Wire field `lwst250`.
    public var lwst250: String?
    /// Wire field `hgst250_pric_dt`.
    public var hgst250_pric_dt: String?
    /// Wire field `hgst250_pric_pre_rt`.
    public var hgst250_pric_pre_rt: String?
    /// Wire field `lwst250_pric_dt`.
    public var lwst250_pric_dt: String?
    /// Wire field `lwst250_pric_pre_rt`.
    public var lwst250_pric_pre_rt: String?
    /// Wire field `open_pric`.
    public var open_pric: String?
    /// Wire field `high_pric`.
    public var high_pric: String?
    /// Wire field `low_pric`.
    public var low_pric: String?
    /// Wire field `upl_pric`.
    public var upl_pric: String?
    /// Wire field `lst_pric`.
    public var lst_pric: String?
    /// Wire field `base_pric`.
    public var base_pric: String?
    /// Wire field `exp_cntr_pric`.
    public var exp_cntr_pric: String?
    /// Wire field `exp_cntr_qty`.
    public var exp_cntr_qty: String?
    /// Wire field `cur_prc`.
    public var cur_prc: String?
    /// Wire field `pre_sig`.
    public var pre_sig: String?
    /// Wire field `pred_pre`.
    public var pred_pre: String?
    /// Wire field `flu_rt`.
    public var flu_rt: String?
    /// Wire field `trde_qty`.
    public var trde_qty: String?
    /// Wire field `trde_pre`.
    public var trde_pre: String?

    enum CodingKeys: String, CodingKey {
        case stk_cd, stk_nm, setl_mm, fav, fav_unit, cap, flo_stk, dstr_stk, dstr_rt, per, eps, roe, pbr, ev, bps
        case sale_amt, bus_pro, cup_nga, mac, mac_wght, for_exh_rt, crd_rt, repl_pric, oyr_hgst, oyr_lwst
        case hgst250 = "250hgst", lwst250 = "250lwst", hgst250_pric_dt = "250hgst_pric_dt"
        case hgst250_pric_pre_rt = "250hgst_pric_pre_rt", lwst250_pric_dt = "250lwst_pric_dt"
        case lwst250_pric_pre_rt = "250lwst_pric_pre_rt"
        case open_pric, high_pric, low_pric, upl_pric, lst_pric, base_pric, exp_cntr_pric, exp_cntr_qty
        case cur_prc, pre_sig, pred_pre, flu_rt, trde_qty, trde_pre
    }
}

/// `ka10004` 주식호가요청 reply. Level 1 is `sel_fpr_bid`/`sel_fpr_req`/`sel_1th_pre_req_pre`; levels
/// 2–10 are `sel_{n}th_pre_bid`/`_req`/`_req_pre` (the spelling really is `2th`, `3th`, …).
public struct KA10004Response: Decodable, Sendable {
    /// One side's level as sent: price (signed), quantity, quantity change.
    public struct Level: Sendable, Hashable {
        /// `…_bid`: the price, direction-signed.
        public var bid: String?
        /// `…_req`: resting quantity.
        public var req: String?
        /// `…_req_pre`: change of the quantity.
        public var req_pre: String?
    }

    /// 호가잔량기준시간 `HHMMSS`.
    public var bid_req_base_tm: String?
    /// Ask levels 1…10.
    public var sel: [Level]
    /// Bid levels 1…10.
    public var buy: [Level]
    /// Wire field `tot_sel_req`.
    public var tot_sel_req: String?
    /// Wire field `tot_buy_req`.
    public var tot_buy_req: String?
    /// Wire field `tot_sel_req_jub_pre`.
    public var tot_sel_req_jub_pre: String?
    /// Wire field `tot_buy_req_jub_pre`.
    public var tot_buy_req_jub_pre: String?
    /// Wire field `ovt_sel_req`.
    public var ovt_sel_req: String?
    /// Wire field `ovt_buy_req`.
    public var ovt_buy_req: String?
    /// Wire field `ovt_sel_req_pre`.
    public var ovt_sel_req_pre: String?
    /// Wire field `ovt_buy_req_pre`.
    public var ovt_buy_req_pre: String?

    /// The three wire names of a level (`side` is `sel` or `buy`, `level` 1…10).
    public static func fieldNames(side: String, level: Int) -> (bid: String, req: String, reqPre: String) {
        level == 1
            ? ("\(side)_fpr_bid", "\(side)_fpr_req", "\(side)_1th_pre_req_pre")
            : ("\(side)_\(level)th_pre_bid", "\(side)_\(level)th_pre_req", "\(side)_\(level)th_pre_req_pre")
    }

    /// Reads the generated level names.
    public init(from decoder: any Decoder) throws {
        let f = try KiwoomWireFields(from: decoder)
        func levels(_ side: String) -> [Level] {
            (1...10).map { n in
                let k = Self.fieldNames(side: side, level: n)
                return Level(bid: f[k.bid], req: f[k.req], req_pre: f[k.reqPre])
            }
        }
        bid_req_base_tm = f["bid_req_base_tm"]
        sel = levels("sel")
        buy = levels("buy")
        tot_sel_req = f["tot_sel_req"]
        tot_buy_req = f["tot_buy_req"]
        tot_sel_req_jub_pre = f["tot_sel_req_jub_pre"]
        tot_buy_req_jub_pre = f["tot_buy_req_jub_pre"]
        ovt_sel_req = f["ovt_sel_req"]
        ovt_buy_req = f["ovt_buy_req"]
        ovt_sel_req_pre = f["ovt_sel_req_pre"]
        ovt_buy_req_pre = f["ovt_buy_req_pre"]
    }
}

/// `ka10100` 종목정보 조회 reply (camelCase on the wire). `state` is `|`-joined, e.g. `증거금20%|담보대출|신용가능`.
public struct KA10100Response: Decodable, Sendable {
    /// Wire field `code`.
    public var code: String?
    /// Wire field `name`.
    public var name: String?
    /// Wire field `listCount`.
    public var listCount: String?
    /// Wire field `auditInfo`.
    public var auditInfo: String?
    /// Wire field `regDay`.
    public var regDay: String?
    /// Wire field `lastPrice`.
    public var lastPrice: String?
    /// Wire field `state`.
    public var state: String?
    /// Wire field `marketCode`.
    public var marketCode: String?
    /// Wire field `marketName`.
    public var marketName: String?
    /// Wire field `upName`.
    public var upName: String?
    /// Wire field `upSizeName`.
    public var upSizeName: String?
    /// Wire field `companyClassName`.
    public var companyClassName: String?
    /// Wire field `orderWarning`.
    public var orderWarning: String?
    /// Wire field `nxtEnable`.
    public var nxtEnable: String?
}

/// `kt00011` request: `stk_cd` and the optional buy price `uv`.
public struct KT00011Request: Encodable, Sendable {
    /// Wire field `stk_cd`.
    public var stk_cd: String
    /// Wire field `uv`.
    public var uv: String
}

/// `kt00011` 증거금율별주문가능수량조회요청 reply; the per-rate fields (`profa_{NN}ord_alow_amt`, …) are in `byRate`.
public struct KT00011Response: Decodable, Sendable {
    /// Per margin rate NN ∈ {20, 30, 40, 50, 60, 100}.
    public struct RateRow: Sendable, Hashable {
        /// Wire field `ord_alow_amt`.
        public var ord_alow_amt: String?
        /// Wire field `ord_alowq`.
        public var ord_alowq: String?
        /// Wire field `pred_reu_amt`.
        public var pred_reu_amt: String?
        /// Wire field `tdy_reu_amt`.
        public var tdy_reu_amt: String?
    }

    /// 종목증거금율, e.g. `"20%"`.
    public var stk_profa_rt: String?
    /// 계좌증거금율.
    public var profa_rt: String?
    /// 적용증거금율.
    public var aplc_rt: String?
    /// Wire field `min_ord_alow_amt`.
    public var min_ord_alow_amt: String?
    /// Wire field `min_ord_alowq`.
    public var min_ord_alowq: String?
    /// Wire field `entr`.
    public var entr: String?
    /// Wire field `repl_amt`.
    public var repl_amt: String?
    /// Wire field `uncla`.
    public var uncla: String?
    /// Wire field `ord_pos_repl`.
    public var ord_pos_repl: String?
    /// Wire field `ord_alowa`.
    public var ord_alowa: String?
    /// `profa_{NN}…` by NN.
    public var byRate: [Int: RateRow]

    /// The rates the TR reports.
    public static let rates = [20, 30, 40, 50, 60, 100]

    /// Reads the generated per-rate names.
    public init(from decoder: any Decoder) throws {
        let f = try KiwoomWireFields(from: decoder)
        stk_profa_rt = f["stk_profa_rt"]
        profa_rt = f["profa_rt"]
        aplc_rt = f["aplc_rt"]
        min_ord_alow_amt = f["min_ord_alow_amt"]
        min_ord_alowq = f["min_ord_alowq"]
        entr = f["entr"]
        repl_amt = f["repl_amt"]
        uncla = f["uncla"]
        ord_pos_repl = f["ord_pos_repl"]
        ord_alowa = f["ord_alowa"]
        var byRate: [Int: RateRow] = [:]
        for nn in Self.rates {
            let p = "profa_\(nn)"
            byRate[nn] = RateRow(ord_alow_amt: f[p + "ord_alow_amt"], ord_alowq: f[p + "ord_alowq"],
                                 pred_reu_amt: f[p + "pred_reu_amt"], tdy_reu_amt: f[p + "tdy_reu_amt"])
        }
        self.byRate = byRate
    }
}
