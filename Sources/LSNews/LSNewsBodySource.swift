import Foundation
import SokboCore

/// `NewsBodySource` over t3102, paced to at most one call per `t3102Interval` for the appkey.
///
/// Why queue with a bounded wait rather than reject at once: a burst of headlines opened in the UI is normal
/// and each waits about a second; but a caller that would wait longer than `t3102MaxQueueWait` is refused at
/// once with `rateLimited` (HTTP 429 with `Retry-After`) instead of holding an HTTP request open for minutes.
public final class LSNewsBodySource: NewsBodySource {
    private let rest: LSRESTClient
    private let tokens: LSTokenProvider
    private let pacer: LSPacer

    /// Creates the source.
    public init(rest: LSRESTClient, tokens: LSTokenProvider, configuration: LSConfiguration) {
        self.rest = rest
        self.tokens = tokens
        self.pacer = LSPacer(interval: configuration.t3102Interval, maxWait: configuration.t3102MaxQueueWait)
    }

    /// Fetches one body; re-issues the token once if LS refuses it.
    public func body(for id: String) async throws -> NewsBody {
        guard id.utf8.count == 24, id.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else { throw NewsBodyError.notFound }
        for attempt in 0..<2 {
            let token: LSToken
            do { token = try await tokens.token() } catch { throw NewsBodyError.upstream("LS token: \(error)") }
            do {
                let rest = rest
                return try await pacer.run { try await rest.newsBody(id: id, token: token) }
            } catch LSError.invalidToken where attempt == 0 {
                await tokens.invalidate(token)
            } catch LSError.rateLimited {
                throw NewsBodyError.rateLimited(retryAfterSeconds: 1)
            } catch let error as NewsBodyError {
                throw error
            } catch let error as LSError {
                throw NewsBodyError.upstream(error.description)
            }
        }
        throw NewsBodyError.upstream("LS refused the token twice")
    }
}

/// Runs calls one at a time, each starting at least `interval` after the previous one *finished*;
/// refuses a caller whose estimated wait exceeds `maxWait`.
///
/// Why measure from completion rather than from the send: LS counts calls as they arrive; a request
/// delayed on a loaded machine would otherwise land closer than a second to the next one and draw
/// `IGW00201`. Serialising costs nothing here, since at most one call per second may run anyway.
actor LSPacer {
    private let interval: Duration
    private let maxWait: Duration
    private let clock = ContinuousClock()
    private var nextStart: ContinuousClock.Instant
    private var busy = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    init(interval: Duration, maxWait: Duration) {
        self.interval = interval
        self.maxWait = maxWait
        self.nextStart = clock.now
    }

    /// Runs `body` in its turn.
    func run<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T {
        let now = clock.now
        let queued = waiters.count + (busy ? 1 : 0)
        let estimate = max(.zero, nextStart - now) + interval * queued
        guard estimate <= maxWait else {
            let seconds = Int((estimate - maxWait).components.seconds) + 1
            throw NewsBodyError.rateLimited(retryAfterSeconds: max(1, seconds))
        }
        if busy { await withCheckedContinuation { waiters.append($0) } }
        busy = true
        defer {
            nextStart = clock.now + interval
            if waiters.isEmpty { busy = false } else { waiters.removeFirst().resume() }
        }
        if nextStart > clock.now { try? await Task.sleep(until: nextStart, clock: clock) }
        return try await body()
    }
}
