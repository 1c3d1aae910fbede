import Synchronization
import ChatCore
import ChatStore
import Foundation
import Testing

/// The stores that apply protocol v2 events.
let conversationStoreKinds: [StoreKind] = StoreKind.allCases

@Suite("Protocol v2 in the store: replies, edits, deletes, reactions, held events")
struct ConversationStoreTests {
    let main = RoomName.main
    let dev = try! RoomName("dev")

    func message(_ text: String, id: String, by author: String = "ann", replyTo: String? = nil, in room: RoomName = .main) -> NewMessage {
        var message = NewMessage(room: room, author: author, text: text, messageID: id, ts: 1_000, receivedAt: 1_000)
        message.replyTo = replyTo
        return message
    }

    func event(_ kind: ConversationEvent.Kind, id: String, on target: String, by author: String = "ann", ts: Int64 = 2_000,
               in room: RoomName = .main) -> ConversationEvent {
        ConversationEvent(room: room, author: author, eventID: id, target: target, kind: kind, ts: ts, receivedAt: ts)
    }

    @discardableResult
    func write(_ store: any MessageStore, messages: [NewMessage] = [], events: [ConversationEvent] = []) async throws -> StoreWriteResult {
        var batch = StoreBatch()
        batch.messages = messages
        batch.events = events
        return try await store.write(batch)
    }

    func only(_ store: any MessageStore, room: RoomName = .main) async throws -> StoredMessage? {
        try await store.lastMessages(in: room, limit: 10).first
    }

    @Test("an edit replaces the text and says when; search finds the new text only", arguments: conversationStoreKinds)
    func edit(kind: StoreKind) async throws {
        let (store, cleanup) = try await kind.make()
        defer { cleanup() }
        try await write(store, messages: [message("helo wrld", id: "message-1")])
        let result = try await write(store, events: [event(.edit(text: "hello world"), id: "edit-0001", on: "message-1")])
        #expect(result.events.applied == 1)
        let stored = try #require(try await only(store))
        #expect(stored.text == "hello world")
        #expect(stored.extras == MessageExtras(edited: 2_000))
        #expect(try await store.search(in: main, for: "hello", limit: 10).map(\.text) == ["hello world"])
        #expect(try await store.search(in: main, for: "wrld", limit: 10).isEmpty)
    }

    @Test("a delete leaves a tombstone: empty text, deleted, not found by search", arguments: conversationStoreKinds)
    func delete(kind: StoreKind) async throws {
        let (store, cleanup) = try await kind.make()
        defer { cleanup() }
        try await write(store, messages: [message("secret plans", id: "message-1")])
        try await write(store, events: [event(.react(emoji: "👍", on: true), id: "react-001", on: "message-1", by: "bob")])
        try await write(store, events: [event(.delete, id: "delete-01", on: "message-1")])
        let stored = try #require(try await only(store))
        #expect(stored.text == "")
        #expect(stored.extras == MessageExtras(deleted: true))
        #expect(try await store.search(in: main, for: "secret", limit: 10).isEmpty)
        // Nor by the searches across rooms, with words or by its author alone (from:).
        for search in [MessageSearch(words: "secret", limit: 10), MessageSearch(words: "", author: "ann", limit: 10),
                       MessageSearch(room: main, words: "", author: "ann", limit: 10)] {
            #expect(try await store.search(search).messages.isEmpty, "\(search)")
        }
        #expect(try await store.messageCount() == 1)
    }

    @Test("reactions: one per author per emoji; adding or removing twice changes nothing", arguments: conversationStoreKinds)
    func reactions(kind: StoreKind) async throws {
        let (store, cleanup) = try await kind.make()
        defer { cleanup() }
        try await write(store, messages: [message("lunch?", id: "message-1")])
        try await write(store, events: [
            event(.react(emoji: "👍", on: true), id: "react-001", on: "message-1", by: "bob"),
            event(.react(emoji: "👍", on: true), id: "react-002", on: "message-1", by: "bob"),
            event(.react(emoji: "👍", on: true), id: "react-003", on: "message-1", by: "cy"),
            event(.react(emoji: "🎉", on: true), id: "react-004", on: "message-1", by: "bob"),
        ])
        #expect(try await only(store)?.extras?.reactions == ["👍": ["bob", "cy"], "🎉": ["bob"]])
        try await write(store, events: [
            event(.react(emoji: "🎉", on: false), id: "react-005", on: "message-1", by: "bob"),
            event(.react(emoji: "🎉", on: false), id: "react-006", on: "message-1", by: "bob"),
            event(.react(emoji: "👍", on: false), id: "react-007", on: "message-1", by: "dan"),
        ])
        #expect(try await only(store)?.extras?.reactions == ["👍": ["bob", "cy"]])
    }

    @Test("a reply keeps what it replies to", arguments: conversationStoreKinds)
    func reply(kind: StoreKind) async throws {
        let (store, cleanup) = try await kind.make()
        defer { cleanup() }
        try await write(store, messages: [message("question", id: "message-1"), message("answer", id: "message-2", replyTo: "message-1")])
        let page = try await store.messages(in: main, before: nil, limit: 10).messages
        #expect(page.map(\.extras) == [nil, MessageExtras(replyTo: "message-1")])
        #expect(try await store.lastInfo(messagesPerRoom: 10).messages[main]?.last?.extras?.replyTo == "message-1")
    }

    @Test("an event before its target is held, then applied when the target arrives", arguments: conversationStoreKinds)
    func held(kind: StoreKind) async throws {
        let (store, cleanup) = try await kind.make()
        defer { cleanup() }
        let early = try await write(store, events: [
            event(.edit(text: "fixed"), id: "edit-0001", on: "message-1"),
            event(.react(emoji: "👍", on: true), id: "react-001", on: "message-1", by: "bob"),
        ])
        #expect(early.events.held == 2)
        #expect(try await store.heldEventCount() == 2)
        let again = try await write(store, events: [event(.edit(text: "fixed"), id: "edit-0001", on: "message-1")])
        #expect(again.events.duplicates == 1)
        let arrival = try await write(store, messages: [message("fxied", id: "message-1")])
        #expect(arrival.events.applied == 2)
        #expect(try await store.heldEventCount() == 0)
        let stored = try #require(try await only(store))
        #expect(stored.text == "fixed")
        #expect(stored.extras?.reactions == ["👍": ["bob"]])
    }

    @Test("somebody else's edit or delete is not applied", arguments: conversationStoreKinds)
    func unauthorised(kind: StoreKind) async throws {
        let (store, cleanup) = try await kind.make()
        defer { cleanup() }
        try await write(store, messages: [message("mine", id: "message-1")])
        let result = try await write(store, events: [
            event(.edit(text: "yours now"), id: "edit-0001", on: "message-1", by: "mallory"),
            event(.delete, id: "delete-01", on: "message-1", by: "mallory"),
            event(.edit(text: "elsewhere"), id: "edit-0002", on: "message-1", in: dev),
        ])
        #expect(result.events.applied == 0)
        #expect(result.events.refused.count == 3)
        let stored = try #require(try await only(store))
        #expect(stored.text == "mine")
        #expect(stored.extras == nil)
    }

    @Test("an event delivered twice is applied once", arguments: conversationStoreKinds)
    func duplicate(kind: StoreKind) async throws {
        let (store, cleanup) = try await kind.make()
        defer { cleanup() }
        try await write(store, messages: [message("v1", id: "message-1")])
        try await write(store, events: [event(.edit(text: "v2"), id: "edit-0001", on: "message-1", ts: 2_000)])
        try await write(store, events: [event(.edit(text: "v3"), id: "edit-0002", on: "message-1", ts: 3_000)])
        let again = try await write(store, events: [event(.edit(text: "v2"), id: "edit-0001", on: "message-1", ts: 2_000)])
        #expect(again.events == { var outcome = ConversationOutcome(); outcome.duplicates = 1; return outcome }())
        let stored = try #require(try await only(store))
        #expect(stored.text == "v3")
        #expect(stored.extras?.edited == 3_000)
    }

    @Test("the held events stay at their bound; the oldest go first and are counted", arguments: [StoreKind.memory, .sqlite])
    func heldBound(kind: StoreKind) async throws {
        let (store, cleanup) = try await kind.make()
        defer { cleanup() }
        let many = (0..<10_005).map { event(.delete, id: "delete-\(10_000 + $0)", on: "missing-\(10_000 + $0)") }
        let result = try await write(store, events: many)
        #expect(result.events.droppedHeld == 5)
        #expect(try await store.heldEventCount() == 10_000)
        #expect(try await store.setting(SettingKey.droppedHeldEvents) == "5")
    }

    @Test("around: the page holding a message, half older, half newer", arguments: conversationStoreKinds)
    func around(kind: StoreKind) async throws {
        let (store, cleanup) = try await kind.make()
        defer { cleanup() }
        try await write(store, messages: (0..<20).map { message("m\($0)", id: "message-\(100 + $0)") })
        let page = try #require(try await store.messages(in: main, around: "message-110", limit: 5))
        #expect(page.messages.map(\.text) == ["m8", "m9", "m10", "m11", "m12"])
        #expect(page.hasMore && page.hasNewer)
        let last = try #require(try await store.messages(in: main, around: "message-119", limit: 5))
        #expect(last.messages.map(\.text) == ["m15", "m16", "m17", "m18", "m19"])
        #expect(last.hasMore && !last.hasNewer)
        #expect(try await store.messages(in: main, around: "message-999", limit: 5) == nil)
        #expect(try await store.messages(in: dev, around: "message-110", limit: 5) == nil)
    }
}

@Suite("Protocol v2 in the store: what the export reads")
struct ConversationExportTests {
    @Test("forEachMessage gives an edited message's earlier texts; an import keeps them", arguments: conversationStoreKinds)
    func history(kind: StoreKind) async throws {
        let (store, cleanup) = try await kind.make()
        defer { cleanup() }
        var batch = StoreBatch()
        batch.messages = [NewMessage(room: .main, author: "ann", text: "v1", messageID: "message-1", ts: 1_000, receivedAt: 1_000)]
        try await store.write(batch)
        batch = StoreBatch()
        batch.events = [2, 3].map { version in
            ConversationEvent(room: .main, author: "ann", eventID: "edit-000\(version)", target: "message-1",
                              kind: .edit(text: "v\(version)"), ts: Int64(version) * 1_000, receivedAt: Int64(version) * 1_000)
        }
        var imported = NewMessage(room: .main, author: "bob", text: "now", messageID: "message-2", ts: 5_000, receivedAt: 5_000)
        imported.edited = 6_000
        imported.history = [EarlierText(text: "then", ts: 5_000)]
        batch.messages = [imported]
        try await store.write(batch)
        let all = Mutex<[StoredMessage]>([])
        try await store.forEachMessage { chunk in all.withLock { $0 += chunk } }
        let messages = all.withLock { $0 }
        #expect(messages.map(\.text) == ["v3", "now"])
        #expect(messages.first?.extras?.history == [EarlierText(text: "v1", ts: 1_000), EarlierText(text: "v2", ts: 2_000)])
        #expect(messages.last?.extras?.history == [EarlierText(text: "then", ts: 5_000)])
        #expect(messages.last?.extras?.edited == 6_000)
        #expect(try await store.lastMessages(in: .main, limit: 2).allSatisfy { $0.extras?.history.isEmpty ?? true },
                "the history API does not read them")
    }
}
