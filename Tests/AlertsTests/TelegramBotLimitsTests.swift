import Alerts
import Foundation
import Logging
import Simulator
import SokboTestSupport
import Testing

/// The bot against the fake Bot API with its limits on: a 429 is waited out with its `retry_after` and
/// the message sent once; a wrong token is refused for good, not retried.
@Suite struct TelegramBotLimitsTests {
    static let token = "4242:limits-test"

    /// The fake with a chat limit of one message every 5 s (burst 1): a burst of 6 meets it however slowly
    /// a loaded machine sends, where the real limit (about one a second) could be met by a slow sender alone.
    static func withFake<T: Sendable>(_ body: @Sendable (TelegramSimulator) async throws -> T) async throws -> T {
        let fake = TelegramSimulator(token: token, chatLimit: .init(perSecond: 0.2, burst: 1), logger: TestStores.logger)
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask { try await fake.run(); return nil }
            _ = try await fake.waitUntilListening()
            let result = try await body(fake)
            group.cancelAll()
            while let value = try await group.next() { if let value { return value } }
            return result
        }
    }

    @Test func aBurstPastTheChatLimitIsRetriedAfterRetryAfterAndSentOnce() async throws {
        try await Self.withFake { (fake: TelegramSimulator) async throws -> Void in
            let bot = TelegramBotClient(baseURL: { try await fake.baseURL() }, token: Self.token)
            // Paced far above the chat's limit on purpose, so the fake answers 429.
            let outbox = AlertOutbox(type: "telegram", name: "chat", policy: .init(perSecond: 1_000, retryBase: .milliseconds(50)),
                                     logger: TestStores.logger) { message in
                await bot.sendMessage(chat: 7, text: message.text, silent: false)
            }
            let sending = Task { await outbox.run() }
            defer { sending.cancel() }
            for n in 0..<6 { outbox.enqueue(AlertMessage(kind: .orderFilled, text: "체결 \(n)")) }
            #expect(try await eventually { fake.sent.count == 6 })
            #expect(fake.sent.map(\.text) == (0..<6).map { "체결 \($0)" }, "each once, in order")
            #expect(fake.tooManyRequests > 0, "the burst went past the limit")
            // The fake records a message before its reply reaches the client: wait for the outbox to count it.
            #expect(try await eventually { outbox.status().delivered == 6 })
            #expect(outbox.status().givenUp == 0)
        }
    }

    @Test func aWrongTokenIsRefusedForGoodNotRetried() async throws {
        try await Self.withFake { (fake: TelegramSimulator) async throws -> Void in
            let bot = TelegramBotClient(baseURL: { try await fake.baseURL() }, token: "4242:wrong")
            let result = await bot.sendMessage(chat: 7, text: "x", silent: false)
            guard case .refused(let error) = result else {
                Issue.record("expected a refusal, got \(result)")
                return
            }
            #expect(error.contains("Unauthorized"))
            #expect(!error.contains("4242:wrong"), "the token is not in the error")
            await #expect(throws: TelegramBotClient.Failure.self) { try await bot.getUpdates(offset: nil, timeout: 0) }
        }
    }
}
