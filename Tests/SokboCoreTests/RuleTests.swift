import Foundation
import Testing
@testable import SokboCore

@Suite struct RuleTests {
    let rules = try! RuleFile.parse(RuleFile.defaultYAML)

    @Test(arguments: [
        ("삼성전자, 2조원 규모 단일판매ㆍ공급계약 체결", "supply-contract"),
        ("에코프로비엠, 삼성SDI와 ５,０００억 공급 계약 체결", "supply-contract"),
        ("[공시] 알테오젠, 1주당 1주 무상증자 결정", "bonus-issue"),
        ("현대차, 1조원 규모 자기주식   취득 결정", "buyback"),
        ("KB금융, 자사주 매입 후 소각 결정", "buyback"),
    ])
    func positiveHeadlinesMatchTheirRule(headline: String, rule: String) {
        guard case .matched(let matched) = rules.match(headline) else {
            Issue.record("\(headline) did not match")
            return
        }
        #expect(matched.name == rule)
    }

    @Test(arguments: [
        "[정정] 삼성전자 단일판매ㆍ공급계약 체결",
        "셀트리온, 공급계약 해지 공시",
        "알테오젠 무상증자 결정 철회",
        "현대차 자기주식 취득 결정 철회",
    ])
    func reversalsAreVetoed(headline: String) {
        guard case .vetoed = rules.match(headline) else {
            Issue.record("\(headline) was not vetoed: \(rules.match(headline))")
            return
        }
    }

    @Test(arguments: ["코스피, 외국인 매도에 2,600선 후퇴", "[날씨] 내일 전국 비", "美 연준, 기준금리 동결", "현대차 자기주식 처분 결정"])
    func otherNewsMatchesNothing(headline: String) {
        #expect(rules.match(headline) == .noMatch)
    }

    @Test func normalisationIgnoresSpacesMiddleDotsAndFullWidth() {
        #expect(HeadlineNormalizer.normalize("단일판매 ㆍ 공급계약") == HeadlineNormalizer.normalize("단일판매·공급계약"))
        #expect(HeadlineNormalizer.normalize("ＬＧ에너지솔루션") == "lg에너지솔루션")
    }

    @Test func disabledRulesNeverMatch() throws {
        let set = try RuleFile.parse("""
        rules:
          - name: off
            enabled: false
            any: [공급계약]
            budget: 100000
        """)
        #expect(set.match("공급계약 체결") == .noMatch)
    }

    @Test(arguments: [
        ("rules:\n  - name: a\n    any: [x]\n    budget: -5\n", 4, "budget"),
        ("rules:\n  - name: a\n    any: [x]\n    budget: 10\n  - name: a\n    any: [y]\n    budget: 10\n", 5, "duplicate"),
        ("rules:\n  - name: a\n    budget: 10\n", 2, "keywords"),
        ("rules:\n  - name: a\n    any: [x]\n    budget: 10\n    colour: red\n", 5, "unknown rule key"),
        ("rules:\n  - name: a\n    any: [x\n", 4, "YAML"),
        ("rules:\n  - name: a\n    any: [x]\n    budget: 10\n    order: stop\n", 5, "order"),
        ("rules:\n  - name: a\n    any: [x]\n    budget: 10\n    max-rise-percent: 45\n", 5, "max-rise"),
    ])
    func badFilesAreRefusedWithTheLineAndReason(yaml: String, line: Int, fragment: String) {
        do {
            _ = try RuleFile.parse(yaml)
            Issue.record("accepted a bad file")
        } catch {
            #expect(error.line == line, "\(error)")
            #expect(error.message.contains(fragment), "\(error)")
        }
    }

    @Test func theShippedExampleFileParses() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../rules.example.yaml")
        let text = try String(contentsOf: url, encoding: .utf8)
        let set = try RuleFile.parse(text)
        #expect(set.rules.count >= 3)
    }
}

@Suite struct RiskAndCalendarTests {
    let monday0930 = KST.date(yyyymmdd: "20261123", hhmmss: "093000")!
    let ticker = Ticker("005930")!

    @Test func entriesAreAllowedOnlyInTheWindowOnTradingDays() throws {
        let calendar = try MarketCalendar(holidayFile: "# KRX holidays\n20261225 # 성탄절\n")
        #expect(calendar.allowsEntry(at: monday0930))
        #expect(!calendar.allowsEntry(at: KST.date(yyyymmdd: "20261123", hhmmss: "085959")!))
        #expect(!calendar.allowsEntry(at: KST.date(yyyymmdd: "20261123", hhmmss: "152000")!))
        #expect(!calendar.allowsEntry(at: KST.date(yyyymmdd: "20261128", hhmmss: "100000")!)) // Saturday
        #expect(!calendar.allowsEntry(at: KST.date(yyyymmdd: "20261225", hhmmss: "100000")!))
        #expect(throws: RuleFileError.self) { try MarketCalendar(holidayFile: "2026-12-25\n") }
    }

    @Test func theLedgerEnforcesEveryLimit() {
        let limits = RiskLimits(dailyBudget: 3_000_000, maxPerOrder: 1_500_000, maxOrdersPerDay: 3, buysPerTickerPerDay: 1, cooldownSeconds: 60)
        var ledger = RiskLedger(day: monday0930)
        #expect(ledger.refusal(side: .buy, ticker: ticker, amount: 1_000_000, at: monday0930, limits: limits) == nil)
        #expect(ledger.refusal(side: .buy, ticker: ticker, amount: 2_000_000, at: monday0930, limits: limits)?.contains("per-order") == true)
        let order = Order(id: "1", newsID: nil, rule: nil, ticker: ticker, side: .buy, quantity: 14, price: .limit(70_000), createdAt: monday0930)
        ledger.record(order, amount: 980_000)
        #expect(ledger.refusal(side: .buy, ticker: ticker, amount: 10_000, at: monday0930.addingTimeInterval(3600), limits: limits)?.contains("already bought") == true)
        #expect(ledger.refusal(side: .sell, ticker: ticker, amount: 0, at: monday0930.addingTimeInterval(10), limits: limits)?.contains("cooldown") == true)
        let other = Ticker("000660")!
        ledger.record(Order(id: "2", newsID: nil, rule: nil, ticker: other, side: .buy, quantity: 7, price: .limit(200_000), createdAt: monday0930), amount: 1_400_000)
        #expect(ledger.refusal(side: .buy, ticker: Ticker("035420")!, amount: 1_000_000, at: monday0930, limits: limits)?.contains("daily budget") == true)
        ledger.record(Order(id: "3", newsID: nil, rule: nil, ticker: Ticker("035720")!, side: .buy, quantity: 1, price: .market, createdAt: monday0930), amount: 50_000)
        #expect(ledger.refusal(side: .buy, ticker: Ticker("035420")!, amount: 1, at: monday0930, limits: limits)?.contains("order limit") == true)
        // The next KST day starts afresh.
        let tuesday = KST.date(yyyymmdd: "20261124", hhmmss: "093000")!
        #expect(ledger.refusal(side: .buy, ticker: ticker, amount: 1_000_000, at: tuesday, limits: limits) == nil)
    }
}

@Suite struct VenueValueTests {
    @Test(arguments: [("005930", "005930"), ("A005930", "005930"), ("000000011810", "011810"), ("005930_NX", "005930"),
                      ("0015N0", "0015N0"), (" 005930 ", "005930")])
    func tickersAcceptTheVenueSpellings(raw: String, code: String) {
        #expect(Ticker(venueCode: raw)?.code == code)
    }

    @Test(arguments: ["", "5930", "00593O0", "삼성전자", "0059301"])
    func malformedTickersAreRefused(raw: String) {
        #expect(Ticker(raw) == nil)
    }

    @Test func kstTimesConvertOnce() {
        let date = KST.date(yyyymmdd: "20230614", hhmmss: "095217")
        #expect(date == Date(timeIntervalSince1970: 1_686_703_937))
        #expect(KST.dayString(date!) == "20230614")
        #expect(KST.date(yyyymmdd: "20231341", hhmmss: "095217") == nil)
        #expect(KST.date(yyyymmdd: "2023061", hhmmss: "095217") == nil)
        #expect(KST.next(hour: 7, after: date!) == KST.date(yyyymmdd: "20230615", hhmmss: "070000"))
    }
}

@Suite struct RuleExitKeysTests {
    @Test func theExitKeysParseWithTheirDefaultsAndOffTurnsOneOff() throws {
        let rules = try RuleFile.parse("""
        rules:
          - name: tuned
            any: [공급계약]
            budget: 1000000
            entry-timeout: 30
            stop-loss-percent: 2.5
            take-profit-percent: off
            trail-activation-percent: 0
            roi: {0: 6, 15: 1, 25: -1}
            max-hold-minutes: "off"
            flatten-at-close: false
          - name: defaults
            any: [무상증자]
            budget: 1000000
        """).rules
        let tuned = rules[0]
        #expect(tuned.entryTimeoutSeconds == 30)
        #expect(tuned.exits.stopLossPercent == 2.5)
        #expect(tuned.exits.takeProfitPercent == nil)
        #expect(tuned.exits.trailPercent == ExitPolicy().trailPercent)
        #expect(tuned.exits.trailActivationPercent == 0)
        #expect(tuned.exits.roi == [ROIStep(minutes: 0, minimumReturnPercent: 6), ROIStep(minutes: 15, minimumReturnPercent: 1),
                                    ROIStep(minutes: 25, minimumReturnPercent: -1)])
        #expect(tuned.exits.maxHoldMinutes == nil)
        #expect(!tuned.exits.flattenAtClose)
        #expect(rules[1].exits == ExitPolicy())
        #expect(rules[1].entryTimeoutSeconds == Rule.defaultEntryTimeoutSeconds)
    }

    @Test func aRestingTakeProfitIsOptInAndNeedsATakeProfit() throws {
        let rules = try RuleFile.parse("rules:\n  - name: x\n    any: [a]\n    budget: 1\n    take-profit-resting: true\n").rules
        #expect(rules[0].exits.restingTakeProfit)
        #expect(rules[0].exits.takeProfitPercent == ExitPolicy().takeProfitPercent)
        #expect(!ExitPolicy().restingTakeProfit, "off unless asked for")
        #expect(throws: RuleFileError.self) {
            try RuleFile.parse("rules:\n  - name: x\n    any: [a]\n    budget: 1\n    take-profit-percent: off\n    take-profit-resting: true\n")
        }
    }

    @Test func aBadExitValueNamesItsLine() {
        #expect(throws: RuleFileError.self) {
            try RuleFile.parse("rules:\n  - name: x\n    any: [a]\n    budget: 1\n    stop-loss-percent: -3\n")
        }
        do {
            _ = try RuleFile.parse("rules:\n  - name: x\n    any: [a]\n    budget: 1\n    roi: {ten: 1}\n")
            Issue.record("accepted a roi key that is no minute count")
        } catch {
            #expect(error.line == 5)
        }
    }
}
