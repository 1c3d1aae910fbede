import ChatCore
@testable import ChatHTTP
import ChatStore
import Foundation
import Hummingbird
import HummingbirdTesting
import Synchronization
import Testing

/// Issue 14 item 4: a member could make `/data/lastinfo` 88 MB (1,000 messages of 16 KB of
/// control characters, 6 bytes each as JSON), and each request built it again.
@Suite("/data/lastinfo bounded by bytes, built once per version")
struct LastInfoBoundsTests {
    /// `count` messages of `size` control characters in `room`.
    static func heavy(_ room: String, count: Int, size: Int) throws -> [NewMessage] {
        let text = String(repeating: "\u{1}", count: size)
        return try (1...count).map { try message(room, "mallory", text, id: "\(room)-\($0)") }
    }

    @Test func heavyMessagesAreCutToTheBudgetAndStayReachable() async throws {
        let store = InMemoryMessageStore()
        var batch = StoreBatch()
        batch.messages = try [message("main", "alice", "before")] + Self.heavy("main", count: 30, size: 16_000)
            + [message("main", "alice", "latest"), message("quiet", "bob", "small talk")]
            + Self.heavy("flood", count: 50, size: 16_000)
        try await store.write(batch)
        var configuration = ServerConfiguration()
        configuration.lastInfoByteBudget = 300_000
        try await withTestApp(configuration: configuration, store: store) { client in
            let olderBefore = try await client.execute(uri: "/data/lastinfo", method: .get) { response in
                // 80 messages of 96 KB as JSON before: 7.7 MB. Now within the budget.
                #expect(response.body.readableBytes <= 300_000 + 2_000)
                let json = try #require(try response.json() as? [String: Any])
                let messages = try #require(json["messages"] as? [String: [[Any]]])
                // Every room keeps its newest messages: the budget is shared, not eaten by one room.
                #expect(messages["quiet"]?.map { $0[1] as? String } == ["small talk"])
                #expect(messages["main"]?.last?[1] as? String == "latest")
                #expect((messages["flood"]?.count ?? 0) >= 1)
                let cut = try #require(json["olderBefore"] as? [String: Int64])
                #expect(cut["quiet"] == nil)
                #expect(cut["main"] == (messages["main"]?.first?[4] as? NSNumber)?.int64Value)
                return cut
            }
            // The page pages back from the key it was given, down to the first message.
            var before = try #require(olderBefore["main"])
            var texts: [String] = []
            while true {
                let page = try await client.execute(uri: "/data/rooms/main/messages?before=\(before)&limit=10", method: .get) {
                    try #require(try $0.json() as? [String: Any])
                }
                let entries = try #require(page["messages"] as? [[Any]])
                texts = entries.compactMap { $0[1] as? String } + texts
                guard page["hasMore"] as? Bool == true, let first = (entries.first?[4] as? NSNumber)?.int64Value else { break }
                before = first
            }
            #expect(texts.first == "before")
        }
    }

    @Test func aRoomWhoseNewestMessageDoesNotFitIsNamedWithAKey() throws {
        let messages = try Self.heavy("flood", count: 3, size: 1_000).enumerated().map { index, new in
            StoredMessage(key: Int64(index + 5), room: new.room, author: new.author, text: new.text,
                          messageID: new.messageID, ts: 1)
        }
        let flood = try RoomName("flood")
        let info = LastInfo(users: [], rooms: [.main, flood], messages: [flood: messages], version: 1)
        let response = LastInfoResponse(info, byteBudget: 100)
        #expect(response.messages.isEmpty)
        // Before the newest's key + 1: the next page holds the newest message.
        #expect(response.olderBefore == ["flood": 8])
        #expect(LastInfoResponse(info).olderBefore == nil)
    }

    @Test func simultaneousRequestsShareOneBuild() async throws {
        var batch = StoreBatch()
        batch.messages = try Self.heavy("main", count: 5, size: 2_000)
        let inner = InMemoryMessageStore()
        try await inner.write(batch)
        let store = GatedStore(inner)
        let cache = LastInfoCache(messagesPerRoom: 50, byteBudget: 1 << 20)
        try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<20 {
                group.addTask { try await cache.body(from: store, gzip: true).body.readableBytes }
            }
            try await store.waitForHeld(1)
            let deadline = ContinuousClock.now + .seconds(10)
            while cache.waitingCount < 19 {
                guard ContinuousClock.now < deadline else { throw GateTimedOut() }
                await Task.yield()
            }
            store.open()
            var sizes: Set<Int> = []
            for try await size in group { sizes.insert(size) }
            #expect(sizes.count == 1, "all got the same (gzipped) body")
        }
        #expect(store.state.withLock { $0.lastInfoStarted } == 1)
        #expect(cache.buildCount == 1)
        // Nothing changed: the next request reads the version only.
        _ = try await cache.body(from: store, gzip: false)
        #expect(cache.buildCount == 1)
    }
}
