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

    public func tryAcquire() async throws -> (any HeldLeaderLock)? {
        let connection = try await address.connect(logger: logger)
        let taken = try await connection.query("SELECT pg_try_advisory_lock(\(Self.key))", logger: logger)
            .decode(Bool.self).first { _ in true } ?? false
        guard taken else {
            try? await connection.close()
            return nil
        }
        return Held(connection: connection, checkInterval: checkInterval, logger: logger)
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
                    logger.warning("the connection holding the leader lock broke", metadata: ["error": "\(PostgresStoreError.reason(error))"])
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
