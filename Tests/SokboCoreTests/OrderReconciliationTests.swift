import Foundation
import SokboCore
import Testing

@Suite struct OrderReconciliationTests {
    let ticker = Ticker("005930")!
    let created = Date(timeIntervalSince1970: 1_795_650_000)  // 08:40:00 KST

    func order(side: OrderSide = .buy, price: OrderPrice = .limit(10_000), before: Int? = 0) -> Order {
        var order = Order(id: "n-1-005930-buy", newsID: "1", rule: "r", ticker: ticker, side: side, quantity: 10, price: price, createdAt: created)
        order.positionBefore = before
        return order
    }

    func open(_ number: String, price: Int = 10_000, quantity: Int = 10, filled: Int = 0, time: String = "084001") -> BrokerOrder {
        BrokerOrder(brokerOrderNo: number, originalOrderNo: nil, ticker: ticker, name: "삼성전자", side: .buy, quantity: quantity,
                    price: price, openQuantity: quantity - filled, filledQuantity: filled, fillPrice: filled > 0 ? price : nil,
                    status: "접수", time: time)
    }

    func account(holding quantity: Int?) -> AccountSnapshot {
        AccountSnapshot(cash: 0, orderableCash: 0, totalPurchase: 0, totalValuation: 0, profitLoss: 0, estimatedAssets: 0,
                        positions: quantity.map { [Position(ticker: ticker, name: "삼성전자", quantity: $0, sellableQuantity: $0,
                                                            averagePrice: 10_050, currentPrice: 10_000, profitLoss: 0)] } ?? [])
    }

    @Test func anOpenOrderOfTheSameShapeAfterOursIsOurs() {
        let verdict = OrderReconciliation.match(order(), open: [open("7", filled: 4)], claimed: [], account: nil)
        #expect(verdict == .found(brokerOrderNo: "7", cumulativeQuantity: 4, averagePrice: 10_000, isClosed: false))
    }

    @Test func anOrderPlacedBeforeOursAnotherPriceOrOneAlreadyClaimedIsNot() {
        let candidates = [open("1", time: "083959"), open("2", price: 10_050), open("3")]
        #expect(OrderReconciliation.match(order(), open: candidates, claimed: ["3"], account: nil) == .noTrace)
        // A market order matches any price.
        #expect(OrderReconciliation.match(order(price: .market), open: [open("2", price: 10_050)], claimed: [], account: nil)
            == .found(brokerOrderNo: "2", cumulativeQuantity: 0, averagePrice: nil, isClosed: false))
    }

    @Test func aPositionGrownByTheOrdersSizeProvesAFullFill() {
        #expect(OrderReconciliation.match(order(before: 5), open: [], claimed: [], account: account(holding: 15))
            == .found(brokerOrderNo: "filled-1-005930-buy", cumulativeQuantity: 10,
                      averagePrice: 10_050, isClosed: true))
        #expect(OrderReconciliation.match(order(before: 5), open: [], claimed: [], account: account(holding: 14)) == .noTrace)
        #expect(OrderReconciliation.match(order(before: nil), open: [], claimed: [], account: account(holding: 15)) == .noTrace)
    }

    @Test func aSoldOutPositionProvesAFullSell() {
        let sell = order(side: .sell, price: .market, before: 10)
        guard case .found(_, 10, nil, true) = OrderReconciliation.match(sell, open: [], claimed: [], account: account(holding: nil)) else {
            Issue.record("a sell of everything held, with no row left, is filled"); return
        }
        #expect(OrderReconciliation.match(sell, open: [], claimed: [], account: account(holding: 3)) == .noTrace)
    }
}
