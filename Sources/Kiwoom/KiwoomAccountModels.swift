/// `kt00001` request: `qry_tp` `3` 추정조회, `2` 일반조회 (required).
public struct KT00001Request: Encodable, Sendable {
    /// Wire field `qry_tp`.
    public var qry_tp: String
}

/// `kt00001` 예수금상세현황 reply; amounts 15-wide zero-padded, sign first.
public struct KT00001Response: Decodable, Sendable {
    /// Wire field `entr`.
    public var entr: String?
    /// Wire field `profa_ch`.
    public var profa_ch: String?
    /// Wire field `pymn_alow_amt`.
    public var pymn_alow_amt: String?
    /// Wire field `ord_alow_amt`.
    public var ord_alow_amt: String?
    /// Wire field `stk_ord_alow_amt20`.
    public var stk_ord_alow_amt20: String?
    /// Wire field `stk_ord_alow_amt30`.
    public var stk_ord_alow_amt30: String?
    /// Wire field `stk_ord_alow_amt40`.
    public var stk_ord_alow_amt40: String?
    /// Wire field `stk_ord_alow_amt50`.
    public var stk_ord_alow_amt50: String?
    /// Wire field `stk_ord_alow_amt60`.
    public var stk_ord_alow_amt60: String?
    /// Wire field `stk_ord_alow_amt100`.
    public var stk_ord_alow_amt100: String?
    /// Wire field `d1_entra`.
    public var d1_entra: String?
    /// Wire field `d2_entra`.
    public var d2_entra: String?
    /// Wire field `d1_pymn_alow_amt`.
    public var d1_pymn_alow_amt: String?
    /// Wire field `d2_pymn_alow_amt`.
    public var d2_pymn_alow_amt: String?
    /// Wire field `d1_slby_exct_amt`.
    public var d1_slby_exct_amt: String?
    /// Wire field `repl_amt`.
    public var repl_amt: String?
    /// Wire field `crd_grnt_rt`.
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
    /// Wire field `qry_tp`.
    public var qry_tp: String
    /// Wire field `dmst_stex_tp`.
    public var dmst_stex_tp: String
}

/// `kt00018` 계좌평가잔고내역 reply; row codes carry an `A` prefix.
public struct KT00018Response: Decodable, Sendable {
    /// One holding.
    public struct Row: Decodable, Sendable, Hashable {
        /// Wire field `stk_cd`.
        public var stk_cd: String?
        /// Wire field `stk_nm`.
        public var stk_nm: String?
        /// Wire field `evltv_prft`.
        public var evltv_prft: String?
        /// Wire field `prft_rt`.
        public var prft_rt: String?
        /// Wire field `pur_pric`.
        public var pur_pric: String?
        /// Wire field `pred_close_pric`.
        public var pred_close_pric: String?
        /// Wire field `cur_prc`.
        public var cur_prc: String?
        /// Wire field `evlt_amt`.
        public var evlt_amt: String?
        /// Wire field `pur_amt`.
        public var pur_amt: String?
        /// Wire field `rmnd_qty`.
        public var rmnd_qty: String?
        /// Wire field `trde_able_qty`.
        public var trde_able_qty: String?
        /// Wire field `pred_buyq`.
        public var pred_buyq: String?
        /// Wire field `pred_sellq`.
        public var pred_sellq: String?
        /// Wire field `tdy_buyq`.
        public var tdy_buyq: String?
        /// Wire field `tdy_sellq`.
        public var tdy_sellq: String?
        /// Wire field `pur_cmsn`.
        public var pur_cmsn: String?
        /// Wire field `sell_cmsn`.
        public var sell_cmsn: String?
        /// Wire field `tax`.
        public var tax: String?
        /// Wire field `sum_cmsn`.
        public var sum_cmsn: String?
        /// Wire field `poss_rt`.
        public var poss_rt: String?
        /// Wire field `crd_tp`.
        public var crd_tp: String?
        /// Wire field `crd_tp_nm`.
        public var crd_tp_nm: String?
        /// Wire field `crd_loan_dt`.
        public var crd_loan_dt: String?
    }

    /// Wire field `tot_pur_amt`.
    public var tot_pur_amt: String?
    /// Wire field `tot_evlt_amt`.
    public var tot_evlt_amt: String?
    /// Wire field `tot_evlt_pl`.
    public var tot_evlt_pl: String?
    /// Wire field `tot_prft_rt`.
    public var tot_prft_rt: String?
    /// Wire field `prsm_dpst_aset_amt`.
    public var prsm_dpst_aset_amt: String?
    /// Wire field `tot_loan_amt`.
    public var tot_loan_amt: String?
    /// Wire field `tot_crd_loan_amt`.
    public var tot_crd_loan_amt: String?
    /// Wire field `tot_crd_ls_amt`.
    public var tot_crd_ls_amt: String?
    /// Wire field `acnt_evlt_remn_indv_tot`.
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
        /// Wire field `acnt_no`.
        public var acnt_no: String?
        /// Wire field `ord_no`.
        public var ord_no: String?
        /// Wire field `stk_cd`.
        public var stk_cd: String?
        /// Wire field `stk_nm`.
        public var stk_nm: String?
        /// Wire field `ord_stt`.
        public var ord_stt: String?
        /// Wire field `ord_qty`.
        public var ord_qty: String?
        /// Wire field `ord_pric`.
        public var ord_pric: String?
        /// Wire field `oso_qty`.
        public var oso_qty: String?
        /// Wire field `cntr_tot_amt`.
        public var cntr_tot_amt: String?
        /// Wire field `orig_ord_no`.
        public var orig_ord_no: String?
        /// Wire field `io_tp_nm`.
        public var io_tp_nm: String?
        /// Wire field `trde_tp`.
        public var trde_tp: String?
        /// Wire field `tm`.
        public var tm: String?
        /// Wire field `cntr_no`.
        public var cntr_no: String?
        /// Wire field `cntr_pric`.
        public var cntr_pric: String?
        /// Wire field `cntr_qty`.
        public var cntr_qty: String?
        /// Wire field `cur_prc`.
        public var cur_prc: String?
        /// Wire field `sel_bid`.
        public var sel_bid: String?
        /// Wire field `buy_bid`.
        public var buy_bid: String?
        /// Wire field `stex_tp`.
        public var stex_tp: String?
        /// Wire field `stex_tp_txt`.
        public var stex_tp_txt: String?
        /// Wire field `sor_yn`.
        public var sor_yn: String?
    }

    /// Wire field `oso`.
    public var oso: [Row]?
}

/// `ka10076` 체결요청 request (`kiwoom-rest.md` §6.7; fields as the public clients send them).
public struct KA10076Request: Encodable, Sendable {
    /// `0` all stocks, `1` one stock (`stk_cd`).
    public var qry_tp: String
    /// `0` both sides, `1` sells, `2` buys.
    public var sell_tp: String
    /// The stock when `qry_tp` is `1`, else `""`.
    public var stk_cd: String
    /// Orders older than this order number, `""` for all.
    public var ord_no: String
    /// `0` combined, `1` KRX, `2` NXT.
    public var stex_tp: String
}

/// `ka10076` 체결 reply: list `cntr`, one row per order with fills (`cntr_qty` filled so far, `cntr_pric`).
public struct KA10076Response: Decodable, Sendable {
    /// One order's fills.
    public struct Row: Decodable, Sendable, Hashable {
        /// Wire field `ord_no`.
        public var ord_no: String?
        /// Wire field `stk_cd`.
        public var stk_cd: String?
        /// Wire field `stk_nm`.
        public var stk_nm: String?
        /// Wire field `io_tp_nm` (`"+매수"`, `"-매도"`).
        public var io_tp_nm: String?
        /// Wire field `ord_pric`.
        public var ord_pric: String?
        /// Wire field `ord_qty`.
        public var ord_qty: String?
        /// Wire field `cntr_pric`.
        public var cntr_pric: String?
        /// Wire field `cntr_qty`.
        public var cntr_qty: String?
        /// Wire field `oso_qty`.
        public var oso_qty: String?
        /// Wire field `tdy_trde_cmsn`.
        public var tdy_trde_cmsn: String?
        /// Wire field `tdy_trde_tax`.
        public var tdy_trde_tax: String?
        /// Wire field `ord_stt`.
        public var ord_stt: String?
        /// Wire field `trde_tp`.
        public var trde_tp: String?
        /// Wire field `orig_ord_no`.
        public var orig_ord_no: String?
        /// Wire field `ord_tm`.
        public var ord_tm: String?
        /// Wire field `stex_tp`.
        public var stex_tp: String?
    }

    /// Wire field `cntr`.
    public var cntr: [Row]?
}
