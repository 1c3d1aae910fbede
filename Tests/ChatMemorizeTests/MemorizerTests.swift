import ChatCore
import ChatMemorize
import ChatStore
import Foundation
import Testing

@Suite("Memorizer: storing, greeting, idle users")
struct MemorizerTests {
    let start = Date(timeIntervalSince1970: 1_700_000_000)

    func item(_ line: String, clock: ManualClock) throws -> IngestEvent {
        IngestEvent(parsing: try InputLine.parse(Array(line.utf8), receivedAt: clock.now().milliseconds), limits: .default)
    }

    func make(publisher: RecordingPublisher = RecordingPublisher(), store: any MessageStore = InMemoryMessageStore())
        async throws -> (Memorizer, ManualClock, RecordingPublisher, any MessageStore)
    {
        let clock = ManualClock(start)
        let memorizer = try await Memorizer(store: store, publisher: publisher, resolver: FixedResolver(), clock: clock)
        return (memorizer, clock, publisher, store)
    }

    @Test("stores messages, rooms and authors; a duplicate id is stored once")
    func stores() async throws {
        let (memorizer, clock, _, store) = try await make()
        try await memorizer.ingest([
            try item(#"rooms/main/newtext {"author":"ann","text":"hello","id":"1","ts":5}"#, clock: clock),
            try item(#"rooms/dev/newtext {"author":"bob","text":"hi"}"#, clock: clock),
            try item("rooms/empty/new", clock: clock),
            try item(#"rooms/other/typing {"x":1}"#, clock: clock),
            try item(#"rooms/main/newtext {"author":"ann","text":"hello","id":"1","ts":5}"#, clock: clock),
        ])
        #expect(try await store.lastMessages(in: .main, limit: 10).map(\.text) == ["hello"])
        #expect(try await store.lastMessages(in: try RoomName("dev"), limit: 10).map(\.ts) == [start.milliseconds])
        // `typing` makes no room known (SPEC.md, protocol v2): "other" stays unknown.
        #expect(try await store.rooms().map(\.rawValue) == ["main", "dev", "empty"])
        #expect(try await store.onlineUsers() == ["bot", "ann", "bob"])
        let stats = await memorizer.statistics
        #expect(stats.stored == 2)
        #expect(stats.duplicates == 1)
    }

    @Test("past the room limit a new room is refused with its message; known rooms go on")
    func roomLimit() async throws {
        let store = InMemoryMessageStore()
        let clock = ManualClock(start)
        let memorizer = try await Memorizer(store: store, publisher: RecordingPublisher(), resolver: FixedResolver(),
                                            clock: clock, roomLimit: 3)
        try await memorizer.ingest([
            try item("rooms/a/new", clock: clock),
            try item(#"rooms/b/newtext {"author":"ann","text":"in b"}"#, clock: clock),
            try item("rooms/c/new", clock: clock),
            try item(#"rooms/c/newtext {"author":"ann","text":"refused"}"#, clock: clock),
            try item(#"rooms/b/newtext {"author":"ann","text":"b again"}"#, clock: clock),
            try item(#"rooms/main/newtext {"author":"ann","text":"in main"}"#, clock: clock),
        ])
        #expect(try await store.rooms().map(\.rawValue) == ["main", "a", "b"])
        #expect(await memorizer.state.rooms.map(\.rawValue) == ["main", "a", "b"])
        #expect(try await store.messageCount() == 3)
        #expect(await memorizer.statistics.skipped == 2)
    }

    @Test("bad input is counted and skipped; every valid line around it is stored")
    func badInput() async throws {
        let (memorizer, clock, _, store) = try await make()
        let bad: [String] = [
            "rooms/main/newtext not json", "rooms/main/newtext {\"author\":1,\"text\":\"x\"}",
            "rooms/main/newtext {\"text\":\"x\"}", "unknown/topic {}", "rooms/a b/newtext {}",
            "users/a+b/hello {\"ipAddress\":\"x\"}", "users/ann/hello {}", "users/ann/logout nope",
            "rooms/main/newtext {\"author\":\"a/b\",\"text\":\"x\"}", "rooms/main/newtext",
        ]
        var items: [IngestEvent] = []
        for (index, line) in bad.enumerated() {
            items.append(try item(line, clock: clock))
            items.append(try item(#"rooms/main/newtext {"author":"ann","text":"ok \#(index)"}"#, clock: clock))
        }
        var invalidUTF8 = Array(#"rooms/main/newtext {"author":"ann","text":""#.utf8)
        invalidUTF8 += [0xFF, 0xFE] + Array(#""}"#.utf8)
        items.append(IngestEvent(parsing: try InputLine.parse(invalidUTF8, receivedAt: 1), limits: .default))
        try await memorizer.ingest(items)
        #expect(try await store.messageCount() == bad.count)
        #expect(await memorizer.statistics.skipped == bad.count + 1)
    }

    @Test("lines: topic, one space, payload; blank lines and bad topics refused")
    func lines() throws {
        let parsed = try InputLine.parse(Array("rooms/main/newtext {\"a\": \"b c\"}\r".utf8), receivedAt: 7)
        #expect(parsed.topic == "rooms/main/newtext")
        #expect(String(decoding: parsed.payload, as: UTF8.self) == "{\"a\": \"b c\"}")
        #expect(try InputLine.parse(Array("users/ann/logout".utf8), receivedAt: 0).payload.isEmpty)
        #expect(throws: InputLineError.empty) { try InputLine.parse(Array("   ".utf8), receivedAt: 0) }
        #expect(throws: InputLineError.empty) { try InputLine.parse([UInt8](), receivedAt: 0) }
        #expect(throws: InputLineError.topicNotUTF8) { try InputLine.parse([0xFF, 0x20, 0x41], receivedAt: 0) }
    }

    @Test("greets a newcomer as bot in rooms/main/newtext, in plain text with host and address")
    func greets() async throws {
        let (memorizer, clock, publisher, store) = try await make()
        try await withGreetings(memorizer) {
            try await memorizer.ingest([try item(#"users/ann/hello {"ipAddress":"127.0.0.5"}"#, clock: clock)])
            await memorizer.waitForGreetings()
            let greeting = try #require(publisher.publications.first)
            #expect(greeting.topic == "rooms/main/newtext")
            let payload = try NewTextPayload(decoding: Array(greeting.payload.utf8))
            #expect(payload.author == .bot)
            #expect(payload.text == "@ann: Welcome ann!! From host-of-127.0.0.5 :: 127.0.0.5")
            #expect(payload.id != nil)
            #expect(payload.ts == start.milliseconds)
            let state = try await store.loadChatState(rules: .standard)
            #expect(state.users[try Nickname("ann")]?.hostName == "host-of-127.0.0.5")
        }
    }

    @Test("the greeting rules end to end, with the clock moved by the test")
    func rulesEndToEnd() async throws {
        let (memorizer, clock, publisher, _) = try await make()
        try await withGreetings(memorizer) {
            func hello(_ nick: String, _ address: String) async throws -> String? {
                let before = publisher.publications.count
                try await memorizer.ingest([try item(#"users/\#(nick)/hello {"ipAddress":"\#(address)"}"#, clock: clock)])
                await memorizer.waitForGreetings()
                guard publisher.publications.count > before, let last = publisher.publications.last else { return nil }
                return try NewTextPayload(decoding: Array(last.payload.utf8)).text
            }
            #expect(try await hello("ann", "127.0.0.1") == "@ann: Welcome ann!! From host-of-127.0.0.1 :: 127.0.0.1")
            #expect(try await hello("bob", "127.0.0.1")
                == "@bob: Welcome bob!! Also seen from your address: ann. From host-of-127.0.0.1 :: 127.0.0.1")
            clock.advance(minutes: 1)
            #expect(try await hello("ann", "127.0.0.1") == nil)   // a reload: nothing said
            #expect(try await hello("ann", "127.0.0.2")
                == "@ann: ann, did you change your computer? Having connection issues? From host-of-127.0.0.2 :: 127.0.0.2")
            clock.advance(minutes: 6)
            #expect(try await hello("ann", "127.0.0.2") == "@ann: Long time no see! ;) From host-of-127.0.0.2 :: 127.0.0.2")
            try await memorizer.ingest([try item("users/ann/logout {}", clock: clock)])
            #expect(try await hello("ann", "127.0.0.2") == "@ann: Welcome back online ann! :) From host-of-127.0.0.2 :: 127.0.0.2")
        }
    }

    @Test("idle users are logged out after 10 minutes and users/<nick>/logout is published; bot stays")
    func idleSweep() async throws {
        let (memorizer, clock, publisher, store) = try await make()
        try await withGreetings(memorizer) {
            try await memorizer.ingest([
                try item(#"users/ann/hello {"ipAddress":"127.0.0.1"}"#, clock: clock),
                try item(#"rooms/main/newtext {"author":"bob","text":"hi"}"#, clock: clock),
            ])
            await memorizer.waitForGreetings()
            clock.advance(minutes: 5)
            try await memorizer.ingest([try item(#"rooms/main/newtext {"author":"bob","text":"still here"}"#, clock: clock)])
            clock.advance(minutes: 4.9)
            #expect(try await memorizer.sweepIdle().isEmpty)
            clock.advance(minutes: 0.2)
            #expect(try await memorizer.sweepIdle() == [try Nickname("ann")])
            #expect(publisher.publications.last == .init(topic: "users/ann/logout", payload: "{}"))
            #expect(try await store.onlineUsers() == ["bot", "bob"])
            clock.advance(minutes: 10)
            #expect(try await memorizer.sweepIdle() == [try Nickname("bob")])
            #expect(try await store.onlineUsers() == ["bot"])
            #expect(await memorizer.statistics.idleLogouts == 2)
        }
    }

    @Test("a broker that does not answer: messages are still stored")
    func brokerDown() async throws {
        let (memorizer, clock, _, store) = try await make(publisher: RecordingPublisher(failing: true))
        try await withGreetings(memorizer) {
            try await memorizer.ingest([
                try item(#"users/ann/hello {"ipAddress":"127.0.0.1"}"#, clock: clock),
                try item(#"rooms/main/newtext {"author":"ann","text":"stored anyway"}"#, clock: clock),
            ])
            await memorizer.waitForGreetings()
            #expect(try await store.messageCount() == 1)
            #expect(await memorizer.statistics.greetings == 0)
        }
    }

    @Test("state survives a restart: a known user is welcomed back, not as a newcomer")
    func restart() async throws {
        let store = InMemoryMessageStore()
        let (first, clock, _, _) = try await make(store: store)
        try await withGreetings(first) {
            try await first.ingest([try item(#"users/ann/hello {"ipAddress":"127.0.0.1"}"#, clock: clock)])
            await first.waitForGreetings()
            try await first.ingest([try item("users/ann/logout", clock: clock)])
        }
        let publisher = RecordingPublisher()
        let (second, clock2, _, _) = try await make(publisher: publisher, store: store)
        try await withGreetings(second) {
            try await second.ingest([try item(#"users/ann/hello {"ipAddress":"127.0.0.1"}"#, clock: clock2)])
            await second.waitForGreetings()
        }
        #expect(publisher.publications.first.map { $0.payload.contains("Welcome back online ann") } == true)
    }
}
