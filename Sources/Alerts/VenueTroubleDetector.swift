import Foundation

/// Turns successive health reports into messages, one per change: a condition starting and ending, a
/// counter going up. The news socket counts as down only after `newsDownAfter` seconds without it (a
/// reconnect that takes a second is not news); Kiwoom's token and pacing trouble is told once per episode
/// (`BrokerTroubleDetector`). Pure: the caller passes the time.
public struct VenueTroubleDetector: Sendable {
    /// Seconds the news socket may be down before it is reported.
    public let newsDownAfter: Double
    private var last = VenueHealth()
    private var newsDownSince: Date?
    private var newsReported = false
    private var broker: BrokerTroubleDetector

    /// A detector reporting the news socket after `newsDownAfter` seconds down, and Kiwoom's token and pacing
    /// trouble by `broker`'s thresholds.
    public init(newsDownAfter: Double, broker: BrokerTroubleDetector.Thresholds = .init()) {
        self.newsDownAfter = newsDownAfter
        self.broker = BrokerTroubleDetector(thresholds: broker)
    }

    /// The messages for a new report at `now`, each with its kind.
    public mutating func observe(_ health: VenueHealth, at now: Date) -> [VenueNotice] {
        var out: [String] = []
        if let connected = health.newsConnected {
            if connected {
                if newsReported, let since = newsDownSince {
                    out.append("📡 뉴스 소켓 복구\n끊긴 시간 \(Int(now.timeIntervalSince(since)))초")
                }
                newsDownSince = nil
                newsReported = false
            } else {
                let since = newsDownSince ?? now
                newsDownSince = since
                if !newsReported, now.timeIntervalSince(since) >= newsDownAfter {
                    newsReported = true
                    out.append("📡 뉴스 소켓 끊김 \(Int(now.timeIntervalSince(since)))초 이상\n재연결 중 · 이 동안 속보 매매 없음")
                }
            }
        }
        if health.tokenRefusals > last.tokenRefusals {
            out.append("🔑 토큰/로그인 거절 \(health.tokenRefusals - last.tokenRefusals)회\n토큰 재발급 후 재시도")
        }
        if health.kiwoomEvictions > last.kiwoomEvictions || (health.kiwoomEvicted && !last.kiwoomEvicted) {
            out.append("🔌 키움 실시간 세션 밀려남 (R10001)\n같은 앱키로 다른 접속 · 잠시 후 재접속")
        } else if !health.kiwoomEvicted, last.kiwoomEvicted {
            out.append("🔌 키움 실시간 재접속 허용")
        }
        if health.dartBudgetExhausted != last.dartBudgetExhausted {
            out.append(health.dartBudgetExhausted ? "📑 DART 일일 요청 한도 소진\n공시 확인 중단 · 내일 재개" : "📑 DART 요청 재개")
        }
        if health.databaseFailing != last.databaseFailing {
            out.append(health.databaseFailing
                ? "💾 DB 쓰기 실패\n\(AlertFormat.short(health.databaseError ?? "원인 불명", limit: 80))\n행은 메모리/스필 파일에 보관 · 재시도 중"
                : "💾 DB 쓰기 복구")
        }
        if health.rowsSetAside > last.rowsSetAside {
            out.append("🗂 DB가 거부한 행 \(health.rowsSetAside - last.rowsSetAside)개 따로 보관\n(data/spill/rejected.jsonl)")
        }
        last = health
        return out.map { VenueNotice(.venue, $0) } + broker.observe(health, at: now)
    }
}
