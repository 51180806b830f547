/// `kt10000` / `kt10001` request. `trde_tp` is unpadded (`"0"` limit, `"3"` market); `ord_uv` is `""` at market.
public struct KT10000Request: Encodable, Sendable {
    public var dmst_stex_tp: String
    public var stk_cd: String
    public var ord_qty: String
    public var ord_uv: String
    public var trde_tp: String
    public var cond_uv: String
}

/// `kt10000` / `kt10001` reply: a 7-digit `ord_no`, absent on rejection.
public struct KT10000Response: Decodable, Sendable {
    public var ord_no: String?
    public var dmst_stex_tp: String?
}

/// `kt10002` 정정 request.
public struct KT10002Request: Encodable, Sendable {
    public var dmst_stex_tp: String
    public var orig_ord_no: String
    public var stk_cd: String
    public var mdfy_qty: String
    public var mdfy_uv: String
    public var mdfy_cond_uv: String
}

/// `kt10002` reply; `mdfy_qty` is 12-digit zero-padded.
public struct KT10002Response: Decodable, Sendable {
    public var ord_no: String?
    public var base_orig_ord_no: String?
    public var mdfy_qty: String?
    public var dmst_stex_tp: String?
}

/// `kt10003` 취소 request; `cncl_qty` `"0"` cancels the whole remainder.
public struct KT10003Request: Encodable, Sendable {
    public var dmst_stex_tp: String
    public var orig_ord_no: String
    public var stk_cd: String
    public var cncl_qty: String
}

/// `kt10003` reply; `cncl_qty` is zero-padded.
public struct KT10003Response: Decodable, Sendable {
    public var ord_no: String?
    public var base_orig_ord_no: String?
    public var cncl_qty: String?
}
