import SokboCore
import Storage

/// Hands DART disclosures to the buffer and the live events.
struct DisclosurePipeline: DisclosureConsumer {
    let buffer: RowBuffer
    let events: EventHub

    func consume(_ disclosure: DisclosureRecord) async {
        await buffer.append(disclosure)
        events.publish(kind: .disclosure, payload: disclosure)
    }
}
