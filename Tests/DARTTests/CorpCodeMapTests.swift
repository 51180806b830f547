import DART
import Foundation
import SokboCore
import Testing
import ZIPFoundation

@Suite("Corp-code map")
struct CorpCodeMapTests {
    private func smallMap() throws -> CorpCodeMap {
        try CorpCodeArchive.map(fromZIP: try fixture("corpcode_small.zip"))
    }

    @Test func unlistedCompaniesStayOutOfTheTickerMap() throws {
        let map = try smallMap()
        #expect(map.count == 10)  // the malformed 4-digit row is skipped
        #expect(map.listedCount == 7)
        #expect(map.entry(corpCode: "00434003")?.ticker == nil)
        #expect(map.entry(corpCode: "00434003")?.name == "다코")
        #expect(map.corpCode(for: Ticker("005930")!) == "00126380")
        #expect(map.ticker(forCorpCode: "00164779") == Ticker("000660"))
        #expect(map.entries(named: "현대엔지니어링").map(\.corpCode).sorted() == ["00111111", "00222222"])
        #expect(map.tickers(named: "현대엔지니어링").isEmpty)
        #expect(map.entry(corpCode: "00185912")?.name == "S&T모티브")
        #expect(map.entry(corpCode: "00126380")?.englishName == "SAMSUNG ELECTRONICS CO,.LTD")
    }

    @Test func headlineMatchingIsLongestFirstAndReportsAmbiguity() throws {
        let map = try smallMap()
        let matches = map.tickers(inHeadline: "[속보]SK하이닉스, 삼성전자와 HBM 공급계약…SK 주가도 강세")
        #expect(matches.map(\.name) == ["SK하이닉스", "삼성전자", "SK"])
        #expect(matches.map { $0.tickers.map(\.code) } == [["000660"], ["005930"], ["034730"]])
        #expect(matches.allSatisfy { !$0.isAmbiguous })
        #expect(matches[0].offset == 4 && matches[0].length == 6)

        let ambiguous = map.tickers(inHeadline: "동명기업, 신규 수주")
        #expect(ambiguous.count == 1 && ambiguous[0].isAmbiguous)
        #expect(ambiguous[0].tickers.map(\.code) == ["111110", "222220"])

        // A name inside a longer word does not match; particles after a name do.
        #expect(map.tickers(inHeadline: "최대상승폭 기록").isEmpty)
        #expect(map.tickers(inHeadline: "대상, 3분기 호실적").map(\.name) == ["대상"])
        #expect(map.tickers(inHeadline: "삼성전자가 반등").map(\.name) == ["삼성전자"])
        #expect(map.tickers(inHeadline: "SKY 레이크 인수").isEmpty)
        #expect(map.tickers(inHeadline: "s&t모티브 급등").map(\.name) == ["S&T모티브"])
        #expect(map.tickers(inHeadline: "삼성전자ㆍSK하이닉스 동반 강세").map(\.name) == ["삼성전자", "SK하이닉스"])
    }

    @Test func scannerIsIndependentOfChunkBoundaries() throws {
        let xml = try Self.unzip(try fixture("corpcode_small.zip"))
        let whole = try CorpCodeScanner.scan(xml).entries
        for chunkSize in [1, 2, 3, 7, 64, 1000] {
            var scanner = CorpCodeScanner()
            var offset = 0
            while offset < xml.count {
                scanner.feed(xml.subdata(in: offset..<min(xml.count, offset + chunkSize)))
                offset += chunkSize
            }
            try scanner.finish()
            #expect(scanner.entries == whole, "chunk size \(chunkSize)")
            #expect(scanner.skipped == 1)
        }
    }

    @Test func garbageIsATypedErrorNotACrash() throws {
        #expect(throws: DARTError.self) { try CorpCodeScanner.scan(Data("<html>nope</html>".utf8)) }
        #expect(throws: DARTError.self) { try CorpCodeArchive.map(fromZIP: Data("PK\u{3}\u{4}truncated".utf8)) }
        #expect(throws: DARTError.self) { try CorpCodeArchive.map(fromZIP: try fixture("corpcode_010.xml")) }
    }

    @Test func elementOrderAndMissingEnglishNameDoNotMatter() throws {
        let xml = """
        <?xml version="1.0" encoding="UTF-8"?><result><list><stock_code>005930</stock_code><modify_date>20220101</modify_date>\
        <corp_name>삼성전자</corp_name><corp_code>00126380</corp_code></list><list><corp_code>00434003</corp_code>\
        <corp_name>다코</corp_name><stock_code/><modify_date>20170630</modify_date></list></result>
        """
        let entries = try CorpCodeScanner.scan(Data(xml.utf8)).entries
        #expect(entries == [
            CorpCodeEntry(corpCode: "00126380", name: "삼성전자", ticker: Ticker("005930"), modifyDate: "20220101"),
            CorpCodeEntry(corpCode: "00434003", name: "다코", ticker: nil, modifyDate: "20170630"),
        ])
    }

    static func unzip(_ data: Data) throws -> Data {
        let archive = try Archive(data: data, accessMode: .read)
        guard let entry = archive["CORPCODE.xml"] else { throw TestFailure("no member") }
        var out = Data()
        _ = try archive.extract(entry) { out.append($0) }
        return out
    }
}

@Suite("Report names")
struct ReportNameTests {
    @Test func normalisationTrimsAndUnifiesTheMiddleDot() {
        #expect(DisclosureRecord.normalizedReportName("단일판매ㆍ공급계약체결              ") == "단일판매ㆍ공급계약체결")
        #expect(DisclosureRecord.normalizedReportName("단일판매·공급계약체결") == "단일판매ㆍ공급계약체결")
        #expect(DisclosureRecord.normalizedReportName("현금・현물배당결정\u{00A0}") == "현금ㆍ현물배당결정")
        #expect(DisclosureRecord.normalizedReportName("횡령‧배임혐의발생") == "횡령ㆍ배임혐의발생")
    }

    @Test func matchingIgnoresSpacesAndDotsAndSeesCorrectionTags() {
        let record = DisclosureRecord(id: "20260302800001", corpCode: "00126380", corpName: "삼성전자", ticker: Ticker("005930"),
                                      reportName: "[기재정정]주요사항보고서 (자기주식취득결정)", filer: "삼성전자",
                                      receivedDate: "20260302", remark: "유", createdAt: Date())
        #expect(record.reportName(contains: "주요사항보고서(자기주식취득결정)"))
        #expect(record.reportName(contains: "자기주식 취득"))
        #expect(!record.reportName(contains: "유상증자"))
        #expect(!record.reportName(contains: "  "))
        #expect(record.correctionTag == "[기재정정]")
        let row = DARTListRow(corpCode: "00126380", corpName: "삼성전자", stockCode: "005930", corpClass: "Y",
                              reportName: "단일판매·공급계약체결   ", receiptNo: "20260302800002", filer: "삼성전자",
                              receiptDate: "20260302", remark: "유")
        let normalised = row.record(seenAt: Date())
        #expect(normalised.reportName == "단일판매ㆍ공급계약체결" && normalised.correctionTag == nil)
        #expect(normalised.reportName(contains: "단일판매ㆍ공급계약"))
    }
}
