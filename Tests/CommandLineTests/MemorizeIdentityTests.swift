import ChatCore
import ChatTestSupport
import Foundation
import Testing

/// Keys (SPEC.md, "Identity and direct messages") through chatt-memorize and a real
/// mosquitto: pinning, refusal, bad keys, `--forget-key`, and `bot`'s own key.
@Suite("chatt-memorize: pinned keys and bot's key with a real broker", .serialized)
struct MemorizeIdentityTests {
    let broker = MemorizeBrokerTests()

    var now: Int64 { Int64(Date().timeIntervalSince1970 * 1_000) }

    func keys(_ nick: String, _ seed: UInt8) throws -> IdentityKeys {
        IdentityKeys(seed: Array(repeating: seed, count: 32), nick: try Nickname(nick))
    }

    func announcement(_ keys: IdentityKeys) -> String {
        String(decoding: KeyAnnouncementPayload(keys: keys, ts: now).jsonBytes, as: UTF8.self)
    }

    func pinned(_ db: String, _ nick: String) async throws -> String {
        try await sqlite(db, "SELECT value FROM setting WHERE key = 'pinned-key:\(nick)'")
    }

    func publish(_ server: TestBroker, _ topic: String, _ payload: String, retain: Bool = false) async throws {
        let result = try await server.run("mosquitto_pub", ["-q", "1", "-t", topic, "-m", payload] + (retain ? ["-r"] : []))
        #expect(result.status == 0, "\(result.stderr)")
    }

    @Test("the first key is pinned, a second refused and logged, bad keys logged and not stored; --forget-key releases it")
    func pinning() async throws {
        try await withTestBroker(persistence: true) { server in
            let (db, cleanup) = try broker.temporaryDatabase()
            defer { cleanup() }
            var daemon = try broker.startSubscriber(server, db: db, clientID: "memorize-id-1")
            try await waitUntil("memorize to subscribe", timeout: .seconds(20)) { daemon.memorizeHasSubscribed }
            let ann = try keys("ann", 1), impostor = try keys("ann", 2)
            let annValue = ann.publicIdentity.sign + " " + ann.publicIdentity.dh
            try await publish(server, "users/ann/key", announcement(ann), retain: true)
            try await waitUntil("ann's key to be pinned", timeout: .seconds(20)) { (try? await pinned(db, "ann")) == annValue }
            try await publish(server, "users/ann/key", announcement(impostor), retain: true)
            // Bad keys: not keys, a signature of the wrong length, a self-signature by other keys.
            try await publish(server, "users/eve/key", #"{"sign":"abc","dh":"def","ts":\#(now),"sig":"xyz"}"#)
            var short = KeyAnnouncementPayload(keys: try keys("eve", 3), ts: now)
            short.sig = String(short.sig.prefix(40))
            try await publish(server, "users/eve/key", String(decoding: short.jsonBytes, as: UTF8.self))
            var stolen = KeyAnnouncementPayload(keys: try keys("eve", 4), ts: now)
            stolen.sig = KeyAnnouncementPayload(keys: try keys("eve", 5), ts: now).sig
            try await publish(server, "users/eve/key", String(decoding: stolen.jsonBytes, as: UTF8.self))
            try await publish(server, "users/bot/key", announcement(try keys("bot", 6)))
            // In order: once this one is pinned, the ones before it were dealt with.
            let zed = try keys("zed", 7)
            try await publish(server, "users/zed/key", announcement(zed))
            try await waitUntil("zed's key to be pinned", timeout: .seconds(20)) { (try? await pinned(db, "zed"))?.isEmpty == false }
            #expect(try await pinned(db, "ann") == annValue, "the second key is refused")
            #expect(try await pinned(db, "eve") == "", "no bad key is stored")
            #expect(try await pinned(db, "bot") != (try keys("bot", 6)).publicIdentity.sign + " " + (try keys("bot", 6)).publicIdentity.dh)
            daemon.terminate()
            let stopped = try await daemon.wait()
            #expect(stopped.stderr.contains("refused a second key for a pinned nickname"), "\(stopped.stderr)")
            #expect(stopped.stderr.contains("refused a key for bot"))
            #expect(stopped.stderr.contains("must be an Ed25519 public key"), "an unparsable key is logged")
            #expect(stopped.stderr.contains("must be a 64-byte Ed25519 signature"), "a signature of the wrong length is logged")
            #expect(stopped.stderr.contains("not a signature of these keys"), "a wrong self-signature is logged")

            let forget = try await runProduct("chatt-memorize", ["--forget-key", "ann", "--db", db])
            #expect(forget.status == 0, "\(forget.stderr)")
            #expect(forget.stderr.contains("released"))
            #expect(try await pinned(db, "ann") == "")
            let bot = try await runProduct("chatt-memorize", ["--forget-key", "bot", "--db", db])
            #expect(bot.status != 0 && bot.stderr.contains("bot's key is memorize's own"))

            // The retained second key is pinned once ann is released.
            daemon = try broker.startSubscriber(server, db: db, clientID: "memorize-id-1")
            defer { daemon.terminate() }
            let impostorValue = impostor.publicIdentity.sign + " " + impostor.publicIdentity.dh
            try await waitUntil("the retained key to be pinned", timeout: .seconds(20)) { (try? await pinned(db, "ann")) == impostorValue }
        }
    }

    @Test("bot's key is made once, published retained, and signs every greeting")
    func botSigns() async throws {
        try await withTestBroker(extraConfiguration: "log_type subscribe") { server in
            let (db, cleanup) = try broker.temporaryDatabase()
            defer { cleanup() }
            let daemon = try broker.startSubscriber(server, db: db, clientID: "memorize-id-2")
            defer { daemon.terminate() }
            try await waitUntil("memorize to subscribe", timeout: .seconds(20)) { daemon.memorizeHasSubscribed }
            let key = try await server.run("mosquitto_sub", ["-t", "users/bot/key", "-C", "1", "-W", "20"])
            let announced = try KeyAnnouncementPayload(decoding: Array(key.stdout.trimmingCharacters(in: .whitespacesAndNewlines).utf8), of: .bot)
            let identity = try announced.identity
            #expect(try await sqlite(db, "SELECT value FROM setting WHERE key = 'pinned-key:bot'") == identity.sign + " " + identity.dh)

            let listener = try server.launchClient("mosquitto_sub", ["-t", "rooms/main/newtext", "-C", "1", "-W", "30"])
            try await waitUntil("the listener to subscribe", timeout: .seconds(20)) { server.log.contains(" rooms/main/newtext") }
            try await publish(server, "users/zed/hello", #"{"ipAddress":"127.0.0.1"}"#)
            let heard = try await listener.wait(timeout: .seconds(40))
            let greeting = try NewTextPayload(decoding: Array(heard.stdout.trimmingCharacters(in: .whitespacesAndNewlines).utf8))
            #expect(greeting.author == .bot)
            let input = try #require(SignatureInput.message(greeting, in: .main), "a greeting has an id and a ts")
            #expect(identity.verifies(try #require(greeting.sig), for: input), "the greeting is signed with the published key")

            // The same key after a restart.
            daemon.terminate()
            _ = try await daemon.wait()
            let again = try broker.startSubscriber(server, db: db, clientID: "memorize-id-2")
            defer { again.terminate() }
            try await waitUntil("memorize to subscribe again", timeout: .seconds(20)) { again.memorizeHasSubscribed }
            #expect(try await sqlite(db, "SELECT value FROM setting WHERE key = 'pinned-key:bot'") == identity.sign + " " + identity.dh)
        }
    }

    @Test("a pinned nickname's messages are verified or forged (stored, flagged), as bot's are; forged edits are not applied; plain stays plain")
    func verdicts() async throws {
        try await withTestBroker { server in
            let (db, cleanup) = try broker.temporaryDatabase()
            defer { cleanup() }
            let daemon = try broker.startSubscriber(server, db: db, clientID: "memorize-id-3")
            defer { daemon.terminate() }
            try await waitUntil("memorize to subscribe", timeout: .seconds(20)) { daemon.memorizeHasSubscribed }
            let ann = try keys("ann", 1), mallory = try keys("ann", 2)
            try await publish(server, "users/ann/key", announcement(ann))
            try await waitUntil("ann's key to be pinned", timeout: .seconds(20)) { (try? await pinned(db, "ann"))?.isEmpty == false }
            let ts = now
            func text(_ id: String, _ text: String, by author: Nickname, signedWith keys: IdentityKeys?) -> String {
                var payload = NewTextPayload(author: author, text: text, id: id, ts: ts)
                if let keys, let input = SignatureInput.message(payload, in: .main) { payload.sig = keys.signature(for: input) }
                return String(decoding: payload.jsonBytes, as: UTF8.self)
            }
            let annNick = try Nickname("ann")
            try await publish(server, "rooms/main/newtext", text("message-0001", "signed", by: annNick, signedWith: ann))
            try await publish(server, "rooms/main/newtext", text("message-0002", "unsigned", by: annNick, signedWith: nil))
            try await publish(server, "rooms/main/newtext", text("message-0003", "other key", by: annNick, signedWith: mallory))
            try await publish(server, "rooms/main/newtext", text("message-0004", "re-enter your passphrase", by: .bot, signedWith: nil))
            try await publish(server, "rooms/main/newtext", text("message-0005", "plain", by: try Nickname("zed"), signedWith: nil))
            func edit(_ id: String, _ text: String, signedWith keys: IdentityKeys?) throws -> String {
                var payload = EditPayload(author: annNick, id: try EventID(id), ts: ts + 1, target: try EventID("message-0001"), text: text)
                if let keys { payload.sig = keys.signature(for: .edit(payload, in: .main)) }
                return String(decoding: payload.jsonBytes, as: UTF8.self)
            }
            try await publish(server, "rooms/main/edit", try edit("edit-00001", "pwned", signedWith: mallory))
            try await publish(server, "rooms/main/edit", try edit("edit-00002", "signed, edited", signedWith: ann))
            try await waitUntil("the signed edit to be applied", timeout: .seconds(20)) {
                (try? await sqlite(db, "SELECT text FROM message WHERE messageID = 'message-0001'")) == "signed, edited"
            }
            let verdicts = try await sqlite(db, "SELECT messageID || ' ' || COALESCE(sig, 'plain') FROM message WHERE messageID LIKE 'message-%' ORDER BY id")
            #expect(verdicts.split(separator: "\n") == [
                "message-0001 verified", "message-0002 forged", "message-0003 forged", "message-0004 forged", "message-0005 plain",
            ])
            #expect(try await sqlite(db, "SELECT text FROM message_edit") == "signed", "the forged edit left no trace")
            daemon.terminate()
            let stopped = try await daemon.wait()
            #expect(stopped.stderr.contains("forged: not signed by the author's pinned key"))
            #expect(stopped.stderr.contains("edit edit-00001 by ann on message-0001 (not applied)"))
        }
    }

    @Test("direct/#: envelopes stored as they came; a topic out of order or naming others is logged, not stored")
    func directMessages() async throws {
        try await withTestBroker { server in
            let (db, cleanup) = try broker.temporaryDatabase()
            defer { cleanup() }
            let daemon = try broker.startSubscriber(server, db: db, clientID: "memorize-id-4")
            defer { daemon.terminate() }
            try await waitUntil("memorize to subscribe", timeout: .seconds(20)) { daemon.memorizeHasSubscribed }
            let ann = try keys("ann", 1), bob = try keys("bob", 2)
            func envelope(_ id: String, _ text: String, from: IdentityKeys, to: IdentityKeys) throws -> String {
                let payload = try DirectPayload(sealing: .init(text: text), from: from, to: to.nick, peer: to.publicIdentity,
                                                id: try EventID(id), ts: now)
                return String(decoding: payload.jsonBytes, as: UTF8.self)
            }
            try await publish(server, "direct/ann/bob", try envelope("direct-0001", "secret one", from: ann, to: bob))
            try await publish(server, "direct/bob/ann", try envelope("direct-0002", "wrong order", from: ann, to: bob))
            try await publish(server, "direct/ann/cid", try envelope("direct-0003", "others' topic", from: ann, to: bob))
            try await publish(server, "direct/ann/bob", try envelope("direct-0004", "secret two", from: bob, to: ann))
            try await waitUntil("two direct messages to be stored", timeout: .seconds(20)) {
                (try? await sqlite(db, "SELECT count(*) FROM direct_message")) == "2"
            }
            #expect(try await sqlite(db, "SELECT a, b, sender, recipient, messageID FROM direct_message ORDER BY id")
                        .split(separator: "\n") == ["ann|bob|ann|bob|direct-0001", "ann|bob|bob|ann|direct-0004"])
            #expect(try await sqlite(db, "SELECT count(*) FROM message WHERE text LIKE '%secret%'") == "0")
            let stored = try await sqlite(db, "SELECT ct FROM direct_message ORDER BY id LIMIT 1")
            #expect(!stored.contains("secret"), "ciphertext only")
            daemon.terminate()
            let stopped = try await daemon.wait()
            #expect(stopped.stderr.contains("the topic must be direct/ann/bob"), "\(stopped.stderr)")
        }
    }
}
