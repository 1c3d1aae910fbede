#if PostgreSQL  // the package trait: without it this module is empty (see Package.swift)
import ChatStore
import Logging
import PostgresNIO

extension PostgresAddress {
    private var tlsMode: PostgresConnection.Configuration.TLS {
        get throws {
            tls == .require ? .require(try NIOSSLContext(configuration: .makeClientConfiguration())) : .disable
        }
    }

    /// One connection (the schema migration, the leader lock).
    func connect(logger: Logger) async throws(StoreError) -> PostgresConnection {
        do {
            let configuration = PostgresConnection.Configuration(
                host: host, port: port, username: user, password: password, database: database, tls: try tlsMode)
            return try await PostgresConnection.connect(configuration: configuration, id: 0, logger: logger)
        } catch {
            throw StoreError(address: self, operation: "connect to", underlying: error)
        }
    }

    /// The connection pool's configuration.
    func clientConfiguration(maximumConnections: Int) -> PostgresClient.Configuration {
        var configuration = PostgresClient.Configuration(
            host: host, port: port, username: user, password: password, database: database,
            tls: tls == .require ? .require(.makeClientConfiguration()) : .disable)
        configuration.options.maximumConnections = maximumConnections
        configuration.options.connectTimeout = .seconds(5)
        return configuration
    }
}
#endif
