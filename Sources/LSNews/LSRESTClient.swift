import AsyncHTTPClient
import Foundation
import NIOCore
import NIOSSL
import SokboCore

/// The raw LS REST client: token issue and t3102, in the venue's wire format (spec §2, §3, §4).
public final class LSRESTClient: Sendable {
    private let http: HTTPClient
    private let configuration: LSConfiguration

    /// Creates a client with its own connection pool; call `shutdown()` when done.
    public init(configuration: LSConfiguration) throws {
        self.configuration = configuration
        var httpConfiguration = HTTPClient.Configuration(
            tlsConfiguration: try Self.tlsConfiguration(configuration),
            timeout: .init(connect: .seconds(5), read: TimeAmount(configuration.requestTimeout)))
        httpConfiguration.httpVersion = .http1Only
        self.http = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: httpConfiguration)
    }

    /// The TLS settings for https and wss: the system roots plus any configured CA.
    static func tlsConfiguration(_ configuration: LSConfiguration) throws -> TLSConfiguration {
        var tls = TLSConfiguration.makeClientConfiguration()
        if let pem = configuration.trustedCAPEM {
            let certificates = try NIOSSLCertificate.fromPEMBytes(Array(pem.utf8))
            tls.additionalTrustRoots = [.certificates(certificates)]
        }
        return tls
    }

    /// Closes the connection pool.
    public func shutdown() async throws {
        try await http.shutdown()
    }

    /// `POST /oauth2/token` with a form body; the expiry comes from the JWT `exp` (spec §2.3).
    public func issueToken(now: Date = Date()) async throws -> LSToken {
        var request = HTTPClientRequest(url: try await configuration.endpoints().baseURL + "/oauth2/token")
        request.method = .POST
        request.headers.add(name: "content-type", value: "application/x-www-form-urlencoded")
        let form = "grant_type=client_credentials&appkey=\(Self.formEncode(configuration.appKey))"
            + "&appsecretkey=\(Self.formEncode(configuration.appSecret))&scope=oob"
        request.body = .bytes(ByteBuffer(string: form))
        let (status, bytes) = try await send(request)
        guard let object = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any] else {
            throw status == 200 ? LSError.malformedReply("token reply is not a JSON object") : LSError.httpStatus(status)
        }
        if let code = Self.string(object["rsp_cd"]), code.hasPrefix("IGW") {
            throw code == "IGW00121" ? LSError.invalidToken
                : LSError.gateway(code: code, message: Self.string(object["rsp_msg"]) ?? "")
        }
        guard status == 200, let token = object["access_token"] as? String, !token.isEmpty else {
            throw status == 200 ? LSError.malformedReply("no access_token") : LSError.httpStatus(status)
        }
        // `expire_in` is the GUIDE table's spelling; `expires_in` the example's (spec §8): accept both.
        let expiresIn = Self.string(object["expires_in"] ?? object["expire_in"]).flatMap { Int($0) }
        return LSToken(value: token, expiresAt: LSToken.expiry(token: token, expiresIn: expiresIn, now: now))
    }

    /// `POST /stock/investinfo` `t3102` for one news id.
    public func newsBody(id: String, token: LSToken) async throws -> NewsBody {
        var request = HTTPClientRequest(url: try await configuration.endpoints().baseURL + "/stock/investinfo")
        request.method = .POST
        request.headers.add(name: "content-type", value: "application/json; charset=utf-8")
        request.headers.add(name: "authorization", value: "Bearer \(token.value)")
        request.headers.add(name: "tr_cd", value: "t3102")
        request.headers.add(name: "tr_cont", value: "N")
        request.headers.add(name: "tr_cont_key", value: "")
        let body = try JSONSerialization.data(withJSONObject: ["t3102InBlock": ["sNewsno": id]], options: [.sortedKeys])
        request.body = .bytes(ByteBuffer(bytes: body))
        let (status, bytes) = try await send(request)
        // Classify by rsp_cd on any status: IGW replies come with HTTP 500 (spec §8).
        guard !bytes.isEmpty else { throw status == 200 ? LSError.malformedReply("empty t3102 reply") : LSError.httpStatus(status) }
        do {
            return try T3102Reply.parse(bytes, id: id)
        } catch let error as NewsBodyError where status != 200 {
            if case .notFound = error { throw error }
            throw LSError.httpStatus(status)
        }
    }

    private func send(_ request: HTTPClientRequest) async throws -> (Int, [UInt8]) {
        do {
            let response = try await http.execute(request, timeout: TimeAmount(configuration.requestTimeout))
            let buffer = try await response.body.collect(upTo: 4 << 20)
            return (Int(response.status.code), Array(buffer.readableBytesView))
        } catch let error as LSError {
            throw error
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            throw LSError.transport(String(describing: type(of: error)) + ": " + Self.shortDescription(error))
        }
    }

    private static func shortDescription(_ error: any Error) -> String {
        String(String(describing: error).prefix(200))
    }

    private static func string(_ value: Any?) -> String? {
        switch value {
        case let s as String: s
        case let n as NSNumber: n.stringValue
        default: nil
        }
    }

    /// `application/x-www-form-urlencoded` escaping.
    static func formEncode(_ value: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._*")
        return (value.addingPercentEncoding(withAllowedCharacters: allowed) ?? "").replacingOccurrences(of: "%20", with: "+")
    }
}
