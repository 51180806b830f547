import SokboCore

/// Input checks run before any request (and before any token is fetched): a bad input gets a clear
/// `invalidRequest` error and nothing reaches the venue.
public enum KiwoomInputCheck {
    /// A `stk_cd`: six digits or upper-case letters, optionally `_NX` (NXT) or `_AL` (SOR) (§2.6).
    public static func stockCode(_ code: String, api: KiwoomAPI) throws {
        var base = Substring(code)
        if base.hasSuffix("_NX") || base.hasSuffix("_AL") { base = base.dropLast(3) }
        guard Ticker(String(base)) != nil else {
            throw KiwoomError(.invalidRequest, apiID: api.rawValue,
                              message: "stock code must be 6 characters, optionally with _NX or _AL (e.g. 005930, 005930_NX); got \(code.debugDescription)")
        }
    }

    /// A quantity: positive.
    public static func quantity(_ quantity: Int, api: KiwoomAPI) throws {
        guard quantity > 0 else {
            throw KiwoomError(.invalidRequest, apiID: api.rawValue, message: "quantity must be positive; got \(quantity)")
        }
    }

    /// A limit price: on the KRX tick grid, and within `limits` when they are known.
    public static func limitPrice(_ price: Int, limits: DailyLimits?, api: KiwoomAPI) throws {
        guard KRXTick.isOnGrid(price) else {
            let below = KRXTick.roundDown(price).map(String.init) ?? "none"
            throw KiwoomError(.invalidRequest, apiID: api.rawValue,
                              message: "price \(price) is off the KRX tick grid (tick \(KRXTick.size(at: max(price, 1)))); nearest: \(below) or \(KRXTick.roundUp(price))")
        }
        if let limits, !limits.contains(price) {
            throw KiwoomError(.invalidRequest, apiID: api.rawValue,
                              message: "price \(price) is outside today's limits \(limits.lower)…\(limits.upper)")
        }
    }

    /// A date `YYYYMMDD`.
    public static func date(_ raw: String, field: String, api: KiwoomAPI) throws {
        guard KST.date(yyyymmdd: raw, hhmmss: "000000") != nil else {
            throw KiwoomError(.invalidRequest, apiID: api.rawValue, message: "\(field) must be YYYYMMDD; got \(raw.debugDescription)")
        }
    }

    /// An original order number: 1…10 digits.
    public static func orderNumber(_ raw: String, api: KiwoomAPI) throws {
        guard (1...10).contains(raw.count), raw.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            throw KiwoomError(.invalidRequest, apiID: api.rawValue, message: "order number must be digits; got \(raw.debugDescription)")
        }
    }
}
