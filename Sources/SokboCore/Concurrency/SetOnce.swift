import Synchronization

/// A value set once (or failed once) and awaited by any number of tasks, without polling.
///
/// The first `set` or `fail` decides; later calls change nothing. `wait` resumes as soon as it is
/// decided, and a waiting task that is cancelled stops waiting at once with `CancellationError`.
public final class SetOnce<Value: Sendable>: Sendable {
    private enum State {
        case waiting([Int: CheckedContinuation<Value, any Error>])
        case decided(Result<Value, any Error>)
    }

    private let state = Mutex<(state: State, nextID: Int)>((.waiting([:]), 0))

    /// Creates an undecided value.
    public init() {}

    /// The value, if set (nil before, or after a failure).
    public var value: Value? {
        state.withLock { inner in
            if case .decided(.success(let value)) = inner.state { value } else { nil }
        }
    }

    /// Tasks waiting now (for tests).
    public var waitingCount: Int {
        state.withLock { inner in
            if case .waiting(let waiters) = inner.state { waiters.count } else { 0 }
        }
    }

    /// Sets the value and wakes every waiter; false when it was already decided.
    @discardableResult
    public func set(_ value: Value) -> Bool { decide(.success(value)) }

    /// Fails every present and future `wait` with `error`; false when it was already decided.
    @discardableResult
    public func fail(_ error: any Error) -> Bool { decide(.failure(error)) }

    /// The value once set; throws the failure, or `CancellationError` if the waiting task is cancelled.
    public func wait() async throws -> Value {
        let id = state.withLock { inner in
            defer { inner.nextID += 1 }
            return inner.nextID
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                let decided: Result<Value, any Error>? = state.withLock { inner in
                    switch inner.state {
                    case .decided(let result):
                        return result
                    case .waiting(var waiters):
                        // Checked under the lock: a cancellation either is seen here or finds the waiter below.
                        if Task.isCancelled { return .failure(CancellationError()) }
                        waiters[id] = continuation
                        inner.state = .waiting(waiters)
                        return nil
                    }
                }
                if let decided { continuation.resume(with: decided) }
            }
        } onCancel: {
            let waiter = state.withLock { inner -> CheckedContinuation<Value, any Error>? in
                guard case .waiting(var waiters) = inner.state, let waiter = waiters.removeValue(forKey: id) else { return nil }
                inner.state = .waiting(waiters)
                return waiter
            }
            waiter?.resume(throwing: CancellationError())
        }
    }

    /// The value once set, or nil when `timeout` passes first; throws as `wait()` does.
    public func wait(timeout: Duration) async throws -> Value? {
        try await withThrowingTaskGroup(of: Value?.self) { group in
            group.addTask { try await self.wait() }
            group.addTask {
                try await Task.sleep(for: timeout)
                return nil
            }
            defer { group.cancelAll() }
            return try await group.next() ?? nil
        }
    }

    private func decide(_ result: Result<Value, any Error>) -> Bool {
        let waiters = state.withLock { inner -> [CheckedContinuation<Value, any Error>]? in
            guard case .waiting(let waiters) = inner.state else { return nil }
            inner.state = .decided(result)
            return Array(waiters.values)
        }
        guard let waiters else { return false }
        for waiter in waiters { waiter.resume(with: result) }
        return true
    }
}
