import ChatCore
import ChatHTTP
import ChatStore
import Foundation
import Testing

@Suite("Configuration: defaults < file < environment < flags")
struct ConfigurationTests {
    static let file = """
        # comments are fine
        http:
          bind: 0.0.0.0
          port: 8000
          trusted_proxies: [10.0.0.2, "::1"]
          max_body_bytes: 2048
          web_root: /srv/web
        database:
          path: /var/lib/chatt/chatt.db
        broker:
          host: broker.example
          ws_port: 9002
          ws_path: /mqtt
          tls: "true"
        history:
          page_size: 20
        auth:
          passphrase: plop
        """

    @Test func defaults() throws {
        let configuration = try ServerConfiguration.load(file: nil, environment: ["USER": "someone", "HOME": "/home/someone"])
        var expected = ServerConfiguration()
        expected.databasePath = "/home/someone/.local/share/chatt/chatt.db"
        expected.filesDirectory = "/home/someone/.local/share/chatt/files"
        #expect(configuration == expected)
        #expect(configuration.maxUploadBytes == 20 * 1024 * 1024)
        #expect(configuration.bind == "127.0.0.1" && configuration.port == 8080 && configuration.wsPort == 9001)
        #expect(configuration.wsPath == "/" && configuration.brokerHost == "" && configuration.brokerTLS == .auto)
        #expect(configuration.historyPageSize == 50 && configuration.trustedProxies.isEmpty)
        #expect(!configuration.isProtected, "USER alone is the Unix login name: it never protects")
    }

    @Test("without --db, the database is chatt-memorize's default: $DATA_DIR/chatt.db first")
    func databaseDefaultIsMemorizes() throws {
        let fromDataDirectory = try ServerConfiguration.load(file: nil, environment: ["DATA_DIR": "/srv/chatt", "HOME": "/root"])
        #expect(fromDataDirectory.databasePath == "/srv/chatt/chatt.db")
        let fromXDG = try ServerConfiguration.load(file: nil, environment: ["XDG_DATA_HOME": "/x", "HOME": "/root"])
        #expect(fromXDG.databasePath == "/x/chatt/chatt.db")
        let fromFile = try loadConfiguration("database:\n  path: /var/lib/chatt/chatt.db\n", environment: ["DATA_DIR": "/srv/chatt"])
        #expect(fromFile.databasePath == "/var/lib/chatt/chatt.db", "the file's path wins over the default")
    }

    @Test func everyFileKeyIsRead() throws {
        let configuration = try loadConfiguration(Self.file)
        let pair = try LegacyCredentials(passphrase: "plop")
        #expect(configuration.bind == "0.0.0.0")
        #expect(configuration.port == 8000)
        #expect(configuration.trustedProxies.map(\.ip) == ["10.0.0.2", "::1"])
        #expect(configuration.maxBodyBytes == 2048)
        #expect(configuration.webRoot == "/srv/web")
        #expect(configuration.databasePath == "/var/lib/chatt/chatt.db")
        #expect(configuration.brokerHost == "broker.example")
        #expect(configuration.wsPort == 9002 && configuration.wsPath == "/mqtt" && configuration.brokerTLS == .on)
        #expect(configuration.historyPageSize == 20)
        #expect(configuration.credentials == HTTPCredentials(login: pair.login, password: pair.password, source: "auth.passphrase"))
    }

    @Test func theSampleFileLoads() throws {
        let sample = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../sample_configs/chatt.yaml").path
        let configuration = try ServerConfiguration.load(file: sample, environment: [:])
        var expected = ServerConfiguration()
        expected.filesDirectory = DefaultFilesDirectory.path(databasePath: expected.databasePath, environment: [:])
        #expect(configuration == expected)
    }

    @Test func environmentBeatsTheFileAndFlagsBeatBoth() throws {
        let environment = ["HOST": "env.example", "WS_PORT": "9100", "CHATT_WEB_ROOT": "/env/web",
                           "USER": "env-login", "PASS": "env-pass"]
        let fromEnvironment = try loadConfiguration(Self.file, environment: environment)
        #expect(fromEnvironment.brokerHost == "env.example" && fromEnvironment.wsPort == 9100)
        #expect(fromEnvironment.webRoot == "/env/web")
        #expect(fromEnvironment.credentials == HTTPCredentials(login: "env-login", password: "env-pass", source: "USER/PASS"))
        #expect(fromEnvironment.port == 8000, "not in the environment: the file's value")

        let flags = ConfigurationFlags(bind: "127.0.0.2", port: 0, databasePath: "flag.db", wsPort: 9200,
                                       wsPath: "/ws", webRoot: "/flag/web", historyPageSize: 7)
        let fromFlags = try loadConfiguration(Self.file, environment: environment, flags: flags)
        #expect(fromFlags.bind == "127.0.0.2" && fromFlags.port == 0 && fromFlags.databasePath == "flag.db")
        #expect(fromFlags.wsPort == 9200 && fromFlags.wsPath == "/ws" && fromFlags.webRoot == "/flag/web")
        #expect(fromFlags.historyPageSize == 7)
        #expect(fromFlags.brokerHost == "env.example")
    }

    @Test func chattCredentialsWinOverUserAndPass() throws {
        let configuration = try ServerConfiguration.load(
            file: nil, environment: ["USER": "u", "PASS": "p", "CHATT_USER": "cu", "CHATT_PASS": "cp"])
        #expect(configuration.credentials == HTTPCredentials(login: "cu", password: "cp", source: "CHATT_USER/CHATT_PASS"))
        let withoutPass = try ServerConfiguration.load(file: nil, environment: ["USER": "u", "PASS": ""])
        #expect(!withoutPass.isProtected)
    }

    @Test(arguments: [
        ("http:\n  port: 80a\n", #"config key `http.port`: expected a number, got "80a""#),
        ("http:\n  port: 70000\n", "config key `http.port`: expected a number 0–65535, got \"70000\""),
        ("http:\n  prot: 80\n", "config key `http.prot`: unknown key (known here: bind, port, web_root, name, trusted_proxies, max_body_bytes, idle_timeout, max_connections)"),
        ("htp:\n  port: 80\n", "config key `htp`: unknown key"),
        ("http: 8080\n", "config key `http`: expected a mapping, got a value"),
        ("http:\n  trusted_proxies: 10.0.0.1\n", "config key `http.trusted_proxies`: expected a list"),
        ("http:\n  trusted_proxies: [10.0.0.1, proxy.local]\n", #"config key `http.trusted_proxies[1]`: expected an IP address, got "proxy.local""#),
        ("broker:\n  ws_port: [1]\n", "config key `broker.ws_port`: expected a number 1–65535, got a list"),
        ("broker:\n  ws_path: mqtt\n", "config key `broker.ws_path`: expected a path starting with '/'"),
        ("broker:\n  tls: maybe\n", "config key `broker.tls`: expected auto, true or false"),
        ("history:\n  page_size: 0\n", "config key `history.page_size`"),
        ("http:\n  port: [\n", "is not valid YAML"),
    ])
    func badFilesNameTheKey(yaml: String, message: String) throws {
        let error = try #require(throws: ConfigurationError.self) { try loadConfiguration(yaml) }
        #expect(error.description.contains(message), "\(error.description)")
        #expect(!error.description.contains("\n"))
    }

    @Test func missingFileIsAnError() {
        let error = #expect(throws: ConfigurationError.self) {
            try ServerConfiguration.load(file: "/nonexistent/chatt.yaml", environment: [:])
        }
        #expect(error?.description == "cannot read config file /nonexistent/chatt.yaml: no such file")
    }

    @Test(arguments: [
        (["WS_PORT": "x"], "environment variable WS_PORT: expected a port number 1–65535, got \"x\""),
        (["CHATT_PASS": "p"], "CHATT_PASS is set but CHATT_USER is not"),
        (["CHATT_USER": "u"], "CHATT_USER is set but CHATT_PASS is not"),
        (["PASS": "p"], "PASS is set but USER is not"),
    ])
    func badEnvironmentIsNamed(environment: [String: String], message: String) {
        let error = #expect(throws: ConfigurationError.self) {
            try ServerConfiguration.load(file: nil, environment: environment)
        }
        #expect(error?.description.contains(message) == true, "\(String(describing: error))")
    }

    @Test func badFlagsAreNamed() {
        let error = #expect(throws: ConfigurationError.self) {
            try ServerConfiguration.load(file: nil, environment: [:], flags: ConfigurationFlags(port: 70000))
        }
        #expect(error?.description == "--port: expected a port number 0–65535, got 70000")
    }

    @Test func loggedConfigurationMasksSecrets() throws {
        let configuration = try ServerConfiguration.load(file: nil, environment: ["CHATT_USER": "secretlogin", "CHATT_PASS": "secretpass"])
        let logged = configuration.loggingMetadata.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        #expect(!logged.contains("secretpass") && !logged.contains("secretlogin"))
        #expect(logged.contains("protected=true"))
    }

    @Test("uploads: files beside the database by default; the limit and the directory from each layer")
    func uploadSettings() throws {
        #expect(try ServerConfiguration.load(file: nil, environment: ["DATA_DIR": "/srv/chatt"]).filesDirectory == "/srv/chatt/files")
        #expect(try loadConfiguration(nil, flags: ConfigurationFlags(databasePath: "/d/x.db")).filesDirectory == "/d/files")
        #expect(try loadConfiguration(nil, environment: ["DATA_DIR": "/srv/chatt"], flags: ConfigurationFlags(databasePath: "postgres://u@db/chatt")).filesDirectory
            == "/srv/chatt/files", "with PostgreSQL, $DATA_DIR/files")
        let file = "files:\n  dir: /shared/files\n  max_upload_bytes: 1048576\n"
        let fromFile = try loadConfiguration(file)
        #expect(fromFile.filesDirectory == "/shared/files" && fromFile.maxUploadBytes == 1_048_576)
        let fromEnvironment = try loadConfiguration(file, environment: ["CHATT_FILES_DIR": "/e", "CHATT_MAX_UPLOAD_BYTES": "2048"])
        #expect(fromEnvironment.filesDirectory == "/e" && fromEnvironment.maxUploadBytes == 2048)
        let fromFlags = try loadConfiguration(file, environment: ["CHATT_MAX_UPLOAD_BYTES": "2048"],
                                              flags: ConfigurationFlags(filesDirectory: "/f", maxUploadBytes: 4096))
        #expect(fromFlags.filesDirectory == "/f" && fromFlags.maxUploadBytes == 4096)
        let wrongInFile = #expect(throws: ConfigurationError.self) { try loadConfiguration("files:\n  max_upload_bytes: lots\n") }
        #expect(wrongInFile?.description == "config key `files.max_upload_bytes`: expected a number, got \"lots\"")
        let wrongFlag = #expect(throws: ConfigurationError.self) { try loadConfiguration(nil, flags: ConfigurationFlags(maxUploadBytes: 0)) }
        #expect(wrongFlag?.description == "--max-upload-bytes: expected a number of bytes 1–4294967296, got 0")
        #expect(throws: ConfigurationError.self) { try loadConfiguration(nil, environment: ["CHATT_MAX_UPLOAD_BYTES": "-1"]) }
    }
}
