import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import SokboCore
import Synchronization

/// A local Open DART on loopback speaking the real wire format: `list.json`, `corpCode.xml` (a real ZIP) and
/// `company.json`, every error as HTTP 200 with the real status codes, a per-key daily limit (`020`) that
/// resets at 00:00 KST, and a call counter. Test hooks force statuses, make it stop answering, and add filings.
///
/// To line disclosures up with the simulated news, the news simulator (or the lead) calls
/// `file(stockCode:reportName:)` when it emits a headline about a company.
public final class DARTSimulator: Service, Sendable {
    /// The key the simulator accepts by default; equals `DARTConfiguration.simulatorAPIKey`.
    public static let defaultAPIKey = "SOKBOSIMULATOR0000000000000000000000DART"

    /// How the simulator behaves.
    public struct Options: Sendable {
        /// Bind host (loopback).
        public var host: String = "127.0.0.1"
        /// Bind port; 0 picks a free one.
        public var port: Int = 0
        /// Valid `crtfc_key`s.
        public var apiKeys: Set<String> = [DARTSimulator.defaultAPIKey]
        /// Keys of corporate members: their `list.json` and `company.json` calls are not counted against the limit.
        public var corporateKeys: Set<String> = []
        /// Requests per key per KST day before `020`.
        public var dailyLimit: Int = 20_000
        /// Unlisted companies in CORPCODE.xml besides the listed universe (up to 100,000).
        public var unlistedCompanies: Int = 2_000
        /// Generated filings per weekday (0 = only those added through the hooks), 07:30–19:00 KST (dart.md §3.4).
        public var filingsPerDay: Int = 500
        /// Weekend filings as a share of `filingsPerDay` (FSS-filed only, 09:00–18:00 KST): 0.02 is ten on a
        /// 500-filing week; dart.md has no weekend figure, and its ten-day sample leaves little for weekends.
        public var weekendShare: Double = 0.02
        /// Seed of the generated days.
        public var seed: UInt64 = 0x5D_A47
        /// The simulator's clock (visibility of filings, the daily limit's day).
        public var now: @Sendable () -> Date = { Date() }
        /// How long a request hangs while `unreachable` is on.
        public var unreachableHang: Duration = .seconds(30)

        /// Default options.
        public init() {}
    }

    private let options: Options
    private let logger: Logger
    private let state: Mutex<DARTSimulatorState>
    private let listening = SetOnce<Int>()

    /// Creates a simulator.
    public init(options: Options = Options(), logger: Logger = Logger(label: "sokbo.simulator.dart")) {
        var options = options
        options.unlistedCompanies = min(max(0, options.unlistedCompanies), 100_000)
        self.options = options
        self.logger = logger
        self.state = Mutex(DARTSimulatorState(unlistedCompanies: options.unlistedCompanies))
    }

    // MARK: - Service

    /// Serves until cancelled or gracefully shut down.
    public func run() async throws {
        let router = Router()
        router.get("api/list.json") { request, _ in await self.handle(request, endpoint: "list.json") }
        router.get("api/corpCode.xml") { request, _ in await self.handle(request, endpoint: "corpCode.xml") }
        router.get("api/company.json") { request, _ in await self.handle(request, endpoint: "company.json") }
        let app = Application(
            router: router,
            configuration: .init(address: .hostname(options.host, port: options.port), serverName: "dart-simulator"),
            onServerRunning: { channel in self.didListen(port: channel.localAddress?.port) },
            logger: logger)
        do {
            try await app.run()
        } catch {
            failListening("\(error)")
            throw error
        }
        failListening("the DART simulator stopped")
    }

    /// Waits until the server listens; returns the port.
    public func waitUntilListening() async throws -> Int {
        try await listening.wait()
    }

    // MARK: - Test hooks

    /// Answers every request with this status (`020`, `010`, `011`, `800`, …) until set to nil.
    public func forceStatus(_ code: String?) { state.withLock { $0.forcedStatus = code } }

    /// Forces `020` on or off.
    public func forceLimitExceeded(_ on: Bool) { forceStatus(on ? "020" : nil) }

    /// While on, requests hang without an answer (the client's timeout decides), like an unreachable host.
    public func setUnreachable(_ on: Bool) { state.withLock { $0.unreachable = on } }

    /// The filings `list.json` shows for a KST day at the simulator's now (generated and added), oldest first.
    public func listedFilings(on day: String) -> [DARTSimulatedFiling] {
        let now = options.now()
        return state.withLock { $0.filings(on: day, generator: generate) }.filter { $0.visibleAt <= now }
            .sorted { ($0.visibleAt, $0.receiptNo) < ($1.visibleAt, $1.receiptNo) }
    }

    /// Every request received so far, any endpoint, any outcome.
    public var callCount: Int { state.withLock { $0.totalCalls } }

    /// Requests received by one endpoint (`list.json`, `corpCode.xml`, `company.json`).
    public func callCount(endpoint: String) -> Int { state.withLock { $0.callsByEndpoint[endpoint, default: 0] } }

    /// Sets the call counters back to zero.
    public func resetCallCounts() {
        state.withLock {
            $0.totalCalls = 0
            $0.callsByEndpoint.removeAll()
        }
    }

    /// Changes how many unlisted companies the next corpCode.xml holds.
    public func setUnlistedCompanies(_ count: Int) {
        state.withLock {
            $0.unlistedCompanies = min(max(0, count), 100_000)
            $0.corpCodeZIP = nil
        }
    }

    /// Adds a filing, visible from `at`; its receipt number is assigned on its day and channel and returned.
    @discardableResult
    public func addDisclosure(_ filing: DARTSimulatedFiling, channel: String = "80") -> String {
        state.withLock { $0.add(filing, channel: channel, generator: generate) }
    }

    /// Files an exchange disclosure for a listed company of the universe (nil for an unknown stock code):
    /// channel `80`/`90` and `rm` `유`/`코` by market, visible from `at`.
    @discardableResult
    public func file(stockCode: String, reportName: String, at: Date? = nil) -> String? {
        guard let company = DARTCompanies.listed.first(where: { $0.stockCode == stockCode }) else { return nil }
        let when = at ?? options.now()
        let kospi = company.corpClass == "Y"
        let filing = DARTSimulatedFiling(
            corpCode: company.corpCode, corpName: company.name, stockCode: company.stockCode, corpClass: company.corpClass,
            reportName: reportName, receiptNo: "", filer: company.name, receiptDate: KST.dayString(when),
            remark: kospi ? "유" : "코", disclosureType: "I", detailType: "I001", visibleAt: when)
        return addDisclosure(filing, channel: kospi ? "80" : "90")
    }

    // MARK: - Requests

    private func handle(_ request: Request, endpoint: String) async -> Response {
        let parameters = request.uri.queryParameters
        let key = parameters["crtfc_key"].map(String.init) ?? ""
        let now = options.now()
        let (forced, unreachable) = state.withLock { state -> (String?, Bool) in
            state.totalCalls += 1
            state.callsByEndpoint[endpoint, default: 0] += 1
            return (state.forcedStatus, state.unreachable)
        }
        if unreachable { return await hang() }
        let zipEndpoint = endpoint == "corpCode.xml"
        if key.isEmpty {
            if (request.headers[.userAgent] ?? "").lowercased().hasPrefix("curl/") {
                return Response(status: .found, headers: [.location: "/error1.html"])
            }
            return Self.error("100", "인증키가 누락되었습니다.", xml: zipEndpoint)
        }
        if let forced { return Self.error(forced, Self.message(for: forced), xml: zipEndpoint) }
        guard options.apiKeys.contains(key) else { return Self.error("010", "등록되지 않은 인증키입니다.", xml: zipEndpoint) }
        let uncounted = options.corporateKeys.contains(key) && !zipEndpoint
        if !uncounted {
            let allowed = state.withLock { $0.chargeKey(key, day: KST.dayString(now), limit: options.dailyLimit) }
            guard allowed else { return Self.error("020", Self.message(for: "020"), xml: zipEndpoint) }
        }
        switch endpoint {
        case "list.json": return list(parameters, now: now)
        case "corpCode.xml": return corpCode()
        default: return company(parameters)
        }
    }

    private func list(_ p: Parameters, now: Date) -> Response {
        let today = KST.dayString(now)
        let end = p["end_de"].map(String.init) ?? today
        let begin = p["bgn_de"].map(String.init) ?? end
        guard let beginDate = KST.date(yyyymmdd: begin, hhmmss: "000000"), let endDate = KST.date(yyyymmdd: end, hhmmss: "000000"), beginDate <= endDate else {
            return Self.error("100", "bgn_de 또는 end_de가 필드의 부적절한 값입니다.", xml: false)
        }
        let corpCode = p["corp_code"].map(String.init)
        if corpCode == nil, let limit = KST.calendar.date(byAdding: .month, value: 3, to: beginDate), endDate > limit {
            return Self.error("100", "corp_code가 없는 경우 검색기간은 3개월만 가능합니다.", xml: false)
        }
        let pageNo = p["page_no"].map { Int($0) } ?? 1
        let pageCount = p["page_count"].map { Int($0) } ?? 10
        guard let pageNo, pageNo >= 1 else { return Self.error("100", "page_no가 필드의 부적절한 값입니다.", xml: false) }
        guard let pageCount, (1...100).contains(pageCount) else {
            return Self.error("100", "page_count가 필드의 부적절한 값입니다.", xml: false)
        }
        var rows: [DARTSimulatedFiling] = []
        var day = beginDate
        state.withLock { state in
            while day <= endDate {
                rows += state.filings(on: KST.dayString(day), generator: generate).filter { $0.visibleAt <= now }
                day = day.addingTimeInterval(86_400)
            }
        }
        if let corpCode { rows = rows.filter { $0.corpCode == corpCode || $0.stockCode == corpCode } }
        if let cls = p["corp_cls"].map(String.init) { rows = rows.filter { $0.corpClass == cls } }
        if let type = p["pblntf_ty"].map({ $0.uppercased() }) { rows = rows.filter { $0.disclosureType == type } }
        if let detail = p["pblntf_detail_ty"].map({ $0.uppercased() }) { rows = rows.filter { $0.detailType == detail } }
        if p["last_reprt_at"] == "Y" { rows = rows.filter { !$0.remark.contains("정") } }
        rows = Self.sorted(rows, by: p["sort"].map(String.init) ?? "date", ascending: p["sort_mth"] == "asc")
        let totalPage = (rows.count + pageCount - 1) / pageCount
        guard !rows.isEmpty, pageNo <= totalPage else { return Self.noData }
        let slice = rows[((pageNo - 1) * pageCount)..<min(rows.count, pageNo * pageCount)]
        let body = "{\"status\":\"000\",\"message\":\"정상\",\"page_no\":\(pageNo),\"page_count\":\(pageCount),"
            + "\"total_count\":\(rows.count),\"total_page\":\(totalPage),\"list\":[" + slice.map(\.json).joined(separator: ",") + "]}"
        return Self.json(body)
    }

    /// Newest first by default, with an occasional neighbour swapped: DART's order within a day is not strict.
    private static func sorted(_ rows: [DARTSimulatedFiling], by sort: String, ascending: Bool) -> [DARTSimulatedFiling] {
        var out: [DARTSimulatedFiling]
        switch sort {
        case "crp": out = rows.sorted { ($0.corpName, $0.receiptNo) > ($1.corpName, $1.receiptNo) }
        case "rpt": out = rows.sorted { ($0.reportName, $0.receiptNo) > ($1.reportName, $1.receiptNo) }
        default:
            out = rows.sorted { ($0.receiptDate, $0.visibleAt, $0.receiptNo) > ($1.receiptDate, $1.visibleAt, $1.receiptNo) }
            var i = 17
            while i + 1 < out.count {
                out.swapAt(i, i + 1)
                i += 29
            }
        }
        return ascending ? out.reversed() : out
    }

    private func corpCode() -> Response {
        let cached = state.withLock { $0.corpCodeZIP }
        let zip: Data
        if let cached {
            zip = cached
        } else {
            let count = state.withLock { $0.unlistedCompanies }
            guard let built = try? DARTSimulatorCorpCode.zip(listed: DARTCompanies.listed, unlistedCount: count) else {
                return Self.error("900", "정의되지 않은 오류가 발생하였습니다.", xml: true)
            }
            state.withLock { $0.corpCodeZIP = built }
            zip = built
        }
        return Response(
            status: .ok,
            headers: [.contentType: "application/x-msdownload", .contentDisposition: "attachment; filename=CORPCODE.zip"],
            body: .init(byteBuffer: ByteBuffer(bytes: zip)))
    }

    private func company(_ p: Parameters) -> Response {
        guard let code = p["corp_code"].map(String.init), !code.isEmpty else {
            return Self.error("100", "corp_code가 필드의 부적절한 값입니다.", xml: false)
        }
        guard let c = DARTCompanies.listed.first(where: { $0.corpCode == code }) else { return Self.noData }
        let q = JSONString.quoted
        let body = "{\"status\":\"000\",\"message\":\"정상\",\"corp_code\":\(q(c.corpCode)),\"corp_name\":\(q(c.name)),"
            + "\"corp_name_eng\":\(q(c.englishName)),\"stock_name\":\(q(c.name)),\"stock_code\":\(q(c.stockCode)),"
            + "\"ceo_nm\":\"홍길동\",\"corp_cls\":\(q(c.corpClass)),\"jurir_no\":\"1101110000000\",\"bizr_no\":\"1000000000\","
            + "\"adres\":\"서울특별시 중구  세종대로 1\",\"hm_url\":\"www.example.co.kr\",\"ir_url\":\"\",\"phn_no\":\"02-000-0000\","
            + "\"fax_no\":\"02-000-0001\",\"induty_code\":\"264\",\"est_dt\":\"19690113\",\"acc_mt\":\"12\"}"
        return Self.json(body)
    }

    private func hang() async -> Response {
        let deadline = ContinuousClock.now + options.unreachableHang
        while ContinuousClock.now < deadline, state.withLock({ $0.unreachable }) {
            do { try await Task.sleep(for: .milliseconds(50)) } catch { break }
        }
        return Response(status: .serviceUnavailable)
    }

    private func generate(_ day: String) -> [DARTSimulatedFiling] {
        let unlisted = DARTSimulatorCorpCode.unlisted(count: min(options.unlistedCompanies, 500))
        let weekday = KST.date(yyyymmdd: day, hhmmss: "000000").map(DARTDayGenerator.isWeekday) ?? true
        let count = weekday ? options.filingsPerDay : Int((Double(options.filingsPerDay) * min(max(options.weekendShare, 0), 1)).rounded())
        return DARTDayGenerator(day: day, count: count, seed: options.seed)
            .filings(listed: DARTCompanies.listed, unlisted: unlisted)
    }

    // MARK: - Wire

    /// The byte-exact 65-byte `013` body.
    static let noDataBody = "{\"status\":\"013\",\"message\":\"조회된 데이타가 없습니다.\"}"

    private static var noData: Response { json(noDataBody) }

    private static func json(_ body: String) -> Response {
        Response(status: .ok, headers: [.contentType: "application/json;charset=UTF-8"],
                 body: .init(byteBuffer: ByteBuffer(string: body)))
    }

    /// HTTP 200 with the status in the body: compact JSON, or the XML `<result>` envelope for ZIP endpoints.
    private static func error(_ code: String, _ message: String, xml: Bool) -> Response {
        if code == "013", !xml { return noData }
        guard xml else {
            return json("{\"status\":\(JSONString.quoted(code)),\"message\":\(JSONString.quoted(message))}")
        }
        let body = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?><result><status>\(code)</status><message>\(message)</message></result>"
        return Response(status: .ok, headers: [.contentType: "application/xml;charset=UTF-8"],
                        body: .init(byteBuffer: ByteBuffer(string: body)))
    }

    private static func message(for code: String) -> String {
        switch code {
        case "010": "등록되지 않은 인증키입니다."
        case "011": "사용할 수 없는 인증키입니다."
        case "012": "접근할 수 없는 IP입니다."
        case "013": "조회된 데이타가 없습니다."
        case "014": "파일이 존재하지 않습니다."
        case "020": "사용한도를 초과하였습니다."
        case "800": "시스템 점검으로 인한 서비스가 중지 중입니다."
        case "901": "사용자 계정의 개인정보 보유기간이 만료되어 사용할 수 없는 키입니다."
        default: "정의되지 않은 오류가 발생하였습니다."
        }
    }

    private func didListen(port: Int?) {
        if let port { listening.set(port) } else { listening.fail(DARTSimulatorError("no local port")) }
    }

    /// Fails the waits for the port, unless the server listened already.
    private func failListening(_ reason: String) {
        listening.fail(DARTSimulatorError(reason))
    }
}

/// Why the DART simulator could not serve.
public struct DARTSimulatorError: Error, CustomStringConvertible {
    /// What happened.
    public let description: String
    init(_ description: String) { self.description = description }
}
