import Alerts
import Configuration
import Foundation
@testable import SokboApp
import Testing

/// `SOKBO_ALERTS_*`: defaults, modes, secrets never repeated in errors nor left out of the redactor.
@Suite struct AlertsSettingsTests {
    static func reader(_ values: [String: String]) -> ConfigReader {
        ConfigReader(provider: InMemoryProvider(values: Dictionary(uniqueKeysWithValues: values.map {
            (AbsoluteConfigKey(stringLiteral: $0.key), ConfigValue(.string($0.value), isSecret: false))
        })))
    }

    static let secretURL = "https://hooks.slack.com/services/T000/B000/secretsecretsecret"

    @Test func nothingConfiguredMeansNoAlerts() throws {
        let settings = try AlertsSettings(reader: Self.reader([:]), mode: .simulate)
        #expect(!settings.configuration.isEnabled)
        #expect(!settings.simulator)
        #expect(settings.configuration.newsDownAfterSeconds == 60)
        #expect(settings.configuration.dailySummarySecondsIntoDay == 15 * 3600 + 40 * 60)
    }

    @Test func modesWebhooksAndTheBotAreRead() throws {
        let settings = try AlertsSettings(reader: Self.reader([
            "sokbo.alerts.telegram.token": "123:abc", "sokbo.alerts.telegram.chat.ids": "42, -1009",
            "sokbo.alerts.webhook.urls": "discord=https://discord.example/api/webhooks/1/x, \(Self.secretURL)",
            "sokbo.alerts.webhook.format": "slack", "sokbo.alerts.order.filled": "silent", "sokbo.alerts.venue": "OFF",
            "sokbo.alerts.summary.time": "16:05",
        ]), mode: .live)
        let configuration = settings.configuration
        #expect(configuration.telegram?.chatIDs == [42, -1009])
        #expect(configuration.webhooks.map(\.format) == [.discord, .slack])
        #expect(configuration.webhooks.map(\.host) == ["discord.example", "hooks.slack.com"])
        #expect(configuration.modes[.orderFilled] == .silent)
        #expect(configuration.modes[.venue] == .off)
        #expect(configuration.modes[.orderAccepted] == .on)
        #expect(configuration.dailySummarySecondsIntoDay == 16 * 3600 + 5 * 60)
    }

    @Test func badValuesNameTheirKeyButNeverRepeatASecret() {
        func failure(_ values: [String: String], mode: TradingMode = .simulate) -> SettingsError? {
            do { _ = try AlertsSettings(reader: Self.reader(values), mode: mode); return nil } catch { return error }
        }
        #expect(failure(["sokbo.alerts.order.filled": "loud"])?.environmentName == "SOKBO_ALERTS_ORDER_FILLED")
        #expect(failure(["sokbo.alerts.telegram.token": "123:abc"])?.environmentName == "SOKBO_ALERTS_TELEGRAM_CHAT_IDS")
        #expect(failure(["sokbo.alerts.telegram.chat.ids": "42"])?.environmentName == "SOKBO_ALERTS_TELEGRAM_TOKEN")
        #expect(failure(["sokbo.alerts.simulator": "on"], mode: .live)?.environmentName == "SOKBO_ALERTS_SIMULATOR")
        let chat = failure(["sokbo.alerts.telegram.token": "123:abc", "sokbo.alerts.telegram.chat.ids": "42,secret-chat"])
        #expect(chat?.environmentName == "SOKBO_ALERTS_TELEGRAM_CHAT_IDS")
        #expect(chat?.description.contains("secret-chat") == false)
        let url = failure(["sokbo.alerts.webhook.urls": "ftp://hidden-hook-secret"])
        #expect(url?.environmentName == "SOKBO_ALERTS_WEBHOOK_URLS")
        #expect(url?.description.contains("hidden-hook-secret") == false)
    }

    @Test func theRedactorScrubsTheTokenAndEachWebhookURL() {
        let redactor = SecretRedactor()
        redactor.registerSecrets(in: Self.reader([
            "sokbo.alerts.telegram.token": "7000001:bot-token-value",
            "sokbo.alerts.webhook.urls": "slack=\(Self.secretURL)",
        ]))
        let text = redactor.redact("POST \(Self.secretURL) with 7000001:bot-token-value")
        #expect(!text.contains("secretsecret"))
        #expect(!text.contains("bot-token-value"))
    }
}
