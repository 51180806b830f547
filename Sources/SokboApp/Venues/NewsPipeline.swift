import SokboCore
import Storage

/// Where the news listener hands each headline: the row buffer (stored), the live events, and the
/// engine's inbox. None of them is waited on beyond an actor hop: the engine reads its inbox on its own.
struct NewsPipeline: NewsConsumer {
    let buffer: RowBuffer
    let events: EventHub
    let engineInbox: AsyncStream<NewsItem>.Continuation?

    func consume(_ item: NewsItem) async {
        engineInbox?.yield(item)
        await buffer.append(item)
        events.publish(kind: .news, payload: item)
    }
}

/// Hands DART disclosures to the buffer and the live events.
struct DisclosurePipeline: DisclosureConsumer {
    let buffer: RowBuffer
    let events: EventHub

    func consume(_ disclosure: DisclosureRecord) async {
        await buffer.append(disclosure)
        events.publish(kind: .disclosure, payload: disclosure)
    }
}
