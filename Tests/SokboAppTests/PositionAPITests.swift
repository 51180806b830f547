import Foundation
import SokboApp
import SokboCore
import SokboTestSupport
import Testing

/// Positions, trades and P&L over real sockets: what each route answers with nothing held, and bad input.
@Suite struct PositionAPITests {
    @Test func thePositionRoutesAnswerAndRefuseBadInputWithTheirStatus() async throws {
        let sokbo = try await makeSokbo("sqlite", TradingEndToEndTests.quiet)
        try await sokbo.withRunning { port in
            let positions = try await TradingAPITests.call(port, .GET, "/api/positions")
            #expect(positions.status == 200)
            #expect((positions.json["items"] as? [Any])?.isEmpty == true)
            let close = try await TradingAPITests.call(port, .POST, "/api/positions/005930/close")
            #expect(close.status == 404, "no position to close")
            let badTicker = try await TradingAPITests.call(port, .POST, "/api/positions/x/close")
            #expect(badTicker.status == 400)
            let flatten = try await TradingAPITests.call(port, .POST, "/api/trading/flatten")
            #expect(flatten.status == 202)
            #expect((flatten.json["items"] as? [Any])?.isEmpty == true)
            let trades = try await TradingAPITests.call(port, .GET, "/api/trades?from=2026-11-26&to=2026-11-27&rule=supply-contract")
            #expect(trades.status == 200)
            #expect(try await TradingAPITests.call(port, .GET, "/api/trades?from=26-11-2026").status == 400)
            let pnl = try await TradingAPITests.call(port, .GET, "/api/pnl?days=3")
            #expect(pnl.status == 200)
            #expect((pnl.json["today"] as? [String: Any])?["lossLimitHit"] as? Bool == false)
            #expect(try await TradingAPITests.call(port, .GET, "/api/pnl?days=0").status == 400)
        }
    }
}
