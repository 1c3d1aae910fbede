public import ChatStore
import PostgresNIO

/// The PostgreSQL database could not be reached, opened or migrated.
public struct PostgresStoreError: Error, Sendable, CustomStringConvertible {
    /// Where (password masked).
    public let address: PostgresAddress
    /// What was being done.
    public let operation: String
    /// The server's (or the connection's) own words.
    public let reason: String
    /// The server's SQLSTATE code, when the server answered (`22021`, say).
    public let sqlState: String?

    init(address: PostgresAddress, operation: String, underlying: any Error) {
        self.address = address
        self.operation = operation
        self.reason = Self.reason(underlying)
        self.sqlState = Self.serverError(underlying)?.serverInfo?[.sqlState]
    }

    /// Whether the server refused a value (SQLSTATE class 22, data exception, such as
    /// 22021 for a NUL in text; class 23, a violated constraint; class 54, a value past a
    /// limit): the same write would fail again, whatever the connection.
    public var refusesContent: Bool {
        guard let sqlState else { return false }
        return ["22", "23", "54"].contains(String(sqlState.prefix(2)))
    }

    /// The server's error inside `error`, if any.
    private static func serverError(_ error: any Error) -> PSQLError? {
        if let transaction = error as? PostgresTransactionError,
           let inner = transaction.beginError ?? transaction.closureError ?? transaction.commitError {
            return serverError(inner)
        }
        return error as? PSQLError
    }

    public var description: String { "cannot \(operation) the database \(address): \(reason)" }

    /// PSQLError's own description is deliberately vague; its server fields say what happened.
    static func reason(_ error: any Error) -> String {
        if let transaction = error as? PostgresTransactionError,
           let inner = transaction.beginError ?? transaction.closureError ?? transaction.commitError {
            return reason(inner)
        }
        guard let error = error as? PSQLError else { return "\(error)" }
        if let message = error.serverInfo?[.message] {
            let state = error.serverInfo?[.sqlState].map { " (SQLSTATE \($0))" } ?? ""
            return message + state
        }
        if let underlying = error.underlying { return "\(error.code): \(underlying)" }
        return "\(error.code)"
    }
}
