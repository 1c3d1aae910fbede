import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing

/// A `chatt-server` process started by a test, its stderr collected as it comes.
final class RunningServer: @unchecked Sendable {
    let process = Process()
    private let lock = NSLock()
    private var collected = Data()

    init(_ arguments: [String], environment: [String: String]) throws {
        process.executableURL = productsDirectory.appendingPathComponent("chatt-server")
        process.arguments = arguments
        process.environment = environment
        let stderr = Pipe()
        process.standardError = stderr
        process.standardOutput = FileHandle.nullDevice
        stderr.fileHandleForReading.readabilityHandler = { [weak self] handle in
            let data = handle.availableData
            guard let self, !data.isEmpty else { return }
            self.lock.withLock { self.collected.append(data) }
        }
        try process.run()
    }

    var stderr: String { lock.withLock { String(decoding: collected, as: UTF8.self) } }

    /// The port from the "listening" log line, waiting for it up to `deadline`.
    func listeningPort(deadline: Duration = .seconds(60)) async throws -> Int {
        let end = ContinuousClock.now + deadline
        while ContinuousClock.now < end {
            for line in stderr.split(separator: "\n") where line.hasSuffix("listening") {
                if let range = line.range(of: #"port=\d+"#, options: .regularExpression),
                   let port = Int(line[range].dropFirst(5)) {
                    return port
                }
            }
            guard process.isRunning else { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw ServerDidNotStart(stderr: stderr)
    }

    /// Waits for the process to end, up to `deadline`; its exit status.
    func waitForExit(deadline: Duration = .seconds(30)) async throws -> Int32 {
        let end = ContinuousClock.now + deadline
        while process.isRunning && ContinuousClock.now < end {
            try await Task.sleep(for: .milliseconds(20))
        }
        if process.isRunning {
            process.interrupt()
            throw ServerDidNotStop()
        }
        return process.terminationStatus
    }

    func stop() {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }
}

struct ServerDidNotStart: Error, CustomStringConvertible {
    var stderr: String
    var description: String { "chatt-server did not log a listening port; stderr:\n\(stderr)" }
}

struct ServerDidNotStop: Error {}

@Suite("chatt-server")
struct ServerCommandTests {
    static func temporaryFolder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("chatt-server-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    @Test("starts on a free port with a new database, answers /healthz, exits 0 on SIGTERM")
    func startServeStop() async throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let db = folder.appendingPathComponent("chatt.db").path
        let server = try RunningServer(["--port", "0", "--db", db], environment: ["PATH": "/usr/bin:/bin"])
        defer { server.stop() }
        let port = try await server.listeningPort()

        let url = try #require(URL(string: "http://127.0.0.1:\(port)/healthz"))
        let (data, response) = try await URLSession.shared.data(from: url)
        #expect((response as? HTTPURLResponse)?.statusCode == 200)
        #expect(String(decoding: data, as: UTF8.self).contains(#""database":"ok""#))
        #expect(FileManager.default.fileExists(atPath: db))
        #expect(server.stderr.contains("configuration"))

        kill(server.process.processIdentifier, SIGTERM)
        #expect(try await server.waitForExit() == 0)
    }

    @Test("--help explains the options and the environment")
    func help() throws {
        let run = try runProduct("chatt-server", ["--help"])
        #expect(run.status == 0)
        for word in ["--db", "--bind", "--port", "--ws-port", "--ws-path", "--config", "--web-root",
                     "--history-page-size", "CHATT_USER", "WS_PORT", "SIGTERM", "loopback"] {
            #expect(run.stdout.contains(word), "help lacks \(word)")
        }
    }

    @Test("a bad config file stops it with one line naming the key")
    func badConfig() throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let config = folder.appendingPathComponent("chatt.yaml")
        try Data("http:\n  port: 80a\n".utf8).write(to: config)
        let run = try runProduct("chatt-server", ["--config", config.path, "--db", folder.appendingPathComponent("x.db").path])
        #expect(run.status != 0)
        #expect(run.stderr == "chatt-server: config key `http.port`: expected a number, got \"80a\"\n")
    }
}
