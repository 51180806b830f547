import Foundation

/// Kiwoom's token and pacing trouble, debounced into episodes: one message when an episode starts and one
/// when it is over, that is after `recoverAfter` seconds with no new sign of it. Pure: the caller passes
/// each status reading and the time.
///
/// - Token: an episode starts at a refusal (`[8005]` and kin on a request: the token is re-issued and a
///   refused order sent once more) or at a failing issue (`au10001`: once the held token expires, nothing
///   can be sent). A failing issue inside an episode that began with a refusal is told as well, once: it is
///   worse. Over once issuing works and no refusal came for `recoverAfter` s.
/// - Pacing: an episode starts when `refusals` requests were refused unsent for want of a slot, or answered
///   429, within `window` seconds, or when a bucket stayed exhausted (no slot, requests waiting) at every
///   reading for `window` s. Over once no bucket is exhausted and none refused for `recoverAfter` s.
public struct BrokerTroubleDetector: Sendable {
    /// When trouble counts as an episode, and when it is over.
    public struct Thresholds: Sendable, Hashable {
        /// Requests refused unsent (or 429) within `window` that start a pacing episode.
        public var refusals: Int
        /// Seconds over which refusals are counted, and a bucket must stay exhausted.
        public var window: Double
        /// Seconds without a new sign of trouble that end an episode.
        public var recoverAfter: Double

        /// Creates thresholds (defaults: 3 refusals in 30 s, or 30 s exhausted; over after 60 quiet seconds).
        public init(refusals: Int = 3, window: Double = 30, recoverAfter: Double = 60) {
            self.refusals = refusals
            self.window = window
            self.recoverAfter = recoverAfter
        }
    }

    /// The thresholds in force.
    public let thresholds: Thresholds

    private struct Episode {
        var start: Date
        var lastSign: Date
        var refusals = 0
        var rateLimited = 0
        var issueFailed = false
    }

    private var tokenRefusalsSeen = 0
    private var token: Episode?
    private var refusedSeen: [String: Int] = [:]
    private var rateLimitedSeen: [String: Int] = [:]
    private var recent: [(at: Date, count: Int)] = []
    private var exhaustedSince: [String: Date] = [:]
    private var pacing: Episode?

    /// A detector with `thresholds`.
    public init(thresholds: Thresholds = Thresholds()) {
        self.thresholds = thresholds
    }

    /// The messages for a new reading at `now`.
    public mutating func observe(_ health: VenueHealth, at now: Date) -> [VenueNotice] {
        observeToken(health, at: now) + observePacing(health.pacing, at: now)
    }

    // MARK: - Token

    private mutating func observeToken(_ health: VenueHealth, at now: Date) -> [VenueNotice] {
        let refused = max(0, health.brokerTokenRefusals - tokenRefusalsSeen)
        tokenRefusalsSeen = max(tokenRefusalsSeen, health.brokerTokenRefusals)
        let failure = health.brokerTokenIssueFailure
        var out: [VenueNotice] = []
        guard var episode = token else {
            if let failure {
                token = Episode(start: now, lastSign: now, refusals: refused, issueFailed: true)
                out.append(Self.issueFailing(failure))
            } else if refused > 0 {
                token = Episode(start: now, lastSign: now, refusals: refused)
                out.append(VenueNotice(.kiwoomToken, "🔑 키움 토큰 거절 \(refused)회\n"
                    + "\(AlertFormat.short(health.brokerTokenLastRefusal ?? "사유 없음", limit: 80))\n새 토큰 발급 · 거절된 주문은 한 번만 다시 보냄"))
            }
            return out
        }
        episode.refusals += refused
        if refused > 0 || failure != nil { episode.lastSign = now }
        if let failure, !episode.issueFailed {
            episode.issueFailed = true
            out.append(Self.issueFailing(failure))
        }
        if failure == nil, now.timeIntervalSince(episode.lastSign) >= thresholds.recoverAfter {
            token = nil
            out.append(VenueNotice(.kiwoomToken, "🔑 키움 토큰 정상화\n\(Int(now.timeIntervalSince(episode.start)))초 동안 거절 \(episode.refusals)회"
                + (episode.issueFailed ? " · 발급 실패 있었음" : "")))
            return out
        }
        token = episode
        return out
    }

    private static func issueFailing(_ failure: String) -> VenueNotice {
        VenueNotice(.kiwoomToken, "🔑 키움 토큰 발급 실패\n\(AlertFormat.short(failure, limit: 80))\n토큰 만료 후 주문·조회 불가 · 재시도 중")
    }

    // MARK: - Pacing

    private mutating func observePacing(_ buckets: [BrokerPacingBucket], at now: Date) -> [VenueNotice] {
        var refused = 0, rateLimited = 0
        var troubled: Set<String> = []
        for bucket in buckets {
            let newRefused = max(0, bucket.refusedUnsent - (refusedSeen[bucket.name] ?? 0))
            let newLimited = max(0, bucket.rateLimited - (rateLimitedSeen[bucket.name] ?? 0))
            refusedSeen[bucket.name] = max(refusedSeen[bucket.name] ?? 0, bucket.refusedUnsent)
            rateLimitedSeen[bucket.name] = max(rateLimitedSeen[bucket.name] ?? 0, bucket.rateLimited)
            refused += newRefused
            rateLimited += newLimited
            if newRefused + newLimited > 0 { troubled.insert(bucket.name) }
            if bucket.exhausted {
                exhaustedSince[bucket.name] = exhaustedSince[bucket.name] ?? now
            } else {
                exhaustedSince[bucket.name] = nil
            }
        }
        if refused + rateLimited > 0 { recent.append((now, refused + rateLimited)) }
        recent.removeAll { now.timeIntervalSince($0.at) > thresholds.window }
        let sign = refused + rateLimited > 0 || !exhaustedSince.isEmpty
        guard var episode = pacing else {
            let inWindow = recent.reduce(0) { $0 + $1.count }
            let stuck = exhaustedSince.filter { now.timeIntervalSince($0.value) >= thresholds.window }.keys.sorted()
            guard inWindow >= thresholds.refusals || !stuck.isEmpty else { return [] }
            pacing = Episode(start: now, lastSign: now, refusals: inWindow)
            // Told: the refusals behind this message must not start another episode once this one is over.
            recent.removeAll()
            let names = troubled.union(stuck).sorted().joined(separator: ", ")
            var text = "⏱ 키움 요청 한도 부족 · \(names)\n"
            if inWindow > 0 { text += "\(Int(thresholds.window))초 동안 보내지 못하거나 429 받은 요청 \(inWindow)건\n" }
            for name in stuck {
                let queued = buckets.first { $0.name == name }?.queued ?? 0
                text += "\(name) \(Int(thresholds.window))초 넘게 소진 · 대기 \(queued)건\n"
            }
            return [VenueNotice(.kiwoomPacing, text + "주문·조회 지연 또는 미전송 (재전송 없음)")]
        }
        episode.refusals += refused
        episode.rateLimited += rateLimited
        if sign { episode.lastSign = now }
        if now.timeIntervalSince(episode.lastSign) >= thresholds.recoverAfter {
            pacing = nil
            // The episode's refusals are told: with a quiet period shorter than the window they would still be
            // in it and start a new episode at the next reading, with nothing new refused.
            recent.removeAll()
            return [VenueNotice(.kiwoomPacing, "⏱ 키움 요청 한도 회복\n\(Int(now.timeIntervalSince(episode.start)))초 동안 "
                + "보내지 못하거나 429 받은 요청 \(episode.refusals + episode.rateLimited)건")]
        }
        pacing = episode
        return []
    }
}
