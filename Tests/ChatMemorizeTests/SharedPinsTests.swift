import ChatCore
import ChatMemorize
import ChatStore
import Foundation
import Testing

@Suite("Pins in a shared group")
struct SharedPinsTests {
    @Test("a key pinned by another instance is used here after a moment: the next message of its author is verified, not plain")
    func pinnedElsewhere() async throws {
        let store = InMemoryMessageStore()
        let clock = ManualClock(Date(timeIntervalSince1970: 1_700_000_000))
        let a = try await Memorizer(store: store, publisher: nil, clock: clock)
        let b = try await Memorizer(store: store, publisher: nil, clock: clock)
        let ann = IdentityKeys(seed: Array(repeating: 1, count: 32), nick: try Nickname("ann"))
        try await a.ingest([.key(ann.nick, KeyAnnouncementPayload(keys: ann, ts: 1_000))])
        clock.advance(seconds: 3)
        var payload = NewTextPayload(author: ann.nick, text: "hello", id: "message-0001", ts: 1_700_000_003_000)
        payload.sig = SignatureInput.message(payload, in: .main).map { ann.signature(for: $0) }
        var forged = NewTextPayload(author: ann.nick, text: "not me", id: "message-0002", ts: 1_700_000_003_000)
        forged.sig = nil
        try await b.ingest([.message(.main, payload, receivedAt: 1_700_000_003_000), .message(.main, forged, receivedAt: 1_700_000_003_000)])
        let stored = try await store.lastMessages(in: .main, limit: 10)
        #expect(stored.map { $0.extras?.sig } == [.verified, .forged])
    }
}
