import ChatTestSupport
import Foundation
import Testing

/// chatt-memorize against a real mosquitto: the original's pipe, its own persistent
/// subscription, restarts and kill -9 during a flood, greetings and idle logouts.
@Suite("chatt-memorize with a real broker", .serialized)
struct MemorizeBrokerTests {
    let memorize = productsDirectory.appendingPathComponent("chatt-memorize").path

    func temporaryDatabase() throws -> (String, @Sendable () -> Void) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("chatt-mb-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return (directory.appendingPathComponent("chatt.db").path, { try? FileManager.default.removeItem(at: directory) })
    }

    /// The texts stored, oldest first (through `--export`).
    func storedTexts(_ db: String) async throws -> [String] {
        let run = try await runProduct("chatt-memorize", ["--export", "--db", db])
        return run.stdout.split(separator: "\n").compactMap { line in
            (try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])?["text"] as? String
        }
    }

    func payload(_ text: String, id: String, author: String = "ann") -> String {
        #"{"author":"\#(author)","text":"\#(text)","id":"\#(id)"}"#
    }

    func startSubscriber(_ broker: TestBroker, db: String, clientID: String, extra: [String] = []) throws -> ToolProcess {
        try ToolProcess(memorize, ["--subscribe", "--broker", broker.url, "--client-id", clientID, "--db", db, "--no-reverse-dns"] + extra,
                        environment: ["LOG_LEVEL": "info", "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin"])
    }

    @Test("the original's pipe: mosquitto_sub -v | chatt-memorize")
    func pipe() async throws {
        try await withTestBroker(extraConfiguration: "log_type subscribe") { broker in
            let (db, cleanup) = try temporaryDatabase()
            defer { cleanup() }
            // 4: the three messages, and bot's key, which memorize publishes retained on users/bot/key.
            let pipeline = try ToolProcess("sh", ["-c",
                "mosquitto_sub -h 127.0.0.1 -p \(broker.port) -t 'rooms/#' -t 'users/#' -v -C 4 | '\(memorize)' --db '\(db)' --broker \(broker.url) --no-reverse-dns"])
            try await waitUntil("mosquitto_sub to subscribe") { broker.log.contains(" users/#") }
            for (index, text) in ["one", "two words", "three"].enumerated() {
                _ = try await broker.run("mosquitto_pub", ["-q", "1", "-t", "rooms/main/newtext", "-m", payload(text, id: "p\(index)")])
            }
            let result = try await pipeline.wait(timeout: .seconds(30))
            #expect(result.status == 0, "\(result.stderr)")
            #expect(try await storedTexts(db) == ["one", "two words", "three"])
        }
    }

    @Test("--subscribe: stores live messages; what is published while it is stopped arrives when it is back")
    func persistentSession() async throws {
        try await withTestBroker(persistence: true) { broker in
            let (db, cleanup) = try temporaryDatabase()
            defer { cleanup() }
            var daemon = try startSubscriber(broker, db: db, clientID: "memorize-test-1")
            try await waitUntil("memorize to subscribe", timeout: .seconds(20)) { daemon.memorizeHasSubscribed }
            _ = try await broker.run("mosquitto_pub", ["-q", "1", "-t", "rooms/main/newtext", "-m", payload("live", id: "l1")])
            try await waitUntil("the live message to be stored", timeout: .seconds(20)) { try await storedTexts(db) == ["live"] }

            daemon.terminate()
            let stopped = try await daemon.wait()
            #expect(stopped.status == 0, "SIGTERM must stop it cleanly: \(stopped.stderr)")

            let whileAway = (0..<50).map { payload("away \($0)", id: "a\($0)") }.joined(separator: "\n")
            let published = try await broker.run("mosquitto_pub", ["-q", "1", "-t", "rooms/dev/newtext", "-l"], input: whileAway + "\n")
            #expect(published.status == 0)

            daemon = try startSubscriber(broker, db: db, clientID: "memorize-test-1")
            try await waitUntil("the messages sent while away", timeout: .seconds(30)) { try await storedTexts(db).count == 51 }
            #expect(try await storedTexts(db) == ["live"] + (0..<50).map { "away \($0)" })
            daemon.terminate()
            #expect(try await daemon.wait().status == 0)
        }
    }

    @Test("kill -9 during a flood of 10,000 from 4 publishers, then restart: nothing lost (acknowledged only once stored), each id once")
    func killDuringFlood() async throws {
        try await withTestBroker(persistence: true) { broker in
            let (db, cleanup) = try temporaryDatabase()
            defer { cleanup() }
            var daemon = try startSubscriber(broker, db: db, clientID: "memorize-test-2")
            try await waitUntil("memorize to subscribe", timeout: .seconds(20)) { daemon.memorizeHasSubscribed }

            let flood = try Flood(broker: broker, directory: db + ".flood", prefix: "f", count: 10_000, publishers: 4)
            try await waitUntil("part of the flood to be stored", timeout: .seconds(30)) { try await storedCount(db).rows > 1_000 }
            daemon.kill()
            _ = try await daemon.wait()
            #expect(try await integrityCheck(db) == "ok", "after kill -9 of memorize")
            let idsAtKill = try await storedIDs(db)
            try await flood.waitForPublishers()

            // While it is down: more messages, and one already stored sent again (same id).
            let more = (0..<200).map { payload("later \($0)", id: "g\($0)") } + [payload("flood 0", id: "f0-0")]
            _ = try await broker.run("mosquitto_pub", ["-q", "1", "-t", "rooms/main/newtext", "-l"], input: more.joined(separator: "\n") + "\n")

            daemon = try startSubscriber(broker, db: db, clientID: "memorize-test-2")
            let expected = flood.ids.union((0..<200).map { "g\($0)" })
            try await waitUntil("every message, the flood's and the later ones", timeout: .seconds(60)) {
                try await storedIDs(db).isSuperset(of: expected)
            }
            daemon.terminate()
            #expect(try await daemon.wait().status == 0)

            let count = try await storedCount(db)
            #expect(count.rows == count.distinctIDs, "an id stored twice")
            let ids = try await storedIDs(db)
            #expect(ids.isSuperset(of: idsAtKill), "a message stored before the kill is gone")
            #expect(ids.contains("f0-0"))
            // memorize acknowledges a message only once it is stored: what it held
            // unstored at the kill was never acknowledged, and came again.
            print("kill -9 during a flood of 10000: \(idsAtKill.count) stored at the kill, all \(ids.count) stored after the restart")
            #expect(flood.ids.subtracting(ids).isEmpty)
            #expect(try await integrityCheck(db) == "ok")
        }
    }

    @Test("greetings and idle logouts end to end, the clock moved by the test")
    func greetingAndIdle() async throws {
        try await withTestBroker(extraConfiguration: "log_type subscribe") { broker in
            let (db, cleanup) = try temporaryDatabase()
            defer { cleanup() }
            let clockFile = db + ".clock"
            let start: Int64 = 1_700_000_000_000
            try Data("\(start)".utf8).write(to: URL(fileURLWithPath: clockFile))
            let stopFile = db + ".stop"
            let greetings = try broker.launchClient("mosquitto_sub", ["-t", "rooms/main/newtext", "-C", "1"])
            let logouts = try broker.launchClient("mosquitto_sub", ["-t", "users/ann/logout", "-C", "1", "-v"])
            try await waitUntil("the listeners to subscribe") {
                broker.log.contains(" rooms/main/newtext") && broker.log.contains(" users/ann/logout")
            }
            // Standard input stays open until the test creates the stop file.
            let daemon = try ToolProcess("sh", ["-c",
                "{ printf '%s\\n' 'users/ann/hello {\"ipAddress\":\"127.0.0.1\"}'; while [ ! -f '\(stopFile)' ]; do sleep 0.05; done; } | "
                + "'\(memorize)' --db '\(db)' --broker \(broker.url) --no-reverse-dns --greetings original --sweep-seconds 0.2"],
                environment: ["CHATT_CLOCK_FILE": clockFile, "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin"])
            let greeting = try await greetings.wait(timeout: .seconds(30))
            #expect(greeting.stdout.contains(#""author":"bot""#))
            #expect(greeting.stdout.contains("@ann: Welcome ann!! From 127.0.0.1 :: 127.0.0.1"))
            #expect(!greeting.stdout.contains("<b>"))

            try Data("\(start + 9 * 60_000)".utf8).write(to: URL(fileURLWithPath: clockFile))
            try await Task.sleep(for: .milliseconds(600))
            #expect(logouts.isRunning, "not idle yet after 9 minutes")
            try Data("\(start + 10 * 60_000 + 1)".utf8).write(to: URL(fileURLWithPath: clockFile))
            let logout = try await logouts.wait(timeout: .seconds(30))
            #expect(logout.stdout.hasPrefix("users/ann/logout"))

            try Data().write(to: URL(fileURLWithPath: stopFile))
            #expect(try await daemon.wait(timeout: .seconds(30)).status == 0)
        }
    }

    @Test("stdin mode with the broker down: stores anyway and says once that it cannot greet")
    func brokerDown() async throws {
        let (db, cleanup) = try temporaryDatabase()
        defer { cleanup() }
        let input = (0..<5).map { #"users/u\#($0)/hello {"ipAddress":"127.0.0.1"}"# + "\n" }.joined()
            + #"rooms/main/newtext {"author":"ann","text":"kept"}"# + "\n"
        let run = try await runProduct("chatt-memorize", ["--db", db, "--broker", "mqtt://127.0.0.1:9", "--no-reverse-dns"], input: input)
        #expect(run.status == 0)
        #expect(try await storedTexts(db) == ["kept"])
        #expect(run.stderr.components(separatedBy: "cannot greet").count - 1 == 1, "\(run.stderr)")
    }
}
