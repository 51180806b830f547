/// The parameters of `list.json` 공시검색 (guide apiId 2019001); nil means "not sent" (DART's default applies).
public struct DARTListQuery: Sendable, Hashable {
    /// `sort`: receipt date (default), company name, report name.
    public enum Sort: String, Sendable { case date, company = "crp", report = "rpt" }
    /// `sort_mth`.
    public enum SortOrder: String, Sendable { case ascending = "asc", descending = "desc" }
    /// `corp_cls`: 유가, 코스닥, 코넥스, 기타.
    public enum CorpClass: String, Sendable { case kospi = "Y", kosdaq = "K", konex = "N", other = "E" }

    /// `corp_code`, 8 digits. Without it DART limits the window to 3 months.
    public var corpCode: String?
    /// `bgn_de`, `YYYYMMDD`.
    public var beginDate: String?
    /// `end_de`, `YYYYMMDD`.
    public var endDate: String?
    /// `last_reprt_at`: true = final reports only (`Y`).
    public var lastReportOnly: Bool?
    /// `pblntf_ty`, one of `A`–`J`.
    public var disclosureType: String?
    /// `pblntf_detail_ty`, e.g. `B001`, `I001`.
    public var disclosureDetailType: String?
    /// `corp_cls`.
    public var corpClass: CorpClass?
    /// `sort`.
    public var sort: Sort?
    /// `sort_mth`; a library reported errors when sending it, so leave nil unless needed.
    public var sortOrder: SortOrder?
    /// `page_no`, from 1.
    public var pageNo: Int?
    /// `page_count`, 1...100 (clamped when sent).
    public var pageCount: Int?

    /// Creates a query.
    public init(
        corpCode: String? = nil, beginDate: String? = nil, endDate: String? = nil, lastReportOnly: Bool? = nil,
        disclosureType: String? = nil, disclosureDetailType: String? = nil, corpClass: CorpClass? = nil,
        sort: Sort? = nil, sortOrder: SortOrder? = nil, pageNo: Int? = nil, pageCount: Int? = nil
    ) {
        self.corpCode = corpCode
        self.beginDate = beginDate
        self.endDate = endDate
        self.lastReportOnly = lastReportOnly
        self.disclosureType = disclosureType
        self.disclosureDetailType = disclosureDetailType
        self.corpClass = corpClass
        self.sort = sort
        self.sortOrder = sortOrder
        self.pageNo = pageNo
        self.pageCount = pageCount
    }

    /// The query string pairs in the guide's order, without the key.
    public var parameters: [(String, String)] {
        var out: [(String, String)] = []
        if let corpCode { out.append(("corp_code", corpCode)) }
        if let beginDate { out.append(("bgn_de", beginDate)) }
        if let endDate { out.append(("end_de", endDate)) }
        if let lastReportOnly { out.append(("last_reprt_at", lastReportOnly ? "Y" : "N")) }
        if let disclosureType { out.append(("pblntf_ty", disclosureType.uppercased())) }
        if let disclosureDetailType { out.append(("pblntf_detail_ty", disclosureDetailType.uppercased())) }
        if let corpClass { out.append(("corp_cls", corpClass.rawValue)) }
        if let sort { out.append(("sort", sort.rawValue)) }
        if let sortOrder { out.append(("sort_mth", sortOrder.rawValue)) }
        if let pageNo { out.append(("page_no", String(max(1, pageNo)))) }
        if let pageCount { out.append(("page_count", String(min(max(pageCount, 1), 100)))) }
        return out
    }
}
