import ChatCore
import ChatHTTP
import ChatStore
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("History with protocol v2: the sixth element and around=")
struct ConversationHistoryTests {
    /// `main`: m1 (edited, reacted to), m2 (a reply to m1), m3 (deleted), m4 (plain); ids message-1…4.
    func conversationStore() async throws -> InMemoryMessageStore {
        let store = InMemoryMessageStore()
        var batch = StoreBatch()
        batch.messages = try (1...4).map { try message("main", "ann", "text \($0)", id: "message-\($0)", ts: Int64($0) * 1_000) }
        batch.messages[1].replyTo = "message-1"
        func event(_ kind: ConversationEvent.Kind, _ id: String, on target: String, by author: String = "ann") -> ConversationEvent {
            ConversationEvent(room: .main, author: author, eventID: id, target: target, kind: kind, ts: 9_000, receivedAt: 9_000)
        }
        batch.events = [
            event(.edit(text: "text 1 fixed"), "edit-0001", on: "message-1"),
            event(.react(emoji: "👍", on: true), "react-001", on: "message-1", by: "bob"),
            event(.react(emoji: "👍", on: true), "react-002", on: "message-1", by: "cy"),
            event(.delete, "delete-01", on: "message-3"),
        ]
        try await store.write(batch)
        return store
    }

    func entries(_ json: Any?) throws -> [[Any]] {
        try #require(json as? [[Any]])
    }

    @Test func theSixthElementIsThereOnlyWhenItHasSomething() async throws {
        let store = try await conversationStore()
        try await withTestApp(store: store) { client in
            try await client.execute(uri: "/data/lastinfo", method: .get) { response in
                let json = try #require(try response.json() as? [String: Any])
                let main = try entries((json["messages"] as? [String: Any])?["main"])
                #expect(main.map(\.count) == [6, 6, 6, 5])
                #expect(main[0][1] as? String == "text 1 fixed")
                let first = try #require(main[0][5] as? [String: Any])
                #expect(Set(first.keys) == ["edited", "reactions"])
                #expect((first["edited"] as? NSNumber)?.int64Value == 9_000)
                #expect(first["reactions"] as? [String: [String]] == ["👍": ["bob", "cy"]])
                #expect(main[1][5] as? [String: String] == ["replyTo": "message-1"])
                #expect(main[2][1] as? String == "")
                #expect(main[2][5] as? [String: Bool] == ["deleted": true])
            }
            try await client.execute(uri: "/data/rooms/main/messages?before=3", method: .get) { response in
                let json = try #require(try response.json() as? [String: Any])
                let page = try entries(json["messages"])
                #expect(page.map(\.count) == [6, 6])
                #expect(json["hasNewer"] == nil, "a before= page keeps its shape")
            }
            try await client.execute(uri: "/data/rooms/main/search?q=fixed", method: .get) { response in
                let page = try entries((try response.json() as? [String: Any])?["messages"])
                #expect(page.count == 1 && page[0].count == 6)
            }
            try await client.execute(uri: "/data/rooms/main/search?q=text", method: .get) { response in
                let page = try entries((try response.json() as? [String: Any])?["messages"])
                #expect(page.map { $0[1] as? String } == ["text 4", "text 2", "text 1 fixed"], "the deleted one is not found")
            }
        }
    }

    @Test func aroundAnswersThePageHoldingTheMessage() async throws {
        let store = try await storeWithMessages(40)
        var batch = StoreBatch()
        batch.messages = try (1...30).map { try message("main", "ann", "late \($0)", id: "message-\(100 + $0)") }
        try await store.write(batch)
        try await withTestApp(store: store) { client in
            try await client.execute(uri: "/data/rooms/main/messages?around=message-110&limit=5", method: .get) { response in
                #expect(response.status == .ok)
                let json = try #require(try response.json() as? [String: Any])
                #expect(try entries(json["messages"]).map { $0[1] as? String } == ["late 8", "late 9", "late 10", "late 11", "late 12"])
                #expect(json["hasMore"] as? Bool == true)
                #expect(json["hasNewer"] as? Bool == true)
            }
            try await client.execute(uri: "/data/rooms/main/messages?around=message-999", method: .get) { response in
                #expect(response.status == .notFound)
                #expect(response.headers[.contentType]?.hasPrefix("application/json") == true)
                #expect(response.text.contains("no message with id message-999"))
            }
            try await client.execute(uri: "/data/rooms/main/messages?around=bad%20id", method: .get) { response in
                #expect(response.status == .badRequest)
            }
            try await client.execute(uri: "/data/rooms/main/messages?around=message-110&before=5", method: .get) { response in
                #expect(response.status == .badRequest)
            }
        }
    }
}

@Suite("/metrics: held v2 events")
struct HeldEventMetricsTests {
    @Test func metricsShowTheHeldEventsAndTheDroppedOnes() async throws {
        let store = InMemoryMessageStore()
        var batch = StoreBatch()
        batch.events = [ConversationEvent(room: .main, author: "ann", eventID: "delete-01", target: "message-1", kind: .delete,
                                          ts: 1, receivedAt: 1)]
        batch.counters[SettingKey.droppedHeldEvents] = 3
        try await store.write(batch)
        try await withTestApp(store: store) { client in
            try await TestPeer.$address.withValue(TestPeer.loopback) {
                try await client.execute(uri: "/metrics", method: .get) { response in
                    #expect(response.text.contains("chatt_events_held 1"))
                    #expect(response.text.contains("chatt_events_held_dropped 3"))
                }
            }
        }
    }
}
