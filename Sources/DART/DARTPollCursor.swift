import Foundation
import Logging
import SokboCore

/// The last KST day the poller read in full, kept in `<data>/dart/poll-cursor.json` so a restart sweeps from there.
///
/// A day is read in full once a poll made after it ended has read every page of a window covering it: nothing
/// can be listed for it later (beyond DART's own listing delay). Why a file beside the corp-code cache rather than
/// the database: it is the DART adapter's own state, one small value written once a day, and must be there before
/// the store is reachable. The write is a tiny atomic file replacement on the poller's actor, once a day.
public struct DARTPollCursor: Sendable {
    private struct Stored: Codable {
        var lastFullyPolledDay: String
    }

    /// The file, or nil to keep the cursor in memory only.
    public let url: URL?

    /// A cursor in `<dataDirectory>/dart/poll-cursor.json`.
    public init(dataDirectory: String) {
        self.url = URL(fileURLWithPath: dataDirectory).appendingPathComponent("dart").appendingPathComponent("poll-cursor.json")
    }

    /// A cursor in memory only: a restart sweeps from the day it starts.
    public static let memoryOnly = DARTPollCursor(url: nil)

    private init(url: URL?) {
        self.url = url
    }

    /// The stored day (`YYYYMMDD`), or nil when none is stored or the file is unreadable (logged).
    public func load(logger: Logger) -> String? {
        guard let url, let data = try? Data(contentsOf: url) else { return nil }
        guard let stored = try? JSONDecoder().decode(Stored.self, from: data), KST.date(yyyymmdd: stored.lastFullyPolledDay, hhmmss: "000000") != nil else {
            logger.warning("DART poll cursor unreadable; sweeping from today", metadata: ["path": "\(url.path)"])
            return nil
        }
        return stored.lastFullyPolledDay
    }

    /// Stores the day atomically; a failure is logged and the poller keeps the day in memory.
    public func save(_ day: String, logger: Logger) {
        guard let url else { return }
        do {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try JSONEncoder().encode(Stored(lastFullyPolledDay: day)).write(to: url, options: .atomic)
        } catch {
            logger.warning("DART poll cursor not written; a restart sweeps from the day stored before", metadata: ["error": "\(error)"])
        }
    }

    /// The KST day `days` after `day` (negative: before), nil when `day` is malformed.
    public static func day(_ day: String, plus days: Int) -> String? {
        guard let midnight = KST.date(yyyymmdd: day, hhmmss: "000000") else { return nil }
        // Noon avoids any rounding at the day's edge; KST has no daylight saving.
        return KST.dayString(midnight.addingTimeInterval(TimeInterval(days) * 86_400 + 43_200))
    }
}
