import AsyncHTTPClient
import DART
import Foundation
import NIOCore
import Simulator
import SokboCore
import Testing

@Suite("DART simulator wire format")
struct DARTSimulatorTests {
    private func get(_ url: String, userAgent: String = "Mozilla/5.0") async throws -> (status: Int, type: String, body: Data) {
        // Redirects are not followed, so the 302 DART sends curl-like agents stays visible.
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(redirectConfiguration: .disallow))
        do {
            var request = HTTPClientRequest(url: url)
            request.headers.add(name: "User-Agent", value: userAgent)
            let response = try await client.execute(request, timeout: .seconds(10))
            let body = try await response.body.collect(upTo: 64 << 20)
            try await client.shutdown()
            return (Int(response.status.code), response.headers.first(name: "Content-Type") ?? "", Data(body.readableBytesView))
        } catch {
            try? await client.shutdown()
            throw error
        }
    }

    @Test func emptyResultIsTheByteExact013() async throws {
        var options = DARTSimulator.Options()
        options.filingsPerDay = 0
        try await withSimulator(options) { _, base in
            let reply = try await get(base + "list.json?crtfc_key=\(DARTSimulator.defaultAPIKey)")
            #expect(reply.status == 200)
            #expect(reply.body == (try fixture("list_013.json")))
        }
    }

    @Test func statusCodesAreHTTP200WithTheRealBodies() async throws {
        try await withSimulator { simulator, base in
            let key = DARTSimulator.defaultAPIKey
            let missing = try await get(base + "list.json")
            #expect(String(decoding: missing.body, as: UTF8.self) == #"{"status":"100","message":"인증키가 누락되었습니다."}"#)
            let curl = try await get(base + "list.json", userAgent: "curl/8.5.0")
            #expect(curl.status == 302)
            let bad = try await get(base + "list.json?crtfc_key=0123456789ABCDEF0123456789ABCDEF01234567")
            #expect(bad.body == (try fixture("list_010.json")))
            let window = try await get(base + "list.json?crtfc_key=\(key)&bgn_de=20260101&end_de=20260501")
            #expect(String(decoding: window.body, as: UTF8.self).contains("corp_code가 없는 경우 검색기간은 3개월만 가능합니다."))
            let pageCount = try await get(base + "list.json?crtfc_key=\(key)&page_count=101")
            #expect(String(decoding: pageCount.body, as: UTF8.self).hasPrefix(#"{"status":"100""#))
            simulator.forceLimitExceeded(true)
            let limited = try await get(base + "list.json?crtfc_key=\(key)")
            #expect(limited.body == (try fixture("list_020.json")))
            let zipLimited = try await get(base + "corpCode.xml?crtfc_key=\(key)")
            #expect(zipLimited.type.hasPrefix("application/xml"))
            #expect(String(decoding: zipLimited.body, as: UTF8.self).contains("<status>020</status>"))
            #expect(simulator.callCount == 7)
        }
    }

    @Test func dailyLimitGives020AndCountsEveryCall() async throws {
        var options = DARTSimulator.Options()
        options.dailyLimit = 3
        try await withSimulator(options) { simulator, base in
            let config = testConfiguration(base)
            // A budget larger than the simulator's limit, so the venue's 020 is what stops the client.
            let client = DARTClient(configuration: config, budget: DARTRequestBudget(dailyLimit: 100), logger: quietLogger)
            for _ in 0..<3 { _ = try await client.list(DARTListQuery(pageCount: 5)) }
            await #expect(throws: DARTError.limitExceeded(message: "사용한도를 초과하였습니다.")) {
                _ = try await client.list(DARTListQuery())
            }
            #expect(simulator.callCount(endpoint: "list.json") == 4)
        }
    }

    @Test func listPagesAreCompactWireOrderWithNumericPaging() async throws {
        var options = DARTSimulator.Options()
        options.filingsPerDay = 400
        let noon = kst("20260302", "180000")
        options.now = { noon }
        try await withSimulator(options) { _, base in
            let reply = try await get(base + "list.json?crtfc_key=\(DARTSimulator.defaultAPIKey)&bgn_de=20260302&end_de=20260302&page_count=100")
            let text = String(decoding: reply.body, as: UTF8.self)
            #expect(text.hasPrefix(#"{"status":"000","message":"정상","page_no":1,"page_count":100,"total_count":"#))
            #expect(text.contains(#"{"corp_code":""#) && !text.contains("\n"))
            let client = DARTClient(configuration: testConfiguration(base), budget: DARTRequestBudget(dailyLimit: 100),
                                    clock: DARTClock(now: { noon }, sleep: { _ in }), logger: quietLogger)
            let rows = try await client.listAll(DARTListQuery(beginDate: "20260302", endDate: "20260302"))
            // Filings run until 19:00; at 18:00 most, not all, are visible.
            #expect(rows.count > 300 && rows.count < 400)
            #expect(Set(rows.map(\.receiptNo)).count == rows.count)
            #expect(rows.allSatisfy { $0.receiptNo.hasPrefix("20260302") && $0.receiptNo.count == 14 })
            #expect(rows.contains { $0.corpClass == "E" && $0.stockCode.isEmpty })
            #expect(rows.contains { $0.reportName.hasSuffix(" ") })
            #expect(rows.contains { $0.remark == "유" || $0.remark == "코" })
        }
    }

    /// The venue's hours by default: weekday filings 07:30–19:00 KST with an evening tail after 18:00 (dart.md §3.4);
    /// at weekends a few FSS-filed (`00`) reports between 09:00 and 18:00, never an exchange (`80`/`90`) title.
    @Test func filingsFollowTheVenuesHoursWithAnEveningTailAndAFewWeekendReports() async throws {
        let midnightAfter = kst("20260310")
        let options: DARTSimulator.Options = {
            var options = DARTSimulator.Options()
            options.now = { midnightAfter }
            return options
        }()
        try await withSimulator(options) { simulator, _ in
            let friday = simulator.listedFilings(on: "20260306")
            #expect(friday.count == 500)
            let times = friday.map { KST.timeString($0.visibleAt) }
            #expect(times.allSatisfy { $0 >= "073000" && $0 < "190000" })
            let evening = times.filter { $0 >= "180000" }.count
            #expect(evening >= 10 && evening <= 40, "the 18:00–19:00 tail held \(evening) of 500")
            #expect(friday.contains { $0.receiptNo.dropFirst(8).hasPrefix("80") || $0.receiptNo.dropFirst(8).hasPrefix("90") })
            for day in ["20260307", "20260308"] {
                let weekend = simulator.listedFilings(on: day)
                #expect(weekend.count == 10, "\(day): \(weekend.count) filings")
                #expect(weekend.allSatisfy { $0.receiptNo.dropFirst(8).hasPrefix("00") })
                #expect(weekend.allSatisfy { KST.timeString($0.visibleAt) >= "090000" && KST.timeString($0.visibleAt) < "180000" })
            }
        }
    }

    @Test func corpCodeIsARealZIPWithTheUniverseAndUnlistedCompanies() async throws {
        var options = DARTSimulator.Options()
        options.unlistedCompanies = 3_000
        try await withSimulator(options) { _, base in
            let reply = try await get(base + "corpCode.xml?crtfc_key=\(DARTSimulator.defaultAPIKey)")
            #expect(reply.type == "application/x-msdownload")
            #expect(reply.body.prefix(2) == Data("PK".utf8))
            let map = try CorpCodeArchive.map(fromZIP: reply.body)
            #expect(map.count == DARTCompanies.listed.count + 3_000)
            #expect(map.listedCount == DARTCompanies.listed.count)
            #expect(map.entry(corpCode: "00434003")?.ticker == nil)
            #expect(map.tickers(inHeadline: "SK하이닉스, HBM4 양산").first?.tickers == [Ticker("000660")!])
        }
    }

    @Test func companyJSONHasTheCapturedFields() async throws {
        try await withSimulator { _, base in
            let client = DARTClient(configuration: testConfiguration(base), budget: DARTRequestBudget(dailyLimit: 100), logger: quietLogger)
            let company = try await client.company(corpCode: "00126380")
            #expect(company.corpCode == "00126380" && company.stockCode == "005930" && company.corpClass == "Y")
            await #expect(throws: DARTError.noData) { _ = try await client.company(corpCode: "99999999") }
        }
    }
}
