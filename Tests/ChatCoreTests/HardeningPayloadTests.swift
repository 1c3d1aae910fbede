import ChatCore
import Foundation
import Testing

/// What a hostile member could slip into a payload (issue 14 items 2, 4, 5, 10; issue 23).
@Suite("Payloads a hostile member sends")
struct HardeningPayloadTests {
    private func decode(_ json: String, limits: PayloadLimits = .default) throws -> NewTextPayload {
        try NewTextPayload(decoding: Array(json.utf8), limits: limits)
    }

    @Test("a repeated key is refused: {\"author\":\"a\",\"author\":\"bot\"} was stored as bot")
    func duplicateKeys() throws {
        for json in [#"{"author":"a","author":"bot","text":"x"}"#, #"{"author":"a","text":"x","text":"y"}"#,
                     #"{"author":"a","text":"x","id":"1","id":"2"}"#] {
            #expect(throws: PayloadError.self, "\(json)") { try decode(json) }
        }
        // The same key inside a nested object is that object's business.
        #expect(try decode(#"{"author":"a","text":"x","meta":{"k":1,"k":2}}"#).text == "x")
    }

    @Test("a NUL in the text or the id is refused (SQLite cut the text there, PostgreSQL refused the batch)")
    func nul() {
        #expect(throws: PayloadError.invalidField(field: "text", reason: "contains the NUL character (U+0000)")) {
            try decode(#"{"author":"a","text":"nul \u0000 x"}"#)
        }
        #expect(throws: PayloadError.invalidField(field: "id", reason: "contains the NUL character (U+0000)")) {
            try decode(#"{"author":"a","text":"x","id":"a\u0000b"}"#)
        }
    }

    @Test("16 KB of control characters (96 KB as JSON for every reader) is refused; 16 KB of quotes is not")
    func escapedSize() throws {
        let controls = String(repeating: "\\u0001", count: 16 * 1024 - 10)
        #expect(throws: PayloadError.self) { try decode(#"{"author":"a","text":"\#(controls)"}"#) }
        let quotes = String(repeating: "\\\"", count: 16 * 1024)
        #expect(try decode(#"{"author":"a","text":"\#(quotes)"}"#).text.count == 16 * 1024)
        #expect("a\"\u{1}\n".jsonEscapedByteCount == 1 + 2 + 6 + 2)
    }

    @Test("a sender's time is kept between a day before and a minute after receipt, else the receive time")
    func plausibleTimestamps() throws {
        let received: Int64 = 1_800_000_000_000
        let day: Int64 = 24 * 60 * 60 * 1000
        for (ts, kept) in [(1, false), (received - day - 1, false), (received + 60_001, false),
                           (received - day, true), (received + 60_000, true), (received - 5, true)] as [(Int64, Bool)] {
            let payload = NewTextPayload(author: try Nickname("a"), text: "x", ts: ts)
            #expect(payload.plausibleTimestamp(receivedAt: received) == (kept ? ts : nil), "\(ts)")
        }
        #expect(NewTextPayload(author: try Nickname("a"), text: "x").plausibleTimestamp(receivedAt: received) == nil)
    }

    @Test("the also-seen list names the latest five and counts the rest")
    func alsoSeenCapped() throws {
        let others = try (1...2_000).map { try Nickname("n\($0)") }
        let text = Greeting(nick: try Nickname("new"), parts: [.welcome(alsoSeenFromAddress: others)])
            .text(hostName: nil, address: "10.0.0.1")
        #expect(text == "@new: Welcome new!! Also seen from your address: n1996, n1997, n1998, n1999, n2000 and 1995 more. From 10.0.0.1 :: 10.0.0.1")
    }

    @Test("past the online limit, a newcomer is recorded but not listed")
    func onlineLimit() throws {
        var chat = ChatState()
        chat.onlineLimit = 3
        let now = Date(timeIntervalSince1970: 1_700_000_000)
        for name in ["a", "b", "c", "d"] {
            _ = chat.registerHello(from: try Nickname(name), address: "1.2.3.4", at: now)
        }
        #expect(chat.online.map(\.rawValue) == ["bot", "a", "b"])
        #expect(chat.users[try Nickname("d")] != nil)
        chat.logout(try Nickname("a"))
        _ = chat.registerHello(from: try Nickname("d"), address: "1.2.3.4", at: now)
        #expect(chat.online.map(\.rawValue) == ["bot", "b", "d"])
    }
}

@Suite("Quiet greetings")
struct QuietGreetingTests {
    let now = Date(timeIntervalSince1970: 1_700_000_000)

    @Test("a newcomer is greeted once, with no address, host or other nickname; nothing more after")
    func quiet() throws {
        var chat = ChatState(rules: .quiet)
        let ann = try Nickname("ann"), bob = try Nickname("bob")
        let first = chat.registerHello(from: ann, address: "192.0.2.1", at: now)
        #expect(first?.text(hostName: "host.example", address: "192.0.2.1") == "@ann: Welcome ann!!")
        // Another nickname from the same address is not told about ann.
        #expect(chat.registerHello(from: bob, address: "192.0.2.1", at: now)?.text(hostName: nil, address: "192.0.2.1")
            == "@bob: Welcome bob!!")
        // A new address, a return after a logout, a reconnect: nothing is said.
        #expect(chat.registerHello(from: ann, address: "198.51.100.9", at: now) == nil)
        chat.logout(ann)
        #expect(chat.registerHello(from: ann, address: "198.51.100.9", at: now.addingTimeInterval(3_600)) == nil)
        #expect(chat.isOnline(ann))
    }
}
