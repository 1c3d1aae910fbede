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

    /// What an operator can do about the failures that are theirs to fix.
    static func hint(_ sqlState: String) -> String? {
        switch sqlState {
        case "53100": ": the database server's disk is full; free space there, nothing was stored"
        case "53200": ": the database server is out of memory"
        case "25006": ": the database (or this user) is read-only"
        case let state where state.hasPrefix("58"): ": the database server cannot read or write its files; see its log"
        default: nil
        }
    }

    /// PSQLError's own description is deliberately vague; its server fields say what happened.
    static func reason(_ error: any Error) -> String {
        if let transaction = error as? PostgresTransactionError,
           let inner = transaction.beginError ?? transaction.closureError ?? transaction.commitError {
            return reason(inner)
        }
        guard let error = error as? PSQLError else { return "\(error)" }
        if let message = error.serverInfo?[.message] {
            let code = error.serverInfo?[.sqlState]
            let state = code.map { " (SQLSTATE \($0))" } ?? ""
            return message + state + (code.flatMap(hint) ?? "")
        }
        if let underlying = error.underlying { return "\(error.code): \(underlying)" }
        return "\(error.code)"
    }
}
