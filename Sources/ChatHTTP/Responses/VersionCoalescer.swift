internal import Synchronization

/// Shares one read of the store's version among the requests that ask at the same time,
/// without ever answering a request with a read that started before it arrived.
///
/// One read runs at a time. Requests that arrive while it runs wait; when it ends, the first
/// of them starts the next read on behalf of all of them. So under load the store sees about
/// one version query per query-duration instead of one per request, and a request still sees
/// every write that completed before it came in.
final class VersionCoalescer: Sendable {
    private enum Turn: Sendable {
        case answer(Result<Int64, any Error>)
        case lead
    }

    private struct State {
        var running = false
        var waiting: [CheckedContinuation<Turn, Never>] = []
    }

    private let state = Mutex(State())

    /// How many callers wait for the next read (for tests).
    var waitingCount: Int { state.withLock { $0.waiting.count } }

    /// The version, from a `read` that starts after this call began.
    func version(_ read: @Sendable () async throws -> Int64) async throws -> Int64 {
        let turn: Turn = await withCheckedContinuation { continuation in
            let lead = state.withLock { state in
                if state.running {
                    state.waiting.append(continuation)
                    return false
                }
                state.running = true
                return true
            }
            if lead { continuation.resume(returning: .lead) }
        }
        switch turn {
        case .answer(let result):
            return try result.get()
        case .lead:
            // Everyone waiting now arrived before this read starts: they share it.
            let batch = state.withLock { state in
                defer { state.waiting.removeAll() }
                return state.waiting
            }
            let result: Result<Int64, any Error>
            do { result = .success(try await read()) } catch { result = .failure(error) }
            // Those who came during the read need a read of their own: the first leads it.
            let next = state.withLock { state -> CheckedContinuation<Turn, Never>? in
                if state.waiting.isEmpty {
                    state.running = false
                    return nil
                }
                return state.waiting.removeFirst()
            }
            for waiter in batch { waiter.resume(returning: .answer(result)) }
            next?.resume(returning: .lead)
            return try result.get()
        }
    }
}
