import Foundation
import Testing
@testable import SokboCore

@Suite struct OrderStateMachineTests {
    static let now = Date(timeIntervalSince1970: 1_795_650_000)

    static func order(_ state: OrderState, filled: Int = 0) -> Order {
        var order = Order(id: "o", newsID: "n", rule: "r", ticker: Ticker("005930")!, side: .buy, quantity: 10,
                          price: .limit(70_100), createdAt: now)
        order.state = state
        order.filledQuantity = filled
        return order
    }

    static let events: [OrderEvent] = [
        .sent, .accepted(brokerOrderNo: "0001234"), .rejected(reason: "[2000] 잔고 부족"), .outcomeUnknown(reason: "timeout"),
        .filled(cumulativeQuantity: 4, averagePrice: 70_100), .filled(cumulativeQuantity: 10, averagePrice: 70_100),
        .cancelled(reason: "user"), .reconciledFound(brokerOrderNo: "0001234", cumulativeQuantity: 10, averagePrice: 70_100, isClosed: true),
        .reconciledFound(brokerOrderNo: "0001234", cumulativeQuantity: 3, averagePrice: 70_100, isClosed: false),
        .reconciledFound(brokerOrderNo: "0001234", cumulativeQuantity: 0, averagePrice: nil, isClosed: true),
        .reconciledNotFound,
    ]

    /// Every (state, event) pair and what it must give: the resulting state and effects, or nil for refused.
    static let table: [OrderState: [Int: (OrderState, [OrderEffect])]] = [
        .intent: [0: (.submitted, [.persist, .sendToBroker, .notify]), 3: (.unknown, [.persist, .reconcile, .notify]),
                  6: (.cancelled, [.persist, .notify])],
        .submitted: [1: (.accepted, [.persist, .notify]), 2: (.rejected, [.persist, .notify]),
                     3: (.unknown, [.persist, .reconcile, .notify])],
        .accepted: [4: (.partiallyFilled, [.persist, .notify]), 5: (.filled, [.persist, .notify]), 6: (.cancelled, [.persist, .notify])],
        .partiallyFilled: [5: (.filled, [.persist, .notify]), 6: (.cancelled, [.persist, .notify])],
        .unknown: [3: (.unknown, [.reconcile]), 7: (.filled, [.persist, .notify]), 8: (.partiallyFilled, [.persist, .notify]),
                   9: (.cancelled, [.persist, .notify]), 10: (.rejected, [.persist, .notify])],
        .filled: [:], .rejected: [:], .cancelled: [:],
    ]

    @Test(arguments: OrderState.allCases)
    func everyEventInEveryStateDoesWhatTheTableSays(state: OrderState) {
        // partiallyFilled starts with 2 of 10 filled so a cumulative 4 would be progress; table lists only 10.
        let start = Self.order(state, filled: state == .partiallyFilled ? 4 : 0)
        for (index, event) in Self.events.enumerated() {
            let result = OrderStateMachine.apply(start, event, at: Self.now.addingTimeInterval(1))
            switch (result, Self.table[state]?[index]) {
            case (.success(let (next, effects)), .some(let (expectedState, expectedEffects))):
                #expect(next.state == expectedState, "\(state) + \(event)")
                #expect(effects == expectedEffects, "\(state) + \(event)")
                #expect(next.eventCount == start.eventCount + 1)
            case (.failure(let error), .none):
                #expect(error.state == state)
            case (.success(let (next, _)), .none):
                Issue.record("\(state) + \(event) should be refused, went to \(next.state)")
            case (.failure, .some(let (expected, _))):
                Issue.record("\(state) + \(event) should go to \(expected), was refused")
            }
        }
    }

    @Test func onlyAnIntentEverProducesASend() {
        for state in OrderState.allCases where state != .intent {
            for event in Self.events {
                if case .success(let (_, effects)) = OrderStateMachine.apply(Self.order(state), event, at: Self.now) {
                    #expect(!effects.contains(.sendToBroker), "\(state) + \(event)")
                }
            }
        }
    }

    @Test func anUnknownOrderIsNeverSentAgain() {
        let result = OrderStateMachine.apply(Self.order(.unknown), .sent, at: Self.now)
        #expect(throws: OrderTransitionError.self) { try result.get() }
    }

    @Test func fillsMustProgressAndStayWithinTheQuantity() {
        let partly = Self.order(.partiallyFilled, filled: 6)
        #expect(throws: OrderTransitionError.self) {
            try OrderStateMachine.apply(partly, .filled(cumulativeQuantity: 5, averagePrice: 1), at: Self.now).get()
        }
        #expect(throws: OrderTransitionError.self) {
            try OrderStateMachine.apply(Self.order(.accepted), .filled(cumulativeQuantity: 11, averagePrice: 1), at: Self.now).get()
        }
    }

    @Test func anOrderSurvivesTheRowRoundTrip() throws {
        var order = Self.order(.partiallyFilled, filled: 4)
        order.brokerOrderNo = "0001234"
        order.averageFillPrice = 70_050.5
        order.reason = "부분 체결"
        #expect(Order(row: order.row) == order)
    }
}
