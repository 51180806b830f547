import Foundation
import SokboCore
import SokboTestSupport
import Storage
import Testing

@Suite struct FileOrderJournalTests {
    private func order(_ id: String, state: OrderState, events: Int) -> Order {
        var order = Order(id: id, newsID: "20261126093001123456NWS", rule: "supply-contract", ticker: Ticker("005930")!,
                          side: .buy, quantity: 13, price: .limit(71_500), createdAt: Date(timeIntervalSince1970: 1_795_000_000))
        order.state = state
        order.eventCount = events
        return order
    }

    @Test func rowsComeBackInOrderAndATornLineIsCountedNotFatal() throws {
        let path = TestStores.temporaryDirectory() + "/journal/orders.jsonl"
        let journal = try FileOrderJournal(path: path)
        let first = order("ord-1", state: .submitted, events: 1)
        let second = order("ord-2", state: .submitted, events: 1)
        try journal.append(first.row)
        try journal.append(second.row)
        // A write cut short by the process dying: half a line, no newline.
        let handle = try #require(FileHandle(forWritingAtPath: path))
        handle.seekToEndOfFile()
        handle.write(Data(#"{"v":[{"text":"ord-3"#.utf8))
        try handle.close()

        let loaded = try FileOrderJournal(path: path).load()
        #expect(loaded.rows == [first.row, second.row])
        #expect(loaded.rows.compactMap(Order.init(row:)).map(\.id) == ["ord-1", "ord-2"])
        #expect(loaded.unreadable == 1)
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
    }

    /// The hand-written line format keeps every value exactly: text with quotes, backslashes, newlines, control
    /// characters, Korean and emoji; integers at both ends; reals (never confused with integers); null.
    @Test func everyKindOfValueComesBackExactly() throws {
        let path = TestStores.temporaryDirectory() + "/orders.jsonl"
        let journal = try FileOrderJournal(path: path)
        let rows = [
            Row([.text("say \"hi\" \\ back\\slash"), .text("line\nbreak\ttab\u{0}nul\u{1F}unit"), .text("삼성전자 📈 ㈜ «수주»"),
                 .text(""), .null]),
            Row([.integer(.min), .integer(.max), .integer(0), .integer(-42)]),
            Row([.real(1.5), .real(-0.0), .real(1e300), .real(71_500), .integer(71_500)]),
        ]
        for row in rows { try journal.append(row) }
        let loaded = try journal.load()
        #expect(loaded.unreadable == 0)
        #expect(loaded.rows == rows)
        #expect(loaded.rows[2].values[3] == .real(71_500), "a real stays a real")
    }

    @Test func clearEmptiesTheFileAndAppendsGoOn() throws {
        let path = TestStores.temporaryDirectory() + "/orders.jsonl"
        let journal = try FileOrderJournal(path: path)
        try journal.append(order("ord-1", state: .submitted, events: 1).row)
        try journal.clear()
        #expect(try journal.load().rows.isEmpty)
        let next = order("ord-2", state: .submitted, events: 1)
        try journal.append(next.row)
        #expect(try journal.load().rows == [next.row])
        #expect(try String(contentsOfFile: path, encoding: .utf8).hasPrefix("["), "no hole of zero bytes before the line")
    }

    @Test func anUnwritableDirectoryFailsAtOpenWithThePath() {
        let blocker = TestStores.temporaryDirectory() + "/file"
        _ = FileManager.default.createFile(atPath: blocker, contents: Data())
        #expect {
            _ = try FileOrderJournal(path: blocker + "/journal/orders.jsonl")
        } throws: { error in
            "\(error)".contains(blocker)
        }
    }
}
