public import ChatCore

/// Everything `chatt-server` needs to know, after the defaults, the config file, the
/// environment and the command-line flags have been layered (flags win, then the
/// environment, then the file).
///
/// Build one with ``load(file:environment:flags:)``, or set the properties directly in tests.
public struct ServerConfiguration: Sendable, Equatable {
    /// The address to listen on (`--bind`, `http.bind`).
    public var bind = "127.0.0.1"
    /// The port to listen on (`--port`, `http.port`); 0 picks a free one.
    public var port = 8080
    /// Where the page lives: `index.html` and `static/` (`--web-root`, `CHATT_WEB_ROOT`,
    /// `http.web_root`); `nil` means "find `web/`" (see ``WebRoot``).
    public var webRoot: String?
    /// The chat's name: the page's title and the installed app's name in its web app
    /// manifest (`--name`, `CHATT_NAME`, `http.name`); see ``nameProblem(_:)``.
    public var name = ServerConfiguration.defaultName
    /// Proxies whose `X-Forwarded-For` is believed for the page's client address
    /// (`http.trusted_proxies`). None by default: the socket's peer is the client.
    public var trustedProxies: [PeerAddress] = []
    /// The largest request body `/cmd/*` accepts, in bytes (`http.max_body_bytes`).
    public var maxBodyBytes = 4 * 1024 * 1024
    /// The history `chatt-memorize` writes (`--db`, `database.path`): an SQLite file or a
    /// `postgres://` URL; ``load(file:environment:flags:)`` starts from chatt-memorize's default.
    public var databasePath = "chatt.db"
    /// The broker's host name for the page; empty means the page's own host name
    /// (`HOST`, `broker.host`).
    public var brokerHost = ""
    /// The broker's WebSocket port (`--ws-port`, `WS_PORT`, `broker.ws_port`).
    public var wsPort = 9001
    /// The broker's WebSocket path (`--ws-path`, `broker.ws_path`).
    public var wsPath = "/"
    /// The broker's WebSocket endpoints in the order the page tries them, each a `ws://` or
    /// `wss://` URL (`--ws-endpoint`, repeatable; `WS_ENDPOINTS`, comma-separated;
    /// `broker.ws_endpoints`). Empty: the one endpoint made of ``brokerHost``, ``wsPort`` and
    /// ``wsPath``. The page moves to the next when it loses one and cannot get back to it.
    public var wsEndpoints: [String] = []
    /// Whether the page connects with `wss:` (`broker.tls`): `auto` follows the page's scheme.
    public var brokerTLS: BrokerTLS = .auto
    /// How many messages per room `/data/lastinfo` sends, and the default page size of
    /// `/data/rooms/<room>/messages` (`--history-page-size`, `history.page_size`).
    public var historyPageSize = 50
    /// About how many bytes of messages (as JSON) `/data/lastinfo` holds at most, whatever
    /// the messages weigh; the page fetches the rest on scroll (see ``LastInfoResponse``).
    public var lastInfoByteBudget = ServerConfiguration.defaultLastInfoByteBudget
    /// The most rooms `/cmd/setChannels` and `/cmd/setRoomMessages` let exist (`--max-rooms`,
    /// `history.max_rooms`), as chatt-memorize's `--max-rooms`.
    public var maxRooms = ServerConfiguration.defaultMaxRooms
    /// Seconds a connection may stay without a complete request head: idle between requests,
    /// or sending its head slowly (`http.idle_timeout`, 10 s). Then it is closed; a slow
    /// client holds a connection slot no longer than that.
    public var idleTimeoutSeconds = 10
    /// The most connections open at once (`http.max_connections`); past it, new ones wait in
    /// the listen queue. `nil`: ``automaticMaxConnections(openFileLimit:)``.
    public var maxConnections: Int?
    /// Where uploaded files are kept, each named by its SHA-256 (`--files-dir`,
    /// `CHATT_FILES_DIR`, `files.dir`); several servers may share one directory. `nil`:
    /// ``ChatStore/DefaultFilesDirectory`` (`files` beside the SQLite file).
    public var filesDirectory: String?
    /// The largest upload accepted, in bytes (`--max-upload-bytes`, `CHATT_MAX_UPLOAD_BYTES`,
    /// `files.max_upload_bytes`); 20 MB by default.
    public var maxUploadBytes = ServerConfiguration.defaultMaxUploadBytes
    /// The HTTP Basic pair `/data/*` demands; `nil` when the server is not protected.
    public var credentials: HTTPCredentials?
    /// How the page derives the pair from the passphrase, told to it in the `chatt-scheme`
    /// and `chatt-scheme-salt` meta tags (`--scheme`/`--scheme-salt`, `CHATT_SCHEME`/
    /// `CHATT_SCHEME_SALT`, `auth.scheme`/`auth.scheme_salt`); also the scheme of
    /// `auth.passphrase`. Legacy by default, so existing deployments keep working.
    public var scheme: CredentialScheme = .legacy
    /// Whether `POST /data/push/subscriptions` accepts endpoints on loopback (and `http` there):
    /// for tests only, with a local push endpoint (`--push-allow-loopback`,
    /// `CHATT_PUSH_ALLOW_LOOPBACK=1`). Off: https on public hosts only.
    public var pushAllowsLoopback = false
    /// Scheme settings read but not yet combined (each layer may give a part); empty once
    /// ``load(file:environment:flags:)`` returns.
    var unresolved = UnresolvedScheme()

    /// The defaults: listen on 127.0.0.1:8080, `chatt.db`, broker on the page's host at 9001,
    /// not protected.
    public init() {}

    /// Whether `/data/*` needs credentials.
    public var isProtected: Bool { credentials != nil }

    /// The largest page `/data/rooms/<room>/messages` and `/search` return.
    public static let maximumPageSize = 200
    /// The default ``lastInfoByteBudget``: 1 MiB, about ten times what 20 rooms of 50
    /// ordinary messages take.
    public static let defaultLastInfoByteBudget = 1024 * 1024
    /// The default ``maxUploadBytes``: 20 MB.
    public static let defaultMaxUploadBytes = 20 * 1024 * 1024
    /// The default ``maxRooms``: chatt-memorize's default.
    public static let defaultMaxRooms = 1000

    /// The connection limit when none is set: 1,000, or fewer when the process may open
    /// fewer files, so that the database, the web root's files and the listening socket
    /// always find a descriptor (1,100 slow connections under `ulimit -n 1024` made the
    /// server unreachable).
    public static func automaticMaxConnections(openFileLimit: Int?) -> Int {
        guard let limit = openFileLimit else { return 1000 }
        return max(16, min(1000, limit - 64))
    }

    /// The largest ``historyPageSize`` accepted.
    public static let maximumHistoryPageSize = 1000
}

/// How the page chooses between `ws:` and `wss:` for the broker.
public enum BrokerTLS: String, Sendable, Equatable, CaseIterable {
    /// `wss:` when the page itself came over HTTPS.
    case auto
    /// Always `wss:`.
    case on = "true"
    /// Always `ws:`.
    case off = "false"
}

/// The login and password that HTTP Basic must present, and where they came from.
///
/// Printed, it shows only the login's first two characters (as the page's title does) and
/// never the password, so no log line can carry the pair, whatever interpolates it.
public struct HTTPCredentials: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The expected user name.
    public var login: String
    /// The expected password.
    public var password: String
    /// Where the pair came from, for the start-up log (`CHATT_USER/CHATT_PASS`, `USER/PASS`,
    /// `auth.passphrase`).
    public var source: String

    /// Creates the pair.
    public init(login: String, password: String, source: String) {
        self.login = login
        self.password = password
        self.source = source
    }

    /// The login masked: its first two characters, then `…`.
    public var maskedLogin: String { "\(login.prefix(2))…" }

    public var description: String { "HTTPCredentials(login: \(maskedLogin), password: ***, from: \(source))" }

    public var debugDescription: String { description }
}
