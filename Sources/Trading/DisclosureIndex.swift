import Foundation
import SokboCore

/// Today's DART disclosures by ticker, in memory, so a rule's confirmation check does not wait for
/// the buffer to reach the database. The DART poller feeds it; the engine asks it.
public actor DisclosureIndex: DisclosureConsumer, DisclosureConfirming {
    private var byTicker: [Ticker: [DisclosureRecord]] = [:]
    private var day = ""

    /// An empty index (the replay builds one per day, as the live process holds one).
    public init() {}

    /// Keeps a disclosure of the latest day seen (an earlier day's is ignored; a later day starts afresh).
    public func consume(_ disclosure: DisclosureRecord) async {
        if disclosure.receivedDate != day {
            if disclosure.receivedDate > day { byTicker = [:]; day = disclosure.receivedDate } else { return }
        }
        guard let ticker = disclosure.ticker else { return }
        byTicker[ticker, default: []].append(disclosure)
    }

    /// Whether the company filed a disclosure today whose report name contains `pattern`.
    public func confirms(_ ticker: Ticker, pattern: String, at date: Date) -> Bool {
        guard KST.dayString(date) == day else { return false }
        return byTicker[ticker]?.contains { $0.reportName(contains: pattern) } ?? false
    }
}
