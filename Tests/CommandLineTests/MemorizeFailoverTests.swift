import ChatTestSupport
import Foundation
import Testing

/// `chatt-memorize --broker A,B` against two real mosquittos: it stores from A, moves to
/// B when A goes away, and stores from B. (Two mosquittos share no session: B gets the
/// subscriptions again. A cluster sharing the session is RabbitMQ's part of issue 20.)
@Suite("chatt-memorize failing over between brokers", .serialized)
struct MemorizeFailoverTests {
    let memorize = productsDirectory.appendingPathComponent("chatt-memorize").path

    /// The texts stored, oldest first (through `--export`).
    func storedTexts(_ db: String) async throws -> [String] {
        let run = try await runProduct("chatt-memorize", ["--export", "--db", db])
        return run.stdout.split(separator: "\n").compactMap { line in
            (try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])?["text"] as? String
        }
    }

    /// `count` QoS 1 messages `<prefix> <n>` published on `broker` at once.
    func publish(_ broker: TestBroker, prefix: String, count: Int) async throws {
        let lines = (0..<count).map { #"{"author":"ann","text":"\#(prefix) \#($0)","id":"\#(prefix)-\#($0)"}"# }
        let result = try await broker.run("mosquitto_pub", ["-q", "1", "-t", "rooms/main/newtext", "-l"],
                                          input: lines.joined(separator: "\n") + "\n")
        #expect(result.status == 0, "\(result.stderr)")
    }

    @Test("--broker A,B: stores from A; A stopped: moves to B (and says so), stores from B; every message once")
    func failover() async throws {
        try await withTestBroker(extraConfiguration: "log_type subscribe") { first in
            try await withTestBroker(extraConfiguration: "log_type subscribe") { second in
                let directory = try temporaryDirectory("chatt-fo")
                defer { try? FileManager.default.removeItem(at: directory) }
                let db = directory.appendingPathComponent("chatt.db").path
                let daemon = try ToolProcess(
                    memorize,
                    ["--subscribe", "--broker", "\(first.url),\(second.url)", "--client-id", "memorize-failover",
                     "--db", db, "--no-reverse-dns"],
                    environment: ["LOG_LEVEL": "info", "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin"])
                try await waitUntil("memorize to subscribe on the first broker", timeout: .seconds(20)) { daemon.memorizeHasSubscribed }
                #expect(second.log.contains("memorize-failover") == false, "it connected to the second broker too")

                try await publish(first, prefix: "on A", count: 20)
                try await waitUntil("the messages published on A to be stored", timeout: .seconds(20)) {
                    try await storedTexts(db).count >= 20
                }

                try await first.stop()
                do {
                    try await waitUntil("memorize to move to the second broker", timeout: .seconds(20)) {
                        daemon.stderr.contains("moving to the next broker")
                            && second.log.contains("memorize-failover") && second.log.contains(" direct/#")
                    }
                } catch {
                    Issue.record("memorize said:\n\(daemon.stderr)\nthe second broker logged:\n\(second.log)")
                    throw error
                }
                #expect(daemon.stderr.contains("next.broker=127.0.0.1:\(second.port)"), "\(daemon.stderr)")

                try await publish(second, prefix: "on B", count: 20)
                try await waitUntil("the messages published on B to be stored", timeout: .seconds(20)) {
                    try await storedTexts(db).count >= 40
                }
                daemon.terminate()
                let stopped = try await daemon.wait()
                #expect(stopped.status == 0, "\(stopped.stderr)")
                let expected = (0..<20).map { "on A \($0)" } + (0..<20).map { "on B \($0)" }
                #expect(try await storedTexts(db) == expected)
            }
        }
    }

    @Test("A, then B, then back to A: A resumes memorize's persistent session with what was queued there while it was on B")
    func failoverAndBack() async throws {
        try await withTestBroker(persistence: true, extraConfiguration: "log_type subscribe") { first in
            try await withTestBroker(persistence: true, extraConfiguration: "log_type subscribe") { second in
                let directory = try temporaryDirectory("chatt-fo")
                defer { try? FileManager.default.removeItem(at: directory) }
                let db = directory.appendingPathComponent("chatt.db").path
                // The flag repeated, this time.
                let daemon = try ToolProcess(
                    memorize,
                    ["--subscribe", "--broker", first.url, "--broker", second.url, "--client-id", "memorize-back",
                     "--db", db, "--no-reverse-dns"],
                    environment: ["LOG_LEVEL": "info", "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin"])
                func connections() -> [Substring] {
                    daemon.stderr.split(separator: "\n").filter { $0.contains("connected to the MQTT broker") }
                }
                do {
                    try await waitUntil("memorize to subscribe on A", timeout: .seconds(20)) { daemon.memorizeHasSubscribed }
                    try await publish(first, prefix: "A", count: 10)
                    try await waitUntil("the messages published on A", timeout: .seconds(20)) { try await storedTexts(db).count >= 10 }

                    let stopping = ContinuousClock.now
                    try await first.stop()
                    try await waitUntil("memorize to move to B", timeout: .seconds(20)) {
                        second.log.contains("memorize-back") && second.log.contains(" direct/#")
                    }
                    print("memorize failover A -> B: subscribed on B \(ContinuousClock.now - stopping) after A was told to stop")

                    // A back, holding memorize's session: what is published there now waits for it.
                    try await first.restart()
                    try await publish(first, prefix: "queued on A", count: 10)
                    try await publish(second, prefix: "B", count: 10)
                    try await waitUntil("the messages published on B", timeout: .seconds(20)) { try await storedTexts(db).count >= 20 }

                    try await second.stop()
                    try await waitUntil("the messages queued on A", timeout: .seconds(30)) { try await storedTexts(db).count >= 30 }
                } catch {
                    Issue.record("memorize said:\n\(daemon.stderr)")
                    throw error
                }
                let lines = connections()
                #expect(lines.count == 3, "A, B, A again: \(lines)")
                #expect(lines.last?.contains("broker=127.0.0.1:\(first.port)") == true && lines.last?.contains("session.present=true") == true,
                        "A resumed the session: \(lines)")
                daemon.terminate()
                #expect(try await daemon.wait().status == 0)
                let expected = (0..<10).map { "A \($0)" } + (0..<10).map { "B \($0)" } + (0..<10).map { "queued on A \($0)" }
                #expect(try await storedTexts(db) == expected)
            }
        }
    }
}
