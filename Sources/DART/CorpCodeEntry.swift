import SokboCore

/// One `<list>` of CORPCODE.xml: a company DART knows, listed or not.
public struct CorpCodeEntry: Sendable, Hashable, Codable {
    /// `corp_code`, 8 digits; the only stable key (names repeat, stock codes get reused).
    public var corpCode: String
    /// `corp_name` 정식명칭 (for listed companies usually the 종목명).
    public var name: String
    /// `corp_eng_name`, when the file has it (added after 2022).
    public var englishName: String?
    /// The listed stock; nil for the single-space `stock_code` of unlisted companies.
    public var ticker: Ticker?
    /// `modify_date`, `YYYYMMDD`.
    public var modifyDate: String

    /// Creates an entry.
    public init(corpCode: String, name: String, englishName: String? = nil, ticker: Ticker?, modifyDate: String) {
        self.corpCode = corpCode
        self.name = name
        self.englishName = englishName
        self.ticker = ticker
        self.modifyDate = modifyDate
    }
}
