import ChatCore
import ChatHTTP
import ChatStore
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("/data/push: the VAPID key and Web Push subscriptions")
struct PushRouteTests {
    /// RFC 8291's example browser key and secret: a valid P-256 point and 16 bytes.
    static let p256dh = "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4"
    static let auth = "BTBZMqHH6r4Tts7J_aSIgg"

    static func body(endpoint: String = "https://push.example.net/send/abc", p256dh: String = p256dh, auth: String = auth,
                     nick: String = "ann", rooms: [String: String] = ["main": "all"]) -> ByteBuffer {
        let json: [String: Any] = [
            "subscription": ["endpoint": endpoint, "keys": ["p256dh": p256dh, "auth": auth]], "nick": nick, "rooms": rooms,
        ]
        return ByteBuffer(bytes: Array(try! JSONSerialization.data(withJSONObject: json)))
    }

    static func sqliteStore() throws -> (SQLiteMessageStore, () -> Void) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("chatt-push-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return (try SQLiteMessageStore(path: directory.appendingPathComponent("chatt.db").path),
                { try? FileManager.default.removeItem(at: directory) })
    }

    @Test("the key is made once and kept: the same public key every time, 65 bytes uncompressed")
    func keyIsMadeOnce() async throws {
        let (store, cleanup) = try Self.sqliteStore()
        defer { cleanup() }
        try await withTestApp(store: store) { client in
            var keys: [String] = []
            for _ in 0..<2 {
                try await client.execute(uri: "/data/push/key", method: .get) { response in
                    #expect(response.status == .ok)
                    let json = try #require(try response.json() as? [String: String])
                    keys.append(try #require(json["publicKey"]))
                }
            }
            #expect(keys[0] == keys[1])
            #expect(Base64URL.decode(keys[0])?.count == 65 && Base64URL.decode(keys[0])?.first == 4)
        }
        #expect(try await store.setting(SettingKey.vapidPrivateKey) != nil)
    }

    @Test("subscribe (201), again (200, replaced), unsubscribe (204)")
    func subscribeAndUnsubscribe() async throws {
        let (store, cleanup) = try Self.sqliteStore()
        defer { cleanup() }
        try await withTestApp(store: store) { client in
            try await client.execute(uri: "/data/push/subscriptions", method: .post, body: Self.body()) { response in
                #expect(response.status == .created)
            }
            try await client.execute(uri: "/data/push/subscriptions", method: .post,
                                      body: Self.body(rooms: ["main": "none", "dev": "all"])) { response in
                #expect(response.status == .ok)
            }
            let stored = try await store.pushSubscriptions()
            #expect(stored.count == 1)
            #expect(stored.first?.nick == "ann" && stored.first?.rooms == ["main": .none, "dev": .all])
            #expect(stored.first?.p256dh == Base64URL.decode(Self.p256dh))
            let delete = ByteBuffer(string: #"{"endpoint":"https://push.example.net/send/abc"}"#)
            try await client.execute(uri: "/data/push/subscriptions", method: .delete, body: delete) { response in
                #expect(response.status == .noContent)
            }
            #expect(try await store.pushSubscriptions().isEmpty)
        }
    }

    static let badBodies: [(String, ByteBuffer)] = [
        ("not JSON", ByteBuffer(string: "{")),
        ("no subscription", ByteBuffer(string: #"{"nick":"ann"}"#)),
        ("no keys", ByteBuffer(string: #"{"subscription":{"endpoint":"https://push.example.net/x"},"nick":"ann"}"#)),
        ("http endpoint", body(endpoint: "http://push.example.net/x")),
        ("loopback endpoint", body(endpoint: "https://127.0.0.1/x")),
        ("localhost endpoint", body(endpoint: "http://localhost:9000/x")),
        ("private endpoint", body(endpoint: "https://192.168.0.10/x")),
        ("link-local endpoint", body(endpoint: "https://169.254.169.254/x")),
        ("IPv6 loopback", body(endpoint: "https://[::1]/x")),
        ("not a URL", body(endpoint: "push service")),
        ("short p256dh", body(p256dh: "BCVxsr7N")),
        ("p256dh not on the curve", body(p256dh: Base64URL.encode([4] + [UInt8](repeating: 1, count: 64)))),
        ("p256dh not base64url", body(p256dh: "***")),
        ("short auth", body(auth: "AAAA")),
        ("bad nick", body(nick: "a/b")),
        ("empty nick", body(nick: "")),
        ("bad room", body(rooms: ["no room!": "all"])),
        ("bad mode", body(rooms: ["main": "sometimes"])),
        ("too large", ByteBuffer(string: String(repeating: " ", count: 70_000) + "{}")),
    ]

    @Test("every bad input is a 4xx with a reason, and nothing is stored", arguments: badBodies.indices)
    func badInputIsRefused(index: Int) async throws {
        let (name, body) = Self.badBodies[index]
        let (store, cleanup) = try Self.sqliteStore()
        defer { cleanup() }
        try await withTestApp(store: store) { client in
            try await client.execute(uri: "/data/push/subscriptions", method: .post, body: body) { response in
                #expect((400..<500).contains(response.status.code), "\(name)")
                #expect(!response.text.isEmpty, "\(name): a reason")
            }
        }
        #expect(try await store.pushSubscriptions().isEmpty, "\(name)")
    }

    @Test("the test setting allows a loopback endpoint (http too), and only then")
    func loopbackWithTheTestSetting() async throws {
        let (store, cleanup) = try Self.sqliteStore()
        defer { cleanup() }
        var configuration = try ServerConfiguration.load(file: nil, environment: ["CHATT_PUSH_ALLOW_LOOPBACK": "1"])
        #expect(configuration.pushAllowsLoopback)
        try await withTestApp(configuration: configuration, store: store) { client in
            try await client.execute(uri: "/data/push/subscriptions", method: .post,
                                      body: Self.body(endpoint: "http://127.0.0.1:9/push")) { response in
                #expect(response.status == .created)
            }
            try await client.execute(uri: "/data/push/subscriptions", method: .post,
                                      body: Self.body(endpoint: "http://10.0.0.1/push")) { response in
                #expect(response.status == .badRequest)
            }
        }
        configuration = try ServerConfiguration.load(file: nil, environment: [:])
        #expect(!configuration.pushAllowsLoopback)
        #expect(throws: (any Error).self) { try ServerConfiguration.load(file: nil, environment: ["CHATT_PUSH_ALLOW_LOOPBACK": "yes"]) }
    }

    @Test("behind the same HTTP Basic as /data/*")
    func needsThePair() async throws {
        let (configuration, pair) = try AuthTests.protected()
        let store = InMemoryMessageStore()
        try await withTestApp(configuration: configuration, store: store) { client in
            try await client.execute(uri: "/data/push/key", method: .get) { response in
                #expect(response.status == .unauthorized)
            }
            try await client.execute(uri: "/data/push/subscriptions", method: .post, body: Self.body()) { response in
                #expect(response.status == .unauthorized)
            }
            try await client.execute(uri: "/data/push/subscriptions", method: .post,
                                      headers: [.authorization: basic(pair.login, pair.password)], body: Self.body()) { response in
                #expect(response.status == .created)
            }
        }
        #expect(try await store.pushSubscriptions().count == 1)
    }
}
