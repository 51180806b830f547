import Foundation
import SokboApp
import SokboCore
import SokboTestSupport
import Testing

/// `/api/status`'s Kiwoom token and pacing budgets, over HTTP, with Sokbo running against its simulator.
@Suite struct KiwoomStatusAPITests {
    static func kiwoomRest(_ port: Int) async throws -> (token: [String: Any], buckets: [String: [String: Any]]) {
        let status = try await TradingAPITests.call(port, .GET, "/api/status").json
        let rest = try #require(status["kiwoomRest"] as? [String: Any], "no kiwoomRest in /api/status")
        let token = try #require(rest["token"] as? [String: Any])
        let buckets = try #require(rest["buckets"] as? [[String: Any]])
        return (token, Dictionary(uniqueKeysWithValues: buckets.map { ($0["bucket"] as? String ?? "?", $0) }))
    }

    static func date(_ value: Any?) -> Date? {
        (value as? String).flatMap { ISO8601DateFormatter().date(from: $0) }
    }

    @Test func afterAnOrderTheStatusShowsTheTokensExpiryAndTheOrdersBudgetUsed() async throws {
        let sokbo = try await makeSokbo("sqlite", TradingEndToEndTests.quiet)
        let venues = try #require(sokbo.simulated)
        try await sokbo.withRunning { port in
            try await TradingEndToEndTests.waitForNewsConnection(sokbo, port: port)
            await venues.ls.publish(title: "삼성전자, 2조원 규모 단일판매ㆍ공급계약 체결", tickers: [Ticker("005930")!])
            #expect(try await eventually { venues.kiwoom.requestCount("kt10000") == 1 })
            let (token, buckets) = try await Self.kiwoomRest(port)
            #expect(token["state"] as? String == "valid")
            let issuedAt = try #require(Self.date(token["issuedAt"]), "\(token)")
            let expiresAt = try #require(Self.date(token["expiresAt"]), "\(token)")
            // The simulator's expires_dt: issue + 24 h (whole seconds on the wire and in the status).
            #expect(abs(expiresAt.timeIntervalSince(issuedAt) - 86_400) <= 2, "\(token)")
            #expect(token["issued"] as? Int ?? 0 >= 1)
            #expect(token["lastIssueFailure"] == nil)
            let order = try #require(buckets["kt10000"], "no kt10000 bucket: \(buckets.keys.sorted())")
            #expect(order["used"] as? Int == 1, "\(order)")
            #expect(order["limit"] as? Int == 1 && order["kind"] as? String == "apiID")
            #expect(order["rateLimited"] as? Int == 0)
            #expect(buckets["orders"]?["used"] as? Int ?? 0 >= 1)
            // The entry's snapshot went through the query category too (the realtime feed's references as well).
            #expect(buckets["queries"]?["used"] as? Int ?? 0 >= 1)
        }
    }

    /// `SOKBO_SIMULATOR_KIWOOM_TOKEN_SECONDS`: the simulator's short token lifetime shows in the status,
    /// and so does its forced expiry (every token refused at once), as a refusal and a new token.
    @Test func theSimulatorsShortTokenLifetimeAndItsForcedExpiryShowInTheStatus() async throws {
        var options = TradingEndToEndTests.quiet
        options["sokbo.simulator.kiwoom.token.seconds"] = "120"
        let sokbo = try await makeSokbo("sqlite", options)
        let venues = try #require(sokbo.simulated)
        try await sokbo.withRunning { port in
            // A lookup needs the token (the realtime feed's LOGIN may have issued it already).
            #expect(try await TradingAPITests.call(port, .GET, "/api/stocks/005930").status == 200)
            let (first, _) = try await Self.kiwoomRest(port)
            let issuedAt = try #require(Self.date(first["issuedAt"]), "\(first)")
            let expiresAt = try #require(Self.date(first["expiresAt"]), "\(first)")
            #expect(abs(expiresAt.timeIntervalSince(issuedAt) - 120) <= 2, "\(first)")
            // Shorter than the 10-minute renewal margin: due at once; the next request asks again, the venue
            // hands the same token back, and it is then kept to its expires_dt.
            #expect(["valid", "renewalDue"].contains(first["state"] as? String ?? ""), "\(first)")
            var held: [String: Any] = [:]
            let kept = try await eventually {
                _ = try await TradingAPITests.call(port, .GET, "/api/stocks/005930")
                held = try await Self.kiwoomRest(port).token
                return held["state"] as? String == "valid" && held["renewsAt"] as? String == held["expiresAt"] as? String
            }
            #expect(kept, "\(held)")
            #expect(Self.date(held["issuedAt"]) == issuedAt && Self.date(held["expiresAt"]) == expiresAt, "the same token: \(held)")
            let refusalsBefore = held["refusals"] as? Int ?? -1
            let issuedBefore = held["issued"] as? Int ?? -1

            venues.kiwoom.expireTokens()
            #expect(try await TradingAPITests.call(port, .GET, "/api/stocks/000660").status == 200)
            let (after, _) = try await Self.kiwoomRest(port)
            #expect(after["refusals"] as? Int ?? 0 > refusalsBefore, "\(after)")
            let refusal = try #require(after["lastRefusal"] as? [String: Any], "\(after)")
            #expect(refusal["code"] as? String == "8005")
            #expect(after["issued"] as? Int ?? 0 > issuedBefore)
            let renewedExpiry = try #require(Self.date(after["expiresAt"]), "\(after)")
            #expect(renewedExpiry >= expiresAt)
        }
    }
}
