import ArgumentParser
import ChatHTTP
import ChatStore
import ChatStorePostgres
import Foundation
import Logging

/// The command line of `chatt-server`. Every option is optional here so that "not given"
/// can fall back to the environment, then the config file, then the default.
struct ServerOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The history chatt-memorize writes: an SQLite file (created if missing), or postgres://user[:password]@host[:port]/dbname (without a password in the URL, PGPASSWORD's is used). Default: chatt-memorize's, $DATA_DIR/chatt.db, else ~/.local/share/chatt/chatt.db.",
                               valueName: "path-or-url"))
    var db: String?
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
    @Option(name: .customLong("max-rooms"),
            help: ArgumentHelp("The most rooms /cmd/setChannels and /cmd/setRoomMessages let exist; a request that would make more is refused (409) and writes nothing. Same meaning as chatt-memorize's --max-rooms. Default: 1000.",
                               valueName: "n"))
    var maxRooms: Int?

    /// Defaults < config file < environment < these flags; a wrong value ends the program
    /// with one line naming it.
    func loadConfiguration() throws -> ServerConfiguration {
        let flags = ConfigurationFlags(bind: bind, port: port, databasePath: db, wsPort: wsPort, wsPath: wsPath,
                                       webRoot: webRoot, historyPageSize: historyPageSize, maxRooms: maxRooms)
        do {
            return try ServerConfiguration.load(file: config, environment: ProcessInfo.processInfo.environment,
                                                flags: flags)
        } catch {
            FileHandle.standardError.write(Data("chatt-server: \(error)\n".utf8))
            throw ExitCode(2)
        }
    }

    func openStore(_ configuration: ServerConfiguration, logger: Logger) async throws -> ChatStorage {
        do {
            let location = try StoreLocation(parsing: configuration.databasePath, environment: ProcessInfo.processInfo.environment)
            return try await ChatStorage.open(location, logger: logger)
        } catch {
            FileHandle.standardError.write(Data("chatt-server: \(error)\n".utf8))
            throw ExitCode(1)
        }
    }

    /// `LOG_LEVEL` (trace, debug, info, notice, warning, error, critical), `info` by default.
    static func logLevel() -> Logger.Level {
        ProcessInfo.processInfo.environment["LOG_LEVEL"].flatMap { Logger.Level(rawValue: $0.lowercased()) } ?? .info
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
        page's own), WS_PORT, CHATT_WEB_ROOT, LOG_LEVEL.

        Protection: when CHATT_USER and CHATT_PASS are set, or USER and PASS with PASS set \
        (what `chatt-genpass --env PASSPHRASE` prints), or auth.passphrase in the config \
        file, /data/* demands that login and password (HTTP Basic). The page, /static and \
        /healthz stay public; /cmd/* answers only to clients on the loopback address; \
        /metrics answers loopback clients, and others only with the credentials.

        SIGTERM or SIGINT: finish the requests in flight, then exit 0.
        """
}
