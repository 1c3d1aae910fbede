import ChatCore
import ChatStore
import Testing

/// Room topics and archive states, and search across rooms with paging and `from:`: the
/// same answers from every store.
@Suite("Rooms and search (SQLite, PostgreSQL and in memory alike)")
struct RoomSettingsStoreTests {
    let main = RoomName.main
    let dev = try! RoomName("dev")

    func message(_ text: String, in room: RoomName = .main, by author: String = "ann", ts: Int64 = 1_000) -> NewMessage {
        NewMessage(room: room, author: author, text: text, ts: ts, receivedAt: ts)
    }

    func write(_ store: any MessageStore, messages: [NewMessage] = [], changes: [RoomSettingChange] = []) async throws {
        var batch = StoreBatch()
        batch.messages = messages
        batch.roomChanges = changes
        try await store.write(batch)
    }

    @Test("the latest topic by ts wins, whatever order the events came in", arguments: StoreKind.allCases)
    func topicLatestWins(kind: StoreKind) async throws {
        let (store, cleanup) = try await kind.make()
        defer { cleanup() }
        let version = try await store.version()
        try await write(store, changes: [.topic(main, RoomTopic(text: "second", author: "bob", id: "evt-0002", ts: 20))])
        #expect(try await store.version() != version)
        try await write(store, changes: [
            .topic(main, RoomTopic(text: "first, late", author: "ann", id: "evt-0001", ts: 10)),
            .topic(dev, RoomTopic(text: "builds", author: "ann", id: "evt-0003", ts: 5)),
        ])
        let settings = try await store.roomSettings()
        #expect(settings.topics[main] == RoomTopic(text: "second", author: "bob", id: "evt-0002", ts: 20))
        #expect(settings.topics[dev]?.text == "builds")
        try await write(store, changes: [.topic(main, RoomTopic(text: "third", author: "cy", id: "evt-0004", ts: 30))])
        #expect(try await store.roomSettings().topics[main]?.text == "third")
    }

    @Test("archive and unarchive: the latest wins; a newer message shows the room again", arguments: StoreKind.allCases)
    func archive(kind: StoreKind) async throws {
        let (store, cleanup) = try await kind.make()
        defer { cleanup() }
        try await write(store, messages: [message("old", in: dev, ts: 50)],
                        changes: [.archive(dev, RoomArchive(on: true, author: "ann", id: "evt-0001", ts: 100))])
        var archive = try #require(try await store.roomSettings().archives[dev])
        #expect(archive.isArchived(newestMessageTs: 50))
        try await write(store, changes: [.archive(dev, RoomArchive(on: false, author: "bob", id: "evt-0002", ts: 90))])
        archive = try #require(try await store.roomSettings().archives[dev])
        #expect(archive.on, "an older unarchive does not undo a newer archive")
        try await write(store, changes: [.archive(dev, RoomArchive(on: false, author: "bob", id: "evt-0003", ts: 110))])
        #expect(try await store.roomSettings().archives[dev]?.on == false)
        try await write(store, changes: [.archive(dev, RoomArchive(on: true, author: "ann", id: "evt-0004", ts: 120))])
        try await write(store, messages: [message("back", in: dev, ts: 130)])
        let newest = try await store.lastMessages(in: dev, limit: 1).last?.ts
        #expect(try await store.roomSettings().archives[dev]?.isArchived(newestMessageTs: newest) == false)
        #expect(try await store.messageCount() == 2, "history kept")
    }

    @Test("search across rooms, paged by key: more than a page, hasMore says so honestly", arguments: StoreKind.allCases)
    func allRoomPaging(kind: StoreKind) async throws {
        let (store, cleanup) = try await kind.make()
        defer { cleanup() }
        try await write(store, messages: (0..<120).map { message("pizza night \($0)", in: $0 % 2 == 0 ? main : dev) }
            + [message("nothing here")])
        let first = try await store.search(MessageSearch(words: "pizza", limit: 50))
        #expect(first.messages.count == 50)
        #expect(first.hasMore)
        #expect(first.messages.first?.text == "pizza night 119")
        #expect(Set(first.messages.map(\.room)) == [main, dev])
        let second = try await store.search(MessageSearch(words: "pizza", before: first.messages.last?.key, limit: 50))
        #expect(second.messages.first?.text == "pizza night 69")
        #expect(second.hasMore)
        let third = try await store.search(MessageSearch(words: "pizza", before: second.messages.last?.key, limit: 50))
        #expect(third.messages.count == 20)
        #expect(!third.hasMore)
        let exact = try await store.search(MessageSearch(words: "pizza", before: third.messages[0].key, limit: 19))
        #expect(exact.messages.count == 19 && !exact.hasMore, "no more than what is there")
        let inDev = try await store.search(MessageSearch(room: dev, words: "pizza", limit: 100))
        #expect(inDev.messages.count == 60 && inDev.messages.allSatisfy { $0.room == dev })
    }

    @Test("from:nick: an author alone or with words, any ASCII case", arguments: StoreKind.allCases)
    func fromAuthor(kind: StoreKind) async throws {
        let (store, cleanup) = try await kind.make()
        defer { cleanup() }
        try await write(store, messages: [
            message("pizza tonight", by: "bob"), message("pizza? yes", by: "ann"), message("later", in: dev, by: "bob"),
            message("bobby's pizza", by: "bobby"),
        ])
        let bob = try await store.search(MessageSearch(words: "", author: "Bob", limit: 10))
        #expect(bob.messages.map(\.text) == ["later", "pizza tonight"])
        let bobPizza = try await store.search(MessageSearch(words: "pizza", author: "bob", limit: 10))
        #expect(bobPizza.messages.map(\.text) == ["pizza tonight"])
        let bobInMain = try await store.search(MessageSearch(room: main, words: "", author: "bob", limit: 10))
        #expect(bobInMain.messages.map(\.text) == ["pizza tonight"])
        #expect(try await store.search(MessageSearch(words: "", limit: 10)).messages.isEmpty)
    }
}
