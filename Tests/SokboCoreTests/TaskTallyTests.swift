import SokboCore
import Synchronization
import Testing

/// A graceful shutdown waits for every order on the wire: the tally's `drained` returns only once every
/// task it started (and every task those started) has ended.
@Suite(.timeLimit(.minutes(1))) struct TaskTallyTests {
    @Test func drainedWaitsForEveryStartedTaskIncludingOnesStartedMeanwhile() async {
        let tally = TaskTally()
        await tally.drained()  // nothing started: at once
        let (release, releaser) = AsyncStream<Void>.makeStream()
        let ended = Mutex<[String]>([])
        tally.start {
            for await _ in release { break }
            // A sell ending starts the next one (as an exit that waited for a cancel does).
            tally.start {
                await Task.yield()
                ended.withLock { $0.append("second") }
            }
            ended.withLock { $0.append("first") }
        }
        #expect(tally.running == 1)
        let waiter = Task {
            await tally.drained()
            return ended.withLock { $0 }
        }
        releaser.yield()
        let seen = await waiter.value
        #expect(Set(seen) == ["first", "second"], "drained returned with \(seen) ended")
        #expect(tally.running == 0)
    }

    @Test func aStartedTaskTakesNoTaskLocalFromItsStarter() async {
        let tally = TaskTally()
        let seen = Mutex<BrokerCallContext.Purpose?>(nil)
        await BrokerCallContext.$current.withValue(BrokerCallContext(purpose: .background)) {
            tally.start { seen.withLock { $0 = BrokerCallContext.current.purpose } }
        }
        await tally.drained()
        #expect(seen.withLock { $0 } == .trading, "an exit started during a poll must not be paced as the poll's background call")
    }
}
