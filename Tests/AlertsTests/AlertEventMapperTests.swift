import Alerts
import Foundation
import SokboCore
import Testing

/// Events to messages, by the mapping table, one event at a time.
@Suite struct AlertEventMapperTests {
    static let at = Date(timeIntervalSince1970: 1_795_650_000)

    static func order(_ state: OrderState, filled: Int = 0, reason: String? = nil) -> Order {
        var order = Order(id: "n-1-005930-buy", newsID: "1", rule: "공급계약", ticker: Ticker("005930")!, side: .buy, quantity: 12,
                          price: .limit(71_000), createdAt: at)
        order.state = state
        order.filledQuantity = filled
        order.averageFillPrice = filled > 0 ? 71_000 : nil
        order.reason = reason
        return order
    }

    static func event(_ order: Order) -> LiveEvent { LiveEvent(kind: .order, at: at, payload: order) }

    @Test func eachOrderStateChangeMakesExactlyOneMessage() {
        var mapper = AlertEventMapper()
        let r1 = mapper.messages(for: Self.event(Self.order(.submitted)))
        #expect(r1.isEmpty, "order.sent is off by default")
        let accepted = mapper.messages(for: Self.event(Self.order(.accepted)))
        #expect(accepted.map(\.kind) == [.orderAccepted])
        #expect(accepted[0].text.contains("삼성전자(005930) 매수"))
        #expect(accepted[0].text.contains("12주 × 71,000원"))
        let r2 = mapper.messages(for: Self.event(Self.order(.accepted)))
        #expect(r2.isEmpty, "the same state again says nothing new")
        let r3 = mapper.messages(for: Self.event(Self.order(.partiallyFilled, filled: 5)))
        #expect(r3.map(\.kind) == [.orderFilled])
        let filled = mapper.messages(for: Self.event(Self.order(.filled, filled: 12)))
        #expect(filled.map(\.kind) == [.orderFilled])
        #expect(filled[0].text.contains("12/12주"))
        #expect(filled[0].isTradingCritical)
    }

    @Test func anUnknownOrderIsReportedWithHowItSettled() {
        var mapper = AlertEventMapper()
        let unknown = mapper.messages(for: Self.event(Self.order(.unknown, reason: "timeout")))
        #expect(unknown.map(\.kind) == [.orderUnknown])
        #expect(unknown[0].text.contains("재전송하지 않음"))
        let settled = mapper.messages(for: Self.event(Self.order(.rejected, reason: "not found at the broker after reconciliation")))
        #expect(settled.map(\.kind) == [.orderRejected])
        #expect(settled[0].text.contains("미확정 주문 정리"))
    }

    @Test func modesSilenceOrDropAKind() {
        var mapper = AlertEventMapper(modes: [.orderAccepted: .silent, .killSwitch: .off])
        let r4 = mapper.messages(for: Self.event(Self.order(.accepted)))
        #expect(r4.map(\.silent) == [true])
        let r5 = mapper.messages(for: LiveEvent(kind: .trading, at: Self.at, payload: ["halted": true]))
        #expect(r5.isEmpty)
        #expect(!mapper.subscribedKinds().contains(.trading), "a kind all off is not even subscribed to")
        #expect(mapper.subscribedKinds().contains(.order))
        #expect(!mapper.subscribedKinds().contains(.news), "headlines are off by default: the news path encodes nothing for alerts")
    }

    @Test func theKillSwitchAndUnmappedKindsAreHandled() throws {
        var mapper = AlertEventMapper()
        let halted = mapper.messages(for: LiveEvent(kind: .trading, at: Self.at, payload: ["halted": true]))
        #expect(halted.map(\.kind) == [.killSwitch])
        #expect(halted[0].text.contains("거래 중지"))
        var disclosure = LiveEvent(kind: .news, at: Self.at, payload: ["x": 1])
        disclosure.kind = "disclosure"
        let r6 = mapper.messages(for: disclosure)
        #expect(r6.isEmpty)
        #expect(mapper.unmapped == 1)
    }
}
