import ChatTestSupport
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing

@Suite("chatt-server")
struct ServerCommandTests {
    static func temporaryFolder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("chatt-server-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    /// The port from chatt-server's "listening" log line.
    static func listeningPort(in stderr: String) -> Int? {
        for line in stderr.split(separator: "\n") where line.hasSuffix("listening") {
            if let range = line.range(of: #"port=\d+"#, options: .regularExpression) {
                return Int(line[range].dropFirst(5))
            }
        }
        return nil
    }

    @Test("starts on a free port with a new database, answers /healthz, exits 0 on SIGTERM")
    func startServeStop() async throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let db = folder.appendingPathComponent("chatt.db").path
        let server = try ToolProcess(productsDirectory.appendingPathComponent("chatt-server").path,
                                     ["--port", "0", "--db", db], environment: ["PATH": "/usr/bin:/bin"])
        defer { server.kill() }
        try await waitUntil("chatt-server to log its port", timeout: .seconds(60)) {
            guard server.isRunning else { throw ServerEnded(stderr: server.stderr) }
            return Self.listeningPort(in: server.stderr) != nil
        }
        let port = try #require(Self.listeningPort(in: server.stderr))

        let url = try #require(URL(string: "http://127.0.0.1:\(port)/healthz"))
        // A first check may pass its 2 s budget on a loaded machine (503): wait for the 200.
        var body = ""
        try await waitUntil("/healthz to answer 200", timeout: .seconds(60), interval: .milliseconds(200)) {
            let (data, response) = try await URLSession.shared.data(from: url)
            body = String(decoding: data, as: UTF8.self)
            return (response as? HTTPURLResponse)?.statusCode == 200
        }
        #expect(body.contains(#""database":"ok""#))
        #expect(FileManager.default.fileExists(atPath: db))
        #expect(server.stderr.contains("configuration"))

        server.terminate()
        let result = try await server.wait(timeout: .seconds(30))
        #expect(result.status == 0, "stderr: \(result.stderr)")
    }

    @Test("--help explains the options and the environment")
    func help() async throws {
        let run = try await runProduct("chatt-server", ["--help"])
        #expect(run.status == 0)
        for word in ["--db", "--bind", "--port", "--ws-port", "--ws-path", "--config", "--web-root",
                     "--history-page-size", "CHATT_USER", "WS_PORT", "SIGTERM", "loopback",
                     "--ws-endpoint", "WS_ENDPOINTS"] {
            #expect(run.stdout.contains(word), "help lacks \(word)")
        }
    }

    @Test("a bad config file stops it with one line naming the key")
    func badConfig() async throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let config = folder.appendingPathComponent("chatt.yaml")
        try Data("http:\n  port: 80a\n".utf8).write(to: config)
        let run = try await runProduct(
            "chatt-server", ["--config", config.path, "--db", folder.appendingPathComponent("x.db").path])
        #expect(run.status != 0)
        #expect(run.stderr == "chatt-server: config key `http.port`: expected a number, got \"80a\"\n")
    }
}

extension ServerCommandTests {
    @Test("a bad --ws-endpoint or WS_ENDPOINTS stops it with one line naming it")
    func badEndpoint() async throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let db = folder.appendingPathComponent("x.db").path
        let flag = try await runProduct("chatt-server", ["--db", db, "--ws-endpoint", "ws://127.0.0.1:9001/", "--ws-endpoint", "http://b/"])
        #expect(flag.status != 0)
        #expect(flag.stderr.hasPrefix("chatt-server: --ws-endpoint: expected a ws:// or wss:// URL"), "stderr: \(flag.stderr)")
        let environment = try await runProduct("chatt-server", ["--db", db], environment: ["WS_ENDPOINTS": "ws://a/,nope"])
        #expect(environment.status != 0)
        #expect(environment.stderr.hasPrefix("chatt-server: environment variable WS_ENDPOINTS:"), "stderr: \(environment.stderr)")
    }
}

struct ServerEnded: Error, CustomStringConvertible {
    var stderr: String
    var description: String { "chatt-server ended before listening; stderr:\n\(stderr)" }
}
