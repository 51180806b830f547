import SokboCore
import Testing
import Trading

private struct Names: CompanyNames {
    let found: [CompanyMention]?
    func mentions(inHeadline headline: String) async -> [CompanyMention]? { found }
}

@Suite struct TickerResolverTests {
    let samsung = Ticker("005930")!
    let hynix = Ticker("000660")!

    @Test func amongSeveralCodesTheCompanyTheTitleNamesFirstWins() async {
        let resolver = TickerResolver(names: Names(found: [
            CompanyMention(name: "SK하이닉스", offset: 6, length: 6, tickers: [hynix]),
            CompanyMention(name: "삼성전자", offset: 0, length: 4, tickers: [samsung]),
        ]))
        let resolution = await resolver.resolve("삼성전자, SK하이닉스와 공급계약", codes: [hynix, samsung])
        guard case .found(let ticker, _) = resolution else { Issue.record("\(resolution)"); return }
        #expect(ticker == samsung)
    }

    @Test func withoutCodesTheLongestNameWinsAndASharedNameIsAmbiguous() async {
        let shared = TickerResolver(names: Names(found: [CompanyMention(name: "대한", offset: 0, length: 2, tickers: [samsung, hynix])]))
        guard case .ambiguous = await shared.resolve("대한 공급계약", codes: []) else { Issue.record("not ambiguous"); return }
        let unloaded = TickerResolver(names: Names(found: nil))
        guard case .none = await unloaded.resolve("대한 공급계약", codes: []) else { Issue.record("resolved without names"); return }
        guard case .found(let first, _) = await unloaded.resolve("x", codes: [hynix, samsung]) else { Issue.record("no fallback"); return }
        #expect(first == hynix, "the frame's first code when the names are not loaded")
    }
}
