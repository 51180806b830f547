import DART
import SokboCore
import Trading

/// Resolves company names in a headline to one ticker through the DART corp-code map: the longest
/// match wins; a name shared by several listed companies is skipped with the reason recorded.
enum TickerResolver {
    static func resolve(_ title: String, repository: CorpCodeRepository?) async -> TickerResolution {
        guard let map = await repository?.map else { return .none("no ticker in the headline and the DART company map is not loaded") }
        let matches = map.tickers(inHeadline: title).sorted { $0.length > $1.length }
        guard let best = matches.first else { return .none("no ticker in the headline and no listed company name in it") }
        if best.isAmbiguous {
            return .ambiguous("\"\(best.name)\" names several listed companies: \(best.tickers.map(\.code).joined(separator: ", "))")
        }
        guard let ticker = best.tickers.first else { return .none("no listed company in the headline") }
        return .found(ticker)
    }
}
