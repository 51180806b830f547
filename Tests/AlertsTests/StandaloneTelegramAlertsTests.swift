import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import ServiceLifecycle
import Simulator
import SokboApp
import SokboCore
import SokboTestSupport
import Testing

/// Alerts sent to a fake Bot API and webhook sink that the node does not run itself: the standalone
/// simulator's (`sokbo simulator --telegram on`), driven through its control endpoint, as a benchmark or
/// a second process uses it. The node is pointed at it with the ordinary settings (`SOKBO_ALERTS_TELEGRAM_URL`,
/// token, chat ids, `SOKBO_ALERTS_WEBHOOK_URLS`), not `SOKBO_ALERTS_SIMULATOR`.
@Suite struct StandaloneTelegramAlertsTests {
    static let samsung = Ticker("005930")!

    /// One control call: status and body.
    static func call(_ url: String, _ method: HTTPMethod, _ json: String? = nil) async throws -> (status: Int, body: String) {
        var request = HTTPClientRequest(url: url)
        request.method = method
        if let json {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: json))
        }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(60))
        return (Int(response.status.code), String(buffer: try await response.body.collect(upTo: 1 << 20)))
    }

    @Test func aNodesAlertsReachTheStandaloneFakeBotAPIAndItsFailingWebhook() async throws {
        var configuration = StandaloneSimulator.Configuration()
        configuration.headlinesPerSecond = 0
        configuration.telegram = true
        let standalone = StandaloneSimulator(configuration: configuration, logger: TestStores.logger)
        let fake = try #require(standalone.telegram)
        let group = ServiceGroup(configuration: .init(services: standalone.services, logger: TestStores.logger))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            defer { tasks.cancelAll() }
            let ports = try await standalone.ports()
            let urls = ports.urls()
            let bot = try #require(urls.telegram, "the ports name the fake Bot API")
            let botPort = try #require(ports.telegram)
            #expect(ports.listeningLine().contains("\"telegram\":\(botPort)"))

            // The sink down through the control endpoint (a bad body is a 400 naming the field).
            let bad = try await Self.call(urls.control + "/telegram/webhook", .PUT, #"{"up":true}"#)
            #expect(bad.status == 400 && bad.body.contains("down"), "\(bad)")
            let down = try await Self.call(urls.control + "/telegram/webhook", .PUT, #"{"down":true}"#)
            #expect(down.status == 200, "\(down)")
            #expect(fake.webhookDown)

            let sokbo = try await AlertsTestApp.make([
                "sokbo.alerts.simulator": "off",
                "sokbo.alerts.telegram.token": TelegramSimulator.simulatedToken,
                "sokbo.alerts.telegram.chat.ids": "\(AlertsTestApp.allowedChat)",
                "sokbo.alerts.telegram.url": bot,
                "sokbo.alerts.webhook.urls": "slack=\(bot)/hooks/node",
            ])
            #expect(sokbo.simulated?.telegram == nil, "the node runs no fake of its own")
            try await sokbo.withRunning { port in
                try await AlertsTestApp.waitForNewsConnection(port: port)
                let venues = try #require(sokbo.simulated)
                await venues.ls.publish(title: "삼성전자, 2조원 규모 단일판매ㆍ공급계약 체결", tickers: [Self.samsung])
                #expect(try await eventually {
                    fake.sent.contains { $0.chatID == AlertsTestApp.allowedChat && $0.text.contains("주문 접수 · 삼성전자(005930) 매수") }
                }, "the acceptance reaches the other server's Bot API: \(fake.sent.map(\.text))")
                #expect(try await eventually { fake.webhookRefusals > 0 }, "the webhook POSTs and is refused")
                #expect(fake.webhookPosts.isEmpty)

                // A command written through the control endpoint reaches the node's long poll, and is answered.
                let update = try await Self.call(urls.control + "/telegram/updates", .POST,
                                                 #"{"chatId":\#(AlertsTestApp.allowedChat),"text":"/halt"}"#)
                #expect(update.status == 200, "\(update)")
                #expect(try await eventually { await sokbo.engine.status().halted }, "/halt from the allowed chat halts entries")

                // The control endpoint counts what the fakes took.
                let status = try await Self.call(urls.control + "/status", .GET)
                let telegram = try #require((try JSONSerialization.jsonObject(with: Data(status.body.utf8)) as? [String: Any])?["telegram"] as? [String: Any])
                #expect(telegram["webhookDown"] as? Bool == true)
                #expect((telegram["webhookRefusals"] as? Int ?? 0) > 0)
                #expect((telegram["sent"] as? Int ?? 0) >= 1)
            }
            await group.triggerGracefulShutdown()
        }
    }
}
