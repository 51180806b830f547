/// `ka10081` request; `base_dt` is required live although some docs omit it.
public struct KA10081Request: Encodable, Sendable {
    /// Wire field `stk_cd`.
    public var stk_cd: String
    /// Wire field `base_dt`.
    public var base_dt: String
    /// Wire field `upd_stkpc_tp`.
    public var upd_stkpc_tp: String
}

/// `ka10081` reply: rows newest first.
public struct KA10081Response: Decodable, Sendable {
    /// One daily row.
    public struct Row: Decodable, Sendable, Hashable {
        /// Wire field `cur_prc`.
        public var cur_prc: String?
        /// Wire field `trde_qty`.
        public var trde_qty: String?
        /// Wire field `trde_prica`.
        public var trde_prica: String?
        /// Wire field `dt`.
        public var dt: String?
        /// Wire field `open_pric`.
        public var open_pric: String?
        /// Wire field `high_pric`.
        public var high_pric: String?
        /// Wire field `low_pric`.
        public var low_pric: String?
        /// Wire field `pred_pre`.
        public var pred_pre: String?
        /// Wire field `pred_pre_sig`.
        public var pred_pre_sig: String?
        /// Wire field `trde_tern_rt`.
        public var trde_tern_rt: String?
    }

    /// Wire field `stk_cd`.
    public var stk_cd: String?
    /// Wire field `stk_dt_pole_chart_qry`.
    public var stk_dt_pole_chart_qry: [Row]?
}

/// `ka10080` request; `tic_scope` in minutes.
public struct KA10080Request: Encodable, Sendable {
    /// Wire field `stk_cd`.
    public var stk_cd: String
    /// Wire field `tic_scope`.
    public var tic_scope: String
    /// Wire field `upd_stkpc_tp`.
    public var upd_stkpc_tp: String
    /// Wire field `base_dt`.
    public var base_dt: String?
}

/// `ka10080` reply: rows newest first, 900 per page; prices signed.
public struct KA10080Response: Decodable, Sendable {
    /// One minute row.
    public struct Row: Decodable, Sendable, Hashable {
        /// Wire field `cntr_tm`.
        public var cntr_tm: String?
        /// Wire field `cur_prc`.
        public var cur_prc: String?
        /// Wire field `open_pric`.
        public var open_pric: String?
        /// Wire field `high_pric`.
        public var high_pric: String?
        /// Wire field `low_pric`.
        public var low_pric: String?
        /// Wire field `trde_qty`.
        public var trde_qty: String?
        /// Wire field `acc_trde_qty`.
        public var acc_trde_qty: String?
        /// Wire field `pred_pre`.
        public var pred_pre: String?
        /// Wire field `pred_pre_sig`.
        public var pred_pre_sig: String?
    }

    /// Wire field `stk_cd`.
    public var stk_cd: String?
    /// Wire field `stk_min_pole_chart_qry`.
    public var stk_min_pole_chart_qry: [Row]?
}
