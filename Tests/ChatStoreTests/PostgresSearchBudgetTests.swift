import ChatCore
import ChatStore
import ChatStorePostgres
import ChatTestSupport
import Testing

/// Issue 14 item 8 on PostgreSQL: a search has a time budget, and the budget does not stay
/// on the pooled connection.
@Suite("PostgreSQL search: a time budget")
struct PostgresSearchBudgetTests {
    @Test func aSearchPastItsBudgetIsStoppedAndTheConnectionKeepsNoTimeout() async throws {
        let address = try PostgresAddress(url: try await TestPostgres.running().makeDatabase())
        let (store, stop) = try await PostgresMessageStore.opened(address: address, maximumConnections: 1)
        defer { stop() }
        let other = try RoomName("other")
        for chunk in 0..<20 {
            var batch = StoreBatch()
            batch.messages = (0..<2_000).map { index in
                NewMessage(room: other, author: "ann", text: "apple \(chunk * 2_000 + index) banana cherry",
                           messageID: nil, ts: nil, receivedAt: 1)
            }
            try await store.write(batch)
        }
        var batch = StoreBatch()
        batch.messages = [NewMessage(room: .main, author: "ann", text: "apple pie", messageID: nil, ts: nil, receivedAt: 1)]
        try await store.write(batch)
        // 40,000 matches in another room, a prefix query: far more than a millisecond of work.
        await #expect(throws: SearchTimedOut.self) {
            try await store.search(in: other, for: "a b c", limit: 200, timeBudget: .milliseconds(1))
        }
        // The one connection of the pool is used again: no timeout stayed on it.
        #expect(try await store.search(in: .main, for: "apple", limit: 5).map(\.text) == ["apple pie"])
        #expect(try await store.messageCount() == 40_001)
    }
}
