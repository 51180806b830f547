import Foundation
import Replay
import SokboCore
import SokboTestSupport
import Testing

/// A store whose reads wait until the test opens the gate, so a job stays running as long as the test needs.
actor GateStore: Store {
    nonisolated let kind = "gate"
    private var open = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    func release() {
        open = true
        for waiter in waiters { waiter.resume() }
        waiters = []
    }

    func migrate() async throws -> Int { 0 }
    func insert(_ rows: [Row], into table: Table) async throws -> Int { 0 }
    func upsert(_ row: Row, into table: Table) async throws {}
    func select(_ query: RowQuery) async throws -> [Row] {
        if !open { await withCheckedContinuation { waiters.append($0) } }
        return []
    }
    func count(_ table: Table) async throws -> Int { 0 }
    func close() async throws {}
}

@Suite("Replay jobs: bounded, one at a time, kept with a cap")
struct ReplayJobsTests {
    static func settled(_ jobs: ReplayJobs, _ id: String) async throws -> ReplayJob? {
        _ = try await eventually(timeout: .seconds(300)) {
            let state = await jobs.job(id)?.state
            return state == .done || state == .failed
        }
        return await jobs.job(id)
    }

    @Test func oneRunsOthersWaitAndAFullQueueIsRefused() async throws {
        let gate = GateStore()
        let jobs = ReplayJobs(base: ReplayConfiguration(rules: ReplayFixtures.rules), store: gate,
                              limits: .init(running: 1, queued: 1, kept: 3))
        let rules = ReplayFixtures.rules
        let day = ReplayRequest(from: "2026-11-02")
        let first = try await jobs.submit(day, currentRules: rules, currentYAML: ReplayFixtures.rulesYAML)
        let second = try await jobs.submit(day, currentRules: rules, currentYAML: ReplayFixtures.rulesYAML)
        #expect(first.state == .running)
        #expect(second.state == .queued)
        await #expect(throws: ReplayJobs.SubmitError.self) {
            try await jobs.submit(day, currentRules: rules, currentYAML: ReplayFixtures.rulesYAML)
        }
        await #expect(throws: ReplayJobs.SubmitError.self, "a bad request is refused before the queue") {
            try await jobs.submit(ReplayRequest(), currentRules: rules, currentYAML: ReplayFixtures.rulesYAML)
        }
        #expect(await jobs.job(first.id)?.state == .running, "the reads are held: still running")
        await gate.release()
        #expect(try await Self.settled(jobs, first.id)?.state == .done)
        #expect(try await Self.settled(jobs, second.id)?.state == .done)
        #expect(await jobs.job(first.id)?.result?.all.first?.days == 0)

        // Three more, each waited for: past the cap of 3 the oldest finished ones are dropped.
        var later: [String] = []
        for _ in 0..<3 {
            let job = try await jobs.submit(day, currentRules: rules, currentYAML: ReplayFixtures.rulesYAML)
            #expect(try await Self.settled(jobs, job.id)?.state == .done)
            later.append(job.id)
        }
        #expect(await jobs.job(first.id) == nil)
        #expect(await jobs.job(second.id) == nil)
        for id in later { #expect(await jobs.job(id) != nil) }
        if case .failure(.unknown) = await jobs.report(first.id) {} else { Issue.record("a dropped job has no report") }
        if case .success(let page) = await jobs.report(later[0]) { #expect(page.contains("<html")) } else { Issue.record("no report") }
    }
}
