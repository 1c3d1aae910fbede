#if WebPush
import ChatCore
@testable import ChatPush
import ChatStore
import ChatTestSupport
import ChatWebPush
import Crypto
import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import Synchronization
import Testing

/// chatt-push's pipeline end to end: a real mosquitto, the listener, the dispatcher and the
/// async-http-client sender, posting to a push endpoint on loopback that decrypts each push
/// with the subscription's private key.
@Suite("chatt-push with a real broker and a loopback push endpoint")
struct PushListenerTests {
    final class Endpoint: Sendable {
        let received = Mutex<[(path: String, headers: [String: String], body: [UInt8])]>([])
        let gone = Mutex<Set<String>>([])
    }

    struct Member {
        let nick: String
        let key = P256.KeyAgreement.PrivateKey()
        let auth: [UInt8] = (0..<16).map { _ in UInt8.random(in: 0...255) }
        func subscription(port: Int, rooms: [String: PushMode]) -> StoredPushSubscription {
            StoredPushSubscription(endpoint: "http://127.0.0.1:\(port)/push/\(nick)", p256dh: Array(key.publicKey.x963Representation),
                                   auth: auth, nick: nick, created: 0, rooms: rooms)
        }
    }

    @Test("exactly the expected pushes arrive, decrypt, carry VAPID; a 410 deletes the subscription")
    func endToEnd() async throws {
        var logger = Logger(label: "chatt.push.test")
        logger.logLevel = .critical
        let endpoint = Endpoint()
        let router = Router()
        router.post("push/:nick") { request, context in
            let body = try await request.body.collect(upTo: 8_192)
            let nick = context.parameters.get("nick") ?? ""
            var headers: [String: String] = [:]
            for field in request.headers { headers[field.name.canonicalName] = field.value }
            endpoint.received.withLock { $0.append(("/push/\(nick)", headers, Array(buffer: body))) }
            return Response(status: endpoint.gone.withLock { $0.contains(nick) } ? .gone : .created)
        }
        let port = Mutex<Int?>(nil)
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                              onServerRunning: { channel in port.withLock { $0 = channel.localAddress?.port } }, logger: logger)

        try await withTestBroker { broker in
            let store = InMemoryMessageStore()
            let sender = WebPushSender()
            let members = ["ann", "bob", "cat"].map { Member(nick: $0) }
            try await withThrowingTaskGroup(of: Void.self) { group in
                let serverGroup = ServiceGroup(configuration: .init(services: [app], logger: logger))
                group.addTask { try await serverGroup.run() }
                try await waitUntil("the endpoint listens") { port.withLock { $0 } != nil }
                let httpPort = try #require(port.withLock { $0 })

                // ann: mentions (default); bob: all of main, dev muted; cat: main muted.
                _ = try await store.savePushSubscription(members[0].subscription(port: httpPort, rooms: [:]))
                _ = try await store.savePushSubscription(members[1].subscription(port: httpPort, rooms: ["main": .all, "dev": .none]))
                _ = try await store.savePushSubscription(members[2].subscription(port: httpPort, rooms: ["main": .none]))

                var settings = PushDispatcher.Settings()
                settings.policy = EndpointPolicy(allowsLoopback: true)
                let key = try await PushDispatcher.vapidKey(in: store)
                let dispatcher = PushDispatcher(store: store, sender: sender, key: key, settings: settings, logger: logger)
                var arguments = PushOptions.Arguments()
                arguments.broker = [broker.url]
                arguments.db = ":memory-unused:"
                let options = try PushOptions(arguments: arguments, environment: [:])
                let listenerGroup = ServiceGroup(configuration: .init(
                    services: [PushListener(options: options, dispatcher: dispatcher, logger: logger)], logger: logger))
                group.addTask { try await listenerGroup.run() }

                func publish(_ topic: String, _ payload: String) async throws {
                    let result = try await broker.run("mosquitto_pub", ["-q", "1", "-t", topic, "-m", payload])
                    #expect(result.status == 0)
                }
                func count() -> Int { endpoint.received.withLock { $0.count } }

                // The listener is subscribed once a message for bob ("all" in main) arrives.
                var n = 0
                try await waitUntil("the listener subscribed", timeout: .seconds(30), interval: .milliseconds(200)) {
                    n += 1
                    try await publish("rooms/main/newtext", #"{"author":"eve","text":"warm-up","id":"warm-up-\#(n)","ts":1}"#)
                    return count() > 0
                }
                try await waitUntil("the warm-up pushes are in") { await dispatcher.statistics.sent == count() }
                endpoint.received.withLock { $0.removeAll() }

                // A muted room for cat, even with a mention; a plain message in dev: nobody;
                // own message: not ann; a mention in dev: ann; a direct message: cat.
                try await publish("rooms/main/newtext", #"{"author":"eve","text":"@cat are you there","id":"m-0001"}"#)
                try await publish("rooms/dev/newtext", #"{"author":"eve","text":"plain in dev","id":"m-0002"}"#)
                try await publish("rooms/dev/newtext", #"{"author":"ann","text":"@ann myself","id":"m-0003"}"#)
                try await publish("rooms/dev/newtext", #"{"author":"eve","text":"hey @ann","id":"m-0004"}"#)
                let direct = #"{"from":"eve","to":"cat","id":"d-00000001","ts":1,"nonce":"AAAAAAAAAAAAAAAA","ct":"AAAAAAAAAAAAAAAAAAAAAA","sig":"x"}"#
                try await publish("direct/cat/eve", direct)
                // The end marker: bob hears every message of main.
                try await publish("rooms/main/newtext", #"{"author":"eve","text":"end","id":"m-0005"}"#)
                try await waitUntil("the end marker") {
                    endpoint.received.withLock { $0.contains { $0.path == "/push/bob" && (try? decrypt($0.body, members[1]))?.contains("\"end\"") == true } }
                }
                try await waitUntil("the direct message's push") {
                    endpoint.received.withLock { $0.contains { $0.path == "/push/cat" } }
                }

                let got = try endpoint.received.withLock { received in
                    try received.map { entry -> String in
                        // A warm-up still in flight when the list was cleared.
                        let member = try #require(members.first { "/push/\($0.nick)" == entry.path })
                        let json = try #require(try JSONSerialization.jsonObject(with: Data(try decrypt(entry.body, member).utf8)) as? [String: String])
                        #expect(entry.headers["content-encoding"] == "aes128gcm")
                        #expect(entry.headers["ttl"] == "86400" && entry.headers["urgency"] != nil)
                        #expect(entry.headers["authorization"]?.hasPrefix("vapid t=") == true)
                        #expect(entry.headers["authorization"]?.hasSuffix("k=\(key.publicKeyBase64URL)") == true)
                        return "\(member.nick): \(json["body"] ?? "")"
                    }.filter { !$0.hasSuffix(": warm-up") }
                }
                #expect(got.sorted() == [
                    "ann: hey @ann", "bob: @cat are you there", "bob: end", "cat: New direct message from eve",
                ])

                // bob's push service says 410: bob's subscription is deleted.
                endpoint.gone.withLock { _ = $0.insert("bob") }
                try await publish("rooms/main/newtext", #"{"author":"eve","text":"after","id":"m-0006"}"#)
                try await waitUntil("bob's subscription deleted") {
                    try await !store.pushSubscriptions().contains { $0.nick == "bob" }
                }

                await listenerGroup.triggerGracefulShutdown()
                await serverGroup.triggerGracefulShutdown()
                try await group.waitForAll()
            }
            await sender.shutdown()
        }
    }

    /// The browser's side of RFC 8291 (one record).
    func decrypt(_ body: [UInt8], _ member: Member) throws -> String {
        let salt = Array(body[0..<16])
        let idLength = Int(body[20])
        let senderPublic = Array(body[21..<(21 + idLength)])
        let record = Array(body[(21 + idLength)...])
        let secret = try member.key.sharedSecretFromKeyAgreement(with: try P256.KeyAgreement.PublicKey(x963Representation: senderPublic))
        let info = Array("WebPush: info".utf8) + [0] + Array(member.key.publicKey.x963Representation) + senderPublic
        let ikm = secret.hkdfDerivedSymmetricKey(using: SHA256.self, salt: member.auth, sharedInfo: info, outputByteCount: 32)
        let cek = HKDF<SHA256>.deriveKey(inputKeyMaterial: ikm, salt: salt, info: Array("Content-Encoding: aes128gcm\0".utf8), outputByteCount: 16)
        let nonce = HKDF<SHA256>.deriveKey(inputKeyMaterial: ikm, salt: salt, info: Array("Content-Encoding: nonce\0".utf8), outputByteCount: 12)
        let box = try AES.GCM.SealedBox(nonce: try AES.GCM.Nonce(data: nonce.withUnsafeBytes { Array($0) }),
                                        ciphertext: record.dropLast(16), tag: record.suffix(16))
        return String(decoding: try AES.GCM.open(box, using: cek).dropLast(), as: UTF8.self)
    }
}
#endif
