import Foundation
import SokboCore

/// Confirms a rule's `disclosure` pattern against DART filings before an entry.
public protocol DisclosureConfirming: Sendable {
    /// Whether the company filed a disclosure on `date`'s KST day whose report name contains `pattern`.
    func confirms(_ ticker: Ticker, pattern: String, at date: Date) async -> Bool
}
