import ChatCore
import ChatStore
import Foundation
import Testing

@Suite("Signature verdicts kept with messages, on every store")
struct VerdictStoreTests {
    @Test("verified, forged and plain read back as they were written, through every read; an edit keeps the verdict", arguments: StoreKind.allCases)
    func verdicts(kind: StoreKind) async throws {
        let (store, cleanup) = try await kind.make()
        defer { cleanup() }
        func message(_ text: String, id: String, by author: String, _ verdict: SignatureVerdict?) -> NewMessage {
            var message = NewMessage(room: .main, author: author, text: text, messageID: id, ts: 1_000, receivedAt: 1_000)
            message.verdict = verdict
            return message
        }
        var batch = StoreBatch()
        batch.messages = [
            message("signed hello", id: "message-1", by: "ann", .verified),
            message("fake hello", id: "message-2", by: "ann", .forged),
            message("plain hello", id: "message-3", by: "zed", nil),
        ]
        try await store.write(batch)
        var edit = StoreBatch()
        edit.events = [ConversationEvent(room: .main, author: "ann", eventID: "edit-0001", target: "message-1",
                                         kind: .edit(text: "signed hello!"), ts: 2_000, receivedAt: 2_000)]
        try await store.write(edit)
        let expected: [SignatureVerdict?] = [.verified, .forged, nil]
        #expect(try await store.lastMessages(in: .main, limit: 10).map { $0.extras?.sig } == expected)
        #expect(try await store.messages(in: .main, before: nil, limit: 10).messages.map { $0.extras?.sig } == expected)
        #expect(try await store.lastInfo(messagesPerRoom: 10).messages[.main]?.map { $0.extras?.sig } == expected)
        #expect(try await store.messages(in: .main, around: "message-2", limit: 10)?.messages.map { $0.extras?.sig } == expected)
        #expect(try await store.search(in: .main, for: "hello", limit: 10).map { $0.extras?.sig } == expected.reversed())
        let edited = try #require(try await store.lastMessages(in: .main, limit: 10).first)
        #expect(edited.text == "signed hello!")
        #expect(edited.extras?.sig == .verified)
    }
}
