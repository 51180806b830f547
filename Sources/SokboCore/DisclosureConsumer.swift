/// Where the DART poller hands each new disclosure: the engine and the buffer, neither of which it waits on long.
public protocol DisclosureConsumer: Sendable {
    /// Takes one new disclosure (already deduplicated by `rcept_no`, report name normalised).
    func consume(_ d: DisclosureRecord) async
}

extension DisclosureRecord {
    /// The canonical middle dot DART itself writes (U+318D HANGUL LETTER ARAEA).
    public static let middleDot: Character = "\u{318D}"

    /// A `report_nm` as stored: trimmed (DART pads some names with trailing spaces) and with every middle-dot
    /// look-alike (`·` U+00B7, `・` U+30FB, `‧` U+2027, `･` U+FF65, `•` U+2022) replaced by DART's own `ㆍ`.
    public static func normalizedReportName(_ raw: String) -> String {
        var out = ""
        out.unicodeScalars.reserveCapacity(raw.unicodeScalars.count)
        for scalar in raw.unicodeScalars {
            switch scalar.value {
            case 0x00B7, 0x30FB, 0x2027, 0xFF65, 0x2022: out.unicodeScalars.append("\u{318D}")
            case 0x00A0, 0x3000: out.unicodeScalars.append(" ")
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out.trimmingSpaces()
    }

    /// A report name reduced for matching: normalised, then without spaces and middle dots, so
    /// `주요사항보고서 (자기주식취득결정)` and `단일판매·공급계약체결` match the forms DART writes.
    public static func reportMatchKey(_ raw: String) -> String {
        var out = ""
        for scalar in normalizedReportName(raw).unicodeScalars where scalar != " " && scalar != "\u{318D}" {
            out.unicodeScalars.append(scalar)
        }
        return out
    }

    /// The leading correction tag (`[기재정정]`, `[첨부추가]`, …) when the report name has one; corrections are
    /// rarely new news, so rules usually skip them.
    public var correctionTag: String? {
        guard reportName.hasPrefix("["), let close = reportName.firstIndex(of: "]") else { return nil }
        return String(reportName[...close])
    }

    /// Whether the report name contains `pattern`, both compared by `reportMatchKey` (spaces and dots ignored).
    public func reportName(contains pattern: String) -> Bool {
        let needle = Self.reportMatchKey(pattern)
        return !needle.isEmpty && Self.reportMatchKey(reportName).contains(needle)
    }
}
