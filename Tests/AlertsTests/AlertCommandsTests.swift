import Alerts
import Foundation
import SokboCore
import Synchronization
import Testing

/// A control that records what the commands asked of it.
final class RecordingControl: AlertControl {
    let halted = Mutex<[Bool]>([])
    let flattened = Mutex(0)
    let canFlatten: Bool

    init(canFlatten: Bool = true) { self.canFlatten = canFlatten }

    func status() async -> AlertStatusSnapshot {
        AlertStatusSnapshot(mode: "simulate", halted: halted.withLock { $0.last ?? false }, ordersByState: ["filled": 2, "accepted": 1],
                            openUnknown: 0, budgetLeft: 9_000_000, newsConnected: true)
    }
    func positions() async -> AlertControlAnswer<[Position]> {
        .answer([Position(ticker: Ticker("005930")!, name: "삼성전자", quantity: 12, sellableQuantity: 12, averagePrice: 71_000,
                          currentPrice: 72_000, profitLoss: 12_000)])
    }
    func todaysOrders() async -> [Order] { [] }
    func closedTrades() async -> AlertControlAnswer<[Trade]> { .notAvailable("아직 없음") }
    func setHalted(_ value: Bool) async { halted.withLock { $0.append(value) } }
    func flatten() async -> AlertControlAnswer<String> {
        guard canFlatten else { return .notAvailable("not yet") }
        flattened.withLock { $0 += 1 }
        return .answer("2종목 매도 주문")
    }
    func close(_ ticker: Ticker) async -> AlertControlAnswer<String> { .notAvailable("엔진에 청산 기능이 아직 없음") }
}

/// The commands, one at a time on an injected clock.
@Suite struct AlertCommandsTests {
    final class Clock: Sendable {
        let now = Mutex(Date(timeIntervalSince1970: 1_795_650_000))
        func advance(_ seconds: TimeInterval) { now.withLock { $0 += seconds } }
    }

    @Test func haltAndResumeGoToTheKillSwitch() async {
        let control = RecordingControl()
        let commands = AlertCommands(control: control)
        #expect(await commands.handle("/halt", chat: 1).contains("중지"))
        #expect(await commands.handle("/resume@SokboBot", chat: 1).contains("재개"))
        #expect(control.halted.withLock { $0 } == [true, false])
        #expect(await commands.handle("/status", chat: 1).contains("오늘 주문 3건"))
        #expect(await commands.handle("/positions", chat: 1).contains("삼성전자(005930) 12주"))
    }

    @Test func flattenNeedsAConfirmationFromTheSameChatInTime() async {
        let control = RecordingControl()
        let clock = Clock()
        let commands = AlertCommands(control: control, confirmWindow: 60, now: { clock.now.withLock { $0 } })
        #expect(await commands.handle("/flatten confirm", chat: 1).contains("없거나"), "no confirmation without a request")
        #expect(await commands.handle("/flatten", chat: 1).contains("확인"))
        #expect(control.flattened.withLock { $0 } == 0, "asking does nothing yet")
        #expect(await commands.handle("/flatten confirm", chat: 2).contains("없거나"), "another chat cannot confirm")
        clock.advance(61)
        #expect(await commands.handle("/flatten confirm", chat: 1).contains("시간이 지났"))
        #expect(control.flattened.withLock { $0 } == 0)
        #expect(await commands.handle("/flatten", chat: 1).contains("확인"))
        clock.advance(30)
        #expect(await commands.handle("/flatten confirm", chat: 1).contains("2종목 매도 주문"))
        #expect(control.flattened.withLock { $0 } == 1)
        #expect(await commands.handle("/flatten confirm", chat: 1).contains("없거나"), "one confirmation, one flatten")
    }

    @Test func whatTheEngineCannotDoYetSaysSo() async {
        let commands = AlertCommands(control: RecordingControl(canFlatten: false))
        #expect(await commands.handle("/close 005930", chat: 1).contains("아직 없음"))
        #expect(await commands.handle("/close abc", chat: 1).contains("사용법"))
        _ = await commands.handle("/flatten", chat: 1)
        #expect(await commands.handle("/flatten confirm", chat: 1).contains("불가"))
        #expect(await commands.handle("/pnl", chat: 1).contains("실현손익: 아직 없음"))
        #expect(await commands.handle("/what", chat: 1).contains("알 수 없는 명령"))
    }
}
