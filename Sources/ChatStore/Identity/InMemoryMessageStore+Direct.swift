internal import Synchronization

extension InMemoryMessageStore {
    /// Stores `directs` (one already stored, same conversation and id, is skipped);
    /// returns how many were stored. Called inside the write's lock.
    static func writeDirects(_ directs: [DirectMessage], into state: inout State) -> Int {
        var stored = 0
        for var direct in directs {
            let conversation = direct.conversation
            guard state.directIDs.insert("\(conversation.a)\n\(conversation.b)\n\(direct.id)").inserted else { continue }
            direct.key = state.nextDirectKey
            state.nextDirectKey += 1
            state.directs[conversation, default: []].append(direct)
            stored += 1
        }
        return stored
    }

    public func directMessages(in conversation: DirectConversation, before: Int64?, limit: Int) async throws -> DirectPage {
        state.withLock { state in
            let older = (state.directs[conversation] ?? []).filter { ($0.key ?? 0) < (before ?? Int64.max) }
            return DirectPage(messages: Array(older.suffix(limit)), hasMore: older.count > limit)
        }
    }

    public func forEachDirectMessage(_ body: @Sendable ([DirectMessage]) throws -> Void) async throws {
        let all = state.withLock { state in state.directs.values.joined().sorted { ($0.key ?? 0) < ($1.key ?? 0) } }
        var start = 0
        while start < all.count {
            try body(Array(all[start..<min(start + 2000, all.count)]))
            start += 2000
        }
    }
}
