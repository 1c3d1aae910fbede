import ChatStore
import Foundation
import Testing

@Suite("Web Push subscriptions, on every store")
struct PushSubscriptionStoreTests {
    static func subscription(_ endpoint: String, nick: String = "ann", created: Int64 = 1, rooms: [String: PushMode] = [:]) -> StoredPushSubscription {
        StoredPushSubscription(endpoint: endpoint, p256dh: [4] + Array(repeating: 7, count: 64), auth: Array(0..<16),
                               nick: nick, created: created, rooms: rooms)
    }

    @Test("saved, replaced by endpoint (rooms too, first created kept), listed, deleted", arguments: StoreKind.allCases)
    func lifecycle(kind: StoreKind) async throws {
        let (store, cleanup) = try await kind.make()
        defer { cleanup() }
        #expect(try await store.pushSubscriptions().isEmpty)
        #expect(try await store.savePushSubscription(Self.subscription("https://p.example/1", rooms: ["main": .all, "dev": .none])))
        #expect(try await store.savePushSubscription(Self.subscription("https://p.example/2", nick: "bob", created: 2)))
        #expect(try await store.pushSubscriptions() == [
            Self.subscription("https://p.example/1", rooms: ["main": .all, "dev": .none]),
            Self.subscription("https://p.example/2", nick: "bob", created: 2),
        ])
        let again = Self.subscription("https://p.example/1", nick: "ann2", created: 9, rooms: ["dev": .mentions])
        #expect(try await store.savePushSubscription(again) == false)
        let first = try #require(try await store.pushSubscriptions().first { $0.endpoint == "https://p.example/1" })
        #expect(first.nick == "ann2" && first.created == 1 && first.rooms == ["dev": .mentions])
        #expect(first.mode(for: "main") == .mentions)

        #expect(try await store.deletePushSubscription(endpoint: "https://p.example/1"))
        #expect(try await store.deletePushSubscription(endpoint: "https://p.example/1") == false)
        #expect(try await store.pushSubscriptions().map(\.endpoint) == ["https://p.example/2"])
    }

    @Test("the VAPID key is made once: the first value stays", arguments: StoreKind.allCases)
    func vapidKeyOnce(kind: StoreKind) async throws {
        let (store, cleanup) = try await kind.make()
        defer { cleanup() }
        let first = try await store.setting(SettingKey.vapidPrivateKey, default: "one")
        let second = try await store.setting(SettingKey.vapidPrivateKey, default: "two")
        #expect(first == "one" && second == "one")
    }
}
