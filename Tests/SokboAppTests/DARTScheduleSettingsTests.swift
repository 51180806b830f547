import Configuration
import DART
import SokboTestSupport
import Testing
@testable import SokboApp

/// Simulate mode polls DART on the live venue's schedule unless told otherwise (dart.md §3.4, §10).
@Suite struct DARTScheduleSettingsTests {
    @Test func everyModeDefaultsToTheVenuesSchedule() throws {
        let simulate = try VenueSettings(reader: reader([:]), mode: .simulate)
        #expect(simulate.dart.hours == .venue)
        let keys = ["kiwoom.appkey": "k", "kiwoom.secretkey": "s", "ls.appkey": "k", "ls.appsecretkey": "s"]
        #expect(try VenueSettings(reader: reader(keys), mode: .live).dart.hours == .venue)
        #expect(try VenueSettings(reader: reader(["dart.hours": "always"]), mode: .simulate).dart.hours == .always)
    }

    @Test func theDocumentedKeysAreReadAndChecked() throws {
        let env = EnvironmentVariablesProvider(environmentVariables: [
            "DART_MARKET_OPEN_HOUR": "7", "DART_MARKET_CLOSE_HOUR": "21", "DART_WEEKEND_INTERVAL_S": "0", "DART_BACKFILL_MAX_DAYS": "30",
        ])
        let dart = try VenueSettings(reader: ConfigReader(provider: env), mode: .simulate).dart
        #expect(dart.hours == DARTMarketHours(openHour: 7, closeHour: 21, weekends: .skipped))
        #expect(dart.backfillMaxDays == 30)
        let slow = try VenueSettings(reader: reader(["dart.weekend.interval.s": "1800"]), mode: .simulate).dart
        #expect(slow.hours == DARTMarketHours(weekends: .slow(every: .seconds(1800))))
        for bad in [["dart.hours": "sometimes"], ["dart.market.close.hour": "25"], ["dart.market.close.hour": "8"],
                    ["dart.weekend.interval.s": "-1"], ["dart.backfill.max.days": "90"]] {
            #expect(throws: SettingsError.self, "\(bad)") { try VenueSettings(reader: reader(bad), mode: .simulate) }
        }
    }

    /// The app in simulate mode runs its poller on the venue's hours (it used to poll around the clock there).
    @Test func simulateModePollsOnTheVenuesHours() async throws {
        let sokbo = try await makeSokbo("sqlite", TradingEndToEndTests.quiet)
        try await sokbo.withRunning { port in
            var hours: String?
            let reported = try await eventually {
                let status = try await TradingAPITests.call(port, .GET, "/api/status")
                hours = ((status.json["dart"] as? [String: Any])?["poller"] as? [String: Any])?["hours"] as? String
                return hours != nil
            }
            try #require(reported, "the DART poller never reported")
            #expect(hours == "8-20 KST, weekends every 900 s")
        }
    }
}
