import SokboCore

/// Chooses the one stock of a headline whose frame names no code or several (the engine asks only then).
public protocol TickerResolving: Sendable {
    /// The stock for `title` among the frame's `codes` (empty: from company names in the title).
    func resolve(_ title: String, codes: [Ticker]) async -> TickerResolution
    /// The listed company name of `ticker`, when known.
    func companyName(of ticker: Ticker) async -> String?
}

extension TickerResolving {
    /// No names by default.
    public func companyName(of ticker: Ticker) async -> String? { nil }
}

/// How a headline's codes and company names resolved to one ticker.
public enum TickerResolution: Sendable, Hashable {
    /// One listed company; `note` says how it was chosen among several codes.
    case found(Ticker, note: String? = nil)
    /// Several candidates; the reason names them.
    case ambiguous(String)
    /// None.
    case none(String)
}

/// A listed company's name found in a headline.
public struct CompanyMention: Sendable, Hashable {
    /// The name as found.
    public var name: String
    /// Where it starts in the headline (characters).
    public var offset: Int
    /// Its length (characters).
    public var length: Int
    /// The listed stocks of companies with that name (several: the name is ambiguous).
    public var tickers: [Ticker]

    /// Creates a mention.
    public init(name: String, offset: Int, length: Int, tickers: [Ticker]) {
        self.name = name
        self.offset = offset
        self.length = length
        self.tickers = tickers
    }
}

/// Listed companies' names (the DART corp-code map), as the resolver reads them.
public protocol CompanyNames: Sendable {
    /// Every listed company name in `headline`; nil while the names are not loaded.
    func mentions(inHeadline headline: String) async -> [CompanyMention]?
    /// The company name of a listed stock; nil while the names are not loaded or for an unknown code.
    func name(of ticker: Ticker) async -> String?
}

extension CompanyNames {
    /// No names by default.
    public func name(of ticker: Ticker) async -> String? { nil }
}
