import Foundation

/// Normalises headlines and keywords the same way so matching ignores presentation:
/// (NFKC maps ㆍ U+318D to the jungseong U+119E, so both are dropped.)
/// full-width forms (ＡＢＣ, （주）) become ASCII (NFKC), middle dots (ㆍ U+318D, · U+00B7, • U+2022,
/// ‧ U+2027, ・ U+30FB) and all whitespace are removed, Latin letters are lower-cased.
/// So "단일판매ㆍ공급계약 체결" and "단일판매 · 공급계약체결" match the keyword "단일판매공급계약".
public enum HeadlineNormalizer {
    private static let dropped: Set<Unicode.Scalar> = ["\u{318D}", "\u{119E}", "\u{00B7}", "\u{2022}", "\u{2027}", "\u{30FB}", "\u{FF65}"]

    /// The normalised form used for matching.
    public static func normalize(_ text: String) -> String {
        var scalars = String.UnicodeScalarView()
        for scalar in text.precomposedStringWithCompatibilityMapping.unicodeScalars {
            if dropped.contains(scalar) || scalar.properties.isWhitespace { continue }
            if scalar.isASCII, scalar.properties.isUppercase {
                scalars.append(contentsOf: String(scalar).lowercased().unicodeScalars)
            } else {
                scalars.append(scalar)
            }
        }
        return String(scalars)
    }
}
