import Foundation

/// Where the history lives, as `--db` names it: a PostgreSQL URL
/// (`postgres://user[:password]@host[:port]/dbname[?sslmode=disable|require]`) or the path
/// of an SQLite file (anything else).
public enum StoreLocation: Sendable, Hashable, CustomStringConvertible {
    /// An SQLite file.
    case sqlite(path: String)
    /// A PostgreSQL database.
    case postgres(PostgresAddress)

    /// Reads what `--db` was given. A PostgreSQL URL without a password takes the one in
    /// `environment["PGPASSWORD"]`, as PostgreSQL's own tools do, so that the password
    /// need not show in the command line (`ps`) of a daemon.
    ///
    /// - Throws: ``StoreLocationError`` for a `postgres://` URL that cannot be understood
    ///   (naming what is wrong); an SQLite path is taken as it is.
    public init(parsing text: String, environment: [String: String] = [:]) throws(StoreLocationError) {
        let lowered = text.lowercased()
        if lowered.hasPrefix("postgres://") || lowered.hasPrefix("postgresql://") {
            var address = try PostgresAddress(url: text)
            if address.password == nil, let password = environment["PGPASSWORD"], !password.isEmpty {
                address.password = password
            }
            self = .postgres(address)
        } else {
            self = .sqlite(path: text)
        }
    }

    /// The location with the password masked, for logs.
    public var description: String {
        switch self {
        case .sqlite(let path): path
        case .postgres(let address): address.description
        }
    }
}

/// A PostgreSQL server and database, read from a `postgres://` URL.
public struct PostgresAddress: Sendable, Hashable, CustomStringConvertible {
    /// How the connection is protected.
    public enum TLSMode: String, Sendable, Hashable {
        /// Plain TCP (the default: PostgreSQL beside the daemons, or on a private network).
        case disable
        /// TLS with the server's certificate verified; fails if the server has no TLS.
        case require
    }

    public var host: String
    public var port: Int
    public var user: String
    public var password: String?
    public var database: String
    public var tls: TLSMode

    /// Creates an address.
    public init(host: String, port: Int = 5432, user: String, password: String? = nil, database: String, tls: TLSMode = .disable) {
        self.host = host
        self.port = port
        self.user = user
        self.password = password
        self.database = database
        self.tls = tls
    }

    /// Reads `postgres://user[:password]@host[:port]/dbname[?sslmode=disable|require]`.
    public init(url text: String) throws(StoreLocationError) {
        guard let components = URLComponents(string: text) else {
            throw StoreLocationError(text: text, problem: "not a URL")
        }
        guard let host = components.host, !host.isEmpty else {
            throw StoreLocationError(text: text, problem: "no host (postgres://user@host:port/dbname)")
        }
        guard let user = components.user, !user.isEmpty else {
            throw StoreLocationError(text: text, problem: "no user (postgres://user@host:port/dbname)")
        }
        let database = String(components.path.drop(while: { $0 == "/" }))
        guard !database.isEmpty, !database.contains("/") else {
            throw StoreLocationError(text: text, problem: "no database name (postgres://user@host:port/dbname)")
        }
        var tls = TLSMode.disable
        for item in components.queryItems ?? [] {
            switch (item.name, item.value) {
            case ("sslmode", let value?):
                guard let mode = TLSMode(rawValue: value) else {
                    throw StoreLocationError(text: text, problem: "sslmode must be disable or require, not \(value)")
                }
                tls = mode
            default:
                throw StoreLocationError(text: text, problem: "unknown parameter \(item.name) (only sslmode is understood)")
            }
        }
        self.init(host: host.hasPrefix("[") ? String(host.dropFirst().dropLast()) : host,
                  port: components.port ?? 5432, user: user, password: components.password, database: database, tls: tls)
    }

    /// The URL with the password masked.
    public var description: String {
        let host = self.host.contains(":") ? "[\(self.host)]" : self.host
        return "postgres://\(user)\(password == nil ? "" : ":***")@\(host):\(port)/\(database)"
            + (tls == .disable ? "" : "?sslmode=\(tls.rawValue)")
    }
}

/// A `--db` value that cannot be used.
public struct StoreLocationError: Error, Sendable, CustomStringConvertible {
    /// What was given (its password, if any, is not repeated in ``description``).
    public let text: String
    /// What is wrong with it.
    public let problem: String

    public var description: String { "cannot use --db: \(problem)" }
}
