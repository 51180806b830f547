/// One benchmark: a name to run it by, a line of help, and a body that prints its figures.
protocol BenchmarkCase: SendableMetatype {
    /// The name on the command line.
    static var name: String { get }
    /// One line of help.
    static var summary: String { get }
    /// Runs and prints the figures.
    static func run(arguments: [String]) async throws
}

/// Every case. Add a new case here.
let allBenchmarkCases: [any BenchmarkCase.Type] = {
    var cases: [any BenchmarkCase.Type] = [
        FlushThroughputBenchmark.self,
        HealthDuringFlushBenchmark.self,
        CorpCodeMapBenchmark.self,
        NewsParsingBenchmark.self,
        SnapshotLatencyBenchmark.self,
        NewsToOrderBenchmark.self,
        AlertsOverheadBenchmark.self,
        LoopbackFloorBenchmark.self,
        SlowBrokerBenchmark.self,
        OrderWriteBenchmark.self,
        EntryPacingBenchmark.self,
        EntryBurstBenchmark.self,
        ReplayMonthBenchmark.self,
        TickToExitBenchmark.self,
        RealtimeParsingBenchmark.self,
    ]
    #if MySQL
    cases.append(MySQLFlushBenchmark.self)
    #endif
    return cases
}()
