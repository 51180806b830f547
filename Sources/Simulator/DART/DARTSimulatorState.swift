import Foundation
import SokboCore

/// The simulated DART's mutable state: filings per day, call counters, per-key daily usage and test switches.
struct DARTSimulatorState {
    var filingsByDay: [String: [DARTSimulatedFiling]] = [:]
    var addedSequence: [String: Int] = [:]
    var callsByEndpoint: [String: Int] = [:]
    var totalCalls = 0
    var usageDay = ""
    var usageByKey: [String: Int] = [:]
    var forcedStatus: String?
    var unreachable = false
    var corpCodeZIP: Data?
    var unlistedCompanies: Int

    init(unlistedCompanies: Int) {
        self.unlistedCompanies = unlistedCompanies
    }

    /// Counts one request of a valid key; returns false once the key's day is spent (→ `020`).
    mutating func chargeKey(_ key: String, day: String, limit: Int) -> Bool {
        if day != usageDay {
            usageDay = day
            usageByKey.removeAll()
        }
        let used = usageByKey[key, default: 0]
        guard used < limit else { return false }
        usageByKey[key] = used + 1
        return true
    }

    /// The filings of a day, generated on first use.
    mutating func filings(on day: String, generator: (String) -> [DARTSimulatedFiling]) -> [DARTSimulatedFiling] {
        if let existing = filingsByDay[day] { return existing }
        let generated = generator(day)
        filingsByDay[day] = generated
        return generated
    }

    /// Adds a filing with a fresh receipt number on its day's channel (sequences from 5001 so they never clash
    /// with generated ones), or with the one it carries (tests inject odd venue replies); returns the number.
    mutating func add(_ filing: DARTSimulatedFiling, channel: String, generator: (String) -> [DARTSimulatedFiling]) -> String {
        var filing = filing
        _ = filings(on: filing.receiptDate, generator: generator)
        if filing.receiptNo.isEmpty {
            let key = filing.receiptDate + channel
            let sequence = addedSequence[key, default: 5000] + 1
            addedSequence[key] = sequence
            filing.receiptNo = filing.receiptDate + channel + String(format: "%04d", sequence)
        }
        filingsByDay[filing.receiptDate, default: []].append(filing)
        return filing.receiptNo
    }
}
