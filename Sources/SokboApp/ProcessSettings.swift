import Configuration

/// Every setting the process reads, in the order start-up reads them: the app's (`sokbo`), the venues'
/// (`ls`, `kiwoom`, `dart`, `sokbo.simulator`) and the engine's. The first bad value stops start-up with
/// a `SettingsError` naming its environment variable.
struct ProcessSettings: Sendable {
    /// Mode, HTTP, storage.
    var app: AppSettings
    /// Venue clients and the simulator.
    var venues: VenueSettings
    /// Rules, calendar, risk limits.
    var trading: TradingSettings
    /// Telegram and webhooks.
    var alerts: AlertsSettings
    /// Active/standby (`SOKBO_HA`).
    var ha: HASettings

    /// Reads and validates every scope.
    init(reader: ConfigReader) throws(SettingsError) {
        app = try AppSettings(reader: reader)
        venues = try VenueSettings(reader: reader, mode: app.mode)
        trading = try TradingSettings(reader: reader, mode: app.mode)
        alerts = try AlertsSettings(reader: reader, mode: app.mode)
        ha = try HASettings(reader: reader, database: app.database)
    }
}
