import Foundation

/// A self-contained HTML page of replay results: the table, an inline SVG equity curve per variant and a
/// bar chart of P&L per rule. No scripts, no external files.
public enum ReplayHTMLReport {
    /// The page.
    public static func page(_ results: [ReplayResult]) -> String {
        var body = ""
        for result in results {
            body += "<h2>\(escape(result.variant ?? "replay")) — \(escape(result.firstDay ?? "-"))…\(escape(result.lastDay ?? "-"))</h2>\n"
            body += "<p>\(result.days) days, \(result.headlines) headlines, latency \(result.latencyMs) ms, slippage \(result.slippageTicks) ticks</p>\n"
            body += table(result)
            body += "<h3>Equity (cumulative net P&amp;L, KRW)</h3>\n" + equity(result.equity)
            body += "<h3>Net P&amp;L per rule (KRW)</h3>\n" + bars(result.rules)
            if !result.missing.isEmpty {
                body += "<h3>Missing data (trades skipped)</h3>\n<ul>"
                for missing in result.missing { body += "<li>\(escape(missing.day)) \(escape(missing.ticker)): \(escape(missing.reason))</li>" }
                body += "</ul>\n"
            }
        }
        return """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><title>Sokbo replay</title>
        <style>body{font-family:system-ui,sans-serif;margin:2em;color:#222}table{border-collapse:collapse}
        td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}td:first-child,th:first-child{text-align:left}
        svg{background:#fafafa;border:1px solid #ddd}</style></head>
        <body><h1>Sokbo replay</h1>
        \(body)</body></html>

        """
    }

    private static func table(_ result: ReplayResult) -> String {
        var html = "<table><tr><th>rule</th><th>trades</th><th>win %</th><th>avg %</th><th>median %</th><th>P&amp;L</th><th>max DD</th><th>exposure %</th><th>exits</th></tr>\n"
        for f in result.rules + [result.total] {
            let exits = f.exitReasons.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
            html += "<tr><td>\(escape(f.rule))</td><td>\(f.trades)</td><td>\(ReplayOutput.fixed(f.winRatePercent))</td>"
                + "<td>\(ReplayOutput.fixed(f.averageReturnPercent))</td><td>\(ReplayOutput.fixed(f.medianReturnPercent))</td>"
                + "<td>\(ReplayOutput.grouped(f.totalPnl))</td><td>\(ReplayOutput.grouped(f.maxDrawdown))</td>"
                + "<td>\(ReplayOutput.fixed(f.exposurePercent))</td><td>\(escape(exits))</td></tr>\n"
        }
        return html + "</table>\n"
    }

    private static func equity(_ points: [EquityPoint]) -> String {
        let width = 800.0, height = 240.0
        guard !points.isEmpty else { return "<p>No trades.</p>\n" }
        let values = [0] + points.map(\.pnl)
        let low = Double(values.min()!), high = Double(values.max()!)
        let span = max(1, high - low)
        let step = width / Double(max(1, values.count - 1))
        let path = values.enumerated().map { index, value in
            let x = Double(index) * step
            let y = height - (Double(value) - low) / span * height
            return "\(index == 0 ? "M" : "L")\(format(x)),\(format(y))"
        }.joined(separator: " ")
        let zero = height - (0 - low) / span * height
        return "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\" viewBox=\"0 0 \(Int(width)) \(Int(height))\">"
            + "<line x1=\"0\" y1=\"\(format(zero))\" x2=\"\(Int(width))\" y2=\"\(format(zero))\" stroke=\"#aaa\" stroke-dasharray=\"4\"/>"
            + "<path d=\"\(path)\" fill=\"none\" stroke=\"#2563eb\" stroke-width=\"1.5\"/></svg>\n"
    }

    private static func bars(_ rules: [RuleFigures]) -> String {
        guard !rules.isEmpty else { return "" }
        let rowHeight = 24.0, width = 800.0, label = 160.0
        let largest = Double(max(1, rules.map { abs($0.totalPnl) }.max() ?? 1))
        let middle = label + (width - label) / 2
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(rowHeight * Double(rules.count) + 8))\">"
        for (index, rule) in rules.enumerated() {
            let y = 4 + rowHeight * Double(index)
            let length = Double(abs(rule.totalPnl)) / largest * (width - label) / 2
            let x = rule.totalPnl >= 0 ? middle : middle - length
            svg += "<text x=\"4\" y=\"\(format(y + 16))\" font-size=\"12\">\(escape(rule.rule)) (\(rule.trades))</text>"
                + "<rect x=\"\(format(x))\" y=\"\(format(y + 4))\" width=\"\(format(length))\" height=\"16\" fill=\"\(rule.totalPnl >= 0 ? "#16a34a" : "#dc2626")\"/>"
        }
        return svg + "<line x1=\"\(format(middle))\" y1=\"0\" x2=\"\(format(middle))\" y2=\"\(Int(rowHeight * Double(rules.count) + 8))\" stroke=\"#888\"/></svg>\n"
    }

    private static func format(_ value: Double) -> String { String((value * 10).rounded() / 10) }

    private static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
