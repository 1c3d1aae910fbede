public import ChatCore
public import ChatStore
public import Foundation

/// Everything `chatt-memorize` can be told.
public struct MemorizeOptions: Sendable {
    /// Where messages come from.
    public enum Input: Sendable, Hashable {
        /// Lines as `mosquitto_sub -v` prints them.
        case standardInput
        /// Its own persistent subscription to `rooms/#` and `users/#`.
        case subscription
    }

    public var input: Input = .standardInput
    /// The broker greetings and logouts go to, and what `--subscribe` subscribes to.
    public var broker = BrokerAddress()
    /// The MQTT client id; stable across restarts, so the persistent session resumes.
    public var clientID: String
    /// Whether the subscription is a persistent session (QoS 1 messages published while
    /// memorize is down wait at the broker). Off only for the leader's presence
    /// connection, which reloads the state from the store when it starts.
    public var persistentSession = true
    /// Several instances splitting the load: the shared subscription group, so each
    /// message goes to one of them (`$share/<group>/rooms/#`, `$share/<group>/users/#`);
    /// greetings and idle logouts run in whichever instance holds the leader lock.
    public var sharedGroup: String?
    /// Where the history is: an SQLite file or a PostgreSQL database.
    public var database: StoreLocation
    /// Accept a new database where one was (`--create`; see `ChatStorage.Options.create`).
    public var createDatabase = false
    /// A server of the original ChaTT to keep up to date, if any.
    public var legacyServer: URL?
    /// Whether greetings look up the client's host name.
    public var reverseDNS = true
    /// Payload limits.
    public var limits = PayloadLimits.default
    /// The most rooms memorize lets exist; a message that would create one more is skipped.
    public var roomLimit = MemorizeOptions.defaultRoomLimit
    /// Whether this instance publishes greetings and idle logouts. A second instance beside
    /// one that does (the no-loss pair of docs/reliability.md) turns it off, or every
    /// newcomer is greeted twice.
    public var greets = true
    /// How often idle users are swept.
    public var sweepInterval: Duration = .seconds(60)
    /// The greeting and idle timing.
    public var rules = GreetingRules.standard

    /// 1,000 rooms: plenty for friends, and a bound on what a flood of new room names costs.
    public static let defaultRoomLimit = 1_000

    /// Options with the defaults.
    public init(clientID: String = MemorizeOptions.defaultClientID(), database: StoreLocation) {
        self.clientID = clientID
        self.database = database
    }

    /// What the subscription asks for: `rooms/#` and `users/#`, each under
    /// `$share/<group>/` when the load is shared.
    public var subscriptionFilters: [String] {
        guard let sharedGroup else { return Topic.subscriptionFilters }
        return Topic.subscriptionFilters.map { "$share/\(sharedGroup)/\($0)" }
    }

    /// `chatt-memorize-<host name>`: the same across restarts on one host.
    public static func defaultClientID() -> String {
        let host = ProcessInfo.processInfo.hostName.split(separator: ".").first.map(String.init) ?? "localhost"
        let safe = host.unicodeScalars.filter { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "-") }
        return "chatt-memorize-" + String(String.UnicodeScalarView(safe)).prefix(40)
    }
}
