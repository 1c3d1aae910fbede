import ChatCore
import ChatTestSupport
import Foundation
import Testing

/// Direct messages' signatures (SPEC.md, "Identity and direct messages") through
/// chatt-memorize and a real mosquitto: a pinned sender's envelope is verified; a forged
/// one is stored flagged (as in rooms) and logged with why; an unparsable one is not stored.
@Suite("chatt-memorize: direct messages' signatures with a real broker", .serialized)
struct MemorizeDirectVerdictTests {
    let broker = MemorizeBrokerTests()

    var now: Int64 { Int64(Date().timeIntervalSince1970 * 1_000) }

    func keys(_ nick: String, _ seed: UInt8) throws -> IdentityKeys {
        IdentityKeys(seed: Array(repeating: seed, count: 32), nick: try Nickname(nick))
    }

    func publish(_ server: TestBroker, _ topic: String, _ payload: [UInt8]) async throws {
        let result = try await server.run("mosquitto_pub", ["-q", "1", "-t", topic, "-m", String(decoding: payload, as: UTF8.self)])
        #expect(result.status == 0, "\(result.stderr)")
    }

    func envelope(_ id: String, from: IdentityKeys, to: IdentityKeys) throws -> DirectPayload {
        try DirectPayload(sealing: .init(text: "secret \(id)"), from: from, to: to.nick, peer: to.publicIdentity,
                          id: try EventID(id), ts: now)
    }

    @Test("verified from the pinned key; another key's, an altered one, an unparsable sig: stored forged and logged; unpinned: plain; a broken envelope: not stored")
    func verdicts() async throws {
        try await withTestBroker { server in
            let (db, cleanup) = try broker.temporaryDatabase()
            defer { cleanup() }
            let daemon = try broker.startSubscriber(server, db: db, clientID: "memorize-direct-verdicts")
            defer { daemon.terminate() }
            try await waitUntil("memorize to subscribe", timeout: .seconds(20)) { daemon.memorizeHasSubscribed }
            let ann = try keys("ann", 1), bob = try keys("bob", 2), impostor = try keys("ann", 3), cid = try keys("cid", 4)
            try await publish(server, "users/ann/key", KeyAnnouncementPayload(keys: ann, ts: now).jsonBytes)
            try await publish(server, "users/bob/key", KeyAnnouncementPayload(keys: bob, ts: now).jsonBytes)
            try await waitUntil("ann's and bob's keys to be pinned", timeout: .seconds(20)) {
                (try? await sqlite(db, "SELECT count(*) FROM setting WHERE key IN ('pinned-key:ann', 'pinned-key:bob')")) == "2"
            }

            try await publish(server, "direct/ann/bob", try envelope("direct-0001", from: ann, to: bob).jsonBytes)
            try await publish(server, "direct/ann/bob", try envelope("direct-0002", from: impostor, to: bob).jsonBytes)
            var altered = try envelope("direct-0003", from: ann, to: bob)
            altered.ct = try envelope("direct-0099", from: ann, to: bob).ct
            try await publish(server, "direct/ann/bob", altered.jsonBytes)
            var unparsable = try envelope("direct-0004", from: ann, to: bob)
            unparsable.sig = "not a signature"
            try await publish(server, "direct/ann/bob", unparsable.jsonBytes)
            try await publish(server, "direct/ann/cid", try envelope("direct-0005", from: cid, to: ann).jsonBytes)
            try await publish(server, "direct/ann/bob", Array(#"{"from":"ann","to":"bob","id":"direct-0006"}"#.utf8))
            try await publish(server, "direct/ann/bob", try envelope("direct-0007", from: bob, to: ann).jsonBytes)
            try await waitUntil("six direct messages to be stored", timeout: .seconds(20)) {
                (try? await sqlite(db, "SELECT count(*) FROM direct_message")) == "6"
            }
            #expect(try await sqlite(db, "SELECT messageID, coalesce(verdict, 'plain') FROM direct_message ORDER BY id")
                        .split(separator: "\n") == [
                            "direct-0001|verified", "direct-0002|forged", "direct-0003|forged", "direct-0004|forged",
                            "direct-0005|plain", "direct-0007|verified",
                        ])
            daemon.terminate()
            let stopped = try await daemon.wait()
            #expect(stopped.stderr.contains("direct message direct-0002 from ann to bob (stored, flagged)"), "\(stopped.stderr)")
            #expect(stopped.stderr.contains("sig is not the pinned key's signature of this event"), "another key's or altered")
            #expect(stopped.stderr.contains("sig is not an Ed25519 signature (64 bytes in base64url)"), "an unparsable signature")
            #expect(stopped.stderr.contains("direct message direct-0004 from ann to bob (stored, flagged)"))
            #expect(stopped.stderr.contains("topic direct/ann/bob"), "the broken envelope is logged where it came")
        }
    }
}
