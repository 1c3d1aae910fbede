public import Foundation
import Synchronization

/// A real mosquitto broker for one test: its own temporary directory, generated config
/// and password file, a free loopback port for MQTT over TCP and another for MQTT over
/// WebSocket. Start it with ``start(passwords:persistence:extraConfiguration:)`` or,
/// better, ``withTestBroker(passwords:persistence:extraConfiguration:_:)``, which stops
/// it and removes its directory afterwards.
///
/// The generated config, on purpose:
/// - `user root` when the tests run as root (mosquitto 2.0 otherwise drops to the user
///   `mosquitto`, which cannot write the temporary directory);
/// - `max_queued_messages 100000` (the default, 1000, silently drops QoS 1 messages
///   queued for a persistent session or a slow subscriber in bursts);
/// - `max_inflight_messages 1000`: QoS 1 messages sent to a client before its PUBACKs
///   (memorize acknowledges a message once stored: a small window throttles it);
/// - `allow_anonymous true` without passwords, else a `password_file` made with
///   `mosquitto_passwd -U`;
/// - with `persistence`, `persistence true` in the broker's directory, saved every second
///   and on a clean stop, so ``restart()`` finds sessions and queued messages again.
public final class TestBroker: Sendable {
    /// The MQTT (TCP) port on 127.0.0.1.
    public let port: Int
    /// The MQTT-over-WebSocket port on 127.0.0.1 (path `/`, as mosquitto serves it).
    public let webSocketPort: Int
    /// The broker's temporary directory: config, password file, log, persistence.
    public let directory: URL
    private let process = Mutex<ToolProcess?>(nil)
    /// The two ports, held while the broker is stopped between ``stop()``/``kill()`` and
    /// ``restart()``: a parallel test's broker must not take them meanwhile.
    private let reservations = Mutex<[PortReservation]>([])

    /// The config file mosquitto runs with.
    public var configurationFile: URL { directory.appendingPathComponent("mosquitto.conf") }
    /// The broker's log file.
    public var logFile: URL { directory.appendingPathComponent("mosquitto.log") }
    /// `mqtt://127.0.0.1:<port>`.
    public var url: String { "mqtt://127.0.0.1:\(port)" }
    /// `ws://127.0.0.1:<webSocketPort>/`.
    public var webSocketURL: String { "ws://127.0.0.1:\(webSocketPort)/" }

    private init(port: Int, webSocketPort: Int, directory: URL) {
        self.port = port
        self.webSocketPort = webSocketPort
        self.directory = directory
    }

    /// Writes the config (and password file) and starts mosquitto; returns once both
    /// ports accept connections.
    ///
    /// - Parameters:
    ///   - passwords: `(user, password)` pairs; `nil` lets anyone in (anonymous).
    ///   - persistence: keep sessions and queued messages across ``stop()``/``restart()``.
    ///   - extraConfiguration: lines appended to the generated config.
    public static func start(
        passwords: [(String, String)]? = nil,
        persistence: Bool = false,
        extraConfiguration: String = ""
    ) async throws -> TestBroker {
        // A free port can be taken by a test running in parallel before mosquitto binds
        // it: try again with fresh ports.
        var attempt = 1
        while true {
            do {
                return try await startOnce(passwords: passwords, persistence: persistence, extraConfiguration: extraConfiguration)
            } catch let error as TestSupportError where attempt < 5 && error.description.contains("mosquitto exited") {
                attempt += 1
            }
        }
    }

    private static func startOnce(
        passwords: [(String, String)]?,
        persistence: Bool,
        extraConfiguration: String
    ) async throws -> TestBroker {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("chatt-broker-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let port = try freeLoopbackPort()
        var webSocketPort = try freeLoopbackPort()
        while webSocketPort == port { webSocketPort = try freeLoopbackPort() }
        let broker = TestBroker(port: port, webSocketPort: webSocketPort, directory: directory)

        var lines: [String] = []
        if geteuid() == 0 { lines.append("user root") }
        lines += [
            "per_listener_settings false",
            "max_queued_messages 100000",
            "max_inflight_messages 1000",
            "log_dest file \(broker.logFile.path)",
            "log_type error", "log_type warning", "log_type notice", "log_type information",
            "connection_messages true",
        ]
        if let passwords {
            let file = directory.appendingPathComponent("passwords")
            let plain = passwords.map { "\($0.0):\($0.1)\n" }.joined()
            try Data(plain.utf8).write(to: file)
            let hashed = try await ToolProcess("mosquitto_passwd", ["-U", file.path]).wait()
            guard hashed.status == 0 else { throw TestSupportError("mosquitto_passwd -U failed: \(hashed.stderr)") }
            lines += ["allow_anonymous false", "password_file \(file.path)"]
        } else {
            lines.append("allow_anonymous true")
        }
        if persistence {
            let data = directory.appendingPathComponent("data", isDirectory: true)
            try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
            lines += ["persistence true", "persistence_location \(data.path)/", "autosave_interval 1"]
        } else {
            lines.append("persistence false")
        }
        lines += [
            "listener \(port) 127.0.0.1",
            "listener \(webSocketPort) 127.0.0.1",
            "protocol websockets",
            extraConfiguration,
        ]
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: broker.configurationFile)
        do {
            try await broker.launch()
        } catch {
            try? FileManager.default.removeItem(at: directory)
            throw error
        }
        return broker
    }

    private func launch() async throws {
        let mosquitto = ["/usr/sbin/mosquitto", "/usr/local/sbin/mosquitto"]
            .first { FileManager.default.isExecutableFile(atPath: $0) } ?? "mosquitto"
        let tool = try ToolProcess(mosquitto, ["-c", configurationFile.path])
        process.withLock { $0 = tool }
        do {
            try await waitUntil("mosquitto to listen on \(port) and \(webSocketPort)") {
                guard tool.isRunning else {
                    throw TestSupportError("mosquitto exited: \(tool.stderr) \(log)")
                }
                return isListening(port: port) && isListening(port: webSocketPort)
            }
        } catch {
            tool.kill()
            throw error
        }
    }

    /// Whether the broker process runs.
    public var isRunning: Bool { process.withLock { $0?.isRunning ?? false } }

    /// The broker's process id, while it runs.
    public var pid: Int32? { process.withLock { $0?.isRunning == true ? $0?.pid : nil } }

    /// What the broker logged so far.
    public var log: String { (try? String(contentsOf: logFile, encoding: .utf8)) ?? "" }

    /// Stops the broker cleanly (SIGTERM: it saves its persistence file) and waits for it.
    public func stop() async throws {
        guard let tool = process.withLock({ $0 }) else { return }
        tool.terminate()
        try await tool.wait(timeout: .seconds(10))
        reservePorts()
    }

    /// Kills the broker (SIGKILL: no goodbye to clients, no final save) and waits for it.
    public func kill() async throws {
        guard let tool = process.withLock({ $0 }) else { return }
        tool.kill()
        try await tool.wait(timeout: .seconds(10))
        reservePorts()
    }

    private func reservePorts() {
        let held = [port, webSocketPort].compactMap { PortReservation(port: $0) }
        reservations.withLock { $0 = held }
    }

    /// Starts the broker again, on the same ports with the same config and directory
    /// (so with its persistence, if any); stops it first if it still runs.
    public func restart() async throws {
        if isRunning { try await stop() }
        reservations.withLock { $0 = [] }
        try await waitUntil("port \(port) to be free") { !isListening(port: port) }
        try await launch()
    }

    /// Runs one of mosquitto's command-line clients (`mosquitto_pub`, `mosquitto_sub`, …)
    /// against this broker: `-h 127.0.0.1 -p <port>` come first, then `arguments`
    /// (add `-u`/`-P` for a protected broker). Waits for it to end.
    public func run(_ tool: String, _ arguments: [String], input: String? = nil, timeout: Duration = .seconds(30)) async throws -> ToolResult {
        try await launchClient(tool, arguments, input: input).wait(timeout: timeout)
    }

    /// Starts one of mosquitto's command-line clients against this broker without waiting
    /// (a `mosquitto_sub` that listens while the test publishes, say).
    public func launchClient(_ tool: String, _ arguments: [String], input: String? = nil) throws -> ToolProcess {
        try ToolProcess(tool, ["-h", "127.0.0.1", "-p", "\(port)"] + arguments, input: input)
    }

    /// Stops the broker if needed and removes its directory.
    public func cleanUp() async {
        if isRunning { try? await kill() }
        try? FileManager.default.removeItem(at: directory)
    }

    deinit {
        process.withLock { $0?.kill() }
    }
}

/// Runs `body` with a fresh broker (see ``TestBroker/start(passwords:persistence:extraConfiguration:)``),
/// then stops it and removes its directory, whether `body` threw or not.
public func withTestBroker<T>(
    passwords: [(String, String)]? = nil,
    persistence: Bool = false,
    extraConfiguration: String = "",
    _ body: (TestBroker) async throws -> T
) async throws -> T {
    let broker = try await TestBroker.start(passwords: passwords, persistence: persistence, extraConfiguration: extraConfiguration)
    do {
        let result = try await body(broker)
        await broker.cleanUp()
        return result
    } catch {
        await broker.cleanUp()
        throw error
    }
}
