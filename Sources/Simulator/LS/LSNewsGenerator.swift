import Foundation
import SokboCore

/// One simulated article: the NWS headline and the body t3102 serves.
struct LSArticle: Sendable {
    let realkey: String
    let title: String
    let tickers: [Ticker]
    let body: String
    /// General news: t3102 answers with the leaked-label shape (spec §4.2).
    var isGeneral: Bool { tickers.isEmpty }
    /// Whether the headline came from a template that should trade.
    let shouldTrade: Bool
}

/// Produces realistic NWS frames and matching articles from the KRX universe and headline templates.
struct LSNewsGenerator: Sendable {
    private var rng: SimRandom
    private let configuration: LSSimulatorConfiguration
    private var sequence: UInt64
    private static let sources = ["11", "14", "20", "21", "24", "25", "26", "27", "28", "30", "31", "32", "35"]

    init(configuration: LSSimulatorConfiguration) {
        self.configuration = configuration
        self.rng = SimRandom(seed: configuration.seed)
        self.sequence = 2_704_000_000 + configuration.seed % 100_000
    }

    private mutating func chance(_ p: Double) -> Bool { Double.random(in: 0..<1, using: &rng) < p }

    private mutating func pick<T>(_ items: [T]) -> T { items[Int.random(in: 0..<items.count, using: &rng)] }

    /// The next article and its NWS frame text.
    mutating func next(now: Date) -> (article: LSArticle, frame: String) {
        sequence += 1
        let date = KST.dayString(now)
        let seconds = KST.secondsIntoDay(now)
        let time = String(format: "%02d%02d%02d", seconds / 3600, (seconds / 60) % 60, seconds % 60)
        let realkey = date + time + String(format: "%010llu", sequence % 10_000_000_000)
        let amount = String(Int.random(in: 50...9_000, using: &rng))
        let ratio = String(Int.random(in: 1...5, using: &rng))
        var tickers: [Ticker] = []
        var title: String
        var shouldTrade = false
        if !configuration.universe.isEmpty, chance(configuration.stockNewsShare) {
            let listing = pick(configuration.universe)
            tickers = [listing.ticker]
            shouldTrade = chance(configuration.tradeableShare)
            let template = shouldTrade ? pick(KRXUniverse.tradeableTemplates) : pick(KRXUniverse.nonTradeableTemplates)
            title = Self.fill(template, name: listing.name, amount: amount, ratio: ratio)
            if chance(configuration.multiCodeShare) {
                for _ in 0..<Int.random(in: 1...2, using: &rng) {
                    let other = pick(configuration.universe).ticker
                    if !tickers.contains(other) { tickers.append(other) }
                }
            }
        } else {
            title = Self.fill(pick(KRXUniverse.generalTemplates), name: "", amount: amount, ratio: ratio)
        }
        return make(realkey: realkey, date: date, time: time, title: title, tickers: tickers, shouldTrade: shouldTrade)
    }

    /// A scripted headline (tests, demos), framed exactly like generated ones.
    mutating func scripted(title: String, tickers: [Ticker], now: Date) -> (article: LSArticle, frame: String) {
        sequence += 1
        let date = KST.dayString(now)
        let seconds = KST.secondsIntoDay(now)
        let time = String(format: "%02d%02d%02d", seconds / 3600, (seconds / 60) % 60, seconds % 60)
        let realkey = date + time + String(format: "%010llu", sequence % 10_000_000_000)
        return make(realkey: realkey, date: date, time: time, title: title, tickers: tickers, shouldTrade: false)
    }

    private mutating func make(realkey: String, date: String, time: String, title: String, tickers: [Ticker],
                               shouldTrade: Bool) -> (article: LSArticle, frame: String) {
        let body = makeBody(title: title, tickers: tickers)
        let article = LSArticle(realkey: realkey, title: title, tickers: tickers, body: body, shouldTrade: shouldTrade)
        let code = tickers.map { "000000" + $0.code }.joined()
        var fields: [(String, String)] = [
            ("date", date), ("code", code), ("realkey", realkey), ("bodysize", String(body.utf8.count)),
            ("time", time), ("id", pick(Self.sources)), ("title", title),
        ]
        if chance(configuration.extraFieldShare) {
            fields.append(("categoryid", tickers.isEmpty ? "06" : "99"))
            fields.append(("codeaccu", tickers.isEmpty ? "" : "C"))
        }
        return (article, Self.frame(body: fields))
    }

    private mutating func makeBody(title: String, tickers: [Ticker]) -> String {
        let sentences = [
            "회사 측은 이번 결정이 중장기 성장 전략의 일환이라고 설명했다.",
            "증권가에서는 실적 개선 기대감이 커질 것으로 보고 있다.",
            "계약 기간은 내년 말까지이며 세부 조건은 공시를 통해 확인할 수 있다.",
            "시장 참여자들은 향후 수급 변화에 주목하고 있다.",
            "한편 이날 코스피는 전 거래일 대비 소폭 상승 마감했다.",
            "업계 관계자는 \"하반기 수요 회복이 본격화될 것\"이라고 전망했다.",
        ]
        var text = "<p>" + title + "</p><br/>\r\n"
        for _ in 0..<Int.random(in: 3...8, using: &rng) { text += pick(sentences) + " " }
        for ticker in tickers {
            let name = KRXUniverse.listing(for: ticker)?.name ?? ticker.code
            text += "<span stockcode='\(ticker.code)'>\(name)</span> "
        }
        return text + "<br/>\r\n"
    }

    static func fill(_ template: String, name: String, amount: String, ratio: String) -> String {
        template.replacingOccurrences(of: "{name}", with: name).replacingOccurrences(of: "{amount}", with: amount)
            .replacingOccurrences(of: "{ratio}", with: ratio)
    }

    /// An NWS push with the given body fields, all strings (spec §5.4).
    static func frame(body fields: [(String, String)]) -> String {
        let body = fields.map { "\"\($0.0)\":\"\(JSONString.escaped($0.1))\"" }.joined(separator: ",")
        return #"{"header":{"tr_cd":"NWS","tr_key":"NWS001"},"body":{"# + body + "}}"
    }

    /// A malformed frame of the given kind (text, or raw bytes for invalid UTF-8).
    static func garbage(_ kind: LSGarbageKind, index: Int, oversizedBytes: Int) -> [UInt8] {
        let key = "20250320091500" + String(format: "%010d", 9_000_000_000 + index)
        switch kind {
        case .notJSON:
            return Array((index % 2 == 0 ? "<html><body>502 Bad Gateway</body></html>" : #"{"header":{"tr_cd":"NWS","#).utf8)
        case .missingField:
            return Array(frame(body: [("date", "20250320"), ("time", "091500"), ("id", "25"), ("title", "제목만 있는 프레임"), ("code", "")]).utf8)
        case .wrongType:
            return Array((#"{"header":{"tr_cd":"NWS","tr_key":"NWS001"},"body":{"date":"20250320","time":"091500","id":"25","realkey":""#
                + key + #"","title":{"ko":"객체 제목"},"code":""}}"#).utf8)
        case .invalidUTF8:
            var bytes = Array((#"{"header":{"tr_cd":"NWS","tr_key":"NWS001"},"body":{"date":"20250320","time":"091500","id":"25","realkey":""#
                + key + #"","title":""#).utf8)
            bytes += [0xEC, 0x82, 0x20, 0xFF, 0xC3, 0x28]
            bytes += Array(#"","code":""}}"#.utf8)
            return bytes
        case .badValue:
            return Array(frame(body: [("date", "20251399"), ("time", "251500"), ("id", "25"), ("realkey", key), ("title", "날짜가 틀린 프레임"), ("code", "")]).utf8)
        case .oversized:
            let filler = String(repeating: "가", count: max(1, oversizedBytes / 3))
            return Array(frame(body: [("date", "20250320"), ("time", "091500"), ("id", "25"), ("realkey", key), ("title", filler), ("code", "")]).utf8)
        }
    }
}
