import DART
import Foundation
import SokboCore
import Testing

@Suite("DART client on fixtures")
struct DARTClientTests {
    private func client(_ base: String, budget: DARTRequestBudget = DARTRequestBudget(dailyLimit: 20_000)) -> DARTClient {
        DARTClient(configuration: testConfiguration(base), budget: budget, logger: quietLogger)
    }

    @Test func pagingReadsEveryPageUpToTotalPage() async throws {
        let server = FixtureServer(["list.json": [(try fixture("list_page1.json"), "application/json"),
                                                  (try fixture("list_page2.json"), "application/json")]])
        let rows = try await server.serve { base in
            try await client(base).listAll(DARTListQuery(beginDate: "20230206", endDate: "20230208", pageCount: 3))
        }
        #expect(rows.map(\.receiptNo) == ["20230208901127", "20230208800704", "20230208000563", "20230208000421", "20230206000423"])
        let queries = server.queries
        #expect(queries.count == 2)
        #expect(queries[0].contains("page_no=1") && queries[0].contains("page_count=3") && queries[0].contains("bgn_de=20230206"))
        #expect(queries[1].contains("page_no=2"))
        #expect(queries.allSatisfy { $0.contains("crtfc_key=") })
        // Unlisted rows keep an empty stock code; the record has no ticker.
        #expect(rows[2].stockCode.isEmpty && rows[2].record(seenAt: Date()).ticker == nil)
        #expect(rows[1].channel == "80")
    }

    @Test func everyDocumentedParameterIsSent() {
        let query = DARTListQuery(corpCode: "00126380", beginDate: "20260101", endDate: "20260131", lastReportOnly: true,
                                  disclosureType: "b", disclosureDetailType: "b001", corpClass: .kospi, sort: .company,
                                  sortOrder: .ascending, pageNo: 3, pageCount: 500)
        let pairs = Dictionary(uniqueKeysWithValues: query.parameters)
        #expect(pairs == ["corp_code": "00126380", "bgn_de": "20260101", "end_de": "20260131", "last_reprt_at": "Y",
                          "pblntf_ty": "B", "pblntf_detail_ty": "B001", "corp_cls": "Y", "sort": "crp", "sort_mth": "asc",
                          "page_no": "3", "page_count": "100"])
    }

    @Test func noDataIsAnEmptyPageNotAnError() async throws {
        let body = try fixture("list_013.json")
        #expect(body.count == 65)
        let server = FixtureServer(["list.json": [(body, "application/json")]])
        let page = try await server.serve { base in try await client(base).list(DARTListQuery(pageNo: 1)) }
        #expect(page.rows.isEmpty && page.totalPage == 0)
    }

    @Test func limitExceededThrowsAndBlocksTheBudgetUntilMidnightKST() async throws {
        let budget = DARTRequestBudget(dailyLimit: 20_000)
        let server = FixtureServer(["list.json": [(try fixture("list_020.json"), "application/json")]])
        let result: DARTError? = try await server.serve { base in
            do throws(DARTError) {
                _ = try await client(base, budget: budget).list(DARTListQuery())
                return nil
            } catch {
                return error
            }
        }
        guard case .limitExceeded = result else {
            Issue.record("expected limitExceeded, got \(String(describing: result))")
            return
        }
        let now = Date()
        let blocked = await budget.blockedUntil(at: now)
        #expect(blocked == KST.next(hour: 0, after: now))
        // The next call never leaves the process.
        let before = server.queries.count
        await #expect(throws: DARTError.self) {
            try await server.serve { base in _ = try await client(base, budget: budget).list(DARTListQuery()) }
        }
        #expect(server.queries.count == before)
    }

    @Test(arguments: ["list_010.json", "list_011.json"])
    func keyStatusesAreKeyProblems(_ name: String) async throws {
        let server = FixtureServer(["list.json": [(try fixture(name), "application/json")]])
        let error: DARTError? = try await server.serve { base in
            do throws(DARTError) {
                _ = try await client(base).list(DARTListQuery())
                return nil
            } catch {
                return error
            }
        }
        #expect(error?.isKeyProblem == true)
        #expect(error?.description.contains("DART_API_KEY") == true)
    }

    @Test func maintenanceIsRetryable() async throws {
        let server = FixtureServer(["list.json": [(try fixture("list_800.json"), "application/json")]])
        let error: DARTError? = try await server.serve { base in
            do throws(DARTError) { _ = try await client(base).list(DARTListQuery()); return nil } catch { return error }
        }
        guard case .maintenance = error else { Issue.record("got \(String(describing: error))"); return }
        #expect(error?.isRetryable == true)
    }

    @Test func corpCodeErrorEnvelopeBecomesTypedError() async throws {
        let server = FixtureServer(["corpCode.xml": [(try fixture("corpcode_010.xml"), "application/xml;charset=UTF-8")]])
        let error: DARTError? = try await server.serve { base in
            do throws(DARTError) { _ = try await client(base).corpCodeZIP(); return nil } catch { return error }
        }
        #expect(error == .keyProblem(status: .unregisteredKey, message: "등록되지 않은 인증키입니다."))
    }

    @Test func corpCodeZIPFixtureDownloadsAndParses() async throws {
        let server = FixtureServer(["corpCode.xml": [(try fixture("corpcode_small.zip"), "application/x-msdownload")]])
        let map = try await server.serve { base in try await client(base).corpCodeMap() }
        #expect(map.count == 10)
        #expect(map.corpCode(for: Ticker("005930")!) == "00126380")
    }

    @Test func errorsNeverContainTheKey() async throws {
        let key = "ABCDEFGHIJ0123456789ABCDEFGHIJ0123456789"
        let config = testConfiguration("http://127.0.0.1:1/api/", key: key, timeout: .seconds(2))
        let client = DARTClient(configuration: config, budget: DARTRequestBudget(dailyLimit: 10), logger: quietLogger)
        do throws(DARTError) {
            _ = try await client.list(DARTListQuery())
            Issue.record("expected a transport error")
        } catch {
            #expect(error.isUnreachable)
            #expect(!error.description.contains(key))
        }
        #expect(!config.description.contains(key))
    }
}
