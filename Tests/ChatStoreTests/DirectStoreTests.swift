import ChatCore
import ChatStore
import Foundation
import Testing

@Suite("Direct messages in the store: kept as they came, paged by conversation, on every store")
struct DirectStoreTests {
    func direct(_ from: String, _ to: String, _ n: Int) -> DirectMessage {
        DirectMessage(from: from, to: to, id: "direct-\(1_000 + n)", ts: Int64(n), nonce: "nonce\(n)", ct: "ct\(n)", sig: "sig\(n)",
                      receivedAt: Int64(n))
    }

    @Test("both directions land in one conversation, oldest first; before= and limit page it; a duplicate id is stored once", arguments: StoreKind.allCases)
    func paging(kind: StoreKind) async throws {
        let (store, cleanup) = try await kind.make()
        defer { cleanup() }
        var batch = StoreBatch()
        batch.directs = (0..<5).map { direct($0 % 2 == 0 ? "bob" : "ann", $0 % 2 == 0 ? "ann" : "bob", $0) }
        batch.directs.append(direct("ann", "cid", 9))
        try await store.write(batch)
        var again = StoreBatch()
        again.directs = [direct("bob", "ann", 0), direct("ann", "bob", 5)]
        try await store.write(again)

        let annBob = DirectConversation("bob", "ann")
        #expect(annBob.a == "ann" && annBob.b == "bob")
        let all = try await store.directMessages(in: annBob, before: nil, limit: 10)
        #expect(all.messages.map(\.id) == (0...5).map { "direct-\(1_000 + $0)" })
        #expect(!all.hasMore)
        #expect(all.messages.first == DirectMessage(key: all.messages.first?.key, from: "bob", to: "ann", id: "direct-1000", ts: 0,
                                                     nonce: "nonce0", ct: "ct0", sig: "sig0", receivedAt: 0))
        let newest = try await store.directMessages(in: annBob, before: nil, limit: 2)
        #expect(newest.messages.map(\.id) == ["direct-1004", "direct-1005"])
        #expect(newest.hasMore)
        let older = try await store.directMessages(in: annBob, before: newest.messages.first?.key, limit: 3)
        #expect(older.messages.map(\.id) == ["direct-1001", "direct-1002", "direct-1003"])
        #expect(older.hasMore)
        #expect(try await store.directMessages(in: DirectConversation("ann", "cid"), before: nil, limit: 10).messages.map(\.id) == ["direct-1009"])
        #expect(try await store.directMessages(in: DirectConversation("bob", "cid"), before: nil, limit: 10).messages.isEmpty)
    }

    @Test("a direct message's verdict is kept: verified, forged, or none for a plain one", arguments: StoreKind.allCases)
    func verdicts(kind: StoreKind) async throws {
        let (store, cleanup) = try await kind.make()
        defer { cleanup() }
        var batch = StoreBatch()
        let verdicts: [SignatureVerdict?] = [.verified, .forged, nil]
        batch.directs = verdicts.enumerated().map { n, verdict in
            var message = direct("ann", "bob", n)
            message.verdict = verdict
            return message
        }
        try await store.write(batch)
        let page = try await store.directMessages(in: DirectConversation("ann", "bob"), before: nil, limit: 10)
        #expect(page.messages.map(\.verdict) == verdicts)
    }
}
