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

    init(address: PostgresAddress, operation: String, underlying: any Error) {
        self.address = address
        self.operation = operation
        self.reason = Self.reason(underlying)
    }

    public var description: String { "cannot \(operation) the database \(address): \(reason)" }

    /// PSQLError's own description is deliberately vague; its server fields say what happened.
    static func reason(_ error: any Error) -> String {
        if let transaction = error as? PostgresTransactionError {
            if let inner = transaction.beginError ?? transaction.closureError ?? transaction.commitError {
                return reason(inner)
            }
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
