import AsyncHTTPClient
import Foundation
import SokboApp
import SokboCore
import SokboTestSupport
import Testing

@Suite struct LiveEventsTests {
    @Test func eventsStreamAsServerSentEventsAndEndAtShutdown() async throws {
        let sokbo = try await makeSokbo("sqlite", ["sokbo.http.port": "0"])
        let text = try await sokbo.withRunning { port in
            var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/api/events")
            request.headers.add(name: "Authorization", value: "Bearer \(testToken)")
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(60))
            #expect(response.status == .ok)
            #expect(response.headers["content-type"].first == "text/event-stream")
            #expect(try await eventually { sokbo.events.subscriberCount == 1 })
            sokbo.events.publish(LiveEvent(kind: .news, payload: ["title": "삼성전자 공급계약 체결"]))
            sokbo.events.publish(LiveEvent(kind: .fill, payload: Self.order))
            sokbo.events.publish(LiveEvent(kind: .order, payload: ["state": "submitted"]))
            var received = ""
            for try await chunk in response.body {
                received += String(buffer: chunk)
                if received.contains("event: order") { break }
            }
            return received
        }
        #expect(text.contains("event: news\ndata: {\"title\":\"삼성전자 공급계약 체결\"}\n\n"))
        #expect(text.contains("event: order\ndata: {\"state\":\"submitted\"}\n\n"))
        // Byte for byte what the events carried when they were encoded at publishing (the dashboard parses these).
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        let expected = String(decoding: try encoder.encode(Self.order), as: UTF8.self)
        #expect(expected.contains("\"createdAt\":\"2026-11-25T01:02:03Z\"") && expected.contains("\"price\":{\"type\":\"limit\",\"value\":71500}"))
        #expect(text.contains("event: fill\ndata: \(expected)\n\n"), "\(text)")
    }

    /// An order with every kind of field the stream carries (dates, an enum price, optionals set and unset).
    static let order: Order = {
        var order = Order(id: "n-1-005930", newsID: "1", rule: "supply/contract", ticker: Ticker("005930")!, side: .buy, quantity: 13,
                          price: .limit(71_500), createdAt: Date(timeIntervalSince1970: 1_795_568_523))
        order.state = .filled
        order.filledQuantity = 13
        order.averageFillPrice = 71_450.5
        order.brokerOrderNo = "0000001"
        return order
    }()

    /// Without the stream ending on graceful shutdown this test would hang until its time limit (generous: on a
    /// loaded machine starting and stopping the app alone took over a minute).
    @Test(.timeLimit(.minutes(4)))
    func anOpenEventStreamDoesNotHoldUpShutdown() async throws {
        let sokbo = try await makeSokbo("sqlite", ["sokbo.http.port": "0"])
        try await sokbo.withRunning { port in
            var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/api/events")
            request.headers.add(name: "Authorization", value: "Bearer \(testToken)")
            _ = try await HTTPClient.shared.execute(request, timeout: .seconds(60))
            #expect(try await eventually { sokbo.events.subscriberCount == 1 })
        }
    }
}
