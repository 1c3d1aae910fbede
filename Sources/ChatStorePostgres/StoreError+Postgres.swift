#if PostgreSQL  // the package trait: without it this module is empty (see Package.swift)
import ChatStore
import PostgresNIO

extension StoreError {
    /// An error from PostgreSQL (or the connection to it), said in the server's own words,
    /// with its SQLSTATE and, where an operator can act, what to do.
    init(address: PostgresAddress, operation: String, underlying: any Error) {
        if let error = underlying as? StoreError {
            self = error
            return
        }
        self.init(path: "\(address)", operation: operation, reason: Self.postgresReason(underlying),
                  sqlState: Self.serverError(underlying)?.serverInfo?[.sqlState])
    }

    /// The server's error inside `error`, if any.
    private static func serverError(_ error: any Error) -> PSQLError? {
        if let transaction = error as? PostgresTransactionError,
           let inner = transaction.beginError ?? transaction.closureError ?? transaction.commitError {
            return serverError(inner)
        }
        return error as? PSQLError
    }

    /// What an operator can do about the failures that are theirs to fix.
    private static func hint(_ sqlState: String) -> String? {
        switch sqlState {
        case "53100": ": the database server's disk is full; free space there, nothing was stored"
        case "53200": ": the database server is out of memory"
        case "25006": ": the database (or this user) is read-only"
        case let state where state.hasPrefix("58"): ": the database server cannot read or write its files; see its log"
        default: nil
        }
    }

    /// PSQLError's own description is deliberately vague; its server fields say what happened.
    static func postgresReason(_ error: any Error) -> String {
        if let error = serverError(error) {
            if let message = error.serverInfo?[.message] {
                let code = error.serverInfo?[.sqlState]
                let state = code.map { " (SQLSTATE \($0))" } ?? ""
                return message + state + (code.flatMap(hint) ?? "")
            }
            if let underlying = error.underlying { return "\(error.code): \(underlying)" }
            return "\(error.code)"
        }
        if let transaction = error as? PostgresTransactionError,
           let inner = transaction.beginError ?? transaction.closureError ?? transaction.commitError {
            return postgresReason(inner)
        }
        return "\(error)"
    }
}
#endif
