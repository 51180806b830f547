import Foundation
import Synchronization

/// What one Kiwoom REST request carried and what it was answered, gathered while it is handled (the
/// pipeline notes into the task's trace), then written into its request-log entry.
///
/// Why a task-local: the reply is built in a dozen places (each TR, each refusal); noting it where every
/// reply is made (`reply`) covers them all without threading a value through each handler.
final class KiwoomRequestTrace: Sendable {
    /// The trace of the request the current task is handling.
    @TaskLocal static var current: KiwoomRequestTrace?

    private struct Notes {
        var fields: [String: String]?
        var appKey: String?
        var returnCode: Int?
        var returnMsg: String?
        var ordNo: String?
        var replied: UInt64?
    }

    private let notes = Mutex(Notes())

    /// Notes the request body: its scalar fields, except a token request's keys (only `grant_type` and the
    /// appkey, redacted, are kept: the secret never reaches the log).
    func noteRequest(_ body: [String: Any]?, isToken: Bool) {
        guard let body else { return }
        notes.withLock { n in
            if isToken {
                n.fields = (body["grant_type"] as? String).map { ["grant_type": $0] }
                n.appKey = (body["appkey"] as? String).map(SimulatorRequestLog.redact)
                return
            }
            var fields: [String: String] = [:]
            for (key, value) in body {
                switch value {
                case let text as String: fields[key] = text
                case let number as NSNumber: fields[key] = number.stringValue
                default: break
                }
            }
            n.fields = fields
        }
    }

    /// Notes the appkey a valid token belongs to.
    func noteAppKey(_ key: String) {
        notes.withLock { $0.appKey = SimulatorRequestLog.redact(key) }
    }

    /// Notes the reply body's `return_code`, `return_msg` and `ord_no`, and when it was made.
    func noteReply(_ body: [String: Any]) {
        notes.withLock { n in
            n.returnCode = body["return_code"] as? Int
            n.returnMsg = body["return_msg"] as? String
            n.ordNo = (body["ord_no"] as? String).flatMap { $0.isEmpty ? nil : $0 }
            n.replied = SimulatorRequestLog.monotonicNanoseconds()
        }
    }

    /// `entry` with what was noted.
    func fill(_ entry: SimulatorRequestLog.Entry) -> SimulatorRequestLog.Entry {
        var entry = entry
        notes.withLock { n in
            entry.fields = n.fields
            entry.appkey = n.appKey
            entry.returnCode = n.returnCode
            entry.returnMsg = n.returnMsg
            entry.ordNo = n.ordNo
            entry.replyMonoNs = entry.status == nil ? nil : n.replied ?? SimulatorRequestLog.monotonicNanoseconds()
        }
        return entry
    }
}
