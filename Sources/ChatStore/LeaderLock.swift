/// A lock that at most one process holds among all those sharing a store, so that a job
/// that must not run twice (greeting newcomers, logging idle users out) runs in exactly
/// one of several `chatt-memorize` instances; when the holder dies, another can take it.
///
/// ``FileLeaderLock`` serves processes on one machine around an SQLite file; a PostgreSQL
/// advisory lock serves processes on several machines (`ChatStorePostgres`).
public protocol LeaderLock: Sendable {
    /// Tries once; returns the held lock, or `nil` while another process holds it.
    func tryAcquire() async throws -> (any HeldLeaderLock)?
}

/// A ``LeaderLock`` this process holds.
public protocol HeldLeaderLock: Sendable {
    /// Returns when the lock is lost (say, the connection that holds it broke); throws
    /// `CancellationError` when cancelled first.
    func waitUntilLost() async throws
    /// Lets the lock go, so another process may take it.
    func release() async
}
