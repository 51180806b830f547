/// What a round trip costs besides the price: the broker's commission on each side and the securities
/// transaction tax on sells. Rates change by law and by broker, so they are settings; the defaults name
/// their source and date.
public struct TradingCosts: Sendable, Hashable, Codable {
    /// Broker commission on each buy and sell, in percent of the traded value.
    /// Default 0.015 %: Kiwoom's online (영웅문/REST) rate for KRX stocks, as published in 2026; the mock
    /// host charges more (0.35 %), so set it when comparing with a mock account's statements.
    public var commissionPercent: Double
    /// Tax on sells, in percent of the sold value. Default 0.20 %: the securities transaction tax as
    /// amended for 2026 (KOSPI 0.05 % plus the 0.15 % special rural tax; KOSDAQ 0.20 %).
    public var sellTaxPercent: Double

    /// Creates a cost model.
    public init(commissionPercent: Double = 0.015, sellTaxPercent: Double = 0.20) {
        self.commissionPercent = commissionPercent
        self.sellTaxPercent = sellTaxPercent
    }

    /// No costs (tests and what-if comparisons).
    public static let zero = TradingCosts(commissionPercent: 0, sellTaxPercent: 0)

    /// Commission on a fill of `value` won, rounded down to the won as brokers do.
    public func commission(on value: Double) -> Int { Int((value * commissionPercent / 100).rounded(.down)) }

    /// Tax on a sell of `value` won, rounded down to the won.
    public func tax(onSellOf value: Double) -> Int { Int((value * sellTaxPercent / 100).rounded(.down)) }

    /// The return in percent of selling at `price` what was bought at `averageCost`, net of both sides'
    /// commission and the sell tax (exits compare thresholds to this, as freqtrade's ROI does).
    public func netReturnPercent(averageCost: Double, price: Double) -> Double {
        guard averageCost > 0 else { return 0 }
        let paid = averageCost * (1 + commissionPercent / 100)
        let received = price * (1 - (commissionPercent + sellTaxPercent) / 100)
        return (received - paid) / paid * 100
    }
}
