import SokboCore
import Synchronization
import Testing

/// A gate an attempt can wait on without reacting to cancellation, as a WebSocket client mid-upgrade may.
private final class Gate: Sendable {
    private let waiter = Mutex<CheckedContinuation<Void, Never>?>(nil)
    private let opened = Mutex(false)

    func wait() async {
        await withCheckedContinuation { continuation in
            let openAlready = opened.withLock { $0 }
            if openAlready { continuation.resume() } else { waiter.withLock { $0 = continuation } }
        }
    }

    func open() {
        opened.withLock { $0 = true }
        waiter.withLock { $0.take() }?.resume()
    }
}

private struct AttemptFailed: Error {}

@Suite(.timeLimit(.minutes(1))) struct ConnectionAttemptTests {
    @Test func readyThenClosedIsEnded() async {
        let outcome = await ConnectionAttempt.run(deadline: .seconds(5)) { ready in ready() }
        guard case .ended(nil) = outcome else { Issue.record("got \(outcome)"); return }
    }

    @Test func anErrorBeforeReadyIsEndedBeforeReady() async {
        let outcome = await ConnectionAttempt.run(deadline: .seconds(5)) { _ in throw AttemptFailed() }
        guard case .endedBeforeReady(let error?) = outcome, error is AttemptFailed else { Issue.record("got \(outcome)"); return }
    }

    @Test func aSilentAttemptPassesTheDeadlineAndIsCancelled() async throws {
        let cancelled = Mutex(false)
        let clock = ContinuousClock()
        let start = clock.now
        let outcome = await ConnectionAttempt.run(deadline: .milliseconds(200)) { _ in
            do { try await Task.sleep(for: .seconds(30)) } catch { cancelled.withLock { $0 = true } }
        }
        guard case .deadlinePassed = outcome else { Issue.record("got \(outcome)"); return }
        #expect(start.duration(to: clock.now) < .seconds(10))
        let seen = await eventuallyTrue { cancelled.withLock { $0 } }
        #expect(seen, "the abandoned attempt was cancelled")
    }

    /// The shutdown case: an attempt stuck before ready and deaf to cancellation must not hold up its caller.
    @Test func shutdownDoesNotWaitForAnAttemptThatWasNeverReady() async {
        let gate = Gate()
        let caller = Task {
            await ConnectionAttempt.run(deadline: .seconds(60)) { _ in await gate.wait() }
        }
        try? await Task.sleep(for: .milliseconds(100))
        caller.cancel()
        let outcome = await caller.value
        guard case .cancelled = outcome else { Issue.record("got \(outcome)"); return }
        gate.open()
    }

    /// An attempt that was ready has a session that reacts to cancellation: shutdown waits for it to end.
    @Test func shutdownWaitsForAReadySessionToEnd() async {
        let ended = Mutex(false)
        let readyCalled = Mutex(false)
        let caller = Task {
            await ConnectionAttempt.run(deadline: .seconds(60)) { ready in
                ready()
                readyCalled.withLock { $0 = true }
                do { try await Task.sleep(for: .seconds(60)) } catch {}
                // Closing takes a moment and cannot be cut short (a detached task ignores our cancellation).
                await Task.detached { try? await Task.sleep(for: .milliseconds(50)) }.value
                ended.withLock { $0 = true }
            }
        }
        // Shut down right after the session reports ready (waiting on the event, not on a sleep: on a
        // loaded machine 100 ms was sometimes before it).
        #expect(await eventuallyTrue { readyCalled.withLock { $0 } })
        caller.cancel()
        let outcome = await caller.value
        guard case .cancelled = outcome else { Issue.record("got \(outcome)"); return }
        #expect(ended.withLock { $0 }, "returned before the ready session ended")
    }

    private func eventuallyTrue(_ condition: () -> Bool) async -> Bool {
        for _ in 0..<500 {
            if condition() { return true }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return false
    }
}
