import Foundation
import HTTPTypes
import Hummingbird
import Replay
import SokboCore
import Trading

/// Replays through the API: `POST /api/replays` accepts a job (202), `GET /api/replays/{id}` answers its
/// state and, once done, its result, `GET /api/replays/{id}/report` the self-contained HTML report.
/// The jobs run off the trading path (`ReplayJobs`); the rules in force fill in what a request leaves out.
struct ReplayRoutes {
    let replays: ReplayJobs?
    let engine: TradingEngine

    func register(on group: RouterGroup<SokboRequestContext>) {
        group.post("replays") { request, context in
            let jobs = try self.jobs()
            var request = request
            let body = try await request.collectBody(upTo: context.maxUploadSize)
            let parsed: ReplayRequest
            do throws(ReplayRequestError) { parsed = try ReplayRequest.decode(Data(buffer: body)) } catch {
                throw APIError.badRequest(error.message, code: "invalid_body")
            }
            let current = await engine.currentRules()
            let job: ReplayJob
            do throws(ReplayJobs.SubmitError) { job = try await jobs.submit(parsed, currentRules: current, currentYAML: RulesYAML.render(current.rules)) } catch {
                switch error {
                case .invalid(let message): throw APIError.badRequest(message, code: "invalid_body")
                case .busy(let message): throw APIError(.tooManyRequests, code: "replays_busy", message: message, headers: [.retryAfter: "10"])
                }
            }
            var response = try JSONResponse(job, status: .accepted).response(from: request, context: context)
            response.headers[.location] = "/api/replays/\(job.id)"
            return response
        }
        group.get("replays/:id") { _, context in
            let id = try context.parameters.require("id")
            guard let job = try await self.jobs().job(id) else { throw APIError.notFound("no replay \(id)") }
            return JSONResponse(job)
        }
        group.get("replays/:id/report") { _, context in
            let id = try context.parameters.require("id")
            switch try await self.jobs().report(id) {
            case .success(let page):
                return Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
                                body: .init(byteBuffer: ByteBuffer(string: page)))
            case .failure(.unknown):
                throw APIError.notFound("no replay \(id)")
            case .failure(.notDone(let state)):
                throw APIError(.conflict, code: "not_done", message: "replay \(id) is \(state.rawValue): its report comes once it is done")
            }
        }
    }

    private func jobs() throws -> ReplayJobs {
        guard let replays else { throw APIError(.serviceUnavailable, code: "unavailable", message: "replays are not available in this process") }
        return replays
    }
}
