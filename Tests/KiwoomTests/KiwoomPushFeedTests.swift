import Foundation
import Kiwoom
import SokboCore
import SokboTestSupport
import Testing

/// The broker's push queue, one event at a time: executions are never dropped, quotes are coalesced per stock.
@Suite struct KiwoomPushFeedTests {
    let samsung = Ticker("005930")!
    let hynix = Ticker("000660")!

    func tick(_ ticker: Ticker, _ price: Int) -> BrokerPush {
        .quote(QuoteTick(ticker: ticker, price: price, bestBid: nil, bestAsk: nil, at: Date(timeIntervalSince1970: 0)))
    }

    func execution(_ number: String) -> BrokerPush {
        .execution(BrokerExecution(brokerOrderNo: number, ticker: samsung, side: .buy, status: .filled, orderQuantity: 1,
                                   orderPrice: 0, openQuantity: 0, cumulativeQuantity: 1, time: "090000"))
    }

    @Test func aSlowConsumerGetsEveryExecutionAndTheLatestQuoteOfEachStock() async {
        let feed = KiwoomPushFeed()
        feed.publish(execution("before"))
        let stream = feed.stream()
        feed.publish(tick(samsung, 70_000))
        feed.publish(execution("1"))
        feed.publish(tick(samsung, 70_100))
        feed.publish(tick(hynix, 200_000))
        feed.publish(execution("2"))
        feed.setConnected(true)
        feed.setConnected(true)
        feed.finish()
        var received: [BrokerPush] = []
        for await push in stream { received.append(push) }
        #expect(received == [tick(samsung, 70_100), execution("1"), tick(hynix, 200_000), execution("2"), .feed(connected: true)])
        #expect(feed.counts().coalesced == 1)
        #expect(feed.counts().queued == 0)
    }

    @Test(.timeLimit(.minutes(1))) func aWaitingConsumerIsWokenAndCancellationEndsTheStream() async throws {
        let feed = KiwoomPushFeed()
        let stream = feed.stream()
        let log = PushLog()
        let consumer = Task { for await push in stream { await log.append(push) } }
        let first = try await eventually { feed.counts().published == 0 }
        #expect(first)
        feed.publish(execution("1"))
        let woken = try await eventually { await log.pushes == [execution("1")] }
        #expect(woken, "a consumer waiting on an empty queue gets the push")
        consumer.cancel()
        await consumer.value
        feed.publish(execution("2"))
        #expect(await log.pushes == [execution("1")])
    }
}
