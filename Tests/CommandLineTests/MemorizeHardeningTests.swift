import ChatTestSupport
import Foundation
import Testing

/// What a hostile member or a careless operator could do to memorize's history (issue 14):
/// a full disk under a queued backlog, a NUL in a message, a guessable client id, a
/// retained message, duplicate keys, a v2 event in a room nobody created.
@Suite("chatt-memorize under abuse", .serialized)
struct MemorizeHardeningTests {
    let memorize = productsDirectory.appendingPathComponent("chatt-memorize").path
    let environment = ["LOG_LEVEL": "info", "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin"]

    func export(_ db: String) async throws -> [[String: Any]] {
        let run = try await runProduct("chatt-memorize", ["--export", "--db", db])
        #expect(run.status == 0, "\(run.stderr)")
        return run.stdout.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
    }

    func payload(_ text: String, id: String) -> String {
        #"{"author":"ann","text":"\#(text)","id":"\#(id)"}"#
    }

    func startSubscriber(_ broker: TestBroker, db: String, clientID: String? = "memorize-hard") throws -> ToolProcess {
        let id = clientID.map { ["--client-id", $0] } ?? []
        return try ToolProcess(memorize, ["--subscribe", "--broker", broker.url, "--db", db, "--no-reverse-dns"] + id,
                               environment: environment)
    }

    // MARK: Item 1: a storage error with a backlog

    @Test("a full disk under a queued backlog: memorize says so and exits non-zero (it wedged, deaf to SIGTERM); once space is back a restart stores all",
          .enabled(if: TmpfsMount.isAvailable))
    func fullDiskWithBacklog() async throws {
        let directory = try temporaryDirectory("chatt-hard")
        defer { try? FileManager.default.removeItem(at: directory) }
        let mount = try TmpfsMount(at: directory.appendingPathComponent("small"), megabytes: 16)
        defer { mount.unmount() }
        let db = mount.path + "/chatt.db"
        try await withTestBroker(persistence: true) { broker in
            // A first run makes the database and the persistent session.
            var daemon = try startSubscriber(broker, db: db)
            try await waitUntil("memorize to subscribe", timeout: .seconds(20)) { daemon.memorizeHasSubscribed }
            daemon.terminate()
            #expect(try await daemon.wait().status == 0)

            // A backlog of 500 messages of 1 KB queued while it is down, then a disk with
            // about 100 KB left.
            let filler = String(repeating: "x", count: 1_000)
            let backlog = (0..<500).map { payload("\(filler) \($0)", id: "b\($0)") }.joined(separator: "\n") + "\n"
            #expect(try await broker.run("mosquitto_pub", ["-q", "1", "-t", "rooms/main/newtext", "-l"], input: backlog).status == 0)
            try mount.fill(leavingKilobytes: 100)

            daemon = try startSubscriber(broker, db: db)
            let failed = try await daemon.wait(timeout: .seconds(60))
            #expect(failed.status != 0, "it must not report success")
            #expect(failed.stderr.contains("cannot store messages"), "\(failed.stderr.suffix(2_000))")

            mount.freeFilling()
            daemon = try startSubscriber(broker, db: db)
            let restarted = daemon
            await #expect(throws: Never.self, "\(restarted.stderr.suffix(3_000))") {
                try await waitUntil("the whole backlog to be stored", timeout: .seconds(60)) {
                    Set(try await export(db).compactMap { $0["id"] as? String }).isSuperset(of: (0..<500).map { "b\($0)" })
                }
            }
            daemon.terminate()
            #expect(try await daemon.wait().status == 0)
        }
    }

    @Test("SIGTERM ends memorize while its subscription waits behind unacknowledged messages")
    func sigtermBeforeTheSubscriptionIsGranted() async throws {
        let directory = try temporaryDirectory("chatt-hard")
        defer { try? FileManager.default.removeItem(at: directory) }
        let db = directory.appendingPathComponent("chatt.db").path
        try await withTestBroker(persistence: true) { broker in
            var daemon = try startSubscriber(broker, db: db)
            try await waitUntil("memorize to subscribe", timeout: .seconds(20)) { daemon.memorizeHasSubscribed }
            daemon.terminate()
            #expect(try await daemon.wait().status == 0)
            let backlog = (0..<2_000).map { payload("backlog \($0)", id: "s\($0)") }.joined(separator: "\n") + "\n"
            #expect(try await broker.run("mosquitto_pub", ["-q", "1", "-t", "rooms/main/newtext", "-l"], input: backlog).status == 0)
            // Stopped as soon as it starts, whatever it is doing: it must end, cleanly.
            for _ in 0..<3 {
                daemon = try startSubscriber(broker, db: db)
                try await waitUntil("memorize to start", timeout: .seconds(20)) { daemon.stderr.contains("chatt-memorize starting") }
                daemon.terminate()
                let stopped = try await daemon.wait(timeout: .seconds(20))
                // 0 once the service group runs; 143 (killed by the signal) when it came
                // before memorize set its handlers up. Either way it ended, having
                // acknowledged nothing it did not store.
                #expect([0, 143].contains(stopped.status), "\(stopped.stderr.suffix(2_000))")
            }
            daemon = try startSubscriber(broker, db: db)
            try await waitUntil("the whole backlog", timeout: .seconds(60)) { try await export(db).count >= 2_000 }
            daemon.terminate()
            #expect(try await daemon.wait().status == 0)
        }
    }

    // MARK: Item 7: backpressure

    @Test("a flood of QoS 0 past --max-queue-bytes is dropped and counted; QoS 1 never is")
    func qos0Backpressure() async throws {
        let directory = try temporaryDirectory("chatt-hard")
        defer { try? FileManager.default.removeItem(at: directory) }
        let db = directory.appendingPathComponent("chatt.db").path
        try await withTestBroker(persistence: true) { broker in
            let daemon = try ToolProcess(memorize, [
                "--subscribe", "--broker", broker.url, "--db", db, "--no-reverse-dns", "--client-id", "memorize-bp",
                "--max-queue-bytes", "1",
            ], environment: environment)
            try await waitUntil("memorize to subscribe", timeout: .seconds(20)) { daemon.memorizeHasSubscribed }
            let big = String(repeating: "y", count: 8_000)
            let qos0 = (0..<3_000).map { payload("\(big) \($0)", id: "z\($0)") }.joined(separator: "\n") + "\n"
            let qos1 = (0..<1_000).map { payload("kept \($0)", id: "k\($0)") }.joined(separator: "\n") + "\n"
            async let flood = broker.run("mosquitto_pub", ["-q", "0", "-t", "rooms/main/newtext", "-l"], input: qos0)
            async let kept = broker.run("mosquitto_pub", ["-q", "1", "-t", "rooms/dev/newtext", "-l"], input: qos1)
            #expect(try await flood.status == 0)
            #expect(try await kept.status == 0)
            try await waitUntil("every QoS 1 message", timeout: .seconds(60)) {
                try await export(db).filter { ($0["room"] as? String) == "dev" }.count == 1_000
            }
            daemon.terminate()
            let stopped = try await daemon.wait()
            #expect(stopped.status == 0)
            #expect(stopped.stderr.contains("dropping QoS 0 messages"), "\(stopped.stderr.suffix(2_000))")
            let stored = try await export(db).filter { ($0["room"] as? String) == "main" }.count
            #expect(stored < 3_000, "some QoS 0 messages must have been dropped")
        }
    }

    // MARK: Item 2: NUL

    @Test("a NUL in a text or an id is refused with a log line, and the messages after it are stored (SQLite and PostgreSQL)",
          arguments: ["sqlite", "postgres"])
    func nulNeverBlocks(kind: String) async throws {
        let directory = try temporaryDirectory("chatt-hard")
        defer { try? FileManager.default.removeItem(at: directory) }
        let db = kind == "sqlite"
            ? directory.appendingPathComponent("chatt.db").path : try await TestPostgres.running().makeDatabase()
        let lines = [
            #"rooms/main/newtext {"author":"ann","text":"before","id":"n1"}"#,
            #"rooms/main/newtext {"author":"ann","text":"nul \u0000 x","id":"n2"}"#,
            #"rooms/main/newtext {"author":"ann","text":"id with nul","id":"n3\u0000a"}"#,
            #"rooms/main/newtext {"author":"ann","text":"after","id":"n3\u0000b"}"#,
            #"rooms/main/newtext {"author":"ann","text":"after","id":"n4"}"#,
        ]
        let run = try await runProduct("chatt-memorize", ["--db", db, "--broker", "mqtt://127.0.0.1:9", "--no-reverse-dns"],
                                       input: lines.joined(separator: "\n") + "\n")
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("NUL character"), "\(run.stderr)")
        let stored = try await export(db)
        #expect(stored.compactMap { $0["text"] as? String } == ["before", "after"])
        #expect(stored.compactMap { $0["id"] as? String } == ["n1", "n4"])
    }

    // MARK: Item 3: the client id

    @Test("without --client-id: a random id, kept in the database, the same after a restart, never the host name")
    func clientIDNobodyCanGuess() async throws {
        let directory = try temporaryDirectory("chatt-hard")
        defer { try? FileManager.default.removeItem(at: directory) }
        let db = directory.appendingPathComponent("chatt.db").path
        try await withTestBroker(persistence: true) { broker in
            var ids: [String] = []
            for _ in 0..<2 {
                let daemon = try startSubscriber(broker, db: db, clientID: nil)
                try await waitUntil("memorize to subscribe", timeout: .seconds(20)) { daemon.memorizeHasSubscribed }
                daemon.terminate()
                #expect(try await daemon.wait().status == 0)
                // mosquitto logs "New client connected from … as <id>".
                let connected = broker.log.split(separator: "\n").filter { $0.contains("New client connected") }
                let id = try #require(connected.last?.split(separator: " ").first { $0.hasPrefix("chatt-memorize-") })
                ids.append(String(id))
            }
            #expect(ids[0] == ids[1], "the id must survive a restart, or the persistent session is lost")
            #expect(ids[0].count == "chatt-memorize-".count + 32)
            let host = ProcessInfo.processInfo.hostName.split(separator: ".").first.map(String.init) ?? "localhost"
            #expect(!ids[0].contains(host))
        }
    }

    @Test("--shared-group without --client-id is refused (the instances would share the stored id)")
    func sharedGroupNeedsClientID() async throws {
        let run = try await runProduct("chatt-memorize", ["--subscribe", "--shared-group", "g", "--db", "/tmp/unused-\(UUID()).db"])
        #expect(run.status != 0)
        #expect(run.stderr.contains("--client-id"))
    }

    // MARK: Item 10: what a hello reveals

    @Test("by default a greeting says no address and names no other nickname of that address (--greetings original does)")
    func quietGreetingByDefault() async throws {
        let directory = try temporaryDirectory("chatt-hard")
        defer { try? FileManager.default.removeItem(at: directory) }
        let db = directory.appendingPathComponent("chatt.db").path
        try await withTestBroker(extraConfiguration: "log_type subscribe") { broker in
            let greetings = try broker.launchClient("mosquitto_sub", ["-t", "rooms/main/newtext", "-C", "2"])
            try await waitUntil("the listener to subscribe") { broker.log.contains(" rooms/main/newtext") }
            let input = [#"users/alice/hello {"ipAddress":"203.0.113.7"}"#, #"users/mallory/hello {"ipAddress":"203.0.113.7"}"#]
            let run = try await runProduct("chatt-memorize", ["--db", db, "--broker", broker.url, "--no-reverse-dns"],
                                           input: input.joined(separator: "\n") + "\n")
            #expect(run.status == 0, "\(run.stderr)")
            let said = try await greetings.wait(timeout: .seconds(30)).stdout
            #expect(said.contains("@alice: Welcome alice!!"))
            #expect(said.contains("@mallory: Welcome mallory!!"))
            #expect(!said.contains("203.0.113.7"), "\(said)")
            #expect(!said.contains("Also seen"), "\(said)")
        }
    }

    // MARK: Item 10 and issue 23: retained messages, duplicate keys, v2 events

    @Test("a retained newtext without id is stored once (it came again on every start); duplicate keys are refused; a v2 event makes no room")
    func retainedDuplicateKeysAndGhostRooms() async throws {
        let directory = try temporaryDirectory("chatt-hard")
        defer { try? FileManager.default.removeItem(at: directory) }
        let db = directory.appendingPathComponent("chatt.db").path
        try await withTestBroker(persistence: true) { broker in
            _ = try await broker.run("mosquitto_pub", ["-r", "-q", "1", "-t", "rooms/main/newtext", "-m", #"{"author":"eve","text":"replayed"}"#])
            for _ in 0..<2 {
                let daemon = try startSubscriber(broker, db: db)
                try await waitUntil("memorize to subscribe", timeout: .seconds(20)) { daemon.memorizeHasSubscribed }
                for (topic, message) in [
                    ("rooms/main/newtext", #"{"author":"a","author":"bot","text":"forged","id":"d1"}"#),
                    ("rooms/ghost/typing", #"{"author":"a","ts":1}"#),
                    ("rooms/ghost2/react", #"{"author":"a","id":"r1234567","ts":1,"target":"x","emoji":"👍","on":true}"#),
                    ("rooms/main/newtext", #"{"author":"ann","text":"marker","id":"m-\#(UUID().uuidString)"}"#),
                ] {
                    _ = try await broker.run("mosquitto_pub", ["-q", "1", "-t", topic, "-m", message])
                }
                try await waitUntil("the marker", timeout: .seconds(20)) {
                    try await export(db).contains { ($0["text"] as? String) == "marker" }
                }
                daemon.terminate()
                #expect(try await daemon.wait().status == 0)
            }
            // The retained message without an id is stored once, not again on each start.
            let texts = try await export(db).compactMap { $0["text"] as? String }
            #expect(texts == ["replayed", "marker", "marker"])
            let rooms = try await ToolProcess("sqlite3", ["-readonly", db, "SELECT name FROM room ORDER BY name"]).wait()
            #expect(rooms.stdout == "main\n")
        }
    }
}
