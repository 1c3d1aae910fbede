import ChatTestSupport
import Foundation
import Testing

@Suite("chatt-push on the command line")
struct PushCommandTests {
    @Test("--help says what it sends and that the loopback setting is for tests")
    func help() async throws {
        let run = try await runProduct("chatt-push", ["--help"])
        #expect(run.status == 0)
        for word in ["--broker", "--db", "--vapid-subject", "--push-allow-loopback", "For tests only", "404 or 410", "mute"] {
            #expect(run.stdout.contains(word), "help lacks \(word)")
        }
    }

    @Test("a bad flag or environment variable is bad configuration (64) with a line saying what to fix",
          arguments: [
            (["--vapid-subject", "ops@example.org"], [String: String](), "--vapid-subject"),
            (["--ttl", "-1"], [:], "--ttl"),
            (["--broker", "http://x"], [:], "broker"),
            ([], ["CHATT_PUSH_ALLOW_LOOPBACK": "yes"], "CHATT_PUSH_ALLOW_LOOPBACK"),
          ])
    func badConfiguration(arguments: [String], environment: [String: String], named: String) async throws {
        let directory = try temporaryDirectory("chatt-push-cli")
        defer { try? FileManager.default.removeItem(at: directory) }
        var env = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("CHATT_") }
        env.merge(environment) { $1 }
        let run = try await runProduct("chatt-push", ["--db", directory.appendingPathComponent("chatt.db").path] + arguments,
                                       environment: env)
        #expect(run.status == 64, "\(run.stderr)")
        #expect(run.stderr.contains(named), "\(run.stderr)")
    }

    @Test("with a broker: subscribes, keeps the VAPID key in the database, and SIGTERM stops it with 0")
    func runsAndStops() async throws {
        try await withTestBroker { broker in
            let directory = try temporaryDirectory("chatt-push-run")
            defer { try? FileManager.default.removeItem(at: directory) }
            let db = directory.appendingPathComponent("chatt.db").path
            var env = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("CHATT_") }
            env["LOG_LEVEL"] = "info"
            let daemon = try ToolProcess(productsDirectory.appendingPathComponent("chatt-push").path,
                                         ["--broker", broker.url, "--db", db], environment: env)
            try await waitUntil("chatt-push to subscribe", timeout: .seconds(20)) { daemon.stderr.contains("[ChatPush] subscribed") }
            #expect(daemon.stderr.contains("vapid-public-key="))
            daemon.terminate()
            let stopped = try await daemon.wait()
            #expect(stopped.status == 0, "SIGTERM must stop it cleanly: \(stopped.stderr)")
            #expect(stopped.stderr.contains("chatt-push stopped"))
        }
    }
}
