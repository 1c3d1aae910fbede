import ArgumentParser
import ChatDaemon
import ChatHTTP
import ChatStore
import ChatStorage
import Foundation
import Logging

/// The command line of `chatt-server`. Every option is optional here so that "not given"
/// can fall back to the environment, then the config file, then the default.
struct ServerOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The history chatt-memorize writes: an SQLite file (made on a first start; see --create), or postgres://user[:password]@host[:port]/dbname (without a password in the URL, PGPASSWORD's is used). Default: chatt-memorize's, $DATA_DIR/chatt.db, else ~/.local/share/chatt/chatt.db.",
                               valueName: "path-or-url"))
    var db: String?
    @Flag(help: ArgumentHelp("Accept a new database where one was: start an empty history when the SQLite file is missing although <db>.id says one existed, or take a file that is another database than the one recorded. Without it, both stop the server with an error."))
    var create = false
    @Option(help: ArgumentHelp("Address to listen on. Default: 127.0.0.1.", valueName: "address"))
    var bind: String?
    @Option(help: ArgumentHelp("Port to listen on; 0 picks a free one. Default: 8080.", valueName: "n"))
    var port: Int?
    @Option(name: .customLong("ws-port"),
            help: ArgumentHelp("The broker's WebSocket port, told to the page (env WS_PORT). Default: 9001.", valueName: "n"))
    var wsPort: Int?
    @Option(name: .customLong("ws-path"),
            help: ArgumentHelp("The broker's WebSocket path, told to the page. Default: /.", valueName: "path"))
    var wsPath: String?
    @Option(name: .customLong("ws-endpoint"),
            help: ArgumentHelp("A WebSocket URL of the broker (ws:// or wss://), told to the page; repeat it for several: the page tries them in order and moves to the next when it loses one (env WS_ENDPOINTS, comma-separated). Default: the one made of HOST, --ws-port and --ws-path.",
                               valueName: "url"))
    var wsEndpoint: [String] = []
    @Option(help: ArgumentHelp("YAML config file (see sample_configs/chatt.yaml).", valueName: "file"))
    var config: String?
    @Option(name: .customLong("web-root"),
            help: ArgumentHelp("Folder holding index.html and static/ (env CHATT_WEB_ROOT). Default: web/ found near the current directory or the executable.",
                               valueName: "path"))
    var webRoot: String?
    @Option(name: .customLong("history-page-size"),
            help: ArgumentHelp("Messages per room in /data/lastinfo, and per page of older history. Default: 50.",
                               valueName: "n"))
    var historyPageSize: Int?
    @Option(help: ArgumentHelp("How the page turns the passphrase into the pair: legacy or strong (env CHATT_SCHEME). Default: legacy.",
                               valueName: "legacy|strong"))
    var scheme: String?
    @Option(name: .customLong("scheme-salt"),
            help: ArgumentHelp("The chat's salt for --scheme strong, base64url of 16 bytes (env CHATT_SCHEME_SALT).",
                               valueName: "salt"))
    var schemeSalt: String?
    @Option(name: .customLong("max-rooms"),
            help: ArgumentHelp("The most rooms /cmd/setChannels and /cmd/setRoomMessages let exist; a request that would make more is refused (409) and writes nothing. Same meaning as chatt-memorize's --max-rooms. Default: 1000.",
                               valueName: "n"))
    var maxRooms: Int?
    @Option(name: .customLong("files-dir"),
            help: ArgumentHelp("Where uploaded photos and files are kept, each named by its SHA-256 (env CHATT_FILES_DIR); several servers may share one directory (docs/scaling.md). chatt-memorize's retention removes from the same directory. Default: files/ beside the SQLite file ($DATA_DIR/files).",
                               valueName: "path"))
    var filesDir: String?
    @Option(name: .customLong("max-upload-bytes"),
            help: ArgumentHelp("The largest upload accepted (POST /data/files), in bytes; a larger one is refused with 413 (env CHATT_MAX_UPLOAD_BYTES). Default: 20971520 (20 MB).",
                               valueName: "n"))
    var maxUploadBytes: Int?
    @Option(help: ArgumentHelp("The chat's name: the page's title and the installed app's name (env CHATT_NAME). Default: ChaTT.",
                               valueName: "text"))
    var name: String?
    @Flag(name: .customLong("push-allow-loopback"),
          help: ArgumentHelp("For tests only: accept Web Push subscriptions whose endpoint is on loopback (http or https), for a local test push service (env CHATT_PUSH_ALLOW_LOOPBACK=1). Off: https endpoints on public hosts only."))
    var pushAllowLoopback = false

    /// Defaults < config file < environment < these flags; a wrong value ends the program
    /// with one line naming it.
    func loadConfiguration() throws -> ServerConfiguration {
        let flags = ConfigurationFlags(bind: bind, port: port, databasePath: db, wsPort: wsPort, wsPath: wsPath,
                                       webRoot: webRoot, historyPageSize: historyPageSize,
                                       scheme: scheme, schemeSalt: schemeSalt, maxRooms: maxRooms,
                                       wsEndpoints: wsEndpoint.isEmpty ? nil : wsEndpoint, name: name,
                                       pushAllowsLoopback: pushAllowLoopback ? true : nil,
                                       filesDirectory: filesDir, maxUploadBytes: maxUploadBytes)
        do {
            return try ServerConfiguration.load(file: config, environment: ProcessInfo.processInfo.environment,
                                                flags: flags)
        } catch {
            throw ExitPolicy.badConfiguration("chatt-server", "\(error)")
        }
    }

    func openStore(_ configuration: ServerConfiguration, logger: Logger) async throws -> ChatStorage {
        do {
            let location = try StoreLocation(parsing: configuration.databasePath, environment: ProcessInfo.processInfo.environment)
            return try await ChatStorage.open(
                location, options: ChatStorage.Options(create: create, readOnlyWhenNotWritable: true), logger: logger)
        } catch {
            throw ExitPolicy.failure("chatt-server", "\(error)")
        }
    }

}

enum ChattServerHelp {
    static let discussion = """
        Browsers get the page from here, then talk MQTT over WebSocket straight to the \
        broker; this server also hands out the history that chatt-memorize stores.

          chatt-server --db data/chatt.db --port 8080 --ws-port 9001
          chatt-server --config /etc/chatt/chatt.yaml

        Settings come from the flags, then the environment, then the config file, then the \
        defaults. Environment: HOST (the broker's host name for the page; empty = the \
        page's own), WS_PORT, WS_ENDPOINTS, CHATT_WEB_ROOT, CHATT_FILES_DIR, \
        CHATT_MAX_UPLOAD_BYTES, LOG_LEVEL.

        Protection: when CHATT_USER and CHATT_PASS are set, or USER and PASS with PASS set \
        (what `chatt-genpass --env PASSPHRASE` prints), or auth.passphrase in the config \
        file, /data/* demands that login and password (HTTP Basic). The page, /static and \
        /healthz stay public; /cmd/* answers only to clients on the loopback address; \
        /metrics answers loopback clients, and others only with the credentials.

        Scheme: the page derives the pair from the passphrase by the scheme this server \
        names in its chatt-scheme meta tag: legacy (the original's, the default) or strong \
        (PBKDF2 with the chat's salt: --scheme strong --scheme-salt SALT, or CHATT_SCHEME \
        and CHATT_SCHEME_SALT, or auth.scheme and auth.scheme_salt). USER/PASS must be the \
        pair of the same scheme (chatt-genpass --scheme strong --salt SALT --env). The \
        login is as secret as the password: the legacy login gives the password away.

        The database: an SQLite file it cannot write is opened read-only (logged). Beside \
        the file, <db>.id records which database it is; a missing or different database \
        then stops the server instead of serving an empty history, unless --create. A \
        database file deleted or replaced while the server runs is logged, and /healthz \
        answers 503 with the reason (also when the database does not answer within 2 s).

        SIGTERM or SIGINT: finish the requests in flight, then exit 0.
        """
}
