internal import GRDB

/// The database could not be reached, opened, checked, read or written: which database,
/// what was being done, and why, in words that say what to do where the database's own do
/// not. One type for every store: SQLite fills it here, PostgreSQL in `ChatStorePostgres`.
public struct StoreError: Error, Sendable, CustomStringConvertible {
    /// The SQLite file, or the PostgreSQL address (password masked).
    public let path: String
    /// What was being done ("open", "write to", …).
    public let operation: String
    /// Why it failed.
    public let reason: String
    /// The PostgreSQL server's SQLSTATE code, when it answered (`22021`, say); `nil` for SQLite.
    public let sqlState: String?

    /// An error with a reason of its own.
    public init(path: String, operation: String, reason: String, sqlState: String? = nil) {
        self.path = path
        self.operation = operation
        self.reason = reason
        self.sqlState = sqlState
    }

    /// Whether PostgreSQL refused a value (SQLSTATE class 22, data exception, such as 22021
    /// for a NUL in text; class 23, a violated constraint; class 54, a value past a limit):
    /// the same write would fail again, whatever the connection.
    public var refusesContent: Bool {
        guard let sqlState else { return false }
        return ["22", "23", "54"].contains(String(sqlState.prefix(2)))
    }

    init(path: String, operation: String, underlying: any Error) {
        if let error = underlying as? StoreError {
            self = error
            return
        }
        self.init(path: path, operation: operation, reason: Self.reason(underlying))
    }

    public var description: String { "cannot \(operation) the database \(path): \(reason)" }

    /// SQLite's words without the statement, and what to do for the failures an operator
    /// can fix (the statement is noise to them; the code stays for a search).
    static func reason(_ error: any Error) -> String {
        guard let error = error as? DatabaseError else { return "\(error)" }
        let words = error.message ?? "SQLite error"
        let code = "SQLite error \(error.resultCode.rawValue)"
        switch error.resultCode {
        case .SQLITE_FULL:
            return "\(words) (\(code)): the disk (or the quota of this user) is full; free space, nothing was stored"
        case .SQLITE_READONLY:
            return "\(words) (\(code)): the file, its -wal/-shm files or its folder cannot be written by this user, "
                + "or the filesystem is mounted read-only"
        case .SQLITE_IOERR:
            return "\(words) (\(code), extended \(error.extendedResultCode.rawValue)): the disk or the filesystem "
                + "failed; see the kernel log (dmesg)"
        case .SQLITE_CORRUPT, .SQLITE_NOTADB:
            return "\(words) (\(code)): the file is damaged or not an SQLite database; restore it from a backup"
        case .SQLITE_CANTOPEN:
            return "\(words) (\(code)): its folder is missing or cannot be entered, or the file cannot be opened by this user"
        default:
            return "\(words) (\(code))"
        }
    }
}
