import Foundation
import SokboCore

/// Settings of the simulated LS venue.
public struct LSSimulatorConfiguration: Sendable {
    /// How t3102 cuts bodies into 100-byte `sBody` chunks.
    public enum Chunking: String, Sendable {
        /// The venue (spec §4.2, the portal's own t3102 example): the body is CP949, each 100-byte slice is
        /// decoded on its own (a byte that cannot pair becomes a full-width `？`, so a split character leaves a
        /// `？` and the next chunk reads out of step until an ASCII byte) and spaces at its ends are trimmed.
        /// Default.
        case cp949
        /// Each 100-byte UTF-8 slice is decoded on its own, so a split character becomes U+FFFD on both sides.
        case lossy
        /// Each chunk is an exact 100-byte slice written unescaped into the JSON; a split character's bytes
        /// straddle two JSON strings (each invalid UTF-8 alone, valid once joined as bytes).
        case rawBytes
        /// Chunks of at most 100 bytes cut on character boundaries: nothing is lost.
        case characterAligned
    }

    /// Certificate and key for serving https/wss (PEM).
    public struct TLS: Sendable {
        /// The server certificate chain, PEM.
        public var certificatePEM: String
        /// The private key, PEM.
        public var privateKeyPEM: String

        /// Creates TLS settings.
        public init(certificatePEM: String, privateKeyPEM: String) {
            self.certificatePEM = certificatePEM
            self.privateKeyPEM = privateKeyPEM
        }
    }

    /// Loopback address to bind.
    public var host: String
    /// REST port to bind; 0 picks a free one (read it with `waitUntilListening()`).
    public var port: Int
    /// WebSocket port to bind, a server of its own as on the live host (8080 REST, 9443 WebSocket); 0: free.
    public var webSocketPort: Int
    /// NWS frames per second while somebody is subscribed.
    public var framesPerSecond: Double
    /// Share of headlines about a stock (the rest are general news with an empty `code`).
    public var stockNewsShare: Double
    /// Share of stock headlines that should trade (the rest are corrections, cancellations, market colour).
    public var tradeableShare: Double
    /// Share of stock headlines carrying two or three packed codes.
    public var multiCodeShare: Double
    /// Share of frames carrying the live-only `categoryid` / `codeaccu` fields.
    public var extraFieldShare: Double
    /// Random seed: the same seed gives the same stream.
    public var seed: UInt64
    /// The stocks headlines are about.
    public var universe: [KRXListing]
    /// Stop after this many NWS frames (nil: never).
    public var frameLimit: Int?
    /// Frames re-sent to every new subscriber (0 on the real venue; tests use it to provoke duplicates).
    public var replayOnSubscribe: Int
    /// t3102 chunking.
    public var chunking: Chunking
    /// t3102 calls allowed per second per appkey (1 on the real venue).
    public var t3102CallsPerSecond: Int
    /// The `rsp_cd` of a refused subscription.
    public var refusalCode: String
    /// The `rsp_msg` of a refused subscription (the real text is unknown).
    public var refusalMessage: String
    /// Close every socket when tokens expire (off by default: the venue is assumed to keep streaming).
    public var closeSocketsOnExpiry: Bool
    /// Size of an `oversized` garbage frame.
    public var oversizedFrameBytes: Int
    /// Serve https/wss instead of http/ws.
    public var tls: TLS?
    /// The venue's wall clock: tokens expire at the next 07:00 KST by it (spec §2.3), and after that
    /// registrations and t3102 calls with them are refused with `IGW00121` (spec §8). Tests move it by hand.
    public var now: @Sendable () -> Date

    /// Creates a configuration.
    public init(
        host: String = "127.0.0.1", port: Int = 0, webSocketPort: Int = 0, framesPerSecond: Double = 5, stockNewsShare: Double = 0.6,
        tradeableShare: Double = 0.3, multiCodeShare: Double = 0.05, extraFieldShare: Double = 0.3, seed: UInt64 = 42,
        universe: [KRXListing] = KRXUniverse.listings, frameLimit: Int? = nil, replayOnSubscribe: Int = 0,
        chunking: Chunking = .cp949, t3102CallsPerSecond: Int = 1, refusalCode: String = "IGW00121",
        refusalMessage: String = "유효하지 않은 토큰입니다.", closeSocketsOnExpiry: Bool = false,
        oversizedFrameBytes: Int = 80 * 1024, tls: TLS? = nil
    ) {
        self.host = host
        self.port = port
        self.webSocketPort = webSocketPort
        self.framesPerSecond = framesPerSecond
        self.stockNewsShare = stockNewsShare
        self.tradeableShare = tradeableShare
        self.multiCodeShare = multiCodeShare
        self.extraFieldShare = extraFieldShare
        self.seed = seed
        self.universe = universe
        self.frameLimit = frameLimit
        self.replayOnSubscribe = replayOnSubscribe
        self.chunking = chunking
        self.t3102CallsPerSecond = t3102CallsPerSecond
        self.refusalCode = refusalCode
        self.refusalMessage = refusalMessage
        self.closeSocketsOnExpiry = closeSocketsOnExpiry
        self.oversizedFrameBytes = oversizedFrameBytes
        self.tls = tls
        self.now = { Date() }
    }
}

/// Kinds of malformed frame the simulator can inject; the names match the listener's rejection kinds.
public enum LSGarbageKind: String, Sendable, CaseIterable, Codable {
    /// Not JSON at all.
    case notJSON
    /// An NWS frame without `realkey`.
    case missingField
    /// An NWS frame whose `title` is an object.
    case wrongType
    /// An NWS frame whose title bytes are not UTF-8.
    case invalidUTF8
    /// An NWS frame with an impossible date.
    case badValue
    /// A frame larger than the client's limit.
    case oversized
}
