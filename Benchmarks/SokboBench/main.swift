import Foundation

// `swift run -c release SokboBench <case> [args…]`; with no case, lists them. Each case prints its own
// figures as Markdown table rows so they can be pasted into BENCHMARKS.md with the command and machine.
let cases: [String: any BenchmarkCase.Type] = Dictionary(uniqueKeysWithValues: allBenchmarkCases.map { ($0.name, $0) })
let arguments = Array(CommandLine.arguments.dropFirst())
guard let name = arguments.first, let chosen = cases[name] else {
    print("usage: SokboBench <case> [args…]\ncases:")
    for c in allBenchmarkCases.sorted(by: { $0.name < $1.name }) { print("  \(c.name)  \(c.summary)") }
    exit(arguments.isEmpty ? 0 : 2)
}
try await chosen.run(arguments: Array(arguments.dropFirst()))
