import ChatCore
import ChatHTTP
import ChatStore
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("Pinned keys in /data/lastinfo")
struct KeysInLastInfoTests {
    @Test("no key pinned: no \"keys\"; once pinned, {\"<nick>\": {\"sign\",\"dh\"}}, and a pin made after a read shows at the next")
    func keysInLastInfo() async throws {
        let store = InMemoryMessageStore()
        let ann = IdentityKeys(seed: Array(repeating: 1, count: 32), nick: try Nickname("ann")).publicIdentity
        let bob = IdentityKeys(seed: Array(repeating: 2, count: 32), nick: try Nickname("bob")).publicIdentity
        try await withTestApp(store: store) { client in
            try await client.execute(uri: "/data/lastinfo", method: .get) { response in
                let json = try #require(try response.json() as? [String: Any])
                #expect(json["keys"] == nil)
            }
            _ = try await store.pin(ann, for: try Nickname("ann"))
            try await client.execute(uri: "/data/lastinfo", method: .get) { response in
                let json = try #require(try response.json() as? [String: Any])
                let keys = try #require(json["keys"] as? [String: [String: String]])
                #expect(keys == ["ann": ["sign": ann.sign, "dh": ann.dh]])
            }
            _ = try await store.pin(bob, for: try Nickname("bob"))
            try await client.execute(uri: "/data/lastinfo", method: .get) { response in
                let json = try #require(try response.json() as? [String: Any])
                let keys = try #require(json["keys"] as? [String: [String: String]])
                #expect(keys == ["ann": ["sign": ann.sign, "dh": ann.dh], "bob": ["sign": bob.sign, "dh": bob.dh]])
            }
        }
    }
}
