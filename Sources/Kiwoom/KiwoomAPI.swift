/// The Kiwoom TRs this client speaks: the `api-id` header value and the category path it posts to.
public enum KiwoomAPI: String, Sendable, CaseIterable {
    /// 접근토큰 발급.
    case au10001
    /// 주식기본정보요청.
    case ka10001
    /// 주식호가요청.
    case ka10004
    /// 종목정보 조회 (`state` carries 증거금NN%).
    case ka10100
    /// 증거금율별주문가능수량조회요청.
    case kt00011
    /// 주식 매수주문.
    case kt10000
    /// 주식 매도주문.
    case kt10001
    /// 주식 정정주문.
    case kt10002
    /// 주식 취소주문.
    case kt10003
    /// 주식일봉차트조회요청.
    case ka10081
    /// 주식분봉차트조회요청.
    case ka10080
    /// 예수금상세현황요청.
    case kt00001
    /// 계좌평가잔고내역요청.
    case kt00018
    /// 미체결요청.
    case ka10075
    /// 체결요청.
    case ka10076

    /// The path the TR is posted to.
    public var path: String {
        switch self {
        case .au10001: "/oauth2/token"
        case .ka10001, .ka10100: "/api/dostk/stkinfo"
        case .ka10004: "/api/dostk/mrkcond"
        case .kt00011, .kt00001, .kt00018, .ka10075, .ka10076: "/api/dostk/acnt"
        case .kt10000, .kt10001, .kt10002, .kt10003: "/api/dostk/ordr"
        case .ka10081, .ka10080: "/api/dostk/chart"
        }
    }

    /// True for the TRs that place, modify or cancel orders: sent once, never retried.
    public var isOrder: Bool {
        switch self {
        case .kt10000, .kt10001, .kt10002, .kt10003: true
        default: false
        }
    }
}
