import Foundation
import Hummingbird
import ServiceLifecycle
import SokboCore

/// `GET /api/events`: Server-Sent Events, one per `LiveEvent.Kind` published (news, disclosures, signals,
/// orders, the trading switch).
/// Each client reads from its own bounded buffer in the hub, so a slow client loses its oldest events
/// (and gets an `event: gap` with the count) instead of slowing the engine.
struct EventRoutes {
    let hub: EventHub

    func register(on group: RouterGroup<SokboRequestContext>) {
        group.get("events") { _, _ in
            let stream = hub.subscribe()
            var headers: HTTPFields = [.contentType: "text/event-stream", .cacheControl: "no-cache"]
            headers[.init("X-Accel-Buffering")!] = "no"
            return Response(status: .ok, headers: headers, body: ResponseBody { writer in
                try await writer.write(ByteBuffer(string: ": connected\n\n"))
                // Ends with the server's graceful shutdown, so an open stream never holds shutdown up.
                for await delivery in stream.cancelOnGracefulShutdown() {
                    try await writer.write(ByteBuffer(string: Self.frame(delivery)))
                }
                try await writer.finish(nil)
            })
        }
        // Closes every open stream, for an operator (or a test) to make clients show they recover from a
        // dropped connection: each reconnects and refills what it may have missed from the list routes.
        // Behind the token like every /api route; it loses nothing (events are stored, streams reopen).
        group.post("events/disconnect") { _, _ in
            JSONResponse(["closed": hub.closeAll()])
        }
    }

    /// One SSE frame.
    static func frame(_ delivery: LiveDelivery) -> String {
        switch delivery {
        case .event(let event): "event: \(event.kind)\ndata: \(event.json)\n\n"
        case .gap(let missed): "event: gap\ndata: {\"missed\":\(missed)}\n\n"
        }
    }
}
