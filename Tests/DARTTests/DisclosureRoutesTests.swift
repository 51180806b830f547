import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import SokboAPI
import SokboCore
import Storage
import Testing

@Suite("GET /api/disclosures")
struct DisclosureRoutesTests {
    private func withApp(_ body: @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sokbo-disc-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = try await SQLiteStore.open(path: directory + "/t.sqlite", logger: quietLogger)
        _ = try await store.migrate()
        let records = [
            ("20260302800001", "005930", "20260302", "단일판매ㆍ공급계약체결"),
            ("20260303800002", "005930", "20260303", "현금ㆍ현물배당결정"),
            ("20260303900003", "247540", "20260303", "주요사항보고서(자기주식취득결정)"),
        ].map { id, code, day, name in
            DisclosureRecord(id: id, corpCode: "00126380", corpName: "삼성전자", ticker: Ticker(code), reportName: name,
                             filer: "삼성전자", receivedDate: day, remark: "유", createdAt: Date()).row
        }
        _ = try await store.insert(records, into: .disclosures)
        let router = Router(context: SokboRequestContext.self)
        router.add(middleware: JSONErrorMiddleware())
        DisclosureRoutes(store: store).register(on: router.group("api"))
        try await Application(router: router).test(.router, body)
        try await store.close()
    }

    private struct Items: Decodable {
        struct Item: Decodable {
            let id: String
            let ticker: String?
        }
        let items: [Item]
    }

    @Test func filtersByTickerAndReceiptDays() async throws {
        try await withApp { client in
            try await client.execute(uri: "/api/disclosures?ticker=005930&from=20260303&to=2026-03-03", method: .get) { response in
                #expect(response.status == .ok)
                let items = try JSONDecoder().decode(Items.self, from: Data(buffer: response.body)).items
                #expect(items.map(\.id) == ["20260303800002"])
            }
            try await client.execute(uri: "/api/disclosures?ticker=005930", method: .get) { response in
                let items = try JSONDecoder().decode(Items.self, from: Data(buffer: response.body)).items
                #expect(items.map(\.id) == ["20260303800002", "20260302800001"])
            }
            try await client.execute(uri: "/api/disclosures?from=2026-03-02T16:00:00Z", method: .get) { response in
                // 16:00 UTC on the 2nd is the 3rd in KST.
                let items = try JSONDecoder().decode(Items.self, from: Data(buffer: response.body)).items
                #expect(Set(items.map(\.id)) == ["20260303800002", "20260303900003"])
            }
        }
    }

    @Test(arguments: ["ticker=5930", "from=2026-13-01", "to=yesterday", "from=20260305&to=20260301", "limit=0", "from=20260230"])
    func badInputIsA400Envelope(_ query: String) async throws {
        try await withApp { client in
            try await client.execute(uri: "/api/disclosures?" + query, method: .get) { response in
                #expect(response.status == .badRequest)
                let text = String(buffer: response.body)
                #expect(text.contains(#""code":"invalid_parameter""#))
            }
        }
    }
}
