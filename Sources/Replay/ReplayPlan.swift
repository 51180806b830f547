import Foundation
import SokboCore

/// A checked replay request: what to read and how many variants to run.
public struct ReplayPlan: Sendable {
    /// Where the recorded days come from.
    public enum Source: Sendable, Hashable {
        /// The shipped sample day.
        case sample
        /// The database's days, inclusive (`YYYYMMDD`).
        case days(from: String, to: String)
    }

    /// One run of a sweep (or the only run).
    public struct Variant: Sendable {
        /// `rule.key=value`, nil for a plain run.
        public var label: String?
        /// The rules it runs with.
        public var rules: RuleSet
    }

    /// The input.
    public var source: Source
    /// The runs.
    public var variants: [Variant]
    /// Latency and slippage.
    public var model: FillModel
    /// Seconds after KST midnight at which still-open positions are sold.
    public var flattenAt: Int

    /// The configuration of one variant over `base` (limits, calendar, costs and cash as in live).
    public func configuration(_ variant: Variant, base: ReplayConfiguration) -> ReplayConfiguration {
        var configuration = base
        configuration.rules = variant.rules
        configuration.model = model
        configuration.flattenAt = flattenAt
        switch source {
        case .days(let from, let to):
            configuration.fromDay = from
            configuration.toDay = to
        case .sample:
            // The sample is a fixed recording: what it lacks stays missing, so it replays the same everywhere.
            configuration.fetchMissing = nil
        }
        return configuration
    }
}
