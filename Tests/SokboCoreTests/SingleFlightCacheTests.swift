import Foundation
import SokboCore
import Synchronization
import Testing

private struct Refused: Error {}

/// A fake credential source: hands out `T1`, `T2`, … (or what `next` says), each expiring `lifetime` after
/// the injected clock, and counts the requests.
private final class Source: Sendable {
    let clock = Mutex(Date(timeIntervalSince1970: 1_790_000_000))
    let calls = Mutex(0)
    let lifetime = Mutex<TimeInterval>(3_600)
    let fails = Mutex(false)
    /// Callers that have started (for the single-flight test).
    let started = Mutex(0)
    /// When set, the value every request returns (a venue that hands back the same token).
    let fixed = Mutex<(value: String, expiresAt: Date)?>(nil)

    var now: Date { clock.withLock { $0 } }
    var requests: Int { calls.withLock { $0 } }
    func advance(_ seconds: TimeInterval) { clock.withLock { $0 += seconds } }

    func cache(margin: Duration = .seconds(600), policy: SingleFlightCache<String>.Policy = []) -> SingleFlightCache<String> {
        SingleFlightCache(margin: margin, policy: policy, now: { self.now }) {
            let n = self.calls.withLock { $0 += 1; return $0 }
            if self.fails.withLock({ $0 }) { throw Refused() }
            if let fixed = self.fixed.withLock({ $0 }) { return .init(value: fixed.value, expiresAt: fixed.expiresAt) }
            return .init(value: "T\(n)", expiresAt: self.now.addingTimeInterval(self.lifetime.withLock { $0 }))
        }
    }
}

@Suite(.timeLimit(.minutes(1))) struct SingleFlightCacheTests {
    @Test func aValueIsHeldUntilTheMarginBeforeItsExpiry() async throws {
        let source = Source()
        let cache = source.cache()
        #expect(try await cache.value() == "T1")
        source.advance(2_999)
        #expect(try await cache.value() == "T1")
        #expect(source.requests == 1)
        source.advance(1)
        #expect(try await cache.value() == "T2", "600 s before expiry it is renewed")
        #expect(await cache.fetches == 2)
        #expect(await cache.current?.renewAt == source.now.addingTimeInterval(3_000))
    }

    @Test func concurrentCallersShareOneFetch() async throws {
        let source = Source()
        let gate = SetOnce<Int>()
        let cache = SingleFlightCache<String>(margin: .seconds(60), now: { source.now }) {
            source.calls.withLock { $0 += 1 }
            _ = try await gate.wait()
            return .init(value: "T", expiresAt: source.now.addingTimeInterval(3_600))
        }
        let values = try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<50 {
                group.addTask {
                    source.started.withLock { $0 += 1 }
                    return try await cache.value()
                }
            }
            // The first fetch is held open until every caller has started (waiting on progress, not on a count
            // of yields, which a loaded machine can make arbitrarily slow).
            while source.requests == 0 || source.started.withLock({ $0 }) < 50 { await Task.yield() }
            for _ in 0..<10 { await Task.yield() }
            gate.set(0)
            return try await group.reduce(into: [String]()) { $0.append($1) }
        }
        #expect(values == Array(repeating: "T", count: 50))
        #expect(source.requests == 1, "fifty callers, one request")
    }

    @Test func anInvalidatedValueIsFetchedAgainAndStaleInvalidationsAreIgnored() async throws {
        let source = Source()
        let cache = source.cache()
        #expect(try await cache.value() == "T1")
        await cache.invalidate("T1")
        #expect(try await cache.value() == "T2")
        await cache.invalidate("T1")
        #expect(try await cache.value() == "T2", "invalidating a value already replaced changes nothing")
        #expect(source.requests == 2)
    }

    @Test func aValueFetchedInsideTheMarginIsRenewedBeforeUseByDefault() async throws {
        let source = Source()
        source.lifetime.withLock { $0 = 300 }
        let cache = source.cache()
        #expect(try await cache.value() == "T1")
        #expect(try await cache.value() == "T2")
        #expect(source.requests == 2)
    }

    @Test func keepIfFetchedInsideMarginHoldsItUntilExpiry() async throws {
        let source = Source()
        source.lifetime.withLock { $0 = 300 }
        let cache = source.cache(policy: [.keepIfFetchedInsideMargin])
        #expect(try await cache.value() == "T1")
        source.advance(299)
        #expect(try await cache.value() == "T1")
        #expect(source.requests == 1)
        source.advance(1)
        #expect(try await cache.value() == "T2")
    }

    @Test func keepRepeatedUntilExpiryStopsAskingForTheSameValue() async throws {
        let source = Source()
        let expiry = source.now.addingTimeInterval(3_600)
        source.fixed.withLock { $0 = ("T", expiry) }
        let keeping = source.cache(policy: [.keepRepeatedUntilExpiry])
        #expect(try await keeping.value() == "T")
        source.advance(3_300)
        for _ in 0..<5 { #expect(try await keeping.value() == "T") }
        #expect(source.requests == 2, "asked once inside the margin, then kept")
        #expect(await keeping.current?.renewAt == expiry)

        let asking = source.cache()
        for _ in 0..<3 { #expect(try await asking.value() == "T") }
        #expect(source.requests == 5, "without the policy, every call inside the margin asks again")
    }

    @Test func fallBackWhileValidReturnsTheHeldValueUntilItExpires() async throws {
        let source = Source()
        let cache = source.cache(policy: [.fallBackWhileValid])
        #expect(try await cache.value() == "T1")
        source.fails.withLock { $0 = true }
        source.advance(3_300)
        #expect(try await cache.value() == "T1", "still valid for 300 s")
        source.advance(300)
        await #expect(throws: Refused.self) { try await cache.value() }
    }

    @Test func withoutFallBackAFailedRenewalThrows() async throws {
        let source = Source()
        let cache = source.cache()
        #expect(try await cache.value() == "T1")
        source.fails.withLock { $0 = true }
        source.advance(3_300)
        await #expect(throws: Refused.self) { try await cache.value() }
    }

    @Test func fallBackNeverReturnsAnInvalidatedValue() async throws {
        let source = Source()
        let cache = source.cache(policy: [.fallBackWhileValid])
        #expect(try await cache.value() == "T1")
        source.fails.withLock { $0 = true }
        await cache.invalidate("T1")
        await #expect(throws: Refused.self) { try await cache.value() }
    }
}
