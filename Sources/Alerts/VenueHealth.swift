import Foundation

/// What the process's status sources say about the venues and the store, polled by the alerts.
/// Counters are totals since start; flags are the state now. A source the process does not run is nil.
public struct VenueHealth: Sendable, Hashable {
    /// The LS news socket is subscribed and reading (nil: no news listener).
    public var newsConnected: Bool?
    /// Token or login refusals so far (LS subscriptions refused, Kiwoom realtime LOGIN refusals).
    public var tokenRefusals: Int
    /// Kiwoom realtime sessions ended by `R10001` so far (another login with the same appkey).
    public var kiwoomEvictions: Int
    /// The Kiwoom realtime feed is staying away after `R10001`.
    public var kiwoomEvicted: Bool
    /// DART's daily request budget is spent.
    public var dartBudgetExhausted: Bool
    /// The last flush to the database failed (rows are held and retried).
    public var databaseFailing: Bool
    /// The database's last error, redacted.
    public var databaseError: String?
    /// Rows set aside so far (refused by the database for their values, or malformed DART rows).
    public var rowsSetAside: Int
    /// Kiwoom REST tokens the venue refused on a request so far (`[8005]`, `[8031]`, `[8103]`).
    public var brokerTokenRefusals: Int
    /// The last of them: api-id, code and the venue's message.
    public var brokerTokenLastRefusal: String?
    /// Why issuing a Kiwoom token (`au10001`) fails now; nil while it works.
    public var brokerTokenIssueFailure: String?
    /// Kiwoom's pacing buckets now.
    public var pacing: [BrokerPacingBucket]

    /// Creates a health report; everything healthy by default.
    public init(newsConnected: Bool? = nil, tokenRefusals: Int = 0, kiwoomEvictions: Int = 0, kiwoomEvicted: Bool = false,
                dartBudgetExhausted: Bool = false, databaseFailing: Bool = false, databaseError: String? = nil, rowsSetAside: Int = 0,
                brokerTokenRefusals: Int = 0, brokerTokenLastRefusal: String? = nil, brokerTokenIssueFailure: String? = nil,
                pacing: [BrokerPacingBucket] = []) {
        self.newsConnected = newsConnected
        self.tokenRefusals = tokenRefusals
        self.kiwoomEvictions = kiwoomEvictions
        self.kiwoomEvicted = kiwoomEvicted
        self.dartBudgetExhausted = dartBudgetExhausted
        self.databaseFailing = databaseFailing
        self.databaseError = databaseError
        self.rowsSetAside = rowsSetAside
        self.brokerTokenRefusals = brokerTokenRefusals
        self.brokerTokenLastRefusal = brokerTokenLastRefusal
        self.brokerTokenIssueFailure = brokerTokenIssueFailure
        self.pacing = pacing
    }
}
