import Configuration
import Foundation
import Storage

/// How Sokbo trades: against the built-in simulator, Kiwoom's mock host, or real money.
public enum TradingMode: String, Sendable, Codable, CaseIterable {
    /// Paper trading against the built-in simulator on loopback (the default).
    case simulate
    /// The venues' mock-trading hosts.
    case mock
    /// Real money; needs `SOKBO_LIVE_CONFIRM=yes`.
    case live

    /// True unless real money is at stake.
    public var isPaper: Bool { self != .live }
}

/// The process-wide settings, read once from the configuration reader (scope `sokbo`).
///
/// | key (env)                    | default                 | meaning |
/// |------------------------------|-------------------------|---------|
/// | `SOKBO_MODE`                 | `simulate`              | `simulate`, `mock` or `live` |
/// | `SOKBO_HTTP_HOST`            | `127.0.0.1`             | bind address |
/// | `SOKBO_HTTP_PORT`            | `8080`                  | bind port (0 = any free port) |
/// | `SOKBO_DATA_DIR`             | `./data`                | caches, generated token, default SQLite file, spill file, order journal |
/// | `SOKBO_DATABASE_URL`         | `sqlite://<data>/sokbo.sqlite` | or `mysql://user:pass@host:port/db` |
/// | `SOKBO_FLUSH_INTERVAL_MS`    | `1000`                  | buffer flush period |
/// | `SOKBO_BUFFER_CAPACITY`      | `1000000`               | rows held in memory before a failing flush spills to disk |
/// | `SOKBO_API_TOKEN` (secret)   | generated               | bearer token for `/api` |
/// | `SOKBO_SHUTDOWN_TIMEOUT_MS`  | `10000`                 | bound on graceful shutdown |
/// | `SOKBO_LIVE_CONFIRM`         | unset                   | must be `yes` for `live` |
public struct AppSettings: Sendable {
    /// Trading mode.
    public var mode: TradingMode
    /// HTTP bind host.
    public var httpHost: String
    /// HTTP bind port.
    public var httpPort: Int
    /// The data directory.
    public var dataDirectory: String
    /// The database.
    public var database: DatabaseURL
    /// Flush period.
    public var flushInterval: Duration
    /// Buffer soft capacity (rows).
    public var bufferCapacity: Int
    /// The configured API token, if any (secret: never logged).
    public var apiToken: String?
    /// Shutdown bound.
    public var shutdownTimeout: Duration
    /// `SOKBO_LIVE_CONFIRM=yes`.
    public var liveConfirmed: Bool

    /// Reads and validates every key; a bad value throws an error naming the key.
    public init(reader: ConfigReader) throws(SettingsError) {
        let config = reader.settingsScope("sokbo")
        mode = try config.parse("mode", default: .simulate) { TradingMode(rawValue: $0.lowercased()) }
        httpHost = try config.parse("http.host", default: "127.0.0.1") { $0.isEmpty ? nil : $0 }
        httpPort = try config.parse("http.port", default: 8080) { Int($0).flatMap { (0...65535).contains($0) ? $0 : nil } }
        let dataDirectory = try config.parse("data.dir", default: "./data") { $0.isEmpty ? nil : $0 }
        self.dataDirectory = dataDirectory
        let absoluteData = URL(fileURLWithPath: dataDirectory).standardizedFileURL.path
        database = try config.parse("database.url", default: .sqlite(path: absoluteData + "/sokbo.sqlite")) {
            try? DatabaseURL(parsing: $0)
        }
        let flushMs = try config.parse("flush.interval.ms", default: 1000) { Int($0).flatMap { (10...600_000).contains($0) ? $0 : nil } }
        flushInterval = .milliseconds(flushMs)
        bufferCapacity = try config.parse("buffer.capacity", default: 1_000_000) { Int($0).flatMap { $0 >= 1000 ? $0 : nil } }
        let token = config.string(forKey: "api.token", isSecret: true)
        apiToken = (token?.isEmpty ?? true) ? nil : token
        let shutdownMs = try config.parse("shutdown.timeout.ms", default: 10_000) { Int($0).flatMap { (100...600_000).contains($0) ? $0 : nil } }
        shutdownTimeout = .milliseconds(shutdownMs)
        liveConfirmed = config.string(forKey: "live.confirm")?.lowercased() == "yes"

        if mode == .live, !liveConfirmed {
            throw SettingsError(key: "sokbo.live.confirm", message: "live trading needs SOKBO_LIVE_CONFIRM=yes")
        }
        if apiToken == nil, !Self.isLoopback(httpHost) {
            throw SettingsError(key: "sokbo.http.host", message: "binding \(httpHost) (not loopback) needs SOKBO_API_TOKEN to be set")
        }
    }

    /// The spill file, beside the data.
    public var spillPath: String { URL(fileURLWithPath: dataDirectory).standardizedFileURL.path + "/spill/rows.jsonl" }
    /// Rows the database refused for their values, kept for a person to inspect (never replayed).
    public var rejectedRowsPath: String { URL(fileURLWithPath: dataDirectory).standardizedFileURL.path + "/spill/rejected.jsonl" }
    /// The order journal (rows of orders about to leave), beside the data.
    public var orderJournalPath: String { URL(fileURLWithPath: dataDirectory).standardizedFileURL.path + "/journal/orders.jsonl" }

    static func isLoopback(_ host: String) -> Bool {
        host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }
}

/// A configuration value that cannot be used; the message names the key and its environment variable.
public struct SettingsError: Error, CustomStringConvertible, Equatable {
    /// The configuration key (`sokbo.http.port`).
    public var key: String
    /// What is wrong.
    public var message: String

    /// The environment variable for the key (`SOKBO_HTTP_PORT`).
    public var environmentName: String { key.replacingOccurrences(of: ".", with: "_").uppercased() }

    /// `SOKBO_HTTP_PORT (sokbo.http.port): …`.
    public var description: String { "\(environmentName) (\(key)): \(message)" }
}
