import SokboCore
import Testing

private struct NeverBound: Error {}

@Suite(.timeLimit(.minutes(1))) struct SetOnceTests {
    /// Yields until `count` tasks wait on `box` (each registers as soon as it runs).
    private func waitForWaiters(_ box: SetOnce<Int>, _ count: Int) async {
        while box.waitingCount < count { await Task.yield() }
    }

    @Test func waitersParkedBeforeTheValueAreAllWoken() async throws {
        let box = SetOnce<Int>()
        let waiters = (0..<3).map { _ in Task { try await box.wait() } }
        await waitForWaiters(box, 3)
        #expect(box.set(8080))
        for waiter in waiters { #expect(try await waiter.value == 8080) }
        #expect(box.waitingCount == 0)
    }

    @Test func aWaitAfterTheValueReturnsAtOnce() async throws {
        let box = SetOnce<Int>()
        #expect(box.value == nil)
        box.set(1)
        #expect(box.value == 1)
        #expect(try await box.wait() == 1)
    }

    @Test func theFirstDecisionWins() async throws {
        let box = SetOnce<Int>()
        #expect(box.set(1))
        #expect(!box.set(2), "a second set changes nothing")
        #expect(!box.fail(NeverBound()))
        #expect(try await box.wait() == 1)
    }

    @Test func aFailureReachesPresentAndFutureWaiters() async throws {
        let box = SetOnce<Int>()
        let early = Task { try await box.wait() }
        await waitForWaiters(box, 1)
        box.fail(NeverBound())
        await #expect(throws: NeverBound.self) { try await early.value }
        await #expect(throws: NeverBound.self) { try await box.wait() }
        #expect(box.value == nil)
    }

    @Test func aCancelledWaiterStopsWaitingAndLeavesTheOthers() async throws {
        let box = SetOnce<Int>()
        let cancelled = Task { try await box.wait() }
        let kept = Task { try await box.wait() }
        await waitForWaiters(box, 2)
        cancelled.cancel()
        await #expect(throws: CancellationError.self) { try await cancelled.value }
        #expect(box.waitingCount == 1)
        box.set(7)
        #expect(try await kept.value == 7)
    }

    @Test func aTaskCancelledBeforeWaitingDoesNotPark() async throws {
        let box = SetOnce<Int>()
        let task = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return try await box.wait()
        }
        await #expect(throws: CancellationError.self) { try await task.value }
        #expect(box.waitingCount == 0)
    }

    @Test func aTimedWaitGivesUpWithNilOrReturnsTheValue() async throws {
        let box = SetOnce<Int>()
        #expect(try await box.wait(timeout: .milliseconds(20)) == nil)
        #expect(box.waitingCount == 0, "the abandoned wait is cancelled, not left parked")
        box.set(3)
        #expect(try await box.wait(timeout: .seconds(30)) == 3)
    }
}
