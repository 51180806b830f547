import Foundation
import SokboCore

/// Korean text for a phone: short lines, amounts grouped by thousands, KST times.
public enum AlertFormat {
    /// `1,234,000원`.
    public static func won(_ amount: Int) -> String { grouped(amount) + "원" }

    /// `1,234` (a negative amount keeps its sign).
    public static func grouped(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var out = ""
        for (index, character) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { out.append(",") }
            out.append(character)
        }
        return value < 0 ? "-" + out : out
    }

    /// `+12,000원` / `-3,500원`.
    public static func signedWon(_ amount: Int) -> String { (amount > 0 ? "+" : "") + won(amount) }

    /// `14:03:27` KST.
    public static func time(_ date: Date) -> String {
        let s = KST.secondsIntoDay(date)
        return KST.digits(s / 3600, width: 2) + ":" + KST.digits((s / 60) % 60, width: 2) + ":" + KST.digits(s % 60, width: 2)
    }

    /// `매수` / `매도`.
    public static func side(_ side: OrderSide) -> String { side == .buy ? "매수" : "매도" }

    /// An exit's reason as a trader reads it (the tags Korean bots use: 익절, 손절, …).
    public static func exitReason(_ reason: ExitReason) -> String {
        switch reason {
        case .stopLoss: "손절 (stop-loss)"
        case .trailingStop: "추적 손절 (trailing stop)"
        case .takeProfit: "익절 (take-profit)"
        case .roi: "보유시간별 목표 (roi)"
        case .timeLimit: "보유시간 초과 (time limit)"
        case .endOfDay: "장 마감 전 청산 (end of day)"
        case .manual: "수동 청산 (manual)"
        case .flattenAll: "전체 청산 (flatten)"
        }
    }

    /// `12주 × 71,000원` or `12주 시장가`.
    public static func quantityAndPrice(_ quantity: Int, _ price: OrderPrice) -> String {
        switch price {
        case .limit(let value): "\(grouped(quantity))주 × \(won(value))"
        case .market: "\(grouped(quantity))주 시장가"
        }
    }

    /// Keeps a free-text reason short enough for a phone line.
    public static func short(_ text: String, limit: Int = 120) -> String {
        text.count <= limit ? text : String(text.prefix(limit - 1)) + "…"
    }
}
