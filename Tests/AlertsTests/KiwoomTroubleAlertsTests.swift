import Alerts
import AsyncHTTPClient
import Foundation
import Simulator
import SokboApp
import SokboCore
import SokboTestSupport
import Testing

/// Kiwoom's token and pacing trouble reaches the chat end to end: the simulated Kiwoom refuses tokens, fails
/// token issues or runs out of request slots, with its limits on, and the alerts read `/api/status`'s sources.
@Suite struct KiwoomTroubleAlertsTests {
    /// Quick readings and a short quiet period, so an episode's end comes within the test.
    static let settings = ["sokbo.alerts.health.interval.ms": "100", "sokbo.alerts.recovery.seconds": "2"]

    static func texts(_ fake: TelegramSimulator, _ marker: String) -> [String] {
        AlertsEndToEndTests.chatTexts(fake).filter { $0.contains(marker) }
    }

    /// `GET /api/stocks/005930` (the broker's snapshot: Kiwoom queries); its status.
    @discardableResult
    static func lookUp(port: Int) async throws -> UInt {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/api/stocks/005930")
        request.headers.add(name: "Authorization", value: "Bearer \(AlertsTestApp.token)")
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        _ = try await response.body.collect(upTo: 1 << 20)
        return response.status.code
    }

    /// Requests the Kiwoom client refused unsent so far, over all its buckets (`/api/status` `kiwoomRest`).
    static func refusedUnsent(port: Int) async throws -> Int {
        let rest = try await AlertsTestApp.status(port: port)["kiwoomRest"] as? [String: Any]
        return (rest?["buckets"] as? [[String: Any]] ?? []).compactMap { $0["refused"] as? Int }.reduce(0, +)
    }

    @Test func aRefusedTokenAndAFailingIssueAreEachToldOnceWithTheirRecovery() async throws {
        let sokbo = try await AlertsTestApp.make(Self.settings)
        let venues = try #require(sokbo.simulated)
        let fake = try #require(venues.telegram)
        let kiwoom = venues.kiwoom
        try await sokbo.withRunning { port in
            try await AlertsTestApp.waitForNewsConnection(port: port)
            try await Self.lookUp(port: port)
            // The venue refuses the next request's token ([8005]): re-issued, the request sent once more.
            kiwoom.refuseTokens(count: 1)
            let answered = try await Self.lookUp(port: port)
            #expect(answered == 200, "the refused request is answered after the new token")
            #expect(try await eventually { !Self.texts(fake, "키움 토큰 거절").isEmpty })
            #expect(try await eventually { Self.texts(fake, "키움 토큰 정상화").count == 1 })
            // Now issuing fails (20 times) and every token is void: the lookups fail until an issue succeeds.
            kiwoom.inject(status: 500, count: 20, apiIDs: ["au10001"])
            kiwoom.expireTokens()
            try await Self.lookUp(port: port)
            #expect(try await eventually { !Self.texts(fake, "키움 토큰 발급 실패").isEmpty })
            let recovered = try await eventually { try await Self.lookUp(port: port) == 200 }
            #expect(recovered, "issuing works again")
            #expect(try await eventually { Self.texts(fake, "키움 토큰 정상화").count == 2 })
            try await AlertsEndToEndTests.barrier(sokbo, fake)
            // The void token's refusal and the failed issue right after it are one episode: told by the issue's
            // failure alone when one reading saw both, else by the refusal and then the failure.
            #expect((1...2).contains(Self.texts(fake, "키움 토큰 거절").count), "\(AlertsEndToEndTests.chatTexts(fake))")
            #expect(Self.texts(fake, "키움 토큰 발급 실패").count == 1, "\(AlertsEndToEndTests.chatTexts(fake))")
            #expect(Self.texts(fake, "키움 토큰 정상화").count == 2)
        }
    }

    @Test func requestsRefusedUnsentForPacingAreToldOncePerEpisodeWithTheirRecovery() async throws {
        // A lookup waits for no slot: one that cannot leave at once is refused unsent. No watchlist, so every
        // lookup queries the book (a watched stock's comes from the realtime feed, with no request).
        let sokbo = try await AlertsTestApp.make(Self.settings.merging(["kiwoom.lookup.max.wait.ms": "0", "kiwoom.realtime.watchlist": "none"]) { _, new in new })
        let venues = try #require(sokbo.simulated)
        let fake = try #require(venues.telegram)
        try await sokbo.withRunning { port in
            try await AlertsTestApp.waitForNewsConnection(port: port)
            for episode in 1...2 {
                // Lookups three at a time against one request a second per api-id, until three were refused unsent
                // (as `/api/status` counts them: what the alerts read).
                let before = try await Self.refusedUnsent(port: port)
                var rounds = 0
                while try await Self.refusedUnsent(port: port) < before + 3, rounds < 200 {
                    rounds += 1
                    try await withThrowingTaskGroup(of: UInt.self) { group in
                        for _ in 0..<3 { group.addTask { try await Self.lookUp(port: port) } }
                        try await group.waitForAll()
                    }
                }
                #expect(rounds < 200, "lookups were refused unsent")
                #expect(try await eventually { Self.texts(fake, "키움 요청 한도 부족").count == episode })
                #expect(try await eventually { Self.texts(fake, "키움 요청 한도 회복").count == episode })
            }
            try await AlertsEndToEndTests.barrier(sokbo, fake)
            #expect(Self.texts(fake, "키움 요청 한도 부족").count == 2, "one per episode: \(AlertsEndToEndTests.chatTexts(fake))")
            #expect(Self.texts(fake, "키움 요청 한도 회복").count == 2)
            #expect(venues.kiwoom.rateLimitedReplies == 0, "refused before sending: the venue answered no 429")
        }
    }
}
