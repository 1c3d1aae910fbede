import ChatTestSupport
import Foundation
import Testing

/// What both daemons share: LOG_LEVEL, parsed once for both (LOG_LEVEL=DEBUG worked for the
/// server only), and one exit status for bad configuration.
@Suite("Both daemons: log level and exit status")
struct DaemonPolicyTests {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin"

    @Test("LOG_LEVEL=DEBUG, in capitals, shows memorize's debug lines")
    func logLevelInCapitals() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("chatt-policy-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let run = try await runProduct(
            "chatt-memorize", ["--db", folder.appendingPathComponent("c.db").path, "--broker", "mqtt://127.0.0.1:9", "--no-reverse-dns"],
            input: #"rooms/main/newtext {"author":"ann","text":"hi","id":"d1"}"# + "\n",
            environment: ["LOG_LEVEL": "DEBUG", "PATH": path])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains(" debug "), "\(run.stderr.prefix(2_000))")
    }

    @Test("bad configuration exits 64 in both daemons, with one line naming what is wrong")
    func badConfiguration() async throws {
        let memorize = try await runProduct("chatt-memorize", ["--max-rooms", "0"], input: "")
        #expect(memorize.status == 64)
        #expect(memorize.stderr.contains("--max-rooms must be positive"), "\(memorize.stderr)")
        let server = try await runProduct("chatt-server", ["--port", "70000"])
        #expect(server.status == 64)
        #expect(server.stderr.contains("--port"), "\(server.stderr)")
    }
}
