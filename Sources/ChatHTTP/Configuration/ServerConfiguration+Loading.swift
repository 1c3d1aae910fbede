internal import ChatCore
internal import ChatStore

/// Values given on the command line; `nil` when the flag was not given.
public struct ConfigurationFlags: Sendable, Equatable {
    /// `--bind`
    public var bind: String?
    /// `--port`
    public var port: Int?
    /// `--db`
    public var databasePath: String?
    /// `--ws-port`
    public var wsPort: Int?
    /// `--ws-path`
    public var wsPath: String?
    /// `--ws-endpoint`, repeated (`nil` when not given)
    public var wsEndpoints: [String]?
    /// `--web-root`
    public var webRoot: String?
    /// `--history-page-size`
    public var historyPageSize: Int?
    /// `--scheme` (`legacy` or `strong`)
    public var scheme: String?
    /// `--scheme-salt`
    public var schemeSalt: String?
    /// `--max-rooms`
    public var maxRooms: Int?
    /// `--name`
    public var name: String?
    /// `--push-allow-loopback` (tests only); `nil` when not given
    public var pushAllowsLoopback: Bool?
    /// `--files-dir`
    public var filesDirectory: String?
    /// `--max-upload-bytes`
    public var maxUploadBytes: Int?

    /// Creates the set; every flag not named is "not given".
    public init(
        bind: String? = nil, port: Int? = nil, databasePath: String? = nil, wsPort: Int? = nil,
        wsPath: String? = nil, webRoot: String? = nil, historyPageSize: Int? = nil,
        scheme: String? = nil, schemeSalt: String? = nil, maxRooms: Int? = nil, wsEndpoints: [String]? = nil,
        name: String? = nil, pushAllowsLoopback: Bool? = nil, filesDirectory: String? = nil, maxUploadBytes: Int? = nil
    ) {
        self.pushAllowsLoopback = pushAllowsLoopback
        self.filesDirectory = filesDirectory
        self.maxUploadBytes = maxUploadBytes
        self.name = name
        self.wsEndpoints = wsEndpoints
        self.scheme = scheme
        self.schemeSalt = schemeSalt
        self.bind = bind
        self.port = port
        self.databasePath = databasePath
        self.wsPort = wsPort
        self.wsPath = wsPath
        self.webRoot = webRoot
        self.historyPageSize = historyPageSize
        self.maxRooms = maxRooms
    }
}

extension ServerConfiguration {
    /// Layers the defaults, the YAML file at `file` (when given), the `environment` and the
    /// command-line `flags`, each overriding the one before.
    ///
    /// Without `--db` or `database.path` the database is chatt-memorize's default,
    /// ``ChatStore/DefaultDatabasePath`` (`$DATA_DIR/chatt.db`, else under
    /// `$XDG_DATA_HOME` or `~/.local/share`).
    ///
    /// Environment variables read: `HOST`, `WS_PORT`, `WS_ENDPOINTS` (comma-separated), `CHATT_WEB_ROOT`, `CHATT_NAME`, `CHATT_SCHEME` and
    /// `CHATT_SCHEME_SALT`, and for protection `CHATT_USER` + `CHATT_PASS`, or else `USER` +
    /// `PASS` (only when `PASS` is set: `USER` alone is the Unix login name and never protects).
    ///
    /// The scheme is combined last, from whichever layers named its name and salt; then
    /// `auth.passphrase` (when no environment pair replaced it) is derived under it.
    ///
    /// - Throws: ``ConfigurationError`` naming the key, variable or flag that is wrong.
    public static func load(
        file: String?, environment: [String: String], flags: ConfigurationFlags = ConfigurationFlags()
    ) throws(ConfigurationError) -> ServerConfiguration {
        var configuration = ServerConfiguration()
        // The same default as chatt-memorize's, so the two find one database unasked.
        configuration.databasePath = DefaultDatabasePath.path(environment: environment)
        if let file { try configuration.apply(ConfigurationFile.read(file)) }
        try configuration.apply(environment: environment)
        try configuration.apply(flags: flags)
        try configuration.resolveScheme()
        if configuration.filesDirectory == nil {
            configuration.filesDirectory = DefaultFilesDirectory.path(
                databasePath: configuration.databasePath, environment: environment)
        }
        return configuration
    }

    mutating func apply(environment: [String: String]) throws(ConfigurationError) {
        func value(_ name: String) -> String? {
            guard let value = environment[name], !value.isEmpty else { return nil }
            return value
        }
        if let host = environment["HOST"] { brokerHost = host }
        if let text = value("WS_PORT") {
            guard let port = Int(text), Self.brokerPorts.contains(port) else {
                throw .environment("WS_PORT", expected: "a port number 1–65535", got: text)
            }
            wsPort = port
        }
        if let list = value("WS_ENDPOINTS") {
            var endpoints: [String] = []
            for part in list.split(separator: ",", omittingEmptySubsequences: false) {
                let text = String(part)
                guard let endpoint = WebSocketEndpoint.validated(text) else {
                    throw .environment("WS_ENDPOINTS", expected: "comma-separated ws:// or wss:// URLs (each like ws://broker-b.example:9001/mqtt)", got: text)
                }
                endpoints.append(endpoint)
            }
            wsEndpoints = endpoints
        }
        if let root = value("CHATT_WEB_ROOT") { webRoot = root }
        if let directory = value("CHATT_FILES_DIR") { filesDirectory = directory }
        if let text = value("CHATT_MAX_UPLOAD_BYTES") {
            guard let bytes = Int(text), Self.uploadSizes.contains(bytes) else {
                throw .environment("CHATT_MAX_UPLOAD_BYTES", expected: "a number of bytes \(Self.uploadSizes.lowerBound)–\(Self.uploadSizes.upperBound)", got: text)
            }
            maxUploadBytes = bytes
        }
        if let text = value("CHATT_NAME") {
            if let problem = Self.nameProblem(text) { throw .environment("CHATT_NAME", expected: problem, got: text) }
            name = text
        }
        if let text = value("CHATT_PUSH_ALLOW_LOOPBACK") {
            switch text {
            case "1", "true": pushAllowsLoopback = true
            case "0", "false", "": pushAllowsLoopback = false
            default: throw .environment("CHATT_PUSH_ALLOW_LOOPBACK", expected: "1 or 0", got: text)
            }
        }
        if let name = value("CHATT_SCHEME") { unresolved.name = .init(value: name, source: "environment variable CHATT_SCHEME") }
        if let salt = value("CHATT_SCHEME_SALT") { unresolved.salt = .init(value: salt, source: "environment variable CHATT_SCHEME_SALT") }

        switch (value("CHATT_USER"), value("CHATT_PASS")) {
        case (let login?, let password?):
            credentials = HTTPCredentials(login: login, password: password, source: "CHATT_USER/CHATT_PASS")
            unresolved.passphrase = nil
            return
        case (nil, _?):
            throw ConfigurationError("environment variable CHATT_PASS is set but CHATT_USER is not: set both, or neither")
        case (_?, nil):
            throw ConfigurationError("environment variable CHATT_USER is set but CHATT_PASS is not: set both, or neither")
        case (nil, nil):
            break
        }
        if let password = value("PASS") {
            guard let login = value("USER") else {
                throw ConfigurationError("environment variable PASS is set but USER is not: set both (chatt-genpass --env prints them)")
            }
            credentials = HTTPCredentials(login: login, password: password, source: "USER/PASS")
            unresolved.passphrase = nil
        }
    }

    mutating func apply(flags: ConfigurationFlags) throws(ConfigurationError) {
        if let bind = flags.bind { self.bind = bind }
        if let port = flags.port {
            guard Self.listenPorts.contains(port) else {
                throw ConfigurationError("--port: expected a port number 0–65535, got \(port)")
            }
            self.port = port
        }
        if let path = flags.databasePath { databasePath = path }
        if let port = flags.wsPort {
            guard Self.brokerPorts.contains(port) else {
                throw ConfigurationError("--ws-port: expected a port number 1–65535, got \(port)")
            }
            wsPort = port
        }
        if let path = flags.wsPath {
            guard path.hasPrefix("/") else {
                throw ConfigurationError("--ws-path: expected a path starting with '/', got \(ConfigurationError.quoted(path))")
            }
            wsPath = path
        }
        if let list = flags.wsEndpoints {
            var endpoints: [String] = []
            for text in list {
                guard let endpoint = WebSocketEndpoint.validated(text) else {
                    throw ConfigurationError("--ws-endpoint: expected \(WebSocketEndpoint.expected), got \(ConfigurationError.quoted(text))")
                }
                endpoints.append(endpoint)
            }
            wsEndpoints = endpoints
        }
        if let root = flags.webRoot { webRoot = root }
        if let allows = flags.pushAllowsLoopback { pushAllowsLoopback = allows }
        if let directory = flags.filesDirectory {
            guard !directory.isEmpty else { throw ConfigurationError("--files-dir: expected a directory, got \"\"") }
            filesDirectory = directory
        }
        if let bytes = flags.maxUploadBytes {
            guard Self.uploadSizes.contains(bytes) else {
                throw ConfigurationError("--max-upload-bytes: expected a number of bytes \(Self.uploadSizes.lowerBound)–\(Self.uploadSizes.upperBound), got \(bytes)")
            }
            maxUploadBytes = bytes
        }
        if let text = flags.name {
            if let problem = Self.nameProblem(text) {
                throw ConfigurationError("--name: expected \(problem), got \(ConfigurationError.quoted(text))")
            }
            name = text
        }
        if let name = flags.scheme { unresolved.name = .init(value: name, source: "--scheme") }
        if let salt = flags.schemeSalt { unresolved.salt = .init(value: salt, source: "--scheme-salt") }
        if let size = flags.historyPageSize {
            guard Self.historyPageSizes.contains(size) else {
                throw ConfigurationError("--history-page-size: expected a number 1–\(Self.maximumHistoryPageSize), got \(size)")
            }
            historyPageSize = size
        }
        if let rooms = flags.maxRooms {
            guard Self.roomLimits.contains(rooms) else {
                throw ConfigurationError("--max-rooms: expected a number 1–\(Self.roomLimits.upperBound), got \(rooms)")
            }
            maxRooms = rooms
        }
    }

    static let listenPorts = 0...65535
    static let brokerPorts = 1...65535
    static let historyPageSizes = 1...maximumHistoryPageSize
    static let bodySizes = 1024...(256 * 1024 * 1024)
    static let uploadSizes = 1...(4 * 1024 * 1024 * 1024)
    static let roomLimits = 1...1_000_000
    static let idleTimeouts = 1...3600
    static let connectionLimits = 1...1_000_000
}
