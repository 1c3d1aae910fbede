#if PostgreSQL  // the package trait: without it this module is empty (see Package.swift)
public import ChatStore
public import Logging
import PostgresNIO

/// A ``LeaderLock`` for instances on several machines: a session-level PostgreSQL advisory
/// lock, held on a connection of its own. PostgreSQL lets it go when that connection
/// ends, however the holder died; the holder checks its connection every
/// `checkInterval` and steps down when it broke.
public struct PostgresLeaderLock: LeaderLock {
    /// The advisory lock key: "ChaTTLdr".
    static let key: Int64 = 0x43_68_61_54_54_4C_64_72

    let address: PostgresAddress
    let checkInterval: Duration
    let logger: Logger

    /// A lock in the database at `address`.
    public init(address: PostgresAddress, checkInterval: Duration = .seconds(1), logger: Logger) {
        self.address = address
        self.checkInterval = checkInterval
        self.logger = logger
    }

    /// One attempt, run in a task of its own, out of reach of the caller's cancellation:
    /// postgres-nio 1.33's `PostgresConnection.connect`, cancelled while it sets the
    /// connection up, can close it without ever returning (chatt-memorize was then deaf to
    /// a SIGTERM right after start). The attempt is short and bounded by the connection's
    /// own timeout; a cancelled caller sees `Task.isCancelled` once it returns.
    public func tryAcquire() async throws -> (any HeldLeaderLock)? {
        try await Task { try await attempt() }.value
    }

    private func attempt() async throws -> Held? {
        let connection = try await address.connect(logger: logger)
        do {
            let taken = try await connection.query("SELECT pg_try_advisory_lock(\(Self.key))", logger: logger)
                .decode(Bool.self).first { _ in true } ?? false
            guard taken else {
                try? await connection.close()
                return nil
            }
            return Held(connection: connection, checkInterval: checkInterval, logger: logger)
        } catch {
            // A connection must be closed before it is released.
            try? await connection.close()
            throw error
        }
    }

    private struct Held: HeldLeaderLock {
        let connection: PostgresConnection
        let checkInterval: Duration
        let logger: Logger

        func waitUntilLost() async throws {
            while true {
                try await Task.sleep(for: checkInterval)
                do {
                    try await connection.query("SELECT 1", logger: logger)
                } catch {
                    logger.warning("the connection holding the leader lock broke", metadata: ["error": "\(StoreError.postgresReason(error))"])
                    return
                }
            }
        }

        func release() async {
            _ = try? await connection.query("SELECT pg_advisory_unlock(\(PostgresLeaderLock.key))", logger: logger)
            try? await connection.close()
        }
    }
}
#endif
