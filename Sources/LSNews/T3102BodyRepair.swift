import Foundation

/// Rejoins t3102 `sBody` chunks that the venue cut every 100 CP949 bytes and decoded one at a time (spec §4.2).
///
/// What the venue does (its own t3102 example shows it): the article is CP949; each 100-byte piece is decoded
/// alone, so a character split at a cut becomes a full-width `？` at the end of one chunk, and the next chunk
/// is decoded one byte out of step (`맙坪막？`) until a byte that cannot pair resynchronises it (the `？`
/// before the next ASCII byte); spaces at a chunk's ends are trimmed.
///
/// What comes back: each chunk is re-encoded to its CP949 bytes, with one unknown byte per replacement `？`,
/// the bytes are joined and decoded once, so the out-of-step run reads as the original text. A character
/// with an unknown byte is lost and becomes one U+FFFD: the character at the cut and, when the out-of-step
/// run ended before an ASCII byte, the run's last character (its second byte is the one the venue turned
/// into `？`). Why not repair more: those bytes are not in the reply at all.
enum T3102BodyRepair {
    /// What a lost character becomes.
    static let lostCharacter: Unicode.Scalar = "\u{FFFD}"
    /// The venue's replacement for a byte it could not decode.
    static let venueReplacement: Unicode.Scalar = "\u{FF1F}"
    /// Bytes per `sBody` chunk on the venue.
    static let chunkBytes = 100
    /// The most spaces put back at a short chunk's end; a chunk shorter still was not cut by the venue's rule.
    static let maxTrimmedSpaces = 4
    /// CP949 (Windows code page 949, Unified Hangul Code), through Foundation's CoreFoundation encodings:
    /// `kCFStringEncodingDOSKorean` (0x0422) as an `NSStringEncoding`. Measured on this Linux toolchain:
    /// encodes and decodes UHC (`똠` ↔ 8C 63) and KS X 1001 hanja; a 7 KB (UTF-8) Korean text is encoded
    /// and decoded in 0.75 ms. Glibc's iconv (`CP949`) works too; Foundation needs no C buffer handling.
    static let cp949 = String.Encoding(rawValue: 0x8000_0422)

    /// The article text from its chunks; chunks that are not CP949 text (another encoding, or already
    /// whole) are joined as they are.
    static func join(_ chunks: [String]) -> String {
        guard chunks.count > 1, chunks.contains(where: { $0.unicodeScalars.last == venueReplacement }),
              let bytes = articleBytes(chunks)
        else { return chunks.joined() }
        return decode(bytes)
    }

    // MARK: - Chunks to bytes

    /// The article's bytes as far as the reply tells them; nil marks a byte the venue turned into `？`.
    static func articleBytes(_ chunks: [String]) -> [UInt8?]? {
        var article: [UInt8?] = []
        var startsInsideCharacter = false
        for (index, chunk) in chunks.enumerated() {
            let isLast = index == chunks.count - 1
            let scalars = Array(chunk.unicodeScalars)
            var bytes: [UInt8?] = []
            var outOfStep = startsInsideCharacter
            var endsInsideCharacter = false
            var i = 0
            while i < scalars.count {
                let scalar = scalars[i]
                defer { i += 1 }
                let replaced = isReplacement(scalar)
                if outOfStep {
                    if replaced {
                        // One unknown byte per `？`. A run ending before an ASCII byte (or odd) ends with the byte
                        // that could not pair: the text is back in step after it, and the out-of-step run's last
                        // character has lost its second byte. An even run before more out-of-step text is pairs
                        // the venue's decoder could not map and replaced whole, one `？` per byte.
                        var run = 1
                        while i + run < scalars.count, isReplacement(scalars[i + run]) { run += 1 }
                        bytes += [UInt8?](repeating: nil, count: run)
                        let next = i + run < scalars.count ? scalars[i + run] : nil
                        outOfStep = run % 2 == 0 && (next.map { !$0.isASCII } ?? true)
                        i += run - 1
                    } else if scalar.isASCII {
                        bytes.append(UInt8(scalar.value))
                        outOfStep = false
                    } else {
                        let previous: UInt8? = bytes.isEmpty ? (article.last ?? nil) : bytes[bytes.count - 1]
                        guard let pair = outOfStepBytes(scalar, after: previous) else { return nil }
                        bytes += pair
                    }
                } else if replaced && (i == scalars.count - 1 && !isLast || scalar == lostCharacter) {
                    // At the end of a chunk: the first byte of the character cut in two.
                    bytes.append(nil)
                    endsInsideCharacter = i == scalars.count - 1
                } else if scalar.isASCII {
                    bytes.append(UInt8(scalar.value))
                } else {
                    guard let pair = encode(scalar) else { return nil }
                    bytes += pair
                }
            }
            // An out-of-step run that reaches the cut ends on the first byte of the next chunk's first character.
            if outOfStep { endsInsideCharacter = true }
            if !isLast, (chunkBytes - maxTrimmedSpaces..<chunkBytes).contains(bytes.count),
               startsInsideCharacter != endsInsideCharacter {
                // The venue trimmed spaces; they can only have been at the end that is not inside a character.
                let spaces = [UInt8?](repeating: UInt8(ascii: " "), count: chunkBytes - bytes.count)
                bytes = startsInsideCharacter ? bytes + spaces : spaces + bytes
            }
            article += bytes
            startsInsideCharacter = endsInsideCharacter
        }
        return article
    }

    /// Whether the venue (or an earlier decoder) put this in place of a byte it could not decode.
    static func isReplacement(_ scalar: Unicode.Scalar) -> Bool {
        scalar == venueReplacement || scalar == lostCharacter
    }

    /// The CP949 bytes of one non-ASCII scalar.
    static func encode(_ scalar: Unicode.Scalar) -> [UInt8]? {
        guard let data = String(scalar).data(using: cp949), data.count == 2 else { return nil }
        return Array(data)
    }

    /// The bytes of a character decoded out of step: its first byte ends a real character, its second
    /// starts one.
    ///
    /// Why a choice: KS X 1001 has 268 duplicate hanja, decoded to compatibility ideographs that Unicode
    /// normalisation folds into the unified ones (the portal's example shows `凉` where the venue decoded
    /// E5 BC, which encodes back as D5 D8). Of the candidates, take the one whose bytes read as Korean once
    /// back in step: the previous byte and this first byte a Hangul syllable, this second byte a Hangul lead.
    static func outOfStepBytes(_ scalar: Unicode.Scalar, after previous: UInt8?) -> [UInt8]? {
        let candidates = ([scalar] + (compatibilityVariants[scalar] ?? [])).compactMap(encode)
        guard candidates.count > 1 else { return candidates.first }
        func score(_ pair: [UInt8]) -> Int {
            var score = (0xB0...0xC8).contains(pair[1]) ? 1 : 0
            if let previous, let text = String(data: Data([previous, pair[0]]), encoding: cp949),
               let decoded = text.unicodeScalars.first, (0xAC00...0xD7A3).contains(decoded.value) {
                score += 1
            }
            return score
        }
        return candidates.max { score($0) < score($1) }
    }

    /// The CP949 compatibility ideographs (U+F900…U+FA0B) by the unified ideograph they normalise to.
    static let compatibilityVariants: [Unicode.Scalar: [Unicode.Scalar]] = {
        var table: [Unicode.Scalar: [Unicode.Scalar]] = [:]
        for value in UInt32(0xF900)...0xFA0B {
            guard let scalar = Unicode.Scalar(value),
                  let unified = String(scalar).precomposedStringWithCanonicalMapping.unicodeScalars.first,
                  unified != scalar
            else { continue }
            table[unified, default: []].append(scalar)
        }
        return table
    }()

    // MARK: - Bytes to text

    /// Decodes the joined bytes; each character with an unknown byte becomes one U+FFFD.
    static func decode(_ bytes: [UInt8?]) -> String {
        var text = ""
        var known: [UInt8] = []
        func lose() {
            text += decodeKnown(known)
            known.removeAll(keepingCapacity: true)
            text.unicodeScalars.append(lostCharacter)
        }
        var i = 0
        while i < bytes.count {
            if let byte = bytes[i], byte < 0x80 {
                known.append(byte)
                i += 1
                continue
            }
            // A lead byte, known or not: it takes the next byte when that can be a second byte.
            guard i + 1 < bytes.count, bytes[i + 1].map(isSecondByte) ?? true, bytes[i] != 0x80, bytes[i] != 0xFF else {
                lose()
                i += 1
                continue
            }
            if let lead = bytes[i], let trail = bytes[i + 1] {
                known += [lead, trail]
            } else {
                lose()
            }
            i += 2
        }
        return text + decodeKnown(known)
    }

    /// Decodes bytes that are all known, a character at a time where the whole run does not decode.
    static func decodeKnown(_ bytes: [UInt8]) -> String {
        if bytes.isEmpty { return "" }
        if let text = String(data: Data(bytes), encoding: cp949) { return text }
        var text = ""
        var i = 0
        while i < bytes.count {
            let width = bytes[i] < 0x80 || i + 1 == bytes.count ? 1 : 2
            if let part = String(data: Data(bytes[i..<(i + width)]), encoding: cp949) {
                text += part
            } else {
                text.unicodeScalars.append(lostCharacter)
            }
            i += width
        }
        return text
    }

    /// Whether a byte can follow a lead byte in CP949.
    static func isSecondByte(_ byte: UInt8) -> Bool {
        (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte) || (0x81...0xFE).contains(byte)
    }
}
