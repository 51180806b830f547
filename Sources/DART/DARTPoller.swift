import Foundation
import Logging
import ServiceLifecycle
import SokboCore

/// Polls `list.json` during the venue's hours and hands every new disclosure to its consumers, once.
///
/// Each KST day's first poll is a sweep: every page of `bgn_de` = the day after the last day read in full (kept by
/// `DARTPollCursor`, so it survives a restart) to `end_de` = today, so whatever was filed after the previous
/// close, overnight or over a weekend is delivered then; success makes yesterday the last day read in full. Later
/// polls read today's page 1 (newest first) and further pages only while a page was entirely new (dart.md §10).
/// Paging a sweep newest first cannot skip a row: new filings enter above the rows already read and only push
/// them down, so a shifted boundary repeats a row (deduped by `rcept_no`) instead of hiding one.
///
/// The interval comes from the budget: the poller may spend `configuration.pollBudget` requests a day (the daily
/// budget minus the share left to other calls) and spreads what is left over what is left of the session:
/// `interval = max(minimumInterval, secondsToClose / requestsLeft)` — 16,000 requests over 12 hours is ~2.7 s;
/// on weekends no faster than the schedule's weekend cadence. `020` stops polling until 00:00 KST; `800` backs
/// off 5 minutes; transport errors back off exponentially up to 5 minutes; key problems back off 10 minutes and
/// stay in `lastError`.
public actor DARTPoller: Service {
    private let client: DARTClient
    private let repository: CorpCodeRepository?
    private let consumers: [any DisclosureConsumer]
    private let configuration: DARTConfiguration
    private let hours: DARTMarketHours
    private let cursor: DARTPollCursor
    private let clock: DARTClock
    private let logger: Logger

    private var seen: RecentReceipts
    private var day = ""
    private var pollsToday = 0
    private var pollRequestsToday = 0
    private var delivered = 0
    private var rejectedRows = 0
    private var state = "starting"
    private var interval: Duration
    private var lastPollAt: Date?
    private var backoffUntil: Date?
    private var lastError: String?
    private var failures = 0
    /// The last KST day read in full (nil until `run()` loads it).
    private var lastFullyPolled: String?
    /// The KST day whose first poll, the sweep, succeeded.
    private var sweptDay = ""

    /// Creates a poller. `repository` (optional) is refreshed once a day between polls; `hours` defaults to the
    /// configuration's schedule; `cursor` keeps the last day read in full (in memory only unless given a file).
    public init(client: DARTClient, repository: CorpCodeRepository? = nil, consumers: [any DisclosureConsumer],
                hours: DARTMarketHours? = nil, cursor: DARTPollCursor = .memoryOnly, clock: DARTClock = .system,
                logger: Logger = Logger(label: "sokbo.dart.poller")) {
        self.client = client
        self.repository = repository
        self.consumers = consumers
        self.configuration = client.configuration
        self.hours = hours ?? client.configuration.hours
        self.cursor = cursor
        self.clock = clock
        self.logger = logger
        self.seen = RecentReceipts(capacity: client.configuration.dedupeCapacity)
        self.interval = client.configuration.minimumInterval
    }

    /// Polls until graceful shutdown or cancellation.
    public func run() async throws {
        if lastFullyPolled == nil {
            // Nothing stored: sweep from the day polling starts, not from history a fresh install never saw.
            lastFullyPolled = cursor.load(logger: logger) ?? DARTPollCursor.day(KST.dayString(clock.now()), plus: -1)
        }
        await cancelWhenGracefulShutdown {
            await self.loop()
        }
        state = "stopped"
    }

    /// The status for `/api/status`.
    public func status() async -> DARTStatus {
        let now = clock.now()
        rollDay(now)
        let budget = await client.budget.snapshot(at: now)
        let map = await repository?.snapshot()
        return DARTStatus(
            state: state, mapSource: map?.source ?? .none, mapFetchedAt: map?.fetchedAt, mapAgeSeconds: map?.ageSeconds,
            mapEntries: map?.entries ?? 0, mapListed: map?.listed ?? 0, pollsToday: pollsToday,
            pollRequestsToday: pollRequestsToday, requestsToday: budget.used, budgetLeft: budget.left,
            pollBudgetLeft: min(budget.left, max(0, configuration.pollBudget - pollRequestsToday)),
            intervalMs: Int(interval.milliseconds),
            delivered: delivered, rejectedRows: rejectedRows, lastPollAt: lastPollAt, backoffUntil: backoffUntil.flatMap { $0 > now ? $0 : nil },
            lastError: lastError ?? map?.lastRefreshError, lastFullyPolledDay: lastFullyPolled, hours: hours.description)
    }

    // MARK: - Loop

    private func loop() async {
        while !Task.isCancelled {
            let now = clock.now()
            rollDay(now)
            let wait: Duration
            if !hours.isOpen(at: now) {
                state = "closed"
                wait = Self.duration(from: now, to: hours.nextOpen(after: now))
            } else if let blocked = await client.budget.blockedUntil(at: now) {
                state = "budget_spent"
                backoffUntil = blocked
                wait = Self.duration(from: now, to: blocked)
            } else if pollRequestsToday >= configuration.pollBudget {
                state = "budget_spent"
                wait = Self.duration(from: now, to: hours.nextOpen(after: KST.next(hour: 0, after: now)))
            } else if let until = backoffUntil, until > now {
                state = "backoff"
                wait = Self.duration(from: now, to: until)
            } else {
                state = "polling"
                await repository?.refreshIfStale()
                await pollOnce(now: now)
                wait = backoffUntil.map { Self.duration(from: clock.now(), to: $0) } ?? nextInterval(now: clock.now())
            }
            do {
                try await clock.sleep(max(wait, .milliseconds(1)))
            } catch {
                return
            }
        }
    }

    /// One cycle: the day's sweep first, then today's page 1 and more pages while everything on a page was new.
    private func pollOnce(now: Date) async {
        let today = KST.dayString(now)
        pollsToday += 1
        do throws(DARTError) {
            if sweptDay != today {
                try await sweep(today: today)
            } else {
                try await readNewest(today: today)
            }
            lastPollAt = clock.now()
            failures = 0
            backoffUntil = nil
            lastError = nil
        } catch {
            handle(error, now: clock.now())
        }
    }

    /// Every page from the day after the last day read in full to today; on success yesterday is read in full.
    private func sweep(today: String) async throws(DARTError) {
        let earliest = DARTPollCursor.day(today, plus: -(configuration.backfillMaxDays - 1)) ?? today
        let next = lastFullyPolled.flatMap { DARTPollCursor.day($0, plus: 1) } ?? today
        // `YYYYMMDD` strings order like the days they name.
        let begin = min(max(next, earliest), today)
        var page = 1
        while true {
            // Out of budget mid-sweep: not read in full, so tomorrow's sweep starts from the same day.
            guard pollRequestsToday < configuration.pollBudget else { return }
            pollRequestsToday += 1
            let result = try await client.list(DARTListQuery(
                beginDate: begin, endDate: today, pageNo: page, pageCount: configuration.pageCount))
            await deliver(result.rows.filter { !seen.contains($0.receiptNo) }, seenAt: clock.now())
            if result.rows.isEmpty || page >= result.totalPage { break }
            page += 1
        }
        sweptDay = today
        if let yesterday = DARTPollCursor.day(today, plus: -1), yesterday > (lastFullyPolled ?? "") {
            lastFullyPolled = yesterday
            cursor.save(yesterday, logger: logger)
        }
    }

    /// Today's page 1, and further pages while a page was entirely new and the budget allows.
    private func readNewest(today: String) async throws(DARTError) {
        var page = 1
        while true {
            pollRequestsToday += 1
            let result = try await client.list(DARTListQuery(
                beginDate: today, endDate: today, pageNo: page, pageCount: configuration.pageCount))
            let fresh = result.rows.filter { !seen.contains($0.receiptNo) }
            await deliver(fresh, seenAt: clock.now())
            let allNew = !result.rows.isEmpty && fresh.count == result.rows.count
            guard allNew, page < result.totalPage, page <= configuration.maxExtraPages,
                  pollRequestsToday < configuration.pollBudget else { break }
            page += 1
        }
    }

    private func deliver(_ rows: [DARTListRow], seenAt: Date) async {
        // DART lists newest first and not strictly ordered: hand them on oldest first by receipt number.
        for row in rows.sorted(by: { $0.receiptNo < $1.receiptNo }) where seen.insert(row.receiptNo) {
            guard row.isWellFormed else {
                // An odd reply: counted and logged, never stored with a key the database would cut or misfile.
                rejectedRows += 1
                logger.warning("DART row with a malformed rcept_no or rcept_dt refused", metadata: [
                    "rcept_no": "\(row.receiptNo.prefix(32))", "rcept_dt": "\(row.receiptDate.prefix(16))"])
                continue
            }
            let record = row.record(seenAt: seenAt)
            for consumer in consumers { await consumer.consume(record) }
            delivered += 1
        }
    }

    private func handle(_ error: DARTError, now: Date) {
        lastError = error.description
        failures += 1
        switch error {
        case .limitExceeded:
            backoffUntil = DARTRequestBudget.nextReset(after: now)
            logger.error("DART request limit reached; polling stops until 00:00 KST")
        case .keyProblem:
            backoffUntil = now.addingTimeInterval(600)
            logger.error("DART rejected the API key; check DART_API_KEY", metadata: ["error": "\(error)"])
        case .maintenance:
            backoffUntil = now.addingTimeInterval(300)
        case .invalidRequest, .malformed, .noData:
            backoffUntil = now.addingTimeInterval(60)
            logger.error("DART poll failed", metadata: ["error": "\(error)"])
        case .transport, .http, .venue, .fileMissing:
            let seconds = min(300, 2 * pow(2, Double(min(failures, 8))))
            backoffUntil = now.addingTimeInterval(seconds)
            logger.warning("DART poll failed; backing off", metadata: ["error": "\(error)", "seconds": "\(Int(seconds))"])
        }
    }

    /// Spreads the poller's remaining requests over the rest of the session, no faster than the day's cadence.
    private func nextInterval(now: Date) -> Duration {
        let left = configuration.pollBudget - pollRequestsToday
        let seconds = hours.close(on: now).timeIntervalSince(now)
        let floor = max(configuration.minimumInterval, hours.minimumInterval(at: now) ?? .zero)
        guard left > 0 else { interval = floor; return interval }
        let spread = Duration.milliseconds(Int64((max(0, seconds) / Double(left) * 1000).rounded(.up)))
        interval = max(floor, spread)
        return interval
    }

    private func rollDay(_ now: Date) {
        let today = KST.dayString(now)
        guard today != day else { return }
        day = today
        pollsToday = 0
        pollRequestsToday = 0
    }

    private static func duration(from: Date, to: Date) -> Duration {
        .milliseconds(Int64((max(0, to.timeIntervalSince(from)) * 1000).rounded(.up)))
    }
}
