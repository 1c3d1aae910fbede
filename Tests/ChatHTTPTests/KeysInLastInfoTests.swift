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

@Suite("Signature verdicts in history entries")
struct VerdictEntryTests {
    @Test("the sixth element holds \"sig\" for a pinned author's message; a plain message keeps five elements")
    func sigInEntries() async throws {
        let store = InMemoryMessageStore()
        var batch = StoreBatch()
        for (index, verdict) in [SignatureVerdict.verified, .forged, nil].enumerated() {
            var message = NewMessage(room: .main, author: "ann", text: "text \(index)", messageID: "message-\(index)",
                                     ts: 1_000, receivedAt: 1_000)
            message.verdict = verdict
            batch.messages.append(message)
        }
        try await store.write(batch)
        try await withTestApp(store: store) { client in
            for uri in ["/data/lastinfo", "/data/rooms/main/messages?limit=10"] {
                try await client.execute(uri: uri, method: .get) { response in
                    let json = try #require(try response.json() as? [String: Any])
                    let entries = try #require(
                        (json["messages"] as? [String: Any])?["main"] as? [[Any]] ?? json["messages"] as? [[Any]], "\(uri)")
                    #expect(entries.map(\.count) == [6, 6, 5], "\(uri)")
                    #expect((entries[0].last as? [String: Any])?["sig"] as? String == "verified", "\(uri)")
                    #expect((entries[1].last as? [String: Any])?["sig"] as? String == "forged", "\(uri)")
                }
            }
        }
    }
}
