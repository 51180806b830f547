import Foundation
import SokboCore
import Synchronization

/// The API's replays: a bounded queue of jobs run one at a time on the replay thread, each with its own
/// engine, broker and clock (`ReplayDriver`): nothing is shared with the live engine, broker or positions;
/// the store is only read. Finished jobs are kept in memory, the oldest dropped past `Limits.kept`.
public actor ReplayJobs {
    /// How much the API may ask at once.
    public struct Limits: Sendable, Hashable {
        /// Jobs replaying at once (one: a replay takes a whole core while it runs).
        public var running: Int
        /// Jobs waiting; past it a new one is refused (429).
        public var queued: Int
        /// Jobs kept in memory, finished ones dropped oldest first.
        public var kept: Int

        /// Defaults: 1 running, 4 waiting, 20 kept.
        public init(running: Int = 1, queued: Int = 4, kept: Int = 20) {
            self.running = running
            self.queued = queued
            self.kept = kept
        }
    }

    /// Why a job was not accepted.
    public enum SubmitError: Error, Sendable {
        /// The request is wrong (400).
        case invalid(String)
        /// The queue is full (429).
        case busy(String)
    }

    private final class Entry: Sendable {
        let plan: ReplayPlan
        let progress: Mutex<ReplayJob.Progress>
        let job: Mutex<ReplayJob>
        init(job: ReplayJob, plan: ReplayPlan) {
            self.plan = plan
            self.progress = Mutex(job.progress)
            self.job = Mutex(job)
        }
    }

    private let base: ReplayConfiguration
    private let store: (any Store)?
    private let limits: Limits
    private let samplePath: String?
    private var entries: [String: Entry] = [:]
    /// Ids in the order they were accepted.
    private var order: [String] = []
    private var waiting: [String] = []
    private var running = 0
    private var sequence = 0

    /// Jobs over `base` (the live limits, calendar, costs and cash; its rules and fill model are the request's),
    /// reading recorded days from `store`.
    public init(base: ReplayConfiguration, store: (any Store)?, limits: Limits = Limits(), samplePath: String? = ReplaySample.path) {
        self.base = base
        self.store = store
        self.limits = limits
        self.samplePath = samplePath
    }

    /// Accepts a job (queued, or running at once when a slot is free); the rules in force fill in what the
    /// request leaves out.
    public func submit(_ request: ReplayRequest, currentRules: RuleSet, currentYAML: String) throws(SubmitError) -> ReplayJob {
        let plan: ReplayPlan
        do throws(ReplayRequestError) { plan = try request.plan(currentRules: currentRules, currentYAML: currentYAML) } catch { throw .invalid(error.message) }
        if plan.source == .sample, samplePath == nil { throw .invalid("the sample day is not installed with this binary") }
        if case .days = plan.source, store == nil { throw .invalid("no database to read recorded days from") }
        guard waiting.count < limits.queued || running < limits.running else {
            throw .busy("\(running) replay running and \(waiting.count) waiting (at most \(limits.queued)); try again when one finishes")
        }
        sequence += 1
        let id = "r\(sequence)-" + String(UInt32.random(in: .min ... .max), radix: 16)
        let job = ReplayJob(id: id, state: .queued, request: request, createdAt: Date(), startedAt: nil, finishedAt: nil,
                            progress: .init(fraction: 0, lines: 0, headlines: 0, day: "", trades: 0, variant: 0, variants: plan.variants.count),
                            error: nil, result: nil)
        entries[id] = Entry(job: job, plan: plan)
        order.append(id)
        waiting.append(id)
        prune()
        startWaiting()
        return snapshot(id) ?? job
    }

    /// A job as it stands; nil for an unknown (or dropped) id.
    public func job(_ id: String) -> ReplayJob? { snapshot(id) }

    /// The self-contained HTML report of a finished job; `.failure` says why there is none.
    public func report(_ id: String) -> Result<String, ReportError> {
        guard let job = snapshot(id) else { return .failure(.unknown) }
        guard job.state == .done, let results = job.result else { return .failure(.notDone(job.state)) }
        return .success(ReplayHTMLReport.page(results.all))
    }

    /// Why a report cannot be given.
    public enum ReportError: Error, Sendable {
        /// No such job.
        case unknown
        /// The job has not finished well.
        case notDone(ReplayJob.State)
    }

    // MARK: - Running

    private func snapshot(_ id: String) -> ReplayJob? {
        guard let entry = entries[id] else { return nil }
        var job = entry.job.withLock { $0 }
        if job.state == .running { job.progress = entry.progress.withLock { $0 } }
        return job
    }

    private func startWaiting() {
        while running < limits.running, !waiting.isEmpty {
            let id = waiting.removeFirst()
            guard let entry = entries[id] else { continue }
            running += 1
            entry.job.withLock {
                $0.state = .running
                $0.startedAt = Date()
            }
            let base = base, store = store, samplePath = samplePath
            // Its own task, with the replay thread as its executor: never on the trading path's threads.
            Task(executorPreference: ReplayThread.shared) {
                let outcome = await Self.execute(entry, base: base, store: store, samplePath: samplePath)
                await self.finished(id, entry, outcome)
            }
        }
    }

    private func finished(_ id: String, _ entry: Entry, _ outcome: Result<[ReplayResult], any Error>) {
        running -= 1
        let progress = entry.progress.withLock { $0 }
        entry.job.withLock { job in
            job.finishedAt = Date()
            job.progress = progress
            switch outcome {
            case .success(let results):
                job.state = .done
                job.progress.fraction = 1
                job.result = ReplayResults(results)
            case .failure(let error):
                job.state = .failed
                job.error = "\(error)"
            }
        }
        prune()
        startWaiting()
    }

    /// Drops the oldest finished jobs past the cap (queued and running ones are bounded by the queue).
    private func prune() {
        while order.count > limits.kept,
              let index = order.firstIndex(where: { id in entries[id].map { [.done, .failed].contains($0.job.withLock { $0.state }) } ?? true }) {
            entries[order.remove(at: index)] = nil
        }
    }

    /// Runs every variant of the job; progress goes to the entry as it runs.
    private static func execute(_ entry: Entry, base: ReplayConfiguration, store: (any Store)?,
                                samplePath: String?) async -> Result<[ReplayResult], any Error> {
        let plan = entry.plan
        var totalLines = 0
        var dayCount = 1
        switch plan.source {
        case .sample:
            // Counted once so the progress is a fraction of the file.
            totalLines = (try? Data(contentsOf: URL(fileURLWithPath: samplePath ?? "")))?.reduce(0) { $0 + ($1 == 10 ? 1 : 0) } ?? 0
        case .days(let from, let to):
            let first = KST.date(yyyymmdd: from, hhmmss: "000000")!, last = KST.date(yyyymmdd: to, hhmmss: "000000")!
            dayCount = Int((last.timeIntervalSince(first) / 86_400).rounded()) + 1
        }
        var results: [ReplayResult] = []
        do {
            for (index, variant) in plan.variants.enumerated() {
                let configuration = plan.configuration(variant, base: base)
                let variants = plan.variants.count
                let report: (ReplayProgress) -> Void = { p in
                    var within = 0.0
                    switch plan.source {
                    case .sample: within = totalLines > 0 ? min(1, Double(p.lines) / Double(totalLines)) : 0
                    case .days(let from, _):
                        if let start = KST.date(yyyymmdd: from, hhmmss: "000000"), let day = KST.date(yyyymmdd: p.day, hhmmss: "000000") {
                            within = min(1, max(0, day.timeIntervalSince(start) / 86_400) / Double(dayCount))
                        }
                    }
                    entry.progress.withLock {
                        $0 = ReplayJob.Progress(fraction: (Double(index) + within) / Double(variants), lines: p.lines, headlines: p.headlines,
                                                day: p.day, trades: p.trades, variant: index + 1, variants: variants)
                    }
                }
                entry.progress.withLock { $0.variant = index + 1 }
                let driver = ReplayDriver(configuration: configuration)
                var result: ReplayResult
                switch plan.source {
                case .sample:
                    var source = try JSONLRecordSource(path: samplePath ?? "")
                    result = try await driver.run(&source, progress: report)
                case .days(let from, let to):
                    guard let store else { throw RecordError("no database to read recorded days from") }
                    var source = try StoreRecordSource(store: store, from: from, to: to)
                    result = try await driver.run(&source, progress: report)
                }
                result.variant = variant.label
                results.append(result)
            }
            return .success(results)
        } catch {
            return .failure(error)
        }
    }
}
