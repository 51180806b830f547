import Configuration
import Kiwoom

extension KiwoomConfiguration {
    /// The Kiwoom client's settings as `sokbo serve` reads them (keys, URL, pacing), for the tools beside the
    /// server (`sokbo replay` fetching missing candles); nil in simulate mode, where the caller runs the simulator.
    public static func configured(reader: ConfigReader) throws(SettingsError) -> KiwoomConfiguration? {
        let app = try AppSettings(reader: reader)
        guard app.mode != .simulate else { return nil }
        return try VenueSettings(reader: reader, mode: app.mode).kiwoom
    }
}
