import Synchronization

/// Tasks started outside any task group, counted so that their owner can wait for all of them to end.
///
/// Why not a task group: a group can only be given work by the task that owns it, so an actor that wants
/// something run at once would have to wake that task first, one more thread hand-off on the way (the
/// exit path from a realtime tick to the sell leaving measured it). A tally lets the actor start the task
/// itself and still lets a graceful shutdown wait for every order on the wire.
public final class TaskTally: Sendable {
    private struct State {
        var running = 0
        var waiters: [CheckedContinuation<Void, Never>] = []
    }

    private let state = Mutex(State())

    /// An empty tally.
    public init() {}

    /// Starts `body` in a task of its own, counted until it returns. Detached: it takes nothing from the task
    /// that starts it (no actor, no task-locals), as a task group's child of the owner would not; an exit sell
    /// started while a poll or an entry runs must not carry that call's context (its purpose, its deadline).
    public func start(_ body: @escaping @Sendable () async -> Void) {
        state.withLock { $0.running += 1 }
        Task.detached {
            await body()
            self.ended()
        }
    }

    /// How many started tasks have not returned yet.
    public var running: Int { state.withLock { $0.running } }

    /// Returns once no started task is running (at once when none is); a task started while waiting is waited for too.
    public func drained() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let ready = state.withLock { s in
                if s.running == 0 { return true }
                s.waiters.append(continuation)
                return false
            }
            if ready { continuation.resume() }
        }
    }

    private func ended() {
        let waiters = state.withLock { s -> [CheckedContinuation<Void, Never>] in
            s.running -= 1
            guard s.running == 0 else { return [] }
            defer { s.waiters = [] }
            return s.waiters
        }
        for waiter in waiters { waiter.resume() }
    }
}
