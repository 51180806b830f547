import AsyncHTTPClient
import Foundation
import Logging
import SokboCore

/// Start-up of the DART adapter: validates the configuration, checks the key with one `list.json` call, loads
/// the corp-code map (fresh cache, else network, else any cache), and builds the poller.
///
/// Key problems stop start-up with a `DARTStartupError` naming `DART_API_KEY`. An unreachable DART does not:
/// the map comes from the cache and `/api/status` says so (`mapSource: cache`); with no cache the map stays
/// empty (`mapSource: none`) and the poller retries the download hourly.
public struct DARTAdapter: Sendable {
    /// The raw client.
    public let client: DARTClient
    /// The corp-code map holder.
    public let repository: CorpCodeRepository
    /// What start-up found (nil when the key check answered).
    public let startupWarning: String?
    /// Sokbo's data directory (the corp-code cache and the poll cursor live in `<data>/dart`).
    public let dataDirectory: String
    private let clock: DARTClock
    private let logger: Logger

    /// Starts the adapter; `dataDirectory` is Sokbo's data directory (the cache lives in `<data>/dart`).
    public static func start(
        configuration: DARTConfiguration, dataDirectory: String, httpClient: HTTPClient = .shared,
        budget: DARTRequestBudget? = nil, clock: DARTClock = .system, logger: Logger = Logger(label: "sokbo.dart")
    ) async throws(DARTStartupError) -> DARTAdapter {
        try validate(configuration)
        let budget = budget ?? DARTRequestBudget(dailyLimit: configuration.dailyBudget)
        let client = DARTClient(configuration: configuration, budget: budget, httpClient: httpClient, clock: clock, logger: logger)
        let repository = CorpCodeRepository(client: client, dataDirectory: dataDirectory, clock: clock, logger: logger)
        var warning: String?
        do throws(DARTError) {
            _ = try await client.list(DARTListQuery(beginDate: KST.dayString(clock.now()), endDate: KST.dayString(clock.now()), pageNo: 1, pageCount: 1))
        } catch {
            if error.isKeyProblem { throw keyError(error) }
            warning = "DART key check failed: \(error)"
            logger.warning("DART key check failed; starting anyway", metadata: ["error": "\(error)"])
        }
        do throws(DARTError) {
            try await repository.load()
        } catch {
            if error.isKeyProblem { throw keyError(error) }
            warning = "DART corp-code map unavailable: \(error)"
            logger.error("DART corp-code map unavailable and no cache; ticker lookup by name is off until DART answers",
                         metadata: ["error": "\(error)"])
        }
        return DARTAdapter(client: client, repository: repository, startupWarning: warning, dataDirectory: dataDirectory,
                           clock: clock, logger: logger)
    }

    /// The poller Service handing new disclosures to `consumers` (the engine and the buffer); its sweep starts
    /// from the last day read in full, kept in `<data>/dart/poll-cursor.json` across restarts.
    public func poller(consumers: [any DisclosureConsumer], hours: DARTMarketHours? = nil) -> DARTPoller {
        DARTPoller(client: client, repository: repository, consumers: consumers, hours: hours,
                   cursor: DARTPollCursor(dataDirectory: dataDirectory), clock: clock, logger: logger)
    }

    /// Checks the values before any request: a key is required and must look like one.
    public static func validate(_ configuration: DARTConfiguration) throws(DARTStartupError) {
        let key = configuration.apiKey
        guard !key.isEmpty else {
            throw DARTStartupError(key: "DART_API_KEY", message: "not set; get a key at https://opendart.fss.or.kr (40 letters and digits)")
        }
        guard key.utf8.count == 40, key.unicodeScalars.allSatisfy({ $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0)) }) else {
            throw DARTStartupError(key: "DART_API_KEY", message: "must be 40 letters and digits (got \(key.utf8.count) characters)")
        }
        guard let url = URL(string: configuration.baseURL), let scheme = url.scheme, ["http", "https"].contains(scheme),
              url.host != nil, url.port != 0
        else {
            throw DARTStartupError(key: "DART_BASE_URL", message: "must be an http(s) URL such as https://opendart.fss.or.kr/api/")
        }
    }

    private static func keyError(_ error: DARTError) -> DARTStartupError {
        DARTStartupError(key: "DART_API_KEY", message: "DART refused the key: \(error)")
    }
}
