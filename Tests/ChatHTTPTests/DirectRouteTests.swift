import ChatCore
import ChatHTTP
import ChatStore
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("GET /data/direct/<a>/<b>/messages")
struct DirectRouteTests {
    @Test("pages a conversation, ciphertext only, oldest first, with the verdict when there is one; nicknames out of order or equal are a 400 that says why")
    func directRoute() async throws {
        let store = InMemoryMessageStore()
        var batch = StoreBatch()
        for n in 0..<3 {
            let (from, to) = n == 1 ? ("bob", "ann") : ("ann", "bob")
            let ts = Int64(n)
            batch.directs.append(DirectMessage(from: from, to: to, id: "direct-\(1_000 + n)", ts: ts,
                                               nonce: "nonce\(n)", ct: "ct\(n)", sig: "sig\(n)", receivedAt: ts,
                                               verdict: n == 2 ? .forged : nil))
        }
        try await store.write(batch)
        try await withTestApp(store: store) { client in
            try await client.execute(uri: "/data/direct/ann/bob/messages?limit=2", method: .get) { response in
                #expect(response.status == .ok)
                let json = try #require(try response.json() as? [String: Any])
                let messages = try #require(json["messages"] as? [[String: Any]])
                #expect(messages.map { $0["id"] as? String } == ["direct-1001", "direct-1002"])
                #expect(Set(messages[0].keys) == ["from", "to", "id", "ts", "nonce", "ct", "sig", "key"], "a plain one has no verdict")
                #expect(messages[1]["verdict"] as? String == "forged", "memorize's verdict, when the sender has a pinned key")
                #expect(messages[0]["from"] as? String == "bob" && messages[0]["ct"] as? String == "ct1")
                #expect(json["hasMore"] as? Bool == true)
                let key = try #require(messages[0]["key"] as? Int)
                try await client.execute(uri: "/data/direct/ann/bob/messages?before=\(key)", method: .get) { older in
                    let json = try #require(try older.json() as? [String: Any])
                    #expect((json["messages"] as? [[String: Any]])?.map { $0["id"] as? String } == ["direct-1000"])
                    #expect(json["hasMore"] as? Bool == false)
                }
            }
            try await client.execute(uri: "/data/direct/bob/ann/messages", method: .get) { response in
                #expect(response.status == .badRequest)
                #expect(String(buffer: response.body).contains("/data/direct/ann/bob/messages"))
            }
            try await client.execute(uri: "/data/direct/ann/ann/messages", method: .get) { response in
                #expect(response.status == .badRequest)
            }
        }
    }

    @Test("behind the same HTTP Basic as /data/*")
    func directNeedsThePair() async throws {
        let (configuration, _) = try AuthTests.protected()
        try await withTestApp(configuration: configuration, store: InMemoryMessageStore()) { client in
            try await client.execute(uri: "/data/direct/ann/bob/messages", method: .get) { response in
                #expect(response.status == .unauthorized)
            }
        }
    }
}
