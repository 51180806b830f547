import Foundation
import SokboCore

/// Today's DART disclosures by ticker, in memory, so a rule's confirmation check does not wait for
/// the buffer to reach the database.
actor DisclosureIndex: DisclosureConsumer {
    private var byTicker: [Ticker: [DisclosureRecord]] = [:]
    private var day = ""

    func consume(_ disclosure: DisclosureRecord) async {
        if disclosure.receivedDate != day {
            if disclosure.receivedDate > day { byTicker = [:]; day = disclosure.receivedDate } else { return }
        }
        guard let ticker = disclosure.ticker else { return }
        byTicker[ticker, default: []].append(disclosure)
    }

    /// Whether the company filed a disclosure today whose report name contains `pattern`.
    func confirms(_ ticker: Ticker, pattern: String, at date: Date) -> Bool {
        guard KST.dayString(date) == day else { return false }
        return byTicker[ticker]?.contains { $0.reportName(contains: pattern) } ?? false
    }
}
