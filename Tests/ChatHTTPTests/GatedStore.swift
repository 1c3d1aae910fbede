import ChatCore
import ChatStore
import Synchronization

/// An in-memory store whose `lastInfo` and `search` reads the test holds until it releases
/// them, counting how many started: to see which requests share a read, and what happens
/// while reads are busy.
final class GatedStore: MessageStore {
    struct State {
        var lastInfoStarted = 0
        var searchStarted = 0
        var gates: [CheckedContinuation<Void, Never>] = []
        var open = false
        /// When set, searches throw it (after the gate).
        var searchError: (any Error)?
    }

    /// The reads that can be held.
    enum Read: Sendable { case lastInfo, search }

    let inner: InMemoryMessageStore
    let holding: Set<Read>
    let state = Mutex(State())

    /// Holds the reads of `holding` until ``open()``.
    init(_ inner: InMemoryMessageStore = InMemoryMessageStore(), holding: Set<Read> = [.lastInfo, .search]) {
        self.inner = inner
        self.holding = holding
    }

    private func hold(_ read: Read) async {
        guard holding.contains(read) else { return }
        await withCheckedContinuation { continuation in
            let pass = state.withLock { state in
                if state.open { return true }
                state.gates.append(continuation)
                return false
            }
            if pass { continuation.resume() }
        }
    }

    /// Waits (with a deadline) until `count` reads are held.
    func waitForHeld(_ count: Int) async throws {
        let deadline = ContinuousClock.now + .seconds(10)
        while state.withLock({ $0.gates.count }) < count {
            guard ContinuousClock.now < deadline else { throw GateTimedOut() }
            await Task.yield()
        }
    }

    /// Lets every held read go, and every later one pass.
    func open() {
        let gates = state.withLock { state in
            state.open = true
            defer { state.gates.removeAll() }
            return state.gates
        }
        for gate in gates { gate.resume() }
    }

    func write(_ batch: StoreBatch) async throws -> StoreWriteResult { try await inner.write(batch) }
    func lastMessages(in room: RoomName, limit: Int) async throws -> [StoredMessage] {
        try await inner.lastMessages(in: room, limit: limit)
    }
    func messages(in room: RoomName, before: Int64?, limit: Int) async throws -> MessagePage {
        try await inner.messages(in: room, before: before, limit: limit)
    }
    func search(in room: RoomName, for query: String, limit: Int) async throws -> [StoredMessage] {
        state.withLock { $0.searchStarted += 1 }
        await hold(.search)
        if let error = state.withLock({ $0.searchError }) { throw error }
        return try await inner.search(in: room, for: query, limit: limit)
    }
    func rooms() async throws -> [RoomName] { try await inner.rooms() }
    func onlineUsers() async throws -> [String] { try await inner.onlineUsers() }
    func lastInfo(messagesPerRoom: Int) async throws -> LastInfo {
        state.withLock { $0.lastInfoStarted += 1 }
        await hold(.lastInfo)
        return try await inner.lastInfo(messagesPerRoom: messagesPerRoom)
    }
    func version() async throws -> Int64 { try await inner.version() }
    func replaceMessages(in room: RoomName, with messages: [NewMessage]) async throws {
        try await inner.replaceMessages(in: room, with: messages)
    }
    func loadChatState(rules: GreetingRules) async throws -> ChatState { try await inner.loadChatState(rules: rules) }
    func forEachMessage(_ body: @Sendable ([StoredMessage]) throws -> Void) async throws {
        try await inner.forEachMessage(body)
    }
    func messageCount() async throws -> Int { try await inner.messageCount() }
}

struct GateTimedOut: Error {}
