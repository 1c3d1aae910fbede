import ChatCore
import ChatStore
import Foundation
import Testing

@Suite("Message store (SQLite, PostgreSQL and in memory alike)")
struct MessageStoreTests {
    let main = RoomName.main
    let dev = try! RoomName("dev")

    func message(_ text: String, in room: RoomName = .main, by author: String = "ann", id: String? = nil, ts: Int64? = nil) -> NewMessage {
        NewMessage(room: room, author: author, text: text, messageID: id, ts: ts, receivedAt: 1_000)
    }

    func batch(_ messages: [NewMessage]) -> StoreBatch {
        var batch = StoreBatch()
        batch.messages = messages
        return batch
    }

    @Test("a new store has main and bot", arguments: StoreKind.allCases)
    func empty(kind: StoreKind) async throws {
        let (store, cleanup) = try await kind.make()
        defer { cleanup() }
        #expect(try await store.rooms() == [.main])
        #expect(try await store.onlineUsers() == ["bot"])
        #expect(try await store.messageCount() == 0)
        #expect(try await store.lastMessages(in: .main, limit: 10).isEmpty)
    }

    @Test("messages come back in order; the last N of a room, oldest first", arguments: StoreKind.allCases)
    func order(kind: StoreKind) async throws {
        let (store, cleanup) = try await kind.make()
        defer { cleanup() }
        let messages = (0..<10).map { message("m\($0)", in: $0 % 2 == 0 ? main : dev, ts: Int64($0)) }
        let result = try await store.write(batch(messages))
        #expect(result == StoreWriteResult(inserted: 10, duplicates: 0))
        let last = try await store.lastMessages(in: main, limit: 3)
        #expect(last.map(\.text) == ["m4", "m6", "m8"])
        #expect(last.map(\.ts) == [4, 6, 8])
        #expect(try await store.rooms() == [main, dev])
    }

    @Test("a timestamp-less message gets its reception time", arguments: StoreKind.allCases)
    func receivedAt(kind: StoreKind) async throws {
        let (store, cleanup) = try await kind.make()
        defer { cleanup() }
        try await store.write(batch([message("x")]))
        #expect(try await store.lastMessages(in: main, limit: 1).first?.ts == 1_000)
    }

    @Test("a message whose id is stored already is not stored again", arguments: StoreKind.allCases)
    func idempotent(kind: StoreKind) async throws {
        let (store, cleanup) = try await kind.make()
        defer { cleanup() }
        try await store.write(batch([message("a", id: "1"), message("b", id: "2"), message("no id"), message("no id")]))
        let again = try await store.write(batch([message("a", id: "1"), message("c", id: "3"), message("a again", id: "1")]))
        #expect(again == StoreWriteResult(inserted: 1, duplicates: 2))
        #expect(try await store.messageCount() == 5)
        #expect(try await store.lastMessages(in: main, limit: 10).map(\.text) == ["a", "b", "no id", "no id", "c"])
    }

    @Test("pages by key: older pages, oldest first, with hasMore", arguments: StoreKind.allCases)
    func paging(kind: StoreKind) async throws {
        let (store, cleanup) = try await kind.make()
        defer { cleanup() }
        try await store.write(batch((0..<25).map { message("m\($0)") } + [message("elsewhere", in: dev)]))
        let newest = try await store.messages(in: main, before: nil, limit: 10)
        #expect(newest.messages.map(\.text) == (15..<25).map { "m\($0)" })
        #expect(newest.hasMore)
        let older = try await store.messages(in: main, before: newest.messages[0].key, limit: 10)
        #expect(older.messages.map(\.text) == (5..<15).map { "m\($0)" })
        let oldest = try await store.messages(in: main, before: older.messages[0].key, limit: 10)
        #expect(oldest.messages.map(\.text) == (0..<5).map { "m\($0)" })
        #expect(!oldest.hasMore)
        let exact = try await store.messages(in: main, before: older.messages[5].key, limit: 10)
        #expect(exact.messages.map(\.text) == (0..<10).map { "m\($0)" })
        #expect(!exact.hasMore)
    }

    @Test("search: every word, in one room, newest first; typed syntax is harmless", arguments: StoreKind.allCases)
    func search(kind: StoreKind) async throws {
        let (store, cleanup) = try await kind.make()
        defer { cleanup() }
        try await store.write(batch([
            message("the build is green"), message("the build is red"), message("lunch?"),
            message("build elsewhere", in: dev), message("quote \" AND * NEAR( ) {x}"),
        ]))
        #expect(try await store.search(in: main, for: "build", limit: 10).map(\.text) == ["the build is red", "the build is green"])
        #expect(try await store.search(in: main, for: "  build   green ", limit: 10).map(\.text) == ["the build is green"])
        #expect(try await store.search(in: main, for: "build", limit: 1).count == 1)
        #expect(try await store.search(in: dev, for: "build", limit: 10).map(\.text) == ["build elsewhere"])
        #expect(try await store.search(in: main, for: "", limit: 10).isEmpty)
        for typed in ["\"", "AND", "*", "NEAR(", "{x}", "a:b", "-x", "^"] {
            _ = try await store.search(in: main, for: typed, limit: 10)
        }
    }

    @Test("rooms, users online, addresses and user records round trip into the chat state", arguments: StoreKind.allCases)
    func chatState(kind: StoreKind) async throws {
        let (store, cleanup) = try await kind.make()
        defer { cleanup() }
        let ann = try Nickname("ann"), bob = try Nickname("bob")
        var chat = ChatState()
        _ = chat.registerHello(from: ann, address: "192.0.2.1", at: Date(milliseconds: 1_000_000))
        _ = chat.registerHello(from: bob, address: "192.0.2.1", at: Date(milliseconds: 2_000_000))
        chat.setHostName("ann.example", for: ann)
        chat.addRoom(dev)
        var batch = StoreBatch()
        batch.rooms = chat.rooms
        batch.users = chat.users
        batch.online = chat.online.map(\.rawValue)
        try await store.write(batch)
        let loaded = try await store.loadChatState(rules: .standard)
        #expect(loaded.rooms == [main, dev])
        #expect(loaded.online == [.bot, ann, bob])
        #expect(loaded.users == chat.users)
        #expect(loaded.nicknamesByAddress["192.0.2.1"] == [ann, bob])
        #expect(try await store.onlineUsers() == ["bot", "ann", "bob"])
    }

    @Test("lastInfo: users, rooms and the last messages per room, with a version that moves", arguments: StoreKind.allCases)
    func lastInfo(kind: StoreKind) async throws {
        let (store, cleanup) = try await kind.make()
        defer { cleanup() }
        let before = try await store.version()
        try await store.write(batch((0..<5).map { message("m\($0)") } + [message("d", in: dev)]))
        let info = try await store.lastInfo(messagesPerRoom: 2)
        #expect(info.rooms == [main, dev])
        #expect(info.users == ["bot"])
        #expect(info.messages[main]?.map(\.text) == ["m3", "m4"])
        #expect(info.messages[dev]?.map(\.text) == ["d"])
        #expect(info.version != before)
        #expect(try await store.version() == info.version)
    }

    @Test("replacing a room's log", arguments: StoreKind.allCases)
    func replace(kind: StoreKind) async throws {
        let (store, cleanup) = try await kind.make()
        defer { cleanup() }
        try await store.write(batch([message("old", id: "o1"), message("stays", in: dev)]))
        try await store.replaceMessages(in: main, with: [message("new 1", in: dev), message("new 2", id: "o1")])
        #expect(try await store.lastMessages(in: main, limit: 10).map(\.text) == ["new 1", "new 2"])
        #expect(try await store.lastMessages(in: dev, limit: 10).map(\.text) == ["stays"])
        #expect(try await store.search(in: main, for: "old", limit: 10).isEmpty)
    }

    @Test("export: JSON Lines, oldest first, with room, author, text, ts and id", arguments: StoreKind.allCases)
    func export(kind: StoreKind) async throws {
        let (store, cleanup) = try await kind.make()
        defer { cleanup() }
        try await store.write(batch((0..<4_500).map { message("m\($0)", in: $0 == 1 ? dev : main, id: "id\($0)", ts: Int64($0)) }))
        try await store.write(batch([message("quote \" back\\slash\nnewline\u{1} é", by: "bob")]))
        let output = Output()
        let count = try await JSONLinesExport.export(store) { output.append($0) }
        #expect(count == 4_501)
        let lines = String(decoding: output.bytes, as: UTF8.self).split(separator: "\n")
        #expect(lines.count == 4_501)
        #expect(lines[0] == #"{"room":"main","author":"ann","text":"m0","ts":0,"id":"id0"}"#)
        #expect(lines[1] == #"{"room":"dev","author":"ann","text":"m1","ts":1,"id":"id1"}"#)
        struct Line: Decodable { let room: String; let author: String; let text: String; let ts: Int64; let id: String? }
        let last = try JSONDecoder().decode(Line.self, from: Data(lines[4_500].utf8))
        #expect(last.text == "quote \" back\\slash\nnewline\u{1} é")
        #expect(last.id == nil)
        #expect(last.ts == 1_000)
    }

    @Test("import of the original's chatinfo.json, twice stores nothing twice", arguments: StoreKind.allCases)
    func legacyImport(kind: StoreKind) async throws {
        let (store, cleanup) = try await kind.make()
        defer { cleanup() }
        let info = try LegacyChatInfo(contentsOf: fixturesDirectory.appendingPathComponent("chatinfo.json").path)
        let report = try await info.importInto(store, now: Date(milliseconds: 5_000), batchSize: 2)
        #expect(report.messagesStored == 6)
        #expect(report.users == 2)
        #expect(report.skipped.count == 3)   // the room "bad room" twice, the user "bad/nick"
        #expect(try await store.rooms() == [main, dev])
        #expect(try await store.lastMessages(in: main, limit: 10).map(\.author) == ["bot", "ann", "bob", "ann"])
        #expect(try await store.lastMessages(in: main, limit: 10).last?.text == "<img src=x onerror=alert(1)>")
        #expect(try await store.onlineUsers() == ["bot", "ann", "bob"])
        let chat = try await store.loadChatState(rules: .standard)
        let ann = try Nickname("ann")
        #expect(chat.users[ann]?.addresses == ["192.0.2.1"])
        #expect(chat.users[ann]?.hostName == "ann.example")
        #expect(chat.users[ann]?.lastSeen == Date(milliseconds: 1_500_000_100_250))
        #expect(chat.users[ann]?.lastConnection == Date(milliseconds: 1_500_000_000_500))
        #expect(chat.nicknamesByAddress["192.0.2.1"] == [ann, try Nickname("bob")])

        let again = try await info.importInto(store)
        #expect(again.messagesStored == 0)
        #expect(again.messagesAlreadyStored == 6)
        #expect(try await store.messageCount() == 6)
    }

    @Test("a file that is not chatinfo.json is refused with a reason")
    func badImport() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("bad-\(UUID()).json").path
        try Data("[1, 2]".utf8).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(throws: LegacyImportError.self) { try LegacyChatInfo(contentsOf: path) }
        #expect(throws: LegacyImportError.self) { try LegacyChatInfo(contentsOf: "/nonexistent/chatinfo.json") }
    }
}

final class Output: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [UInt8] = []
    func append(_ bytes: [UInt8]) { lock.withLock { stored += bytes } }
    var bytes: [UInt8] { lock.withLock { stored } }
}
