internal import Synchronization

/// Bounds how many searches run at once. A search can cost a second of a database reader
/// (`search?q=a` on a million messages); without a bound, a handful of them took every
/// reader and `/healthz` and `/data/lastinfo` waited seconds behind them (issue 14 item 8).
/// With it, searches past the bound are refused at once (503, try again) instead of queueing,
/// and the store's other readers stay free for everything else.
final class SearchLimiter: Sendable {
    /// Searches allowed at the same time.
    let maximum: Int
    private let running = Mutex(0)

    /// At most `maximum` searches at once (the SQLite store has 4 readers: 2 stay free).
    init(maximum: Int = 2) {
        self.maximum = maximum
    }

    /// Runs `body` when a slot is free; `nil` (without running it) when all are taken.
    func run<T: Sendable>(_ body: () async throws -> T) async throws -> T? {
        let admitted = running.withLock { running in
            guard running < maximum else { return false }
            running += 1
            return true
        }
        guard admitted else { return nil }
        defer { running.withLock { $0 -= 1 } }
        return try await body()
    }
}
