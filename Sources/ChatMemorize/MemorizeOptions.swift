package import ChatCore
package import ChatStore
package import Foundation

/// Everything `chatt-memorize` can be told.
package struct MemorizeOptions: Sendable {
    /// Where messages come from.
    package enum Input: Sendable, Hashable {
        /// Lines as `mosquitto_sub -v` prints them.
        case standardInput
        /// Its own persistent subscription to `rooms/#`, `users/#` and `direct/#`.
        case subscription
    }

    package var input: Input = .standardInput
    /// The brokers, in the order they are tried: the first that answers is where greetings
    /// and logouts go and what `--subscribe` subscribes to; when it goes away, memorize
    /// moves to the next (round robin) with the same client id and persistent session.
    package var brokers = [BrokerAddress()]
    /// The first broker tried.
    package var broker: BrokerAddress { brokers.first ?? BrokerAddress() }
    /// The MQTT client id; stable across restarts, so the persistent session resumes.
    /// `nil`: a random id made once and kept in the database (``SettingKey/memorizeClientID``),
    /// so that no member can guess it, connect with it and take memorize's session over.
    package var clientID: String?
    /// Whether the subscription is a persistent session (QoS 1 messages published while
    /// memorize is down wait at the broker). Off only for the leader's presence
    /// connection, which reloads the state from the store when it starts.
    package var persistentSession = true
    /// Several instances splitting the load: the shared subscription group, so each
    /// message goes to one of them (`$share/<group>/rooms/#`, `$share/<group>/users/#`);
    /// greetings and idle logouts run in whichever instance holds the leader lock.
    package var sharedGroup: String?
    /// Where the history is: an SQLite file or a PostgreSQL database.
    package var database: StoreLocation
    /// Accept a new database where one was (`--create`; see `ChatStorage.Options.create`).
    package var createDatabase = false
    /// A server of the original ChaTT to keep up to date, if any.
    package var legacyServer: URL?
    /// Whether greetings look up the client's host name.
    package var reverseDNS = true
    /// Payload limits.
    package var limits = PayloadLimits.default
    /// The most rooms memorize lets exist; a message that would create one more is skipped.
    package var roomLimit = MemorizeOptions.defaultRoomLimit
    /// The most users listed online; a newcomer past it is recorded but not listed.
    package var onlineLimit = MemorizeOptions.defaultOnlineLimit
    /// Past this many bytes of messages waiting to be stored, QoS 0 messages are dropped
    /// (counted and logged) instead of held: nothing bounds them at the broker. QoS 1
    /// messages are bounded by the broker's in-flight window and never dropped.
    package var maximumQueuedBytes = 64 * 1024 * 1024
    /// Whether this instance publishes greetings and idle logouts. A second instance beside
    /// one that does (the no-loss pair of docs/reliability.md) turns it off, or every
    /// newcomer is greeted twice.
    package var greets = true
    /// How often idle users are swept.
    package var sweepInterval: Duration = .seconds(60)
    /// The retention of uploaded files (`--files-dir`, `--files-max-age`, `--files-max-bytes`).
    package var files: FileRetention
    /// The greeting and idle timing.
    package var rules = GreetingRules.quiet

    /// 1,000 rooms: plenty for friends, and a bound on what a flood of new room names costs.
    package static let defaultRoomLimit = 1_000
    /// 10,000 users online: far more than a group of friends, and a bound on a flood of
    /// made-up nicknames.
    package static let defaultOnlineLimit = 10_000

    /// Options with the defaults.
    package init(clientID: String? = nil, database: StoreLocation) {
        self.clientID = clientID
        self.database = database
        self.files = FileRetention(directory: DefaultFilesDirectory.path(
            for: database, environment: ProcessInfo.processInfo.environment))
    }

    /// What the subscription asks for: `rooms/#`, `users/#` and `direct/#`, each under
    /// `$share/<group>/` when the load is shared.
    package var subscriptionFilters: [String] {
        guard let sharedGroup else { return Topic.subscriptionFilters }
        return Topic.subscriptionFilters.map { "$share/\(sharedGroup)/\($0)" }
    }

    /// A new random client id: `chatt-memorize-` and 128 random bits in hex.
    package static func randomClientID() -> String {
        var generator = SystemRandomNumberGenerator()
        let bits = (0..<2).map { _ in String(generator.next() as UInt64, radix: 16) }
        return "chatt-memorize-" + bits.map { String(repeating: "0", count: 16 - $0.count) + $0 }.joined()
    }

    /// The client id to use: the one given, else the one kept in `store` (made now on the
    /// first start).
    package func resolvedClientID(in store: any MessageStore) async throws -> String {
        if let clientID { return clientID }
        return try await store.setting(SettingKey.memorizeClientID, default: Self.randomClientID())
    }
}

