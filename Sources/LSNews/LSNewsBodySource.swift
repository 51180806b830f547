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
            try await pacer.waitForSlot()
            let token: LSToken
            do { token = try await tokens.token() } catch { throw NewsBodyError.upstream("LS token: \(error)") }
            do {
                return try await rest.newsBody(id: id, token: token)
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

/// Spaces calls at least `interval` apart; refuses a caller that would wait longer than `maxWait`.
actor LSPacer {
    private let interval: Duration
    private let maxWait: Duration
    private let clock = ContinuousClock()
    private var nextSlot: ContinuousClock.Instant

    init(interval: Duration, maxWait: Duration) {
        self.interval = interval
        self.maxWait = maxWait
        self.nextSlot = clock.now
    }

    /// Reserves the next slot and sleeps until it.
    func waitForSlot() async throws {
        let now = clock.now
        let slot = max(now, nextSlot)
        let wait = slot - now
        guard wait <= maxWait else {
            let seconds = Int((wait - maxWait).components.seconds) + 1
            throw NewsBodyError.rateLimited(retryAfterSeconds: max(1, seconds))
        }
        nextSlot = slot + interval
        if wait > .zero { try await Task.sleep(until: slot, clock: clock) }
    }
}
