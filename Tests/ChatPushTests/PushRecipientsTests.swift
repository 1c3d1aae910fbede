@testable import ChatPush
import ChatWebPush
import Foundation
import ChatStore
import Testing

@Suite("Who is notified (issue 19's rules)")
struct PushRecipientsTests {
    static func subscription(_ nick: String, _ rooms: [String: PushMode] = [:]) -> StoredPushSubscription {
        StoredPushSubscription(endpoint: "https://push.example/\(nick)", p256dh: [], auth: [], nick: nick, created: 0, rooms: rooms)
    }

    static let everyone = [
        subscription("ann"),                                   // mentions everywhere (the default)
        subscription("bob", ["main": .all]),                   // all of main
        subscription("cat", ["main": .none]),                  // main muted
        subscription("dan", ["main": .all, "dev": .none]),
    ]

    static func notified(_ event: PushEvent) -> [String] {
        PushRecipients.select(for: event, among: everyone).map(\.0.nick).sorted()
    }

    @Test func plainMessageGoesToThoseWhoChoseAll() {
        #expect(Self.notified(.message(room: "main", author: "eve", text: "hello", id: nil)) == ["bob", "dan"])
        #expect(Self.notified(.message(room: "dev", author: "eve", text: "hello", id: nil)) == [])
    }

    @Test func mentionGoesToTheMentionedUnlessMuted() {
        #expect(Self.notified(.message(room: "main", author: "eve", text: "@ann: look, @cat too", id: nil)) == ["ann", "bob", "dan"])
        #expect(Self.notified(.message(room: "dev", author: "eve", text: "@dan and @ANN", id: nil)) == ["ann"])
    }

    @Test func ownMessagesNotifyNobodyOfThemselves() {
        #expect(Self.notified(.message(room: "main", author: "bob", text: "@bob note to self", id: nil)) == ["dan"])
    }

    @Test func directMessageGoesToTheRecipientOnlyWithoutContent() throws {
        let picked = PushRecipients.select(for: .direct(from: "eve", to: "cat", id: "d1"), among: Self.everyone)
        #expect(picked.map(\.0.nick) == ["cat"])
        let notification = try #require(picked.first?.1)
        #expect(notification.body == "New direct message from eve" && notification.kind == "direct")
    }

    @Test(arguments: [
        ("@ann", true), ("hi @Ann!", true), ("@ann: x", true), ("@anne", false), ("@ann_b", false), ("@ann-b", false),
        ("ann", false), ("`@ann`", false), ("```\n@ann\n```", false), ("x `code` @ann", true), ("@annélie", false),
    ])
    func mentionRule(_ text: String, _ expected: Bool) {
        #expect(Mention.mentions(text, nick: "ann") == expected, "\(text)")
    }

    @Test func eventsAreParsedFromTheBrokersTopics() {
        #expect(PushEvent(topic: "rooms/main/newtext", payload: Array(#"{"author":"a","text":"t"}"#.utf8))
                == .message(room: "main", author: "a", text: "t", id: nil))
        #expect(PushEvent(topic: "rooms/main/typing", payload: Array(#"{"author":"a","ts":1}"#.utf8)) == nil)
        #expect(PushEvent(topic: "rooms/main/newtext", payload: Array("not json".utf8)) == nil)
    }
}

@Suite("VAPID tokens: one per push service and hour")
struct VAPIDTokensTests {
    @Test func reusedPerOriginForAnHourThenRenewed() throws {
        var tokens = VAPIDTokens(key: VAPIDKey(), subject: "mailto:ops@example.org")
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        let first = try tokens.authorization(for: "https://push.example/a", now: start)
        #expect(try tokens.authorization(for: "https://push.example/b", now: start + 1_000) == first)
        #expect(try tokens.authorization(for: "https://other.example/a", now: start + 1_000) != first)
        #expect(try tokens.authorization(for: "https://push.example/a", now: start + 3_601) != first)
    }
}
