import Synchronization

/// One connection attempt (connect, upgrade, log in…) raced against a deadline for becoming ready.
///
/// Why a race around an unstructured task: a WebSocket client's `run()` may have no connect or upgrade
/// deadline of its own, and may not react to cancellation before its upgrade completes. So the attempt runs
/// unstructured and this races it. An attempt abandoned before it was ready (deadline, shutdown) is cancelled
/// and *not* waited for: it sees the cancellation when it completes and closes at once. An attempt that was
/// ready is waited for at shutdown: its session reacts to cancellation.
public enum ConnectionAttempt {
    /// How an attempt ended.
    public enum Outcome: Sendable {
        /// It became ready, then ended; with the error that ended it, if any.
        case ended((any Error)?)
        /// It ended before it became ready; with its error, if any.
        case endedBeforeReady((any Error)?)
        /// It was not ready within the deadline, and was cancelled.
        case deadlinePassed
        /// The calling task was cancelled (shutdown).
        case cancelled
    }

    private enum Event: Sendable {
        case ready
        case deadline
        case finished((any Error)?)
    }

    /// Runs `attempt`, which calls its `ready` argument once ready, racing `deadline` until then.
    public static func run(
        deadline: Duration, _ attempt: @escaping @Sendable (_ ready: @escaping @Sendable () -> Void) async throws -> Void
    ) async -> Outcome {
        let (events, continuation) = AsyncStream.makeStream(of: Event.self)
        // Set as `ready` is called, not when its event is read: a shutdown arriving between the two must
        // still wait for the session, which is ready and will close on cancellation.
        let becameReady = Mutex(false)
        let task = Task {
            do {
                try await attempt {
                    becameReady.withLock { $0 = true }
                    continuation.yield(.ready)
                }
                continuation.yield(.finished(nil))
            } catch {
                continuation.yield(.finished(error))
            }
        }
        let timer = Task {
            try? await Task.sleep(for: deadline)
            continuation.yield(.deadline)
        }
        defer { timer.cancel() }
        var ready = false
        for await event in events {
            switch event {
            case .ready:
                ready = true
                timer.cancel()
            case .deadline:
                guard !ready else { continue }
                task.cancel()
                return .deadlinePassed
            case .finished(let error):
                if Task.isCancelled { return .cancelled }
                return ready ? .ended(error) : .endedBeforeReady(error)
            }
        }
        // The stream ends only when this task is cancelled: shutdown.
        task.cancel()
        if ready || becameReady.withLock({ $0 }) { _ = await task.result }
        return .cancelled
    }
}
