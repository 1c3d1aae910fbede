import ChatCore
import ChatStore
import ChatTestSupport
import Synchronization

/// An in-memory store whose `lastInfo` and `search` reads the test holds until it releases
/// them, counting how many started: to see which requests share a read, and what happens
/// while reads are busy.
final class GatedStore: ForwardingMessageStore {
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

    let inner: any MessageStore
    let holding: Set<Read>
    let state = Mutex(State())

    /// Holds the reads of `holding` until ``open()``.
    init(_ inner: any MessageStore = InMemoryMessageStore(), holding: Set<Read> = [.lastInfo, .search]) {
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

    func search(in room: RoomName, for query: String, limit: Int) async throws -> [StoredMessage] {
        state.withLock { $0.searchStarted += 1 }
        await hold(.search)
        if let error = state.withLock({ $0.searchError }) { throw error }
        return try await inner.search(in: room, for: query, limit: limit)
    }
    func search(_ search: MessageSearch) async throws -> SearchPage {
        state.withLock { $0.searchStarted += 1 }
        await hold(.search)
        if let error = state.withLock({ $0.searchError }) { throw error }
        return try await inner.search(search)
    }
    func lastInfo(messagesPerRoom: Int) async throws -> LastInfo {
        state.withLock { $0.lastInfoStarted += 1 }
        await hold(.lastInfo)
        return try await inner.lastInfo(messagesPerRoom: messagesPerRoom)
    }
}

struct GateTimedOut: Error {}
