import SokboCore

/// Resolves a headline to one ticker through listed companies' names. Without codes in the frame: company
/// names in the title, the longest match wins, and a name shared by several listed companies is skipped with
/// the reason recorded. With several codes: the one whose company the title names first (Korean headlines put
/// the subject first: "삼성전자, SK하이닉스와 공급계약"), else the frame's first code.
public struct TickerResolver: TickerResolving {
    let names: any CompanyNames

    /// A resolver over `names` (the DART corp-code map in the app).
    public init(names: any CompanyNames) { self.names = names }

    /// The company name of `ticker`, from the same names.
    public func companyName(of ticker: Ticker) async -> String? { await names.name(of: ticker) }

    /// The headline's one stock, or why there is none.
    public func resolve(_ title: String, codes: [Ticker]) async -> TickerResolution {
        let mentions = await names.mentions(inHeadline: title)
        if !codes.isEmpty { return subject(among: codes, mentions: mentions) }
        guard let mentions else { return .none("no ticker in the headline and the DART company map is not loaded") }
        guard let best = mentions.sorted(by: { $0.length > $1.length }).first else {
            return .none("no ticker in the headline and no listed company name in it")
        }
        if best.tickers.count > 1 {
            return .ambiguous("\"\(best.name)\" names several listed companies: \(best.tickers.map(\.code).joined(separator: ", "))")
        }
        guard let ticker = best.tickers.first else { return .none("no listed company in the headline") }
        return .found(ticker)
    }

    private func subject(among codes: [Ticker], mentions: [CompanyMention]?) -> TickerResolution {
        let fallback = TickerResolution.found(codes[0], note: "the first of \(codes.count) codes in the frame (none named in the title)")
        guard let mentions else { return fallback }
        for mention in mentions.sorted(by: { $0.offset < $1.offset }) {
            if let ticker = mention.tickers.first(where: codes.contains) {
                return .found(ticker, note: "of \(codes.count) codes in the frame, the company the title names first (\(mention.name))")
            }
        }
        return fallback
    }
}
