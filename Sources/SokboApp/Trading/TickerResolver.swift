import DART
import SokboCore
import Trading

/// Resolves a headline to one ticker through the DART corp-code map. Without codes in the frame: company
/// names in the title, the longest match wins, and a name shared by several listed companies is skipped with
/// the reason recorded. With several codes: the one whose company the title names first (Korean headlines put
/// the subject first: "삼성전자, SK하이닉스와 공급계약"), else the frame's first code.
public enum TickerResolver {
    public static func resolve(_ title: String, codes: [Ticker], repository: CorpCodeRepository?) async -> TickerResolution {
        // The engine asks only when the frame has no code or several.
        if !codes.isEmpty { return await subject(title, among: codes, repository: repository) }
        guard let map = await repository?.map else { return .none("no ticker in the headline and the DART company map is not loaded") }
        let matches = map.tickers(inHeadline: title).sorted { $0.length > $1.length }
        guard let best = matches.first else { return .none("no ticker in the headline and no listed company name in it") }
        if best.isAmbiguous {
            return .ambiguous("\"\(best.name)\" names several listed companies: \(best.tickers.map(\.code).joined(separator: ", "))")
        }
        guard let ticker = best.tickers.first else { return .none("no listed company in the headline") }
        return .found(ticker)
    }

    private static func subject(_ title: String, among codes: [Ticker], repository: CorpCodeRepository?) async -> TickerResolution {
        let fallback = TickerResolution.found(codes[0], note: "the first of \(codes.count) codes in the frame (none named in the title)")
        guard let map = await repository?.map else { return fallback }
        for match in map.tickers(inHeadline: title).sorted(by: { $0.offset < $1.offset }) {
            if let ticker = match.tickers.first(where: codes.contains) {
                return .found(ticker, note: "of \(codes.count) codes in the frame, the company the title names first (\(match.name))")
            }
        }
        return fallback
    }
}
