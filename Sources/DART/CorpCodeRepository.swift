import Foundation
import Logging

/// Holds the current corp-code map, its on-disk cache and where it came from.
///
/// The ZIP is cached as downloaded in `<data>/dart/corpCode.zip` with `corpCode.json` beside it (download time).
/// Start-up prefers a cache younger than `maxAge` (a download costs budget, and ODR users complained about
/// re-downloading on every start); otherwise it downloads, and when DART is unreachable it falls back to any
/// cache, however old, and says so (`source == .cache`, `ageSeconds`).
public actor CorpCodeRepository {
    /// Where the current map came from.
    public enum Source: String, Sendable, Codable {
        /// Downloaded by this process.
        case network
        /// Read from the disk cache.
        case cache
        /// No map yet.
        case none
    }

    /// A status snapshot.
    public struct Snapshot: Sendable, Codable, Hashable {
        /// Network or cache.
        public var source: Source
        /// When the map's data was downloaded (possibly by an earlier run).
        public var fetchedAt: Date?
        /// Its age in seconds.
        public var ageSeconds: Int?
        /// Companies in the map.
        public var entries: Int
        /// Listed companies in the map.
        public var listed: Int
        /// The last refresh failure, if the last attempt failed.
        public var lastRefreshError: String?
    }

    private struct Meta: Codable {
        var fetchedAtMs: Int64
        var entries: Int
    }

    private let client: DARTClient
    private let directory: URL
    private let maxAge: TimeInterval
    private let clock: DARTClock
    private let logger: Logger
    private var current: CorpCodeMap?
    private var source: Source = .none
    private var fetchedAt: Date?
    private var lastRefreshError: String?
    private var lastAttempt: Date?

    /// Creates a repository caching under `<dataDirectory>/dart`.
    public init(client: DARTClient, dataDirectory: String, maxAge: TimeInterval? = nil, clock: DARTClock = .system,
                logger: Logger = Logger(label: "sokbo.dart.corpcode")) {
        self.client = client
        self.directory = URL(fileURLWithPath: dataDirectory).appendingPathComponent("dart")
        self.maxAge = maxAge ?? client.configuration.corpCodeMaxAge
        self.clock = clock
        self.logger = logger
    }

    /// The current map, nil before `load()`.
    public var map: CorpCodeMap? { current }

    /// Start-up: a fresh cache, else a download, else any cache. Key problems are thrown (they are fatal); other
    /// failures are thrown only when there is no cache at all.
    @discardableResult
    public func load() async throws(DARTError) -> CorpCodeMap {
        let now = clock.now()
        let cached = readCache()
        if let cached, now.timeIntervalSince(cached.fetchedAt) < maxAge {
            install(cached.map, source: .cache, fetchedAt: cached.fetchedAt)
            return cached.map
        }
        do throws(DARTError) {
            return try await download(now: now)
        } catch {
            lastRefreshError = error.description
            if error.isKeyProblem { throw error }
            guard let cached else { throw error }
            logger.warning("DART corpCode download failed; using the cached map",
                           metadata: ["error": "\(error)", "age_s": "\(Int(now.timeIntervalSince(cached.fetchedAt)))"])
            install(cached.map, source: .cache, fetchedAt: cached.fetchedAt)
            return cached.map
        }
    }

    /// Downloads again when the map is older than `maxAge`; failures keep the old map and retry after an hour.
    public func refreshIfStale() async {
        let now = clock.now()
        if let fetchedAt, now.timeIntervalSince(fetchedAt) < maxAge { return }
        if let lastAttempt, now.timeIntervalSince(lastAttempt) < 3600 { return }
        do throws(DARTError) {
            try await download(now: now)
        } catch {
            lastRefreshError = error.description
            logger.warning("DART corpCode refresh failed; keeping the current map", metadata: ["error": "\(error)"])
        }
    }

    /// A status snapshot.
    public func snapshot() -> Snapshot {
        let now = clock.now()
        return Snapshot(
            source: source, fetchedAt: fetchedAt, ageSeconds: fetchedAt.map { Int(now.timeIntervalSince($0)) },
            entries: current?.count ?? 0, listed: current?.listedCount ?? 0, lastRefreshError: lastRefreshError)
    }

    // MARK: - Internals

    @discardableResult
    private func download(now: Date) async throws(DARTError) -> CorpCodeMap {
        lastAttempt = now
        let zip = try await client.corpCodeZIP()
        let map = try CorpCodeArchive.map(fromZIP: zip)
        writeCache(zip: zip, entries: map.count, fetchedAt: now)
        install(map, source: .network, fetchedAt: now)
        lastRefreshError = nil
        logger.info("DART corpCode map downloaded", metadata: ["entries": "\(map.count)", "listed": "\(map.listedCount)"])
        return map
    }

    private func install(_ map: CorpCodeMap, source: Source, fetchedAt: Date) {
        current = map
        self.source = source
        self.fetchedAt = fetchedAt
    }

    private var zipURL: URL { directory.appendingPathComponent("corpCode.zip") }
    private var metaURL: URL { directory.appendingPathComponent("corpCode.json") }

    private func readCache() -> (map: CorpCodeMap, fetchedAt: Date)? {
        guard let zip = try? Data(contentsOf: zipURL) else { return nil }
        let fetchedAt: Date
        if let data = try? Data(contentsOf: metaURL), let meta = try? JSONDecoder().decode(Meta.self, from: data) {
            fetchedAt = Date(timeIntervalSince1970: TimeInterval(meta.fetchedAtMs) / 1000)
        } else if let modified = (try? FileManager.default.attributesOfItem(atPath: zipURL.path))?[.modificationDate] as? Date {
            fetchedAt = modified
        } else {
            return nil
        }
        do {
            return (try CorpCodeArchive.map(fromZIP: zip), fetchedAt)
        } catch {
            logger.warning("DART corpCode cache unreadable; ignoring it", metadata: ["error": "\(error)"])
            return nil
        }
    }

    /// Writes the ZIP first and the meta last, both atomically, so a crash never pairs a new date with an old file.
    private func writeCache(zip: Data, entries: Int, fetchedAt: Date) {
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try zip.write(to: zipURL, options: .atomic)
            let meta = Meta(fetchedAtMs: Int64((fetchedAt.timeIntervalSince1970 * 1000).rounded()), entries: entries)
            try JSONEncoder().encode(meta).write(to: metaURL, options: .atomic)
        } catch {
            logger.warning("DART corpCode cache not written", metadata: ["error": "\(error)"])
        }
    }
}

extension DARTError {
    /// Whether this is a key problem (`010`, `011`, `012`, `901`, or a missing key).
    public var isKeyProblem: Bool {
        if case .keyProblem = self { return true }
        return false
    }
}
