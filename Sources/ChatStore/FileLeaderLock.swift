#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A ``LeaderLock`` for processes on one machine: an exclusive `flock` on a file beside
/// the database. The kernel lets it go when the holder exits, however it dies.
public struct FileLeaderLock: LeaderLock {
    /// The lock file (created when missing).
    public let path: String

    /// A lock on `path`.
    public init(path: String) {
        self.path = path
    }

    /// The lock for an SQLite database: `<database>-leader.lock`.
    public init(databasePath: String) {
        self.init(path: databasePath + "-leader.lock")
    }

    public func tryAcquire() async throws -> (any HeldLeaderLock)? {
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw LeaderLockError(description: "cannot open the lock file \(path): \(String(cString: strerror(errno)))")
        }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            let failure = errno
            close(descriptor)
            if failure == EWOULDBLOCK { return nil }
            throw LeaderLockError(description: "cannot lock \(path): \(String(cString: strerror(failure)))")
        }
        return Held(descriptor: descriptor)
    }

    private final class Held: HeldLeaderLock {
        private let descriptor: Int32

        init(descriptor: Int32) {
            self.descriptor = descriptor
        }

        func waitUntilLost() async throws {
            // A lock held by this process is never taken away.
            while true { try await Task.sleep(for: .seconds(3600)) }
        }

        func release() async {
            close(descriptor)
        }
    }
}

/// A leader lock could not be tried.
public struct LeaderLockError: Error, Sendable, CustomStringConvertible {
    public let description: String

    /// An error saying `description`.
    public init(description: String) {
        self.description = description
    }
}
