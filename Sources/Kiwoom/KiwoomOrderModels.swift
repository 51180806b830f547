/// `kt10000` / `kt10001` request. `trde_tp` is unpadded (`"0"` limit, `"3"` market); `ord_uv` is `""` at market.
public struct KT10000Request: Encodable, Sendable {
    /// Wire field `dmst_stex_tp`.
    public var dmst_stex_tp: String
    /// Wire field `stk_cd`.
    public var stk_cd: String
    /// Wire field `ord_qty`.
    public var ord_qty: String
    /// Wire field `ord_uv`.
    public var ord_uv: String
    /// Wire field `trde_tp`.
    public var trde_tp: String
    /// Wire field `cond_uv`.
    public var cond_uv: String
}

/// `kt10000` / `kt10001` reply: a 7-digit `ord_no`, absent on rejection.
public struct KT10000Response: Decodable, Sendable {
    /// Wire field `ord_no`.
    public var ord_no: String?
    /// Wire field `dmst_stex_tp`.
    public var dmst_stex_tp: String?
}

/// `kt10002` 정정 request.
public struct KT10002Request: Encodable, Sendable {
    /// Wire field `dmst_stex_tp`.
    public var dmst_stex_tp: String
    /// Wire field `orig_ord_no`.
    public var orig_ord_no: String
    /// Wire field `stk_cd`.
    public var stk_cd: String
    /// Wire field `mdfy_qty`.
    public var mdfy_qty: String
    /// Wire field `mdfy_uv`.
    public var mdfy_uv: String
    /// Wire field `mdfy_cond_uv`.
    public var mdfy_cond_uv: String
}

/// `kt10002` reply; `mdfy_qty` is 12-digit zero-padded.
public struct KT10002Response: Decodable, Sendable {
    /// Wire field `ord_no`.
    public var ord_no: String?
    /// Wire field `base_orig_ord_no`.
    public var base_orig_ord_no: String?
    /// Wire field `mdfy_qty`.
    public var mdfy_qty: String?
    /// Wire field `dmst_stex_tp`.
    public var dmst_stex_tp: String?
}

/// `kt10003` 취소 request; `cncl_qty` `"0"` cancels the whole remainder.
public struct KT10003Request: Encodable, Sendable {
    /// Wire field `dmst_stex_tp`.
    public var dmst_stex_tp: String
    /// Wire field `orig_ord_no`.
    public var orig_ord_no: String
    /// Wire field `stk_cd`.
    public var stk_cd: String
    /// Wire field `cncl_qty`.
    public var cncl_qty: String
}

/// `kt10003` reply; `cncl_qty` is zero-padded.
public struct KT10003Response: Decodable, Sendable {
    /// Wire field `ord_no`.
    public var ord_no: String?
    /// Wire field `base_orig_ord_no`.
    public var base_orig_ord_no: String?
    /// Wire field `cncl_qty`.
    public var cncl_qty: String?
}
