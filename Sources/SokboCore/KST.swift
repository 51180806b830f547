import Foundation

/// Korea Standard Time helpers. KST has no daylight saving, so a fixed +09:00 offset is exact.
public enum KST {
    /// The KST time zone (UTC+9, no DST).
    public static let timeZone = TimeZone(secondsFromGMT: 9 * 3600)!

    /// A Gregorian calendar fixed to KST.
    public static let calendar: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        return calendar
    }()

    /// Parses venue date and time strings (`YYYYMMDD`, `HHMMSS`) given in KST; nil when malformed.
    /// Hand-rolled rather than DateFormatter: it is on the per-frame hot path and must be allocation-free.
    public static func date(yyyymmdd: some StringProtocol, hhmmss: some StringProtocol = "000000") -> Date? {
        guard let d = digits(yyyymmdd, count: 8), let t = digits(hhmmss, count: 6) else { return nil }
        let year = d / 10000, month = (d / 100) % 100, day = d % 100
        let hour = t / 10000, minute = (t / 100) % 100, second = t % 100
        guard (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61 else { return nil }
        let days = daysFromCivil(year: year, month: month, day: day)
        let seconds = days * 86400 + hour * 3600 + minute * 60 + second - 9 * 3600
        return Date(timeIntervalSince1970: TimeInterval(seconds))
    }

    /// The KST calendar day of an instant as `YYYYMMDD`.
    public static func dayString(_ date: Date) -> String {
        let (y, m, d) = civil(date)
        return digits(y * 10000 + m * 100 + d, width: 8)
    }

    /// The KST time of day of an instant as `HHMMSS`.
    public static func timeString(_ date: Date) -> String {
        let s = secondsIntoDay(date)
        return digits((s / 3600) * 10000 + ((s / 60) % 60) * 100 + s % 60, width: 6)
    }

    /// A non-negative integer as exactly `width` zero-padded digits (the lowest ones when longer).
    /// Used instead of `String(format:)`, which goes through CoreFoundation and is slow on hot paths.
    public static func digits(_ value: Int, width: Int) -> String {
        precondition(value >= 0 && width > 0 && width <= 20, "digits(\(value), width: \(width))")
        return String(unsafeUninitializedCapacity: width) { buffer in
            var v = value
            for i in stride(from: width - 1, through: 0, by: -1) {
                buffer[i] = UInt8(48 + v % 10)
                v /= 10
            }
            return width
        }
    }

    /// The KST (year, month, day) of an instant.
    public static func civil(_ date: Date) -> (year: Int, month: Int, day: Int) {
        let seconds = Int(date.timeIntervalSince1970.rounded(.down)) + 9 * 3600
        let days = seconds >= 0 ? seconds / 86400 : (seconds - 86399) / 86400
        return civilFromDays(days)
    }

    /// Seconds since KST midnight of an instant.
    public static func secondsIntoDay(_ date: Date) -> Int {
        let seconds = Int(date.timeIntervalSince1970.rounded(.down)) + 9 * 3600
        return ((seconds % 86400) + 86400) % 86400
    }

    /// The instant of the next `hour`:00 KST strictly after `date`.
    public static func next(hour: Int, after date: Date) -> Date {
        let into = secondsIntoDay(date)
        let midnight = date.timeIntervalSince1970.rounded(.down) - TimeInterval(into)
        var target = midnight + TimeInterval(hour * 3600)
        if target <= date.timeIntervalSince1970 { target += 86400 }
        return Date(timeIntervalSince1970: target)
    }

    private static func digits(_ s: some StringProtocol, count: Int) -> Int? {
        var value = 0
        var n = 0
        for byte in s.utf8 {
            guard byte >= 48, byte <= 57 else { return nil }
            value = value * 10 + Int(byte - 48)
            n += 1
        }
        return n == count ? value : nil
    }

    // Howard Hinnant's days-from-civil algorithm (proleptic Gregorian).
    private static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }

    private static func civilFromDays(_ z0: Int) -> (Int, Int, Int) {
        let z = z0 + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }
}
