import ChatTestSupport
import Foundation
import Testing

/// Protocol v2 through chatt-memorize and a real mosquitto: edits, deletes, reactions,
/// replies, presence, held events, and kill -9 in the middle of a flood of reactions.
@Suite("chatt-memorize: protocol v2 events with a real broker", .serialized)
struct MemorizeConversationTests {
    let broker = MemorizeBrokerTests()

    var now: Int64 { Int64(Date().timeIntervalSince1970 * 1_000) }

    func publish(_ broker: TestBroker, _ topic: String, _ payload: String, retain: Bool = false) async throws {
        let result = try await broker.run("mosquitto_pub", ["-q", "1", "-t", topic, "-m", payload] + (retain ? ["-r"] : []))
        #expect(result.status == 0, "\(result.stderr)")
    }

    @Test("--subscribe: reply, edit, react, un-react, delete, held then applied, others' attempts refused, presence")
    func events() async throws {
        try await withTestBroker(persistence: true) { server in
            let (db, cleanup) = try broker.temporaryDatabase()
            defer { cleanup() }
            let daemon = try broker.startSubscriber(server, db: db, clientID: "memorize-v2-1")
            defer { daemon.terminate() }
            try await waitUntil("memorize to subscribe", timeout: .seconds(20)) { daemon.memorizeHasSubscribed }
            let ts = now
            // A reaction before its message: held, then applied.
            try await publish(server, "rooms/main/react",
                              #"{"author":"bob","id":"react-0001","ts":\#(ts),"target":"message-0001","emoji":"👍","on":true}"#)
            try await waitUntil("the reaction to be held", timeout: .seconds(20)) {
                (try? await sqlite(db, "SELECT count(*) FROM held_event")) == "1"
            }
            try await publish(server, "rooms/main/newtext", #"{"author":"ann","text":"helo","id":"message-0001","ts":\#(ts)}"#)
            try await publish(server, "rooms/main/newtext",
                              #"{"author":"bob","text":"hi ann","id":"message-0002","ts":\#(ts),"replyTo":"message-0001"}"#)
            try await publish(server, "rooms/main/edit",
                              #"{"author":"ann","id":"edit-00001","ts":\#(ts + 1),"target":"message-0001","text":"hello"}"#)
            try await publish(server, "rooms/main/edit",
                              #"{"author":"mallory","id":"edit-00002","ts":\#(ts + 2),"target":"message-0001","text":"pwned"}"#)
            try await publish(server, "rooms/main/delete", #"{"author":"mallory","id":"delete-0001","ts":\#(ts),"target":"message-0002"}"#)
            try await publish(server, "rooms/main/delete", #"{"author":"bob","id":"delete-0002","ts":\#(ts),"target":"message-0002"}"#)
            try await publish(server, "rooms/nowhere/react",
                              #"{"author":"bob","id":"react-0002","ts":\#(ts),"target":"message-0001","emoji":"🎉","on":true}"#)
            try await publish(server, "rooms/main/typing", #"{"author":"bob","ts":\#(ts)}"#)
            try await publish(server, "users/carol/presence", #"{"state":"away","ts":\#(ts)}"#, retain: true)
            try await publish(server, "users/dave/presence", #"{"state":"online","ts":\#(ts)}"#)
            try await publish(server, "users/dave/presence", #"{"state":"offline","ts":\#(ts)}"#)
            try await waitUntil("the events to be applied", timeout: .seconds(20)) {
                (try? await sqlite(db, "SELECT deleted FROM message WHERE messageID = 'message-0002'")) == "1"
            }
            #expect(try await sqlite(db, "SELECT text, editedAt IS NOT NULL FROM message WHERE messageID = 'message-0001'") == "hello|1")
            #expect(try await sqlite(db, "SELECT text, replyTo FROM message WHERE messageID = 'message-0002'") == "|message-0001")
            #expect(try await sqlite(db, "SELECT emoji, author FROM reaction") == "👍|bob")
            #expect(try await sqlite(db, "SELECT text FROM message_edit") == "helo")
            #expect(try await sqlite(db, "SELECT count(*) FROM held_event") == "0")
            #expect(try await sqlite(db, "SELECT name FROM room ORDER BY rowid") == "main")
            try await waitUntil("presence to reach the online list", timeout: .seconds(20)) {
                (try? await sqlite(db, "SELECT group_concat(nick) FROM onlineUser")).map { $0.contains("carol") && !$0.contains("dave") } ?? false
            }
            daemon.terminate()
            let stopped = try await daemon.wait()
            #expect(stopped.stderr.contains("only the author (ann) may edit"), "the refused edit is logged")
            #expect(stopped.stderr.contains("only the author (bob) may delete"), "the refused delete is logged")
        }
    }

    @Test("kill -9 during a flood of reactions: every reaction is applied once after the restart")
    func killDuringFlood() async throws {
        try await withTestBroker(persistence: true) { server in
            let (db, cleanup) = try broker.temporaryDatabase()
            defer { cleanup() }
            var daemon = try broker.startSubscriber(server, db: db, clientID: "memorize-v2-2")
            try await waitUntil("memorize to subscribe", timeout: .seconds(20)) { daemon.memorizeHasSubscribed }
            let ts = now
            try await publish(server, "rooms/main/newtext", #"{"author":"ann","text":"vote","id":"message-0001","ts":\#(ts)}"#)
            let count = 3_000
            let lines = (0..<count).map { n in
                #"{"author":"voter\#(n)","id":"react-\#(100_000 + n)","ts":\#(ts),"target":"message-0001","emoji":"👍","on":true}"#
            }.joined(separator: "\n") + "\n"
            let publisher = try ToolProcess("mosquitto_pub", ["-h", "127.0.0.1", "-p", "\(server.port)", "-q", "1",
                                                             "-t", "rooms/main/react", "-l"], input: lines)
            try await waitUntil("some reactions to be stored", timeout: .seconds(30)) {
                Int((try? await sqlite(db, "SELECT count(*) FROM reaction")) ?? "") ?? 0 > 100
            }
            daemon.kill()
            _ = try await daemon.wait()
            #expect(try await integrityCheck(db) == "ok")
            let published = try await publisher.wait(timeout: .seconds(60))
            #expect(published.status == 0, "\(published.stderr)")
            daemon = try broker.startSubscriber(server, db: db, clientID: "memorize-v2-2")
            defer { daemon.terminate() }
            try await waitUntil("every reaction", timeout: .seconds(60)) {
                (try? await sqlite(db, "SELECT count(*) FROM reaction")) == "\(count)"
            }
            #expect(try await sqlite(db, "SELECT count(*) FROM conversation_event") == "\(count)")
        }
    }
}
