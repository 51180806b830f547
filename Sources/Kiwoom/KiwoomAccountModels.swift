/// `kt00001` request: `qry_tp` `3` 추정조회, `2` 일반조회 (required).
public struct KT00001Request: Encodable, Sendable {
    public var qry_tp: String
}

/// `kt00001` 예수금상세현황 reply; amounts 15-wide zero-padded, sign first.
public struct KT00001Response: Decodable, Sendable {
    public var entr: String?
    public var profa_ch: String?
    public var pymn_alow_amt: String?
    public var ord_alow_amt: String?
    public var stk_ord_alow_amt20: String?
    public var stk_ord_alow_amt30: String?
    public var stk_ord_alow_amt40: String?
    public var stk_ord_alow_amt50: String?
    public var stk_ord_alow_amt60: String?
    public var stk_ord_alow_amt100: String?
    public var d1_entra: String?
    public var d2_entra: String?
    public var d1_pymn_alow_amt: String?
    public var d2_pymn_alow_amt: String?
    public var d1_slby_exct_amt: String?
    public var repl_amt: String?
    public var crd_grnt_rt: String?

    enum CodingKeys: String, CodingKey {
        case entr, profa_ch, pymn_alow_amt, ord_alow_amt
        case stk_ord_alow_amt20 = "20stk_ord_alow_amt", stk_ord_alow_amt30 = "30stk_ord_alow_amt"
        case stk_ord_alow_amt40 = "40stk_ord_alow_amt", stk_ord_alow_amt50 = "50stk_ord_alow_amt"
        case stk_ord_alow_amt60 = "60stk_ord_alow_amt", stk_ord_alow_amt100 = "100stk_ord_alow_amt"
        case d1_entra, d2_entra, d1_pymn_alow_amt, d2_pymn_alow_amt, d1_slby_exct_amt, repl_amt, crd_grnt_rt
    }
}

/// `kt00018` request: `qry_tp` `1` 합산 / `2` 개별, `dmst_stex_tp` `KRX`/`NXT`.
public struct KT00018Request: Encodable, Sendable {
    public var qry_tp: String
    public var dmst_stex_tp: String
}

/// `kt00018` 계좌평가잔고내역 reply; row codes carry an `A` prefix.
public struct KT00018Response: Decodable, Sendable {
    /// One holding.
    public struct Row: Decodable, Sendable, Hashable {
        public var stk_cd: String?
        public var stk_nm: String?
        public var evltv_prft: String?
        public var prft_rt: String?
        public var pur_pric: String?
        public var pred_close_pric: String?
        public var cur_prc: String?
        public var evlt_amt: String?
        public var pur_amt: String?
        public var rmnd_qty: String?
        public var trde_able_qty: String?
        public var pred_buyq: String?
        public var pred_sellq: String?
        public var tdy_buyq: String?
        public var tdy_sellq: String?
        public var pur_cmsn: String?
        public var sell_cmsn: String?
        public var tax: String?
        public var sum_cmsn: String?
        public var poss_rt: String?
        public var crd_tp: String?
        public var crd_tp_nm: String?
        public var crd_loan_dt: String?
    }

    public var tot_pur_amt: String?
    public var tot_evlt_amt: String?
    public var tot_evlt_pl: String?
    public var tot_prft_rt: String?
    public var prsm_dpst_aset_amt: String?
    public var tot_loan_amt: String?
    public var tot_crd_loan_amt: String?
    public var tot_crd_ls_amt: String?
    public var acnt_evlt_remn_indv_tot: [Row]?
}

/// `ka10075` request; `all_stk_tp` is required live although the spec table omits it.
public struct KA10075Request: Encodable, Sendable {
    /// `0` all stocks, `1` one stock (`stk_cd`).
    public var all_stk_tp: String
    /// Filter: `0` all, `1` sell, `2` buy.
    public var trde_tp: String
    /// The stock when `all_stk_tp` is `1`.
    public var stk_cd: String?
    /// `0` combined, `1` KRX, `2` NXT.
    public var stex_tp: String
}

/// `ka10075` 미체결 reply: list `oso`.
public struct KA10075Response: Decodable, Sendable {
    /// One open order.
    public struct Row: Decodable, Sendable, Hashable {
        public var acnt_no: String?
        public var ord_no: String?
        public var stk_cd: String?
        public var stk_nm: String?
        public var ord_stt: String?
        public var ord_qty: String?
        public var ord_pric: String?
        public var oso_qty: String?
        public var cntr_tot_amt: String?
        public var orig_ord_no: String?
        public var io_tp_nm: String?
        public var trde_tp: String?
        public var tm: String?
        public var cntr_no: String?
        public var cntr_pric: String?
        public var cntr_qty: String?
        public var cur_prc: String?
        public var sel_bid: String?
        public var buy_bid: String?
        public var stex_tp: String?
        public var stex_tp_txt: String?
        public var sor_yn: String?
    }

    public var oso: [Row]?
}
