/// One listed KRX stock: code, Korean name and market.
public struct KRXListing: Sendable, Hashable, Codable {
    /// The market a stock trades on.
    public enum Market: String, Sendable, Codable {
        /// 유가증권시장.
        case kospi = "KOSPI"
        /// 코스닥.
        case kosdaq = "KOSDAQ"
    }

    /// The six-character code.
    public var ticker: Ticker
    /// The Korean name as the exchange lists it.
    public var name: String
    /// The market.
    public var market: Market

    /// Creates a listing.
    public init(ticker: Ticker, name: String, market: Market) {
        self.ticker = ticker
        self.name = name
        self.market = market
    }
}

/// A fixed universe of about 30 real KRX stocks and Korean headline templates, shared by the simulators
/// (LS news, Kiwoom quotes, DART disclosures) so every venue talks about the same companies.
public enum KRXUniverse {
    /// The listings, large caps first.
    public static let listings: [KRXListing] = [
        ("005930", "삼성전자", .kospi), ("000660", "SK하이닉스", .kospi), ("373220", "LG에너지솔루션", .kospi),
        ("207940", "삼성바이오로직스", .kospi), ("005380", "현대차", .kospi), ("000270", "기아", .kospi),
        ("068270", "셀트리온", .kospi), ("005490", "POSCO홀딩스", .kospi), ("035420", "NAVER", .kospi),
        ("035720", "카카오", .kospi), ("051910", "LG화학", .kospi), ("006400", "삼성SDI", .kospi),
        ("105560", "KB금융", .kospi), ("055550", "신한지주", .kospi), ("012330", "현대모비스", .kospi),
        ("028260", "삼성물산", .kospi), ("066570", "LG전자", .kospi), ("003550", "LG", .kospi),
        ("032830", "삼성생명", .kospi), ("086790", "하나금융지주", .kospi), ("015760", "한국전력", .kospi),
        ("017670", "SK텔레콤", .kospi), ("030200", "KT", .kospi), ("034730", "SK", .kospi),
        ("096770", "SK이노베이션", .kospi), ("009150", "삼성전기", .kospi), ("011200", "HMM", .kospi),
        ("010130", "고려아연", .kospi), ("012450", "한화에어로스페이스", .kospi), ("011810", "STX", .kospi),
        ("042700", "한미반도체", .kospi), ("192820", "코스맥스", .kospi),
        ("247540", "에코프로비엠", .kosdaq), ("086520", "에코프로", .kosdaq), ("196170", "알테오젠", .kosdaq),
    ].compactMap { code, name, market in Ticker(code).map { KRXListing(ticker: $0, name: name, market: market) } }

    /// The listing for a code, if it is in the universe.
    public static func listing(for ticker: Ticker) -> KRXListing? {
        listings.first { $0.ticker == ticker }
    }

    /// Headlines that should trade: a fresh, material, positive corporate action. `{name}` is the company,
    /// `{amount}` a number in 억원, `{ratio}` a small integer.
    public static let tradeableTemplates: [String] = [
        "{name}, {amount}억원 규모 단일판매ㆍ공급계약 체결",
        "{name}, {amount}억원 규모 공급계약 체결",
        "{name}, 무상증자 결정…보통주 1주당 {ratio}주 배정",
        "{name}, {amount}억원 규모 자기주식 취득 결정",
        "{name}, {amount}억원 규모 자기주식 취득 신탁계약 체결",
        "{name}, 해외 고객사와 {amount}억원 규모 수주 계약 체결",
    ]

    /// Headlines about a company that should not trade: corrections, cancellations, withdrawals.
    public static let nonTradeableTemplates: [String] = [
        "[정정] {name}, {amount}억원 규모 공급계약 체결",
        "{name}, 단일판매ㆍ공급계약 해지",
        "{name}, 무상증자 결정 취소",
        "{name}, 자기주식 취득 결정 철회",
        "{name}, (정정)자기주식 취득 결정",
        "{name}, 주가 3% 하락 마감…외국인 순매도",
        "{name}, 정기 주주총회 소집 결의",
    ]

    /// General market news with no stock attached.
    public static let generalTemplates: [String] = [
        "코스피, 외국인 매도에 약보합 마감",
        "원·달러 환율, 1,3{ratio}0원대 마감",
        "[로이터] 미 연준 위원 \"추가 금리 인하 서두를 필요 없어\"",
        "[날씨] 내일 전국 대체로 맑음…아침 기온 뚝",
        "서울 아파트값 {ratio}주 연속 상승…강남권 주도",
        "국제유가, 중동 긴장 완화에 2% 하락",
        "코스닥, 개인 매수세에 1% 상승 출발",
    ]
}
