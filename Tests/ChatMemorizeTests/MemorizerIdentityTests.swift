import ChatCore
import ChatMemorize
import ChatStore
import Foundation
import Testing

@Suite("Memorizer: verdicts on a large batch (checked on every core)")
struct MemorizerIdentityTests {
    @Test("500 messages of a pinned author, every third one forged, and 100 of an unpinned one: each verdict where it belongs")
    func largeBatch() async throws {
        let store = InMemoryMessageStore()
        let memorizer = try await Memorizer(store: store, publisher: nil)
        let ann = IdentityKeys(seed: Array(repeating: 1, count: 32), nick: try Nickname("ann"))
        let other = IdentityKeys(seed: Array(repeating: 2, count: 32), nick: try Nickname("ann"))
        var events: [IngestEvent] = [.key(ann.nick, KeyAnnouncementPayload(keys: ann, ts: 1_000))]
        for n in 0..<600 {
            let author = n < 500 ? ann.nick : try Nickname("zed")
            var payload = NewTextPayload(author: author, text: "message \(n)", id: "message-\(10_000 + n)", ts: 1_000 + Int64(n))
            if let input = SignatureInput.message(payload, in: .main) {
                payload.sig = (n % 3 == 2 ? other : ann).signature(for: input)
            }
            events.append(.message(.main, payload, receivedAt: 1_000 + Int64(n)))
        }
        try await memorizer.ingest(events)
        let stored = try await store.messages(in: .main, before: nil, limit: 1_000).messages
        #expect(stored.count == 600)
        for (n, message) in stored.enumerated() {
            let expected: SignatureVerdict? = n >= 500 ? nil : (n % 3 == 2 ? .forged : .verified)
            #expect(message.extras?.sig == expected, "message \(n)")
        }
    }

    @Test("a batch checked ahead, before the key of its author was pinned by the batch before it: stored with the verdicts of the key pinned then, not plain")
    func checkedAhead() async throws {
        let store = InMemoryMessageStore()
        let memorizer = try await Memorizer(store: store, publisher: nil)
        let ann = IdentityKeys(seed: Array(repeating: 1, count: 32), nick: try Nickname("ann"))
        let other = IdentityKeys(seed: Array(repeating: 2, count: 32), nick: try Nickname("ann"))
        var messages: [IngestEvent] = []
        for n in 0..<100 {
            var payload = NewTextPayload(author: ann.nick, text: "message \(n)", id: "message-\(10_000 + n)", ts: 1_000 + Int64(n))
            payload.sig = SignatureInput.message(payload, in: .main).map { (n % 2 == 1 ? other : ann).signature(for: $0) }
            messages.append(.message(.main, payload, receivedAt: 1_000 + Int64(n)))
        }
        let checked = await memorizer.check(messages)  // as the ingest stage does while the batch before is stored
        try await memorizer.ingest([.key(ann.nick, KeyAnnouncementPayload(keys: ann, ts: 1_000))])
        try await memorizer.ingest(checked)
        let stored = try await store.messages(in: .main, before: nil, limit: 1_000).messages
        #expect(stored.map { $0.extras?.sig } == (0..<100).map { $0 % 2 == 1 ? .forged : .verified })
    }
}
