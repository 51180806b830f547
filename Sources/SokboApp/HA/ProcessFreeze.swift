import Foundation
import Logging
import SokboCore

/// Test only (`SOKBO_FAULT_PAUSE_AFTER_FENCE_MS`): the whole process stops (`SIGSTOP`) and a child shell it
/// started continues it (`SIGCONT`) after `duration` — a VM freeze or a long GC pause at the worst moment.
///
/// Why the whole process rather than a sleep in the order's task: a sleep alone leaves the lease renewing,
/// so nothing would ever take over; a frozen process stops renewing, as a frozen machine does, and wakes with
/// its deadline long past. Someone else may continue it sooner (`kill -CONT`).
struct ProcessFreeze: Sendable {
    /// How long the process stays stopped.
    let duration: Duration
    let logger: Logger

    /// Stops this process for `duration`; returns once it is continued.
    func freeze() {
        let pid = getpid()
        let whole = Int(duration.seconds)
        let rest = String(format: "%.3f", duration.seconds - Double(whole))
        // The child waits until the process is stopped before it starts counting, so a continue can never come
        // first, and gives up as soon as the process is gone (killed, or continued by someone else and ended).
        let script = "while [ -e /proc/\(pid) ] && ! grep -q '^State:[[:space:]]*T' /proc/\(pid)/status; do sleep 0.02; done; "
            + "sleep \(rest); n=\(whole); while [ $n -gt 0 ] && [ -e /proc/\(pid) ]; do sleep 1; n=$((n-1)); done; "
            + "kill -CONT \(pid) 2>/dev/null"
        let waker = Process()
        waker.executableURL = URL(fileURLWithPath: "/bin/sh")
        waker.arguments = ["-c", script]
        do {
            try waker.run()
        } catch {
            logger.error("fault pause: cannot start the waker; not pausing", metadata: ["error": "\(error)"])
            return
        }
        logger.warning("fault pause: stopping this process before an order is written", metadata: ["ms": "\(Int(duration.milliseconds))"])
        // `raise`, not `kill(getpid())`: a signal sent to the thread itself stops it before the call returns, while
        // one sent to the process may let this thread run on for a moment — long enough to write the request.
        raise(SIGSTOP)
    }
}
