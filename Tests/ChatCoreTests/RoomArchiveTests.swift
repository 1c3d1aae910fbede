import ChatCore
import Testing

/// `rooms/<room>/archive`: the topic leaf, its payload, and when a room counts as archived.
@Suite("Room archive event")
struct RoomArchiveTests {
    @Test("rooms/<room>/archive parses into its typed value and back")
    func parses() throws {
        let payload = #"{"author":"ann","id":"evt-0001","ts":5,"on":true,"extra":1}"#
        let event = try ChatEvent(topic: "rooms/trips/archive", payload: Array(payload.utf8))
        let expected = RoomArchivePayload(author: try Nickname("ann"), id: try EventID("evt-0001"), ts: 5, on: true)
        #expect(event == .roomArchive(try RoomName("trips"), expected))
        #expect(event.topic.description == "rooms/trips/archive")
        #expect(try RoomArchivePayload(decoding: expected.jsonBytes) == expected)
        #expect(!(try Topic(parsing: "rooms/trips/archive").makesRoomKnown))
    }

    @Test("a bad field is named", arguments: [
        (#"{"author":"ann","id":"evt-0001","ts":5}"#, "on"),
        (#"{"author":"ann","id":"evt-0001","ts":5,"on":"yes"}"#, "on"),
        (#"{"author":"ann","id":"x","ts":5,"on":true}"#, "id"),
        (#"{"id":"evt-0001","ts":5,"on":true}"#, "author"),
        (#"{"author":"ann","id":"evt-0001","on":true}"#, "ts"),
    ])
    func badField(json: String, field: String) {
        do {
            _ = try ChatEvent(topic: "rooms/main/archive", payload: Array(json.utf8))
            Issue.record("accepted \(json)")
        } catch {
            #expect(error.description.contains("\"\(field)\""), "\(error)")
        }
    }

    @Test("archived until a newer message, or an unarchive")
    func archivedRule() throws {
        let on = RoomArchivePayload(author: try Nickname("ann"), id: try EventID("evt-0001"), ts: 100, on: true)
        #expect(on.isArchived(newestMessageTs: nil))
        #expect(on.isArchived(newestMessageTs: 99))
        #expect(!on.isArchived(newestMessageTs: 101))
        var off = on
        off.on = false
        #expect(!off.isArchived(newestMessageTs: nil))
    }
}
