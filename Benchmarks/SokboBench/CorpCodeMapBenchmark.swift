import DART
import Foundation
#if canImport(FoundationXML)
import FoundationXML
import SokboCore
#endif

/// Corp-code map build: a generated 100,000-entry CORPCODE.xml, scanned and indexed (and from its ZIP), in ms;
/// Foundation's XMLParser over the same bytes is measured alongside as the alternative the scanner replaced.
enum CorpCodeMapBenchmark: BenchmarkCase {
    static let name = "corpcode"
    static let summary = "ms to build the corp-code map from a 100,000-entry CORPCODE.xml (plain, ZIP, and XMLParser for comparison)"

    static func run(arguments: [String]) async throws {
        let count = arguments.first.flatMap(Int.init) ?? 100_000
        let xml = makeXML(entries: count)
        let zip = try CorpCodeArchive.makeZIP(xml: xml)
        print("| input | \(count) entries, XML \(xml.count / 1024) KiB, ZIP \(zip.count / 1024) KiB |")

        var listed = 0
        let plain = try best(of: 5) {
            let map = CorpCodeMap(entries: try CorpCodeScanner.scan(xml).entries)
            listed = map.listedCount
        }
        print("| corp-code map from XML (byte scanner + indexes), \(listed) listed | \(format(plain)) ms |")
        let zipped = try best(of: 5) { _ = try CorpCodeArchive.map(fromZIP: zip) }
        print("| corp-code map from ZIP (inflate + scan + indexes) | \(format(zipped)) ms |")
        let scanOnly = try best(of: 5) { _ = try CorpCodeScanner.scan(xml) }
        print("| byte scanner alone | \(format(scanOnly)) ms |")
        var parsed = 0
        let xmlParser = try best(of: 3) { parsed = XMLParserBaseline.parse(xml) }
        print("| Foundation XMLParser alone (\(parsed) entries) | \(format(xmlParser)) ms |")
    }

    /// The fastest of n runs, in milliseconds (the minimum is the least noisy figure on a shared machine).
    static func best(of n: Int, _ body: () throws -> Void) throws -> Double {
        var best = Double.infinity
        for _ in 0..<n {
            let start = ContinuousClock.now
            try body()
            let elapsed = ContinuousClock.now - start
            best = min(best, elapsed.milliseconds)
        }
        return best
    }

    static func format(_ ms: Double) -> String { String(format: "%.1f", ms) }

    /// A CORPCODE.xml like DART's: ~2,800 listed companies among `entries`, the rest with a single-space stock code.
    static func makeXML(entries: Int) -> Data {
        var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<result>\n"
        xml.reserveCapacity(entries * 200)
        let syllables = Array("가나다라마바사아자차카타파하한국대신동서남북성우현기아전자화학")
        for i in 0..<entries {
            var name = ""
            var n = i
            for _ in 0..<4 {
                name.append(syllables[n % syllables.count])
                n /= syllables.count
            }
            let stock = i % 36 == 0 ? String(format: "%06d", i / 36 + 1) : " "
            xml += "    <list>\n        <corp_code>\(String(format: "%08d", 100_000 + i))</corp_code>\n"
                + "        <corp_name>\(name)\(i % 7 == 0 ? "(주)" : "")</corp_name>\n"
                + "        <corp_eng_name>COMPANY \(i) CO.,LTD</corp_eng_name>\n"
                + "        <stock_code>\(stock)</stock_code>\n        <modify_date>20\(10 + i % 16)0\(1 + i % 9)1\(i % 10)</modify_date>\n    </list>\n"
        }
        xml += "</result>\n"
        return Data(xml.utf8)
    }
}

/// The same extraction with Foundation's SAX parser, for comparison only.
final class XMLParserBaseline: NSObject, XMLParserDelegate {
    private var field = ""
    private var text = ""
    private var code = "", name = "", stock = ""
    private(set) var count = 0

    static func parse(_ data: Data) -> Int {
        let parser = XMLParser(data: data)
        let delegate = XMLParserBaseline()
        parser.delegate = delegate
        _ = parser.parse()
        return delegate.count
    }

    func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName qName: String?,
                attributes attributeDict: [String: String] = [:]) {
        field = elementName
        text = ""
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) { text += string }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName qName: String?) {
        switch elementName {
        case "corp_code": code = text
        case "corp_name": name = text
        case "stock_code": stock = text.trimmingCharacters(in: .whitespaces)
        case "list":
            if !code.isEmpty, !name.isEmpty { count += 1 }
            code = ""
            name = ""
            stock = ""
        default: break
        }
        text = ""
    }
}
