import Foundation
import Logging
import SokboCore

/// The trading engine's state and decisions: from a headline to at most one order per news item and
/// ticker, and from an order to its end.
///
/// Decisions run on the actor and are quick (rules, risk); network calls (snapshot, submit, reconcile)
/// run off it, so an order waiting on the broker never holds up the next headline. Every order is
/// stored before it is sent; an answer that does not prove the outcome leaves it `unknown` until
/// reconciliation settles it. Nothing here ever sends an order twice.
///
/// The actor's work is split by role across files: entries (`+Entries`: evaluate, plan, execute), order
/// execution (`+Execution`: store-before-send, the journal, transitions, outcomes), start-up (`+Restore`),
/// reconciliation (`+Reconciliation`, matching in `OrderReconciliation`), manual orders and control
/// (`+Manual`) and status (`+Status`). They share this state, so they stay one actor.
public actor TradingEngine {
    /// Settings the engine reads.
    public struct Settings: Sendable {
        /// Risk limits.
        public var limits: RiskLimits
        /// Trading days and the entry window.
        public var calendar: MarketCalendar
        /// Whether trading starts halted (the kill switch).
        public var startHalted: Bool
        /// How many reconciliation attempts without any trace of an unknown order before it counts as never placed.
        public var notFoundAfterAttempts: Int
        /// The order journal is emptied once it has this many lines and every order in it is in the store.
        public var journalCompactionLines: Int
        /// How long after its headline reached the listener an entry's order may still leave (`EntryDeadline`).
        public var entryDeadline: Duration

        /// The default entry deadline: 3 s, room for one order-book query behind the venue's pacing of about
        /// one request per second per api-id (burst 2, `kiwoom-rest.md` §7), and far inside the minute after
        /// which a headline's buy is a different trade.
        public static let defaultEntryDeadline = Duration.seconds(3)

        /// Creates settings.
        public init(limits: RiskLimits, calendar: MarketCalendar, startHalted: Bool = false, notFoundAfterAttempts: Int = 3,
                    journalCompactionLines: Int = 1_000, entryDeadline: Duration = Settings.defaultEntryDeadline) {
            self.limits = limits
            self.calendar = calendar
            self.startHalted = startHalted
            self.notFoundAfterAttempts = notFoundAfterAttempts
            self.journalCompactionLines = journalCompactionLines
            self.entryDeadline = entryDeadline
        }
    }

    /// Counts of what the engine decided, for status and metrics.
    public struct Counters: Sendable, Codable {
        /// Headlines evaluated.
        public var evaluated = 0
        /// Headlines no rule matched (counted, not stored).
        public var noMatch = 0
        /// Headlines a veto stopped.
        public var vetoed = 0
        /// Signals skipped by risk, sizing or resolution.
        public var skipped = 0
        /// Orders sent.
        public var ordersSent = 0
        /// Plans skipped because their order could not leave within the entry deadline (also in `skipped`).
        public var deadlineSkipped = 0
        /// Entry snapshots taken (one per plan that reached the broker).
        public var entrySnapshots = 0
        /// Venue queries those snapshots cost (0 each from the realtime feed, 1 with the day's reference held).
        public var entryQueries = 0
        /// Account reads (cash and positions): once at start, then only while something is unsettled.
        public var accountReads = 0
        /// Today's orders by current state, every state listed (counted from the orders when asked).
        public var byState: [String: Int] = [:]
    }

    let broker: any Broker
    let store: any Store
    let records: any RecordSink
    let journal: (any OrderJournal)?
    /// When the journal may be emptied (its lines, and orders in it not yet in the store).
    var journalCompaction: JournalCompaction
    let events: EventHub?
    let logger: Logger
    let now: @Sendable () -> Date
    var settings: Settings
    /// `settings.entryDeadline`, readable off the actor.
    nonisolated let entryDeadline: Duration
    var rules: RuleSet
    var halted: Bool
    var ledger: RiskLedger
    var orders: [String: Order] = [:]
    /// Headlines that have an order today, whatever its stock: the stock chosen for a headline with several
    /// codes can depend on whether the DART map was loaded, and a replay must not buy the other one.
    var orderedNewsIDs: Set<String> = []
    var reconcileAttempts: [String: Int] = [:]
    var account: AccountSnapshot?
    /// Orders answered since the account was last read: their effect on cash and positions is not seen yet.
    var sentSinceAccountRead = 0
    var counters = Counters()
    var latencies = LatencyRecorder()
    let disclosures: (any DisclosureConfirming)?
    let tickers: (any TickerResolving)?

    /// Creates the engine.
    /// With a `journal`, a news order's row is written there before it is sent and to the store while it
    /// is out; without one, to the store before it is sent. `disclosures` confirms rules that ask for a
    /// DART filing; `tickers` chooses the stock of a headline with no code or several.
    public init(settings: Settings, rules: RuleSet, broker: any Broker, store: any Store, records: any RecordSink,
                journal: (any OrderJournal)? = nil, events: EventHub?, logger: Logger,
                disclosures: (any DisclosureConfirming)? = nil, tickers: (any TickerResolving)? = nil,
                now: @escaping @Sendable () -> Date = { Date() }) {
        self.settings = settings
        self.entryDeadline = settings.entryDeadline
        self.rules = rules
        self.broker = broker
        self.store = store
        self.records = records
        self.journal = journal
        self.journalCompaction = JournalCompaction(threshold: settings.journalCompactionLines)
        self.events = events
        self.logger = logger
        self.now = now
        self.halted = settings.startHalted
        self.ledger = RiskLedger(day: now())
        self.disclosures = disclosures
        self.tickers = tickers
    }
}
