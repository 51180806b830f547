import Foundation

/// The simulator's NWS headlines without a socket: the same generator, frames and seed the LS simulator
/// pushes, for producing a recorded day (`sokbo record sample`) or a benchmark's input.
public struct LSHeadlineStream: Sendable {
    private var generator: LSNewsGenerator

    /// A stream with the simulator's settings (`seed`, shares of stock news and of tradeable headlines).
    public init(configuration: LSSimulatorConfiguration = .init()) {
        generator = LSNewsGenerator(configuration: configuration)
    }

    /// The NWS frame (JSON text, spec §5.4) of the next headline, stamped `now`.
    public mutating func nextFrame(now: Date) -> String { generator.next(now: now).frame }
}
