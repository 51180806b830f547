import Configuration
import Foundation
import SokboCore
import Storage

/// Active/standby on a shared MySQL/MariaDB (scope `sokbo`).
///
/// | key (env)              | default    | meaning |
/// |------------------------|------------|---------|
/// | `SOKBO_HA`             | `off`      | `on`: one active node at a time, by a lease row in the database (MySQL/MariaDB only) |
/// | `SOKBO_NODE_NAME`      | host name  | this node's name in the lease, the status and the 503 answers |
/// | `SOKBO_HA_LEASE_MS`    | `5000`     | lease length, on the database's clock |
/// | `SOKBO_HA_RENEW_MS`    | `1000`     | how often the active renews |
/// | `SOKBO_HA_DEMOTE_MS`   | `3000`     | the active stops sending this long after its last successful renewal was sent |
/// | `SOKBO_HA_ACQUIRE_MS`  | `1000`     | how often a standby tries for an expired lease |
/// | `SOKBO_FAULT_PAUSE_AFTER_FENCE_MS` | unset | test only: the process stops itself this long right before an order's request is written |
public struct HASettings: Sendable {
    /// `SOKBO_HA=on`.
    public var enabled: Bool
    /// This node's name.
    public var nodeName: String
    /// The lease timings.
    public var timings: LeaseTimings
    /// True when `SOKBO_NODE_NAME` was set (not the host name by default).
    public var nodeNameConfigured: Bool
    /// Test only (`SOKBO_FAULT_PAUSE_AFTER_FENCE_MS`): how long the process freezes right before writing a buy or
    /// sell request, after its fenced commit and its pacing slot; nil (the default): never.
    public var faultPauseAfterFence: Duration?

    /// Reads and validates; `database` must be MySQL when HA is on.
    init(reader: ConfigReader, database: DatabaseURL) throws(SettingsError) {
        let config = reader.settingsScope("sokbo")
        enabled = try config.parse("ha", default: false) { raw in
            switch raw.lowercased() {
            case "on", "true", "yes", "1": true
            case "off", "false", "no", "0": false
            default: nil
            }
        }
        let host = ProcessInfo.processInfo.hostName
        nodeNameConfigured = config.string(forKey: "node.name") != nil
        nodeName = try config.parse("node.name", default: host.isEmpty ? "sokbo" : host) { name in
            // Kept short and printable: it is stored in the lease row and shown in 503 answers.
            (1...100).contains(name.count) && !name.contains(where: { $0.isNewline }) ? name : nil
        }
        func milliseconds(_ key: String, _ defaultValue: Int) throws(SettingsError) -> Duration {
            .milliseconds(try config.parse(key, default: defaultValue) { Int($0).flatMap { (50...600_000).contains($0) ? $0 : nil } })
        }
        timings = LeaseTimings(lease: try milliseconds("ha.lease.ms", 5_000), renewEvery: try milliseconds("ha.renew.ms", 1_000),
                               demoteAfter: try milliseconds("ha.demote.ms", 3_000), acquireEvery: try milliseconds("ha.acquire.ms", 1_000))
        faultPauseAfterFence = try config.parse("fault.pause.after.fence.ms", default: Duration?.none) { raw -> Duration?? in
            Int(raw).flatMap { (1...600_000).contains($0) ? .some(.milliseconds($0)) : nil }
        }
        guard enabled else { return }
        if case .sqlite = database {
            throw SettingsError(key: "sokbo.ha", message: "SOKBO_HA=on needs a MySQL/MariaDB database shared by the nodes "
                                + "(SOKBO_DATABASE_URL=mysql://…); SQLite is one node's file")
        }
        if let problem = timings.validationError {
            throw SettingsError(key: "sokbo.ha.demote.ms", message: "lease timings: \(problem) (renew < demote < lease)")
        }
    }
}
