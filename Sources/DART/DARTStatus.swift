import Foundation

/// The DART part of `GET /api/status`.
public struct DARTStatus: Sendable, Codable, Hashable {
    /// `starting`, `polling`, `closed` (outside market hours), `backoff`, `budget_spent`, `stopped`.
    public var state: String
    /// Where the corp-code map came from: `network`, `cache` or `none`.
    public var mapSource: CorpCodeRepository.Source
    /// When the map's data was downloaded.
    public var mapFetchedAt: Date?
    /// The map's age in seconds.
    public var mapAgeSeconds: Int?
    /// Companies in the map.
    public var mapEntries: Int
    /// Listed companies in the map.
    public var mapListed: Int
    /// Poll cycles today (KST).
    public var pollsToday: Int
    /// `list.json` requests the poller made today.
    public var pollRequestsToday: Int
    /// Requests this process made today, all DART APIs.
    public var requestsToday: Int
    /// Requests left today for the whole process.
    public var budgetLeft: Int
    /// Requests left today for the poller's share.
    public var pollBudgetLeft: Int
    /// The current poll interval in milliseconds.
    public var intervalMs: Int
    /// New disclosures handed on since start.
    public var delivered: Int
    /// Rows refused since start because their `rcept_no` or `rcept_dt` was malformed (counted, not stored).
    public var rejectedRows: Int = 0
    /// The last poll that succeeded.
    public var lastPollAt: Date?
    /// Nothing is sent before this instant (after `020`, maintenance or errors).
    public var backoffUntil: Date?
    /// The last error, redacted.
    public var lastError: String?
    /// The last KST day read in full (`YYYYMMDD`); the day's first poll sweeps from the day after.
    public var lastFullyPolledDay: String?
    /// The polling schedule, e.g. `8-20 KST, weekends every 900 s`.
    public var hours: String = ""
}
