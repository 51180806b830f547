import AsyncHTTPClient
import Foundation
import SokboApp
import SokboCore
import SokboTestSupport
import Testing

/// A decision names its stock's company (the DART corp-code map the engine resolves headlines with), on the
/// live stream and in `GET /api/signals`, which the dashboard's tape refills from.
@Suite struct CompanyNameTests {
    @Test func aDecisionCarriesItsCompanyNameOnTheLiveStreamAndInTheSignalsList() async throws {
        let sokbo = try await makeSokbo("sqlite", TradingEndToEndTests.quiet)
        let venues = try #require(sokbo.simulated)
        let samsung = Ticker("005930")!
        try await sokbo.withRunning { port in
            try await TradingEndToEndTests.waitForNewsConnection(sokbo, port: port)
            // The names come from the corp-code map, loaded once the DART simulator has answered.
            #expect(try await eventually { await sokbo.engine.companyName(of: samsung) != nil })
            var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/api/events")
            request.headers.add(name: "Authorization", value: "Bearer \(testToken)")
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(120))
            #expect(try await eventually { sokbo.events.subscriberCount >= 1 })
            // One headline whose frame carries its code, one whose frame has none (the title names the company).
            let coded = await venues.ls.publish(title: "삼성전자, 2조원 규모 단일판매ㆍ공급계약 체결", tickers: [samsung])
            let named = await venues.ls.publish(title: "SK하이닉스, 단일판매ㆍ공급계약 체결", tickers: [])
            var names: [String: String] = [:]
            var text = ""
            readLoop: for try await chunk in response.body {
                text += String(buffer: chunk)
                while let end = text.range(of: "\n\n") {
                    let block = String(text[..<end.lowerBound])
                    text.removeSubrange(..<end.upperBound)
                    guard block.hasPrefix("event: signal\n"), let data = block.split(separator: "\n").first(where: { $0.hasPrefix("data: ") }),
                          let json = try? JSONSerialization.jsonObject(with: Data(data.dropFirst(6).utf8)) as? [String: Any],
                          let newsID = json["newsID"] as? String else { continue }
                    names[newsID] = json["companyName"] as? String ?? "(none)"
                    if names[coded] != nil, names[named] != nil { break readLoop }
                }
            }
            #expect(names[coded] == "삼성전자", "\(names)")
            #expect(names[named] == "SK하이닉스", "\(names)")

            // The list route the tape refills from names them too (the names are not stored: taken from the map).
            _ = try await TradingAPITests.call(port, .POST, "/api/flush")
            let listed = try await TradingAPITests.call(port, .GET, "/api/signals?limit=1000").json["items"] as? [[String: Any]] ?? []
            let byNews = Dictionary(listed.map { ($0["newsID"] as? String ?? "", $0["companyName"] as? String ?? "(none)") }) { a, _ in a }
            #expect(byNews[coded] == "삼성전자", "\(listed)")
            #expect(byNews[named] == "SK하이닉스", "\(listed)")
        }
    }
}
