import ChatCore
import ChatStore
import Foundation
import Testing

/// Keys for tests: a fixed seed per byte, no PBKDF2.
func testKeys(_ nick: String, seed: UInt8) throws -> IdentityKeys {
    IdentityKeys(seed: Array(repeating: seed, count: 32), nick: try Nickname(nick))
}

@Suite("Key pinning (trust on first use), on every store")
struct KeyPinningStoreTests {
    @Test("the first key of a nickname is pinned; the same key again changes nothing; another key is refused", arguments: StoreKind.allCases)
    func pinThenRefuse(kind: StoreKind) async throws {
        let (store, cleanup) = try await kind.make()
        defer { cleanup() }
        let ann = try Nickname("ann")
        let first = try testKeys("ann", seed: 1).publicIdentity
        let second = try testKeys("ann", seed: 2).publicIdentity
        let before = try await store.version()
        #expect(try await store.pin(first, for: ann) == .pinned)
        #expect(try await store.version() != before)
        #expect(try await store.pin(first, for: ann) == .unchanged)
        #expect(try await store.pin(second, for: ann) == .refused(pinned: first))
        #expect(try await store.pinnedKey(of: ann) == first)
        #expect(try await store.pinnedKeys() == ["ann": first])
    }

    @Test("forgetting a nickname's key releases it: the next key is pinned", arguments: StoreKind.allCases)
    func forget(kind: StoreKind) async throws {
        let (store, cleanup) = try await kind.make()
        defer { cleanup() }
        let bob = try Nickname("bob")
        let first = try testKeys("bob", seed: 3).publicIdentity
        let second = try testKeys("bob", seed: 4).publicIdentity
        #expect(try await store.pin(first, for: bob) == .pinned)
        #expect(try await store.forgetKey(of: "bob"))
        #expect(try await store.forgetKey(of: "bob") == false)
        #expect(try await store.pinnedKey(of: bob) == nil)
        #expect(try await store.pin(second, for: bob) == .pinned)
        #expect(try await store.pinnedKeys() == ["bob": second])
    }

    @Test("pinned keys are listed by nickname, other settings left out", arguments: StoreKind.allCases)
    func listing(kind: StoreKind) async throws {
        let (store, cleanup) = try await kind.make()
        defer { cleanup() }
        _ = try await store.setting(SettingKey.memorizeClientID, default: "memorize-1")
        _ = try await store.setting("pinned-key", default: "not a pin")
        _ = try await store.setting("pinned-keyz", default: "not a pin")
        let ann = try testKeys("ann", seed: 5).publicIdentity
        let cid = try testKeys("cid", seed: 6).publicIdentity
        _ = try await store.pin(ann, for: try Nickname("ann"))
        _ = try await store.pin(cid, for: try Nickname("cid"))
        #expect(try await store.pinnedKeys() == ["ann": ann, "cid": cid])
    }

    @Test("two pins of one nickname at once: one wins, the other is refused", arguments: StoreKind.allCases)
    func race(kind: StoreKind) async throws {
        let (store, cleanup) = try await kind.make()
        defer { cleanup() }
        let dee = try Nickname("dee")
        let keys = try (1...8).map { try testKeys("dee", seed: UInt8(10 + $0)).publicIdentity }
        let outcomes = try await withThrowingTaskGroup(of: KeyPinOutcome.self) { group in
            for key in keys { group.addTask { try await store.pin(key, for: dee) } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(outcomes.filter { $0 == .pinned }.count == 1)
        let pinned = try #require(try await store.pinnedKey(of: dee))
        #expect(outcomes.filter { $0 == .refused(pinned: pinned) }.count == 7)
    }
}
