import SokboCore

/// One inbound WebSocket message from LS, classified.
public enum LSFrame: Sendable, Equatable {
    /// An NWS headline, already in our terms.
    case news(NewsItem)
    /// A registration reply.
    case ack(LSAck)
    /// A data push of another TR (JIF, S3_, …) that this listener does not use.
    case other(trCode: String)
}

/// A registration reply ("ACK"): header with `rsp_cd` / `rsp_msg`, body absent or null.
public struct LSAck: Sendable, Equatable {
    /// The TR the reply is about.
    public var trCode: String
    /// The reply code (`00000` on success per fixtures; `IGW…` on errors).
    public var code: String
    /// The reply text.
    public var message: String

    /// Creates an ACK.
    public init(trCode: String, code: String, message: String) {
        self.trCode = trCode
        self.code = code
        self.message = message
    }

    /// Success unless the code is a gateway error or the text signals an error (spec §8).
    public var isSuccess: Bool {
        !code.hasPrefix("IGW") && !message.contains("오류") && !message.contains("실패")
    }

    /// The gateway's "token invalid or expired" reply, which calls for a new token.
    public var isInvalidToken: Bool { code == "IGW00121" }
}
