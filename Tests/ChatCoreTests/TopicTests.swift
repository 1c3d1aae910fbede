import ChatCore
import Testing

@Suite("Topics")
struct TopicTests {
    @Test("parse and format round trip", arguments: [
        "rooms/main/newtext", "rooms/my-room/new", "users/ann/hello", "users/Zoë/logout",
    ])
    func roundTrip(topic: String) throws {
        #expect(try Topic(parsing: topic).description == topic)
    }

    @Test("typed cases")
    func cases() throws {
        #expect(try Topic(parsing: "rooms/main/newtext") == .roomText(.main))
        #expect(try Topic(parsing: "rooms/r1/new") == .roomCreated(RoomName("r1")))
        #expect(try Topic(parsing: "users/bot/hello") == .hello(.bot))
        #expect(try Topic(parsing: "users/ann/logout") == .logout(Nickname("ann")))
        #expect(try Topic(parsing: "rooms/r1/new").room == RoomName("r1"))
        #expect(Topic.hello(.bot).room == nil)
    }

    @Test("unknown or ill-formed topics are typed errors", arguments: [
        "", "/", "rooms", "rooms/main", "rooms/main/newtext/x", "users/ann", "users/ann/bye",
        "other/a/b", "rooms//newtext", "users//hello", "rooms/a b/newtext", "rooms/main/",
        "\u{0}", String(repeating: "/", count: 40),
    ])
    func errors(topic: String) {
        #expect(throws: TopicError.self) { try Topic(parsing: topic) }
    }

    @Test("an unknown event in a valid room still names the room")
    func unknownRoomEvent() throws {
        #expect(throws: TopicError.unknownRoomEvent(room: try RoomName("r2"), event: "wave")) {
            try Topic(parsing: "rooms/r2/wave")
        }
    }

    @Test("error messages quote the topic on one line")
    func messages() {
        do {
            _ = try Topic(parsing: "bad\ntopic")
        } catch {
            #expect(error.description.contains(#""bad\ntopic""#))
            #expect(!error.description.contains("\n"))
        }
    }
}
