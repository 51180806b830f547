import Foundation
import SokboCore

/// The position side of trading on Kiwoom: the realtime service's pushes (`00`, `04`, `1h`, `0B`/`0D`), the
/// stocks watched for positions, and today's fills over REST (`ka10076`) for when the socket is down.
extension KiwoomBroker {
    /// The venue's pushes, for one consumer (a second call shares the same queue). Finishes when the
    /// realtime service stops.
    public func pushes() -> AsyncStream<BrokerPush> { feed.stream() }

    /// Watches `tickers` live (`0B`, `0D`, `1h`) beside the configured watchlist: the full set wanted now, so a
    /// stock left out is removed. Applied at once on the live socket (REG/REMOVE) and kept across reconnects.
    public func watch(_ tickers: Set<Ticker>) async { feed.watch(tickers) }

    /// Whether the account pushes (`00`/`04`) are registered on a live socket now.
    public var accountFeedConnected: Bool { feed.connected }

    /// Today's fills (`ka10076`, every page, as upkeep behind trading calls): one report per order with fills,
    /// `cumulativeQuantity` its shares filled so far and `executionPrice` their price as the venue gives it (no
    /// execution number: the TR reports orders, not single executions).
    public func fills(_ ticker: Ticker?) async throws -> [BrokerExecution] {
        let rows = try await BrokerCallContext.$current.withValue(BrokerCallContext(purpose: .background)) {
            do { return try await self.client.ka10076Pages(stockCode: ticker?.code) } catch { throw Self.brokerError(error) }
        }
        return rows.compactMap(Self.fill)
    }

    /// One `ka10076` row as a fill report; nil without an order number, a stock or a filled quantity.
    static func fill(_ row: KA10076Response.Row) -> BrokerExecution? {
        guard let number = KiwoomValue.text(row.ord_no), let ticker = row.stk_cd.flatMap(Ticker.init(venueCode:)),
              let filled = KiwoomValue.signedInt(row.cntr_qty).map(abs), filled > 0 else { return nil }
        let io = row.io_tp_nm ?? ""
        let quantity = KiwoomValue.signedInt(row.ord_qty).map(abs) ?? filled
        return BrokerExecution(
            brokerOrderNo: number, originalOrderNo: KiwoomValue.text(row.orig_ord_no).flatMap { Int($0) == 0 ? nil : $0 },
            ticker: ticker, side: io.contains("매도") ? .sell : io.contains("매수") ? .buy : nil, status: .filled,
            orderQuantity: quantity, orderPrice: KiwoomValue.price(row.ord_pric) ?? 0,
            openQuantity: KiwoomValue.signedInt(row.oso_qty).map(abs) ?? max(0, quantity - filled), cumulativeQuantity: filled,
            executionPrice: KiwoomValue.price(row.cntr_pric).flatMap { $0 > 0 ? $0 : nil }, time: KiwoomValue.text(row.ord_tm) ?? "")
    }
}
