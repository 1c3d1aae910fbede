import ChatCore
import Testing

/// The protocol v2 events of SPEC.md as typed values: each parses, and each bad field is
/// named in its error.
@Suite("Protocol v2 events")
struct ConversationEventTests {
    private func event(_ topic: String, _ json: String) throws(ChatEventError) -> ChatEvent {
        try ChatEvent(topic: topic, payload: Array(json.utf8))
    }

    @Test("every event parses into its typed value")
    func parses() throws {
        let ann = try Nickname("ann"), main = RoomName.main
        let id = try EventID("evt-0001"), target = try EventID("msg-0001")
        #expect(try event("rooms/main/newtext", #"{"author":"ann","text":"hi","id":"msg-0002","ts":5,"replyTo":"msg-0001"}"#)
            == .message(main, NewTextPayload(author: ann, text: "hi", id: "msg-0002", ts: 5, replyTo: target)))
        #expect(try event("rooms/main/edit", #"{"author":"ann","id":"evt-0001","ts":5,"target":"msg-0001","text":"fixed"}"#)
            == .edit(main, EditPayload(author: ann, id: id, ts: 5, target: target, text: "fixed")))
        #expect(try event("rooms/main/delete", #"{"author":"ann","id":"evt-0001","ts":5,"target":"msg-0001"}"#)
            == .delete(main, DeletePayload(author: ann, id: id, ts: 5, target: target)))
        #expect(try event("rooms/main/react", #"{"author":"ann","id":"evt-0001","ts":5,"target":"msg-0001","emoji":"👍🏽","on":false}"#)
            == .react(main, ReactPayload(author: ann, id: id, ts: 5, target: target, emoji: "👍🏽", on: false)))
        #expect(try event("rooms/main/typing", #"{"author":"ann","ts":5}"#) == .typing(main, TypingPayload(author: ann, ts: 5)))
        #expect(try event("rooms/main/topic", #"{"author":"ann","id":"evt-0001","ts":5,"text":"Friday dinner"}"#)
            == .roomTopic(main, RoomTopicPayload(author: ann, id: id, ts: 5, text: "Friday dinner")))
        #expect(try event("users/ann/presence", #"{"state":"away","ts":5}"#) == .presence(ann, PresencePayload(state: .away, ts: 5)))
        // The original's four, and unknown fields ignored.
        #expect(try event("rooms/main/newtext", #"{"author":"ann","text":"hi","color":"red"}"#)
            == .message(main, NewTextPayload(author: ann, text: "hi")))
        #expect(try event("users/ann/logout", "") == .logout(ann))
    }

    @Test("a bad field is named", arguments: [
        ("rooms/main/edit", #"{"author":"ann","id":"short","ts":5,"target":"msg-0001","text":"x"}"#, "id"),
        ("rooms/main/edit", #"{"author":"ann","id":"evt-0001","ts":5,"target":"no spaces ok?","text":"x"}"#, "target"),
        ("rooms/main/edit", #"{"author":"ann","id":"evt-0001","ts":5,"target":"msg-0001"}"#, "text"),
        ("rooms/main/edit", #"{"author":"a/b","id":"evt-0001","ts":5,"target":"msg-0001","text":"x"}"#, "author"),
        ("rooms/main/delete", #"{"author":"ann","id":"evt-0001","target":"msg-0001"}"#, "ts"),
        ("rooms/main/delete", #"{"author":"ann","id":"evt-0001","ts":-1,"target":"msg-0001"}"#, "ts"),
        ("rooms/main/react", #"{"author":"ann","id":"evt-0001","ts":5,"target":"msg-0001","emoji":"","on":true}"#, "emoji"),
        ("rooms/main/react", #"{"author":"ann","id":"evt-0001","ts":5,"target":"msg-0001","emoji":"abcdefghijklmnopq","on":true}"#, "emoji"),
        ("rooms/main/react", #"{"author":"ann","id":"evt-0001","ts":5,"target":"msg-0001","emoji":"👍","on":"yes"}"#, "on"),
        ("rooms/main/typing", #"{"ts":5}"#, "author"),
        ("rooms/main/topic", #"{"author":"ann","id":"evt-0001","ts":5,"text":"two\nlines"}"#, "text"),
        ("users/ann/presence", #"{"state":"busy","ts":5}"#, "state"),
        ("rooms/main/newtext", #"{"author":"ann","text":"x","replyTo":"?"}"#, "replyTo"),
    ])
    func badField(topic: String, json: String, field: String) {
        do {
            _ = try event(topic, json)
            Issue.record("accepted \(json)")
        } catch {
            #expect(error.description.contains("\"\(field)\""), "\(error)")
        }
    }

    @Test("only newtext and new make a room known")
    func makesRoomKnown() throws {
        let known = try ["newtext", "new", "edit", "delete", "react", "typing", "topic"]
            .filter { try Topic(parsing: "rooms/r/\($0)").makesRoomKnown }
        #expect(known == ["newtext", "new"])
    }

    @Test("a payload encodes to what it decodes from")
    func roundTrip() throws {
        let reaction = ReactPayload(author: try Nickname("bob"), id: try EventID("evt_abc-12"), ts: 7, target: try EventID("msg-0001"),
                                    emoji: "🎉", on: true)
        #expect(try ReactPayload(decoding: reaction.jsonBytes) == reaction)
        let reply = NewTextPayload(author: try Nickname("bob"), text: "yes", id: "m-2", ts: 9, replyTo: try EventID("msg-0001"))
        #expect(try NewTextPayload(decoding: reply.jsonBytes) == reply)
        // A message that answers nothing carries no replyTo: an original reader sees the same JSON.
        #expect(String(decoding: NewTextPayload(author: try Nickname("bob"), text: "plain").jsonBytes, as: UTF8.self)
            == #"{"author":"bob","text":"plain"}"#)
    }
}
