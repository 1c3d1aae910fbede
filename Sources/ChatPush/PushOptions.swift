#if WebPush  // the package trait: without it (run.sh's first build) this module is empty
package import ChatMemorize
package import ChatStore
import ChatWebPush

/// What `chatt-push` was told, checked: the broker (as chatt-memorize's `--broker`, with the
/// same credentials rules), the database (as `--db`), and the sending's settings.
package struct PushOptions: Sendable {
    /// The brokers, first tried first (``ChatMemorize/BrokerAddress/list(parsing:environment:)``).
    package var brokers: [BrokerAddress]
    /// The MQTT client id.
    package var clientID: String
    /// Where the subscriptions and the VAPID key are.
    package var database: StoreLocation
    /// How pushes are sent.
    package var settings = PushDispatcher.Settings()

    /// The flags as given.
    package struct Arguments: Sendable {
        package var broker: [String] = ["mqtt://localhost:1883"]
        package var clientID: String?
        package var db: String?
        package var allowLoopback = false
        package var vapidSubject: String?
        package var ttl = 24 * 3_600

        /// The defaults.
        package init() {}
    }

    /// Checks `arguments`; the environment gives the broker credentials (CHATT_USER/CHATT_PASS,
    /// else USER/PASS), the default database, `CHATT_PUSH_ALLOW_LOOPBACK=1` and
    /// `CHATT_VAPID_SUBJECT`.
    ///
    /// - Throws: ``PushConfigurationError`` naming the flag and what it takes.
    package init(arguments: Arguments, environment: [String: String]) throws(PushConfigurationError) {
        do {
            brokers = try BrokerAddress.list(parsing: arguments.broker, environment: environment)
        } catch {
            throw PushConfigurationError(error.description)
        }
        do {
            database = try StoreLocation(parsing: arguments.db ?? DefaultDatabasePath.path(environment: environment),
                                         environment: environment)
        } catch {
            throw PushConfigurationError(error.description)
        }
        if let id = arguments.clientID {
            guard !id.isEmpty, id.utf8.count <= 128 else { throw PushConfigurationError("--client-id must be 1 to 128 bytes long") }
            clientID = id
        } else {
            clientID = "chatt-push-" + MemorizeOptions.randomClientID().suffix(16)
        }
        var allows = arguments.allowLoopback
        switch environment["CHATT_PUSH_ALLOW_LOOPBACK"] {
        case "1", "true": allows = true
        case nil, "", "0", "false": break
        case let other?: throw PushConfigurationError("CHATT_PUSH_ALLOW_LOOPBACK must be 1 or 0, not \(other.debugDescription)")
        }
        settings.policy = EndpointPolicy(allowsLoopback: allows)
        let subject = arguments.vapidSubject ?? environment["CHATT_VAPID_SUBJECT"].flatMap { $0.isEmpty ? nil : $0 } ?? VAPIDSubject.default
        guard VAPIDSubject.isValid(subject) else {
            throw PushConfigurationError("--vapid-subject must be a mailto: or https:// URL (a contact for the push services), not \(subject.debugDescription)")
        }
        settings.subject = subject
        guard (0...(28 * 24 * 3_600)).contains(arguments.ttl) else {
            throw PushConfigurationError("--ttl must be 0 to 2419200 seconds (28 days)")
        }
        settings.ttl = arguments.ttl
    }
}
#endif
