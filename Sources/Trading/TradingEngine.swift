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
        /// Commission and tax, for positions' P&L and exits' net returns.
        public var costs: TradingCosts
        /// The end-of-day flatten time, seconds into the KST day (`SOKBO_FLATTEN_AT`); nil: none.
        public var flattenAtSecondsKST: Int?
        /// Realised plus unrealised P&L at or below minus this halts entries (`SOKBO_DAILY_LOSS_LIMIT`); nil: off.
        public var dailyLossLimit: Int?
        /// No entry into a new stock while this many are held or being entered (`SOKBO_MAX_OPEN_POSITIONS`); nil: off.
        public var maxOpenPositions: Int?

        /// The default flatten time, 15:15 KST: before the closing auction's single-price call from 15:20.
        public static let defaultFlattenAtSecondsKST = 15 * 3600 + 15 * 60

        /// The default entry deadline: 3 s, room for one order-book query behind the venue's pacing of about
        /// one request per second per api-id (burst 2, `kiwoom-rest.md` §7), and far inside the minute after
        /// which a headline's buy is a different trade.
        public static let defaultEntryDeadline = Duration.seconds(3)

        /// Creates settings.
        public init(limits: RiskLimits, calendar: MarketCalendar, startHalted: Bool = false, notFoundAfterAttempts: Int = 3,
                    journalCompactionLines: Int = 1_000, entryDeadline: Duration = Settings.defaultEntryDeadline,
                    costs: TradingCosts = TradingCosts(), flattenAtSecondsKST: Int? = Settings.defaultFlattenAtSecondsKST,
                    dailyLossLimit: Int? = nil, maxOpenPositions: Int? = nil) {
            self.limits = limits
            self.calendar = calendar
            self.startHalted = startHalted
            self.notFoundAfterAttempts = notFoundAfterAttempts
            self.journalCompactionLines = journalCompactionLines
            self.entryDeadline = entryDeadline
            self.costs = costs
            self.flattenAtSecondsKST = flattenAtSecondsKST
            self.dailyLossLimit = dailyLossLimit
            self.maxOpenPositions = maxOpenPositions
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
        /// Fills applied to orders (pushes, polls and reconciliation alike).
        public var fills = 0
        /// Order reports that matched no order of ours (orders placed elsewhere on the account).
        public var unmatchedReports = 0
        /// Fills with no price to value them (the position is then corrected from the account).
        public var unpricedFills = 0
        /// Open-order reads while the account feed was down or a cancel's outcome unknown.
        public var orderPolls = 0
        /// Entries cancelled (their unfilled rest) for their rule's entry timeout.
        public var entryTimeouts = 0
        /// Exit sells sent.
        public var exitsSent = 0
        /// Sell fills beyond the shares held (never expected; each is logged as critical).
        public var oversells = 0
    }

    /// Work the engine runs off the actor, each in a task of its own (or queued for `takeWork` when nothing
    /// starts it, as in replays and scripted tests).
    public enum Work: Sendable, Hashable {
        /// Send a stored exit sell once; with the row the journal holds, which the store gets while it is out,
        /// and the events published meanwhile.
        case submit(Order, journaledRow: Row?, announce: [LiveEvent])
        /// Cancel a resting sell before an exit sells (its order id and the request).
        case cancel(orderID: String, CancelRequest)
    }

    /// How the engine has work started and asks its service to act sooner than its next tick.
    public struct Wakers: Sendable {
        /// Starts one item of `Work` at once, in a task of its own, without waiting for it.
        public var start: @Sendable (Work) -> Void
        /// An order's outcome became unknown: reconcile soon.
        public var reconcile: @Sendable () -> Void

        /// Creates wakers.
        public init(start: @escaping @Sendable (Work) -> Void, reconcile: @escaping @Sendable () -> Void) {
            self.start = start
            self.reconcile = reconcile
        }
    }

    /// The broker the engine trades through.
    public let broker: any Broker
    let store: any Store
    let records: any RecordSink
    let journal: (any OrderJournal)?
    /// With two nodes (`SOKBO_HA=on`): each order's row is committed through it, under the lease's epoch,
    /// before it is sent, instead of the journal; nil on a single node.
    let fence: (any OrderFence)?
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
    var latencies = LatencyRecorder<NewsToOrderStages>()
    /// Tick-driven exits: from the quote's frame to the sell leaving.
    var exitLatencies = LatencyRecorder<TickToExitStages>()
    /// Exit sells queued to send, with the stamps of the tick that fired them.
    var exitStamps: [String: (tick: TickStamp, stored: ContinuousClock.Instant)] = [:]
    let disclosures: (any DisclosureConfirming)?
    let tickers: (any TickerResolving)?
    /// Company names already seen, by stock (for signals; see `companyNameForSignal`).
    var companyNameCache: [Ticker: String] = [:]

    // MARK: Order life
    /// Our order ids by the broker's order number, for its reports.
    var byBrokerNumber: [String: String] = [:]
    /// Reports that came before the submit's answer gave their order its number.
    var earlyReports: [String: [BrokerExecution]] = [:]
    var earlyReportCount = 0
    /// Cancels the engine sent on its own (entry timeouts, resting sells before an exit).
    var cancels: [String: CancelState] = [:]
    /// Orders with an event being applied, and what waits to apply the next (one event of an order at a time).
    var orderHolds: [String: [CheckedContinuation<Void, Never>]] = [:]
    /// The account feed came (back) up: the next poll reads every open order once (fills made while it was
    /// down reach us by no push).
    var feedCatchUpPending = false
    var work: [Work] = []
    var wakers: Wakers?

    // MARK: Positions
    var book: PositionBook
    var exitStates: [Ticker: PositionExitState] = [:]
    var trackers: [Ticker: ExitTracker] = [:]
    /// The last bid (else last price) of each held stock, and when it was seen.
    var marks: [Ticker: Int] = [:]
    var markedAt: [Ticker: Date] = [:]
    /// Stocks in a volatility interruption or trading halt: nothing is sold into them.
    var haltedTickers: Set<Ticker> = []
    /// Positions whose resting take-profit has been placed (one per position).
    var restingTakeProfitPlaced: Set<Ticker> = []
    /// Why a position's exit waits, by stock.
    var exitWaits: [Ticker: String] = [:]
    /// Exits paused after a sell was refused unsent by the client's pacing (the order budget is spent): until
    /// then a stop still crossed on every tick waits instead of storing a refused sell per tick.
    var exitPausedUntil: [Ticker: Date] = [:]
    /// Net P&L of today's closed trades, and the KST day it is for.
    var realisedToday = 0
    var realisedDay = ""
    /// Whether the daily loss limit halted entries today.
    var lossLimitHit = false
    /// Differences found between the store and the broker at start (the broker's quantity won).
    var positionDifferences: [String] = []
    /// Fills applied to the book so far, and the count when each stock's last one was: an account read issued
    /// at count N says nothing of a stock whose book moved after N.
    var fillsApplied = 0
    var lastFillApplied: [Ticker: Int] = [:]
    /// Stocks the start-up check could not compare yet (their book moved, or an order of theirs was out, while
    /// the account was read): compared at a later account read.
    var deferredPositionChecks: Set<Ticker> = []
    /// Today's orders found in the store at start (the start-up check concerns what they left).
    var restoredOrderIDs: Set<String> = []
    /// True while restore replays stored fills (nothing is published or watched then).
    var replaying = false
    /// True once `restore` has rebuilt today's orders from the store.
    var restored = false
    /// Broker order numbers already flagged as foreign (each halts entries once).
    var flaggedForeign: Set<String> = []
    /// Whether the hold on an older epoch's orders in flight was logged (once).
    var reconciliationHeldLogged = false

    /// Creates the engine.
    /// With a `journal`, a news order's row is written there before it is sent and to the store while it
    /// is out; without one, to the store before it is sent. With a `fence`, every order's row is committed
    /// through it (the lease checked, the epoch recorded) before it is sent, and refused orders are not sent. `disclosures` confirms rules that ask for a
    /// DART filing; `tickers` chooses the stock of a headline with no code or several.
    public init(settings: Settings, rules: RuleSet, broker: any Broker, store: any Store, records: any RecordSink,
                journal: (any OrderJournal)? = nil, events: EventHub?, logger: Logger,
                disclosures: (any DisclosureConfirming)? = nil, tickers: (any TickerResolving)? = nil,
                fence: (any OrderFence)? = nil, now: @escaping @Sendable () -> Date = { Date() }) {
        self.settings = settings
        self.entryDeadline = settings.entryDeadline
        self.rules = rules
        self.broker = broker
        self.store = store
        self.records = records
        self.journal = journal
        self.fence = fence
        self.journalCompaction = JournalCompaction(threshold: settings.journalCompactionLines)
        self.events = events
        self.logger = logger
        self.now = now
        self.halted = settings.startHalted
        self.ledger = RiskLedger(day: now())
        self.book = PositionBook(costs: settings.costs)
        self.disclosures = disclosures
        self.tickers = tickers
    }
}
