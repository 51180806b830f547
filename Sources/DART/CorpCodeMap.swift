import SokboCore

/// Company name ↔ stock code ↔ corp code, built from CORPCODE.xml. Immutable; a refresh builds a new map.
///
/// Every entry is reachable by `corp_code`; only listed companies (a valid `stock_code`) enter the ticker map and
/// the headline matcher, because an unlisted company can never be traded.
public struct CorpCodeMap: Sendable {
    /// Every entry, in file order.
    public let entries: [CorpCodeEntry]
    private let byCorpCode: [String: Int]
    private let byTicker: [Ticker: [Int]]
    private let byName: [String: [Int]]
    private let matcher: HeadlineMatcher

    /// Builds the indexes.
    public init(entries: [CorpCodeEntry]) {
        self.entries = entries
        var byCorpCode = [String: Int](minimumCapacity: entries.count)
        var byTicker = [Ticker: [Int]]()
        var byName = [String: [Int]](minimumCapacity: entries.count)
        var listedNames = [String: [Int]]()
        for (i, entry) in entries.enumerated() {
            byCorpCode[entry.corpCode] = i
            byName[entry.name, default: []].append(i)
            if let ticker = entry.ticker {
                byTicker[ticker, default: []].append(i)
                listedNames[entry.name, default: []].append(i)
            }
        }
        self.byCorpCode = byCorpCode
        self.byTicker = byTicker
        self.byName = byName
        self.matcher = HeadlineMatcher(names: listedNames, entries: entries)
    }

    /// How many companies the map holds.
    public var count: Int { entries.count }
    /// How many of them are listed (have a ticker).
    public var listedCount: Int { byTicker.values.reduce(0) { $0 + $1.count } }

    /// The entry for a corp code.
    public func entry(corpCode: String) -> CorpCodeEntry? { byCorpCode[corpCode].map { entries[$0] } }

    /// The corp code of a listed stock. When a code was reused, the most recently modified company wins.
    public func corpCode(for ticker: Ticker) -> String? {
        byTicker[ticker]?.map { entries[$0] }.max { $0.modifyDate < $1.modifyDate }?.corpCode
    }

    /// The ticker of a corp code, nil for unlisted companies.
    public func ticker(forCorpCode corpCode: String) -> Ticker? { entry(corpCode: corpCode)?.ticker }

    /// Every company with exactly this name (names repeat: key on `corp_code`).
    public func entries(named name: String) -> [CorpCodeEntry] { (byName[name] ?? []).map { entries[$0] } }

    /// The tickers of listed companies with exactly this name.
    public func tickers(named name: String) -> [Ticker] {
        Array(Set((byName[name] ?? []).compactMap { entries[$0].ticker })).sorted()
    }

    /// Listed company names found in a headline, leftmost-longest and non-overlapping (`SK하이닉스` wins over `SK`).
    /// A name must not follow a letter or digit (so `대상` does not match inside `최대상승`), and an ASCII name must
    /// not run into another ASCII letter; Korean particles after a name (`삼성전자가`) are fine. A name that
    /// belongs to several listed companies is returned with all of them and `isAmbiguous` set.
    public func tickers(inHeadline headline: String) -> [HeadlineMatch] {
        matcher.matches(in: headline)
    }
}

/// One company name found in a headline.
public struct HeadlineMatch: Sendable, Hashable, Codable {
    /// The name as the map knows it.
    public var name: String
    /// Where it starts in the headline, in Unicode scalars.
    public var offset: Int
    /// Its length in Unicode scalars.
    public var length: Int
    /// The listed stocks of that name (usually one).
    public var tickers: [Ticker]
    /// Their corp codes.
    public var corpCodes: [String]
    /// True when the name maps to more than one listed stock: the caller must not guess.
    public var isAmbiguous: Bool { tickers.count > 1 }

    /// Creates a match.
    public init(name: String, offset: Int, length: Int, tickers: [Ticker], corpCodes: [String]) {
        self.name = name
        self.offset = offset
        self.length = length
        self.tickers = tickers
        self.corpCodes = corpCodes
    }
}

/// A trie over listed names, keyed by Unicode scalar with ASCII letters folded to upper case.
struct HeadlineMatcher: Sendable {
    private struct Node: Sendable {
        var children: [UInt32: Int32] = [:]
        var terminal: Int32 = -1
    }
    private var nodes: [Node] = [Node()]
    private var results: [(name: String, tickers: [Ticker], corpCodes: [String])] = []

    init(names: [String: [Int]], entries: [CorpCodeEntry]) {
        for (name, indexes) in names.sorted(by: { $0.key < $1.key }) {
            let scalars = name.unicodeScalars.map { Self.fold($0.value) }
            guard scalars.count >= 2 else { continue }
            var node = 0
            for s in scalars {
                if let next = nodes[node].children[s] {
                    node = Int(next)
                } else {
                    nodes.append(Node())
                    nodes[node].children[s] = Int32(nodes.count - 1)
                    node = nodes.count - 1
                }
            }
            let listed = indexes.map { entries[$0] }
            let tickers = Array(Set(listed.compactMap(\.ticker))).sorted()
            nodes[node].terminal = Int32(results.count)
            results.append((name, tickers, listed.map(\.corpCode).sorted()))
        }
    }

    func matches(in headline: String) -> [HeadlineMatch] {
        let scalars = headline.unicodeScalars.map(\.value)
        var out: [HeadlineMatch] = []
        var i = 0
        while i < scalars.count {
            if i > 0, Self.isWordCharacter(scalars[i - 1]) {
                i += 1
                continue
            }
            var node = 0
            var best: (end: Int, result: Int)?
            var j = i
            while j < scalars.count, let next = nodes[node].children[Self.fold(scalars[j])] {
                node = Int(next)
                j += 1
                let terminal = nodes[node].terminal
                if terminal >= 0, !(Self.isASCIILetter(scalars[j - 1]) && j < scalars.count && Self.isASCIILetter(scalars[j])) {
                    best = (j, Int(terminal))
                }
            }
            if let best {
                let r = results[best.result]
                out.append(HeadlineMatch(name: r.name, offset: i, length: best.end - i, tickers: r.tickers, corpCodes: r.corpCodes))
                i = best.end
            } else {
                i += 1
            }
        }
        return out
    }

    private static func fold(_ v: UInt32) -> UInt32 { (v >= 97 && v <= 122) ? v - 32 : v }

    private static func isASCIILetter(_ v: UInt32) -> Bool { (v >= 65 && v <= 90) || (v >= 97 && v <= 122) }

    /// Letters and digits of any script, Hangul syllables included.
    private static func isWordCharacter(_ v: UInt32) -> Bool {
        if v < 128 { return isASCIILetter(v) || (v >= 48 && v <= 57) }
        if v == 0x318D { return false }  // ㆍ separates names ("삼성전자ㆍSK하이닉스")
        if (0xAC00...0xD7A3).contains(v) || (0x3131...0x318E).contains(v) { return true }
        return Unicode.Scalar(v)?.properties.isAlphabetic ?? false
    }
}
