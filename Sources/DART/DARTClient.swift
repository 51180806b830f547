import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import SokboCore

/// The raw Open DART client: one method per endpoint, DART's status codes turned into `DARTError`.
/// Every request is charged to the shared `DARTRequestBudget` before it leaves, so nothing exceeds the key's day.
public struct DARTClient: Sendable {
    /// The configuration (holds the key; never logged).
    public let configuration: DARTConfiguration
    /// The shared daily budget.
    public let budget: DARTRequestBudget
    private let http: HTTPClient
    private let clock: DARTClock
    private let logger: Logger

    /// Creates a client. `httpClient` defaults to the process-wide shared client (no shutdown to manage).
    public init(configuration: DARTConfiguration, budget: DARTRequestBudget, httpClient: HTTPClient = .shared,
                clock: DARTClock = .system, logger: Logger = Logger(label: "sokbo.dart")) {
        self.configuration = configuration
        self.budget = budget
        self.http = httpClient
        self.clock = clock
        self.logger = logger
    }

    // MARK: - list.json

    /// One `list.json` page. `013` is an empty page, not an error.
    public func list(_ query: DARTListQuery) async throws(DARTError) -> DARTListPage {
        let body = try await get("list.json", query.parameters, limit: 8 << 20)
        let decoded: DARTListBody
        do {
            decoded = try JSONDecoder().decode(DARTListBody.self, from: body)
        } catch {
            throw DARTError.malformed("list.json: \(Self.snippet(body))")
        }
        let status = DARTStatusCode(code: decoded.status)
        switch status {
        case .ok:
            let rows = decoded.list ?? []
            return DARTListPage(
                pageNo: decoded.pageNo?.value ?? query.pageNo ?? 1, pageCount: decoded.pageCount?.value ?? rows.count,
                totalCount: decoded.totalCount?.value ?? rows.count, totalPage: decoded.totalPage?.value ?? 1, rows: rows)
        case .noData:
            return .empty(pageNo: query.pageNo ?? 1)
        default:
            throw await fail(status, decoded.message ?? "")
        }
    }

    /// Every page of a query (`page_count` 100 unless set), up to `maxPages`, stopping at `total_page` or an empty page.
    public func listAll(_ query: DARTListQuery, maxPages: Int = 100) async throws(DARTError) -> [DARTListRow] {
        var q = query
        q.pageCount = q.pageCount ?? 100
        var rows: [DARTListRow] = []
        var page = max(1, q.pageNo ?? 1)
        var fetched = 0
        while fetched < maxPages {
            q.pageNo = page
            let result = try await list(q)
            fetched += 1
            rows += result.rows
            if result.rows.isEmpty || page >= result.totalPage { break }
            page += 1
        }
        return rows
    }

    // MARK: - corpCode.xml and company.json

    /// Downloads the corpCode ZIP (checked to be a ZIP; an XML `<result>` envelope becomes its `DARTError`).
    public func corpCodeZIP() async throws(DARTError) -> Data {
        let body = try await get("corpCode.xml", [], limit: 256 << 20)
        if CorpCodeArchive.isZIP(body) { return body }
        if let (code, message) = Self.xmlEnvelope(body) {
            throw await fail(DARTStatusCode(code: code), message)
        }
        throw DARTError.malformed("corpCode.xml: neither a ZIP nor a status envelope: \(Self.snippet(body))")
    }

    /// Downloads and parses the corp-code map.
    public func corpCodeMap() async throws(DARTError) -> CorpCodeMap {
        try CorpCodeArchive.map(fromZIP: try await corpCodeZIP())
    }

    /// `company.json` 기업개황 for one corp code.
    public func company(corpCode: String) async throws(DARTError) -> DARTCompany {
        let body = try await get("company.json", [("corp_code", corpCode)], limit: 1 << 20)
        guard let envelope = try? JSONDecoder().decode(DARTEnvelope.self, from: body) else {
            throw DARTError.malformed("company.json: \(Self.snippet(body))")
        }
        let status = DARTStatusCode(code: envelope.status)
        guard status == .ok else { throw await fail(status, envelope.message ?? "") }
        do {
            return try JSONDecoder().decode(DARTCompany.self, from: body)
        } catch {
            throw DARTError.malformed("company.json: \(Self.snippet(body))")
        }
    }

    // MARK: - Transport

    private func fail(_ status: DARTStatusCode, _ message: String) async -> DARTError {
        if status == .limitExceeded { await budget.markExhausted(at: clock.now()) }
        let error = DARTError.from(status: status, message: message)
        logger.warning("DART status", metadata: ["status": "\(status.code)", "message": "\(message)"])
        return error
    }

    private func get(_ endpoint: String, _ parameters: [(String, String)], limit: Int) async throws(DARTError) -> Data {
        guard !configuration.apiKey.isEmpty else {
            throw DARTError.keyProblem(status: .invalidField, message: "no API key configured")
        }
        try await budget.take(at: clock.now())
        var request = HTTPClientRequest(url: url(endpoint, parameters))
        request.method = .GET
        request.headers.add(name: "User-Agent", value: configuration.userAgent)
        request.headers.add(name: "Accept", value: "application/json, application/xml, application/zip, */*")
        let timeout = TimeAmount.nanoseconds(configuration.requestTimeout.nanoseconds)
        do {
            let response = try await http.execute(request, timeout: timeout)
            guard response.status == .ok else {
                _ = try? await response.body.collect(upTo: 1 << 16)
                throw DARTError.http(status: Int(response.status.code))
            }
            let buffer = try await response.body.collect(upTo: limit)
            return Data(buffer.readableBytesView)
        } catch let error as DARTError {
            throw error
        } catch {
            throw DARTError.transport(redact("\(error)"))
        }
    }

    private func url(_ endpoint: String, _ parameters: [(String, String)]) -> String {
        var allowed = CharacterSet.urlQueryAllowed
        allowed.remove(charactersIn: "&=+?#")
        let pairs = [("crtfc_key", configuration.apiKey)] + parameters
        let query = pairs.map { key, value in
            "\(key)=\(value.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")"
        }.joined(separator: "&")
        return configuration.baseURL + endpoint + "?" + query
    }

    private func redact(_ text: String) -> String {
        configuration.apiKey.isEmpty ? text : text.replacingOccurrences(of: configuration.apiKey, with: "<redacted>")
    }

    static func snippet(_ data: Data) -> String {
        String(decoding: data.prefix(120), as: UTF8.self)
    }

    /// `<result><status>…</status><message>…</message></result>`, the error body of the ZIP endpoints.
    static func xmlEnvelope(_ data: Data) -> (String, String)? {
        let text = String(decoding: data.prefix(4096), as: UTF8.self)
        func element(_ name: String) -> String? {
            guard let open = text.range(of: "<\(name)>"), let close = text.range(of: "</\(name)>", range: open.upperBound..<text.endIndex)
            else { return nil }
            return String(text[open.upperBound..<close.lowerBound])
        }
        guard let status = element("status") else { return nil }
        return (status.trimmingCharacters(in: .whitespaces), element("message") ?? "")
    }
}
