/// `ka10081` request; `base_dt` is required live although some docs omit it.
public struct KA10081Request: Encodable, Sendable {
    public var stk_cd: String
    public var base_dt: String
    public var upd_stkpc_tp: String
}

/// `ka10081` reply: rows newest first.
public struct KA10081Response: Decodable, Sendable {
    /// One daily row.
    public struct Row: Decodable, Sendable, Hashable {
        public var cur_prc: String?
        public var trde_qty: String?
        public var trde_prica: String?
        public var dt: String?
        public var open_pric: String?
        public var high_pric: String?
        public var low_pric: String?
        public var pred_pre: String?
        public var pred_pre_sig: String?
        public var trde_tern_rt: String?
    }

    public var stk_cd: String?
    public var stk_dt_pole_chart_qry: [Row]?
}

/// `ka10080` request; `tic_scope` in minutes.
public struct KA10080Request: Encodable, Sendable {
    public var stk_cd: String
    public var tic_scope: String
    public var upd_stkpc_tp: String
    public var base_dt: String?
}

/// `ka10080` reply: rows newest first, 900 per page; prices signed.
public struct KA10080Response: Decodable, Sendable {
    /// One minute row.
    public struct Row: Decodable, Sendable, Hashable {
        public var cntr_tm: String?
        public var cur_prc: String?
        public var open_pric: String?
        public var high_pric: String?
        public var low_pric: String?
        public var trde_qty: String?
        public var acc_trde_qty: String?
        public var pred_pre: String?
        public var pred_pre_sig: String?
    }

    public var stk_cd: String?
    public var stk_min_pole_chart_qry: [Row]?
}
