/// A listed company of the simulated universe as DART knows it.
public struct DARTSimulatedCompany: Sendable, Hashable {
    /// `corp_code`.
    public let corpCode: String
    /// `corp_name` (the 종목명 for listed companies).
    public let name: String
    /// `corp_eng_name`.
    public let englishName: String
    /// `stock_code`.
    public let stockCode: String
    /// `corp_cls`: `Y` KOSPI, `K` KOSDAQ.
    public let corpClass: String
}

/// About 30 real listed companies with their DART corp codes, names and stock codes.
///
/// Kept here rather than in a shared universe file so the DART simulator stands alone. The corp codes were taken
/// from public DART usage (삼성전자 00126380, SK하이닉스 00164779, …); they serve a simulator, so a code that
/// DART has since changed costs nothing but realism. Verify against a live CORPCODE.xml before reusing them.
public enum DARTCompanies {
    /// The listed companies.
    public static let listed: [DARTSimulatedCompany] = [
        .init(corpCode: "00126380", name: "삼성전자", englishName: "SAMSUNG ELECTRONICS CO,.LTD", stockCode: "005930", corpClass: "Y"),
        .init(corpCode: "00164779", name: "SK하이닉스", englishName: "SK hynix Inc.", stockCode: "000660", corpClass: "Y"),
        .init(corpCode: "01515323", name: "LG에너지솔루션", englishName: "LG Energy Solution, Ltd.", stockCode: "373220", corpClass: "Y"),
        .init(corpCode: "00877059", name: "삼성바이오로직스", englishName: "SAMSUNG BIOLOGICS CO.,LTD.", stockCode: "207940", corpClass: "Y"),
        .init(corpCode: "00164742", name: "현대자동차", englishName: "Hyundai Motor Company", stockCode: "005380", corpClass: "Y"),
        .init(corpCode: "00106641", name: "기아", englishName: "KIA CORPORATION", stockCode: "000270", corpClass: "Y"),
        .init(corpCode: "00413046", name: "셀트리온", englishName: "CELLTRION, INC.", stockCode: "068270", corpClass: "Y"),
        .init(corpCode: "00266961", name: "NAVER", englishName: "NAVER Corporation", stockCode: "035420", corpClass: "Y"),
        .init(corpCode: "00258801", name: "카카오", englishName: "Kakao Corp.", stockCode: "035720", corpClass: "Y"),
        .init(corpCode: "00356361", name: "LG화학", englishName: "LG CHEM, LTD.", stockCode: "051910", corpClass: "Y"),
        .init(corpCode: "00126362", name: "삼성SDI", englishName: "SAMSUNG SDI CO.,LTD.", stockCode: "006400", corpClass: "Y"),
        .init(corpCode: "00155319", name: "POSCO홀딩스", englishName: "POSCO Holdings Inc.", stockCode: "005490", corpClass: "Y"),
        .init(corpCode: "00688996", name: "KB금융", englishName: "KB Financial Group Inc.", stockCode: "105560", corpClass: "Y"),
        .init(corpCode: "00382199", name: "신한지주", englishName: "Shinhan Financial Group Co., Ltd.", stockCode: "055550", corpClass: "Y"),
        .init(corpCode: "00164788", name: "현대모비스", englishName: "HYUNDAI MOBIS", stockCode: "012330", corpClass: "Y"),
        .init(corpCode: "00401731", name: "LG전자", englishName: "LG ELECTRONICS INC.", stockCode: "066570", corpClass: "Y"),
        .init(corpCode: "00126371", name: "삼성물산", englishName: "SAMSUNG C&T CORPORATION", stockCode: "028260", corpClass: "Y"),
        .init(corpCode: "00159023", name: "HD현대중공업", englishName: "HD HYUNDAI HEAVY INDUSTRIES CO.,LTD.", stockCode: "329180", corpClass: "Y"),
        .init(corpCode: "00126566", name: "한화에어로스페이스", englishName: "Hanwha Aerospace Co., Ltd.", stockCode: "012450", corpClass: "Y"),
        .init(corpCode: "00159616", name: "두산에너빌리티", englishName: "DOOSAN ENERBILITY CO., LTD.", stockCode: "034020", corpClass: "Y"),
        .init(corpCode: "00104856", name: "삼성생명", englishName: "Samsung Life Insurance Co., Ltd.", stockCode: "032830", corpClass: "Y"),
        .init(corpCode: "00631518", name: "SK텔레콤", englishName: "SK Telecom Co., Ltd.", stockCode: "017670", corpClass: "Y"),
        .init(corpCode: "00190321", name: "KT", englishName: "KT Corporation", stockCode: "030200", corpClass: "Y"),
        .init(corpCode: "00164645", name: "HMM", englishName: "HMM Co.,Ltd.", stockCode: "011200", corpClass: "Y"),
        .init(corpCode: "00125965", name: "대상", englishName: "DAESANG CORPORATION", stockCode: "001680", corpClass: "Y"),
        .init(corpCode: "01160363", name: "에코프로비엠", englishName: "ECOPRO BM CO., LTD.", stockCode: "247540", corpClass: "K"),
        .init(corpCode: "00536541", name: "에코프로", englishName: "ECOPRO CO., LTD.", stockCode: "086520", corpClass: "K"),
        .init(corpCode: "01204056", name: "알테오젠", englishName: "Alteogen Inc.", stockCode: "196170", corpClass: "K"),
        .init(corpCode: "01308723", name: "레인보우로보틱스", englishName: "Rainbow Robotics", stockCode: "277810", corpClass: "K"),
        .init(corpCode: "00921693", name: "HLB", englishName: "HLB Co., Ltd.", stockCode: "028300", corpClass: "K"),
        .init(corpCode: "01343665", name: "RF머트리얼즈", englishName: "RF Materials Co., Ltd.", stockCode: "327260", corpClass: "K"),
    ]

    /// The real unlisted row quoted in the spec (single-space `stock_code`).
    public static let daco = (corpCode: "00434003", name: "다코", modifyDate: "20170630")
}
