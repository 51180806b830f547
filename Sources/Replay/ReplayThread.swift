import Foundation

/// A task executor with one thread of its own, started on first use: replays run their tasks (and the
/// default actors they call, SE-0417) there, never on the cooperative pool the live engine and the HTTP
/// handlers share, so a month-long replay cannot take a core the trading path is waiting for.
///
/// Why a thread rather than a low task priority: the cooperative pool has one thread per core (two here),
/// and a priority does not stop a busy replay job from holding one of them between its suspension points.
public final class ReplayThread: TaskExecutor, @unchecked Sendable {
    /// The process's replay thread.
    public static let shared = ReplayThread(name: "sokbo-replay")

    private let condition = NSCondition()
    /// Guarded by `condition`.
    private var jobs: [UnownedJob] = []
    /// Guarded by `condition`.
    private var started = false
    private let name: String

    init(name: String) { self.name = name }

    /// Queues a job for the thread.
    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        condition.lock()
        jobs.append(job)
        if !started {
            started = true
            let thread = Thread { [self] in loop() }
            thread.name = name
            thread.start()
        }
        condition.signal()
        condition.unlock()
    }

    private func loop() {
        while true {
            condition.lock()
            while jobs.isEmpty { condition.wait() }
            let batch = jobs
            jobs.removeAll(keepingCapacity: true)
            condition.unlock()
            for job in batch { job.runSynchronously(on: asUnownedTaskExecutor()) }
        }
    }
}
