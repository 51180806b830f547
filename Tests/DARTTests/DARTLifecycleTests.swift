import DART
import Foundation
import ServiceLifecycle
import Simulator
import SokboCore
import Testing

@Suite("DART services in a service group")
struct DARTLifecycleTests {
    @Test func pollerDeliversAndStopsOnGracefulShutdown() async throws {
        var options = DARTSimulator.Options()
        options.filingsPerDay = 0
        let consumer = CollectingConsumer()
        try await withSimulator(options) { simulator, base in
            let receipt = simulator.file(stockCode: "005930", reportName: "단일판매ㆍ공급계약체결", at: Date())
            let client = DARTClient(configuration: testConfiguration(base), budget: DARTRequestBudget(dailyLimit: 100), logger: quietLogger)
            // Open around the clock, every day, so the real-clock poller polls at once whatever the hour of the test run.
            let poller = DARTPoller(client: client, consumers: [consumer], hours: .always,
                                    logger: quietLogger)
            let group = ServiceGroup(configuration: .init(services: [poller], logger: quietLogger))
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                tasks.addTask { try await group.run() }
                _ = try await poll(timeout: 20) { consumer.records.isEmpty ? nil : true }
                await group.triggerGracefulShutdown()
                try await tasks.next()
            }
            #expect(consumer.records.map(\.id) == [receipt].compactMap { $0 })
            #expect(await poller.status().state == "stopped")
        }
    }
}
