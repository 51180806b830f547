import Foundation

/// How a replay's results are shown: a terminal table, deterministic JSON, a self-contained HTML page.
public enum ReplayOutput {
    /// The JSON of one or several results (a sweep): keys sorted, so the same inputs give the same bytes.
    public static func json(_ results: [ReplayResult]) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return results.count == 1 ? try encoder.encode(results[0]) : try encoder.encode(results)
    }

    /// The terminal table: a row per rule and the total; variants of a sweep side by side as column groups.
    public static func table(_ results: [ReplayResult]) -> String {
        guard let first = results.first else { return "" }
        var out = "replay \(first.firstDay ?? "-")…\(first.lastDay ?? "-"): \(first.days) days, \(first.headlines) headlines, "
            + "latency \(first.latencyMs) ms, slippage \(first.slippageTicks) ticks\n"
        let header = ["rule", "trades", "win %", "avg %", "median %", "P&L", "max DD", "exposure %", "unfilled", "skipped", "exits"]
        var rows: [[String]] = [header]
        for result in results {
            if results.count > 1 { rows.append(["[\(result.variant ?? "base")]"] + Array(repeating: "", count: header.count - 1)) }
            for figures in result.rules + [result.total] {
                rows.append([figures.rule, "\(figures.trades)", fixed(figures.winRatePercent), fixed(figures.averageReturnPercent),
                             fixed(figures.medianReturnPercent), grouped(figures.totalPnl), grouped(figures.maxDrawdown),
                             fixed(figures.exposurePercent), "\(figures.unfilled)", "\(figures.skipped.values.reduce(0, +))",
                             figures.exitReasons.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")])
            }
        }
        let widths = (0..<header.count).map { column in rows.map { $0[column].count }.max() ?? 0 }
        for row in rows {
            out += row.enumerated().map { column, cell in
                let pad = String(repeating: " ", count: widths[column] - cell.count)
                return column == 0 || column == header.count - 1 ? cell + pad : pad + cell
            }.joined(separator: "  ") + "\n"
        }
        for result in results where !result.missing.isEmpty {
            out += "\nmissing data\(result.variant.map { " [\($0)]" } ?? "") (trades skipped, never guessed):\n"
            for missing in result.missing { out += "  \(missing.day) \(missing.ticker): \(missing.reason)\n" }
        }
        if results.contains(where: { $0.total.exitReasons["end-of-replay"] != nil }) {
            out += "\nend-of-replay: positions the engine still held at the session's end, sold by the fill model.\n"
        }
        return out
    }

    static func fixed(_ value: Double) -> String {
        let scaled = (value * 100).rounded() / 100
        var text = String(scaled)
        if let dot = text.firstIndex(of: ".") {
            let decimals = text.distance(from: dot, to: text.endIndex) - 1
            if decimals < 2 { text += String(repeating: "0", count: 2 - decimals) }
        } else { text += ".00" }
        return text
    }

    static func grouped(_ value: Int) -> String {
        let digits = String(abs(value))
        var out = ""
        for (index, character) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { out.append(",") }
            out.append(character)
        }
        return (value < 0 ? "-" : "") + out
    }
}
