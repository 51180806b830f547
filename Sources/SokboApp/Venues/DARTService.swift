import DART
import Logging
import ServiceLifecycle
import SokboCore
import Trading

/// Starts the DART adapter (key check, corp-code map from DART or the cache) and then runs its poller.
///
/// Why inside a service rather than before the group: in `simulate` mode the DART simulator is itself a
/// service and must be listening first. A key problem still stops the process: this service throws,
/// which ends the group, and the message names `DART_API_KEY`.
final class DARTService: Service, Sendable {
    private let configuration: DARTConfiguration
    private let dataDirectory: String
    private let consumers: [any DisclosureConsumer]
    private let hours: DARTMarketHours?
    private let ready: @Sendable () async throws -> String?
    private let logger: Logger
    private let started = SetOnce<(DARTAdapter, DARTPoller)>()

    init(configuration: DARTConfiguration, dataDirectory: String, consumers: [any DisclosureConsumer], hours: DARTMarketHours?,
         ready: @escaping @Sendable () async throws -> String?, logger: Logger) {
        self.configuration = configuration
        self.dataDirectory = dataDirectory
        self.consumers = consumers
        self.hours = hours
        self.ready = ready
        self.logger = logger
    }

    func run() async throws {
        var configuration = configuration
        // `ready` waits for the simulator in simulate mode and gives its URL.
        if let baseURL = try await cancelWhenGracefulShutdown({ try await self.ready() }) { configuration.baseURL = baseURL }
        let adapter: DARTAdapter
        do {
            adapter = try await DARTAdapter.start(configuration: configuration, dataDirectory: dataDirectory, logger: logger)
        } catch {
            logger.critical("DART start-up refused", metadata: ["key": "\(error.key)", "reason": "\(error.message)"])
            throw error
        }
        let poller = adapter.poller(consumers: consumers, hours: hours)
        started.set((adapter, poller))
        try await poller.run()
    }

    /// The poller's figures, or `starting` before the adapter is up.
    func status() async -> DARTStatusReport {
        guard let (adapter, poller) = started.value else { return DARTStatusReport(state: "starting", poller: nil, warning: nil) }
        return DARTStatusReport(state: "running", poller: await poller.status(), warning: adapter.startupWarning)
    }

    /// The corp-code map once loaded (ticker lookup by company name).
    func corpCodes() async -> CorpCodeRepository? { started.value?.0.repository }
}

extension DARTService: CompanyNames {
    /// Listed company names in a headline, from the corp-code map; nil until it is loaded.
    func mentions(inHeadline headline: String) async -> [CompanyMention]? {
        guard let map = await corpCodes()?.map else { return nil }
        return map.tickers(inHeadline: headline).map {
            CompanyMention(name: $0.name, offset: $0.offset, length: $0.length, tickers: $0.tickers)
        }
    }

    /// The listed company's name for a stock code, from the corp-code map; nil until it is loaded.
    func name(of ticker: Ticker) async -> String? {
        guard let map = await corpCodes()?.map, let corpCode = map.corpCode(for: ticker) else { return nil }
        return map.entry(corpCode: corpCode)?.name
    }
}

/// DART's section of `/api/status`.
struct DARTStatusReport: Encodable, Sendable {
    let state: String
    let poller: DARTStatus?
    let warning: String?
}
