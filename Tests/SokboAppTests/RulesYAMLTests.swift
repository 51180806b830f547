import AsyncHTTPClient
import Foundation
import NIOCore
@testable import SokboAPI
import SokboApp
import SokboCore
import Testing

/// `GET /api/rules` serves the rules file as `text/yaml`, as documented, in a form `PUT` takes back.
@Suite struct RulesYAMLTests {
    @Test func renderedRulesParseBackToTheSameRules() throws {
        let rules = [
            Rule(name: "tricky_1", enabled: false, anyKeywords: ["공급계약", "a: b # c", "\"quoted\"", " lead", "yes", "null"],
                 allKeywords: ["100%", "[x]"], vetoKeywords: ["취소", "back\\slash", "tab\there"],
                 disclosurePattern: "단일판매ㆍ공급계약체결", budget: 1_000_000, orderType: .market, maxRisePercent: 0.00001),
            Rule(name: "plain", anyKeywords: ["무상증자"], budget: 500_000, maxRisePercent: 15),
        ]
        let text = RulesYAML.render(rules)
        #expect(try RuleFile.parse(text).rules == rules, "\(text)")
        #expect(try RuleFile.parse(RulesYAML.render([])).rules.isEmpty)
    }

    @Test func getServesTheRulesInForceAsYAMLThatPutTakesBack() async throws {
        let sokbo = try await makeSokbo("sqlite", TradingEndToEndTests.quiet)
        try await sokbo.withRunning { port in
            var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/api/rules")
            request.headers.add(name: "Authorization", value: "Bearer \(testToken)")
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(60))
            #expect(response.status == .ok)
            #expect(response.headers.first(name: "Content-Type")?.hasPrefix("text/yaml") == true)
            let text = String(buffer: try await response.body.collect(upTo: 1 << 20))
            let inForce = await sokbo.engine.currentRules().rules
            #expect(!inForce.isEmpty)
            #expect(try RuleFile.parse(text).rules == inForce)

            var put = HTTPClientRequest(url: "http://127.0.0.1:\(port)/api/rules")
            put.method = .PUT
            put.headers.add(name: "Authorization", value: "Bearer \(testToken)")
            put.headers.add(name: "Content-Type", value: "text/yaml")
            put.body = .bytes(ByteBuffer(string: text))
            let back = try await HTTPClient.shared.execute(put, timeout: .seconds(60))
            #expect(back.status == .ok)
            #expect(back.headers.first(name: "Content-Type")?.hasPrefix("text/yaml") == true)
            #expect(String(buffer: try await back.body.collect(upTo: 1 << 20)) == text)
            #expect(await sokbo.engine.currentRules().rules == inForce)
        }
    }
}
