import ChatTestSupport
import Foundation
import Testing

/// The no-loss setups of docs/reliability.md, proven under kill -9 and broker restarts
/// during floods of 10,000 QoS 1 messages (helpers in MemorizeBrokerTests).
extension MemorizeBrokerTests {
    @Test("two instances on one database, kill -9 of one during a flood of 10,000: every id stored exactly once")
    func twoInstances() async throws {
        try await withTestBroker(persistence: true) { broker in
            let (db, cleanup) = try temporaryDatabase()
            defer { cleanup() }
            var first = try startSubscriber(broker, db: db, clientID: "memorize-pair-a")
            let second = try startSubscriber(broker, db: db, clientID: "memorize-pair-b", extra: ["--no-greet"])
            try await waitUntil("both instances to subscribe", timeout: .seconds(20)) {
                first.memorizeHasSubscribed && second.memorizeHasSubscribed
            }

            let flood = try Flood(broker: broker, directory: db + ".flood", prefix: "t", count: 10_000, publishers: 4)
            try await waitUntil("part of the flood to be stored", timeout: .seconds(30)) { try await storedCount(db).rows > 1_000 }
            first.kill()
            _ = try await first.wait()
            #expect(try await integrityCheck(db) == "ok", "after kill -9 of one instance")
            try await flood.waitForPublishers()

            try await waitUntil("the other instance to store the whole flood", timeout: .seconds(60)) {
                try await storedCount(db).distinctIDs >= 10_000
            }
            // The killed one comes back and gets its queued session: all duplicates.
            first = try startSubscriber(broker, db: db, clientID: "memorize-pair-a")
            try await waitUntil("the restarted instance to subscribe", timeout: .seconds(20)) { first.memorizeHasSubscribed }
            try await Task.sleep(for: .seconds(1))
            first.terminate()
            second.terminate()
            let firstEnd = try await first.wait(), secondEnd = try await second.wait()
            #expect(firstEnd.status == 0, "\(firstEnd.stderr)")
            #expect(secondEnd.status == 0, "\(secondEnd.stderr)")

            let count = try await storedCount(db)
            let ids = try await storedIDs(db)
            #expect(count.rows == 10_000 && count.distinctIDs == 10_000, "\(count)")
            #expect(flood.ids.subtracting(ids).isEmpty, "lost: \(flood.ids.subtracting(ids).count)")
            print("two instances, kill -9 of one during a flood of 10000: \(count.rows) stored, 0 lost; "
                + "duplicates skipped: \(Self.duplicatesLogged(firstEnd.stderr) + Self.duplicatesLogged(secondEnd.stderr))")
            #expect(try await integrityCheck(db) == "ok")
        }
    }

    @Test("mosquitto restarted (persistence on) during a flood of 10,000: nothing lost, nothing stored twice")
    func brokerRestart() async throws {
        try await withTestBroker(persistence: true) { broker in
            let (db, cleanup) = try temporaryDatabase()
            defer { cleanup() }
            let daemon = try startSubscriber(broker, db: db, clientID: "memorize-test-restart")
            try await waitUntil("memorize to subscribe", timeout: .seconds(20)) { daemon.memorizeHasSubscribed }

            // Publishers resend a chunk the broker did not take whole (QoS 1: at least once).
            let flood = try Flood(broker: broker, directory: db + ".flood", prefix: "b", count: 10_000, publishers: 4)
            try await waitUntil("part of the flood to be stored", timeout: .seconds(30)) { try await storedCount(db).rows > 1_000 }
            try await broker.stop()
            let atStop = try await storedCount(db).rows
            try await broker.restart()
            try await flood.waitForPublishers()
            try await waitUntil("the whole flood to be stored", timeout: .seconds(60)) {
                try await storedCount(db).distinctIDs >= 10_000
            }
            daemon.terminate()
            let end = try await daemon.wait()
            #expect(end.status == 0, "\(end.stderr)")

            let count = try await storedCount(db)
            #expect(count.rows == 10_000 && count.distinctIDs == 10_000, "\(count)")
            #expect(flood.ids.subtracting(try await storedIDs(db)).isEmpty)
            print("mosquitto restarted during a flood of 10000 (\(atStop) stored at the stop): \(count.rows) stored, "
                + "0 lost; duplicates delivered and skipped: \(Self.duplicatesLogged(end.stderr))")
            #expect(try await integrityCheck(db) == "ok")
        }
    }

    /// The `duplicates=` count of memorize's "stopped" log line.
    static func duplicatesLogged(_ stderr: String) -> Int {
        guard let line = stderr.split(separator: "\n").last(where: { $0.contains("chatt-memorize stopped") }),
              let range = line.range(of: #"duplicates=\d+"#, options: .regularExpression)
        else { return 0 }
        return Int(line[range].dropFirst("duplicates=".count)) ?? 0
    }
}

/// `count` QoS 1 messages (ids `<prefix><publisher>-<n>`) from `publishers` mosquitto_pub
/// processes at once, each sending its share in chunks of 250 and sending a chunk again
/// when the broker went away before acknowledging all of it (the publisher's side of at
/// least once).
struct Flood {
    let ids: Set<String>
    let processes: [ToolProcess]

    init(broker: TestBroker, directory: String, prefix: String, count: Int, publishers: Int) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var ids = Set<String>()
        var processes: [ToolProcess] = []
        let share = count / publishers
        for publisher in 0..<publishers {
            var chunks: [String] = []
            for start in stride(from: 0, to: share, by: 250) {
                let lines = (start..<min(share, start + 250)).map { n in
                    let id = "\(prefix)\(publisher)-\(n)"
                    ids.insert(id)
                    return #"{"author":"p\#(publisher)","text":"flood \#(publisher) \#(n)","id":"\#(id)"}"#
                }
                let file = "\(directory)/p\(publisher)-\(chunks.count).txt"
                try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: file))
                chunks.append(file)
            }
            let script = """
                for f in \(chunks.joined(separator: " ")); do
                    tries=0
                    until mosquitto_pub -h 127.0.0.1 -p \(broker.port) -q 1 -t rooms/flood-\(publisher)/newtext -l < "$f"; do
                        tries=$((tries + 1)); [ $tries -lt 200 ] || exit 1; sleep 0.1
                    done
                done
                """
            processes.append(try ToolProcess("sh", ["-c", script]))
        }
        self.ids = ids
        self.processes = processes
    }

    /// Waits until every publisher got all its messages acknowledged.
    func waitForPublishers() async throws {
        for process in processes {
            let result = try await process.wait(timeout: .seconds(90))
            #expect(result.status == 0, "a publisher failed: \(result.stderr)")
        }
    }
}

/// Runs `sql` on the database with the sqlite3 command-line shell.
func sqlite(_ db: String, _ sql: String) async throws -> String {
    let result = try await ToolProcess("sqlite3", ["-batch", "-cmd", ".timeout 5000", db, sql]).wait()
    guard result.status == 0 else { throw TestSupportError("sqlite3 \(sql): \(result.stderr)") }
    return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
}

/// `PRAGMA integrity_check` of the database: "ok" when all is well.
func integrityCheck(_ db: String) async throws -> String {
    try await sqlite(db, "PRAGMA integrity_check")
}

/// `sqlite` on the message table, "" while memorize has not created it yet.
private func sqliteOnMessages(_ db: String, _ sql: String) async throws -> String {
    guard FileManager.default.fileExists(atPath: db) else { return "" }
    do {
        return try await sqlite(db, sql)
    } catch let error as TestSupportError where error.description.contains("no such table") {
        return ""
    }
}

/// How many messages are stored, and how many distinct ids among them.
func storedCount(_ db: String) async throws -> (rows: Int, distinctIDs: Int) {
    let fields = try await sqliteOnMessages(db, "SELECT count(*), count(DISTINCT messageID) FROM message").split(separator: "|")
    return (Int(fields.first ?? "") ?? 0, Int(fields.last ?? "") ?? 0)
}

/// The ids of the messages stored.
func storedIDs(_ db: String) async throws -> Set<String> {
    Set(try await sqliteOnMessages(db, "SELECT messageID FROM message WHERE messageID IS NOT NULL").split(separator: "\n").map(String.init))
}

extension MemorizeBrokerTests {
    @Test("--no-greet: the second instance of a pair stores everything but does not greet again")
    func noGreet() async throws {
        try await withTestBroker { broker in
            let input = #"users/ann/hello {"ipAddress":"127.0.0.1"}"# + "\n" + #"rooms/main/newtext {"author":"ann","text":"hi"}"# + "\n"
            var greetings: [String: String] = [:]
            for flags in [[], ["--no-greet"]] {
                let (db, cleanup) = try temporaryDatabase()
                defer { cleanup() }
                let run = try await runProduct("chatt-memorize", ["--db", db, "--broker", broker.url, "--no-reverse-dns"] + flags,
                                               input: input, environment: ["LOG_LEVEL": "info"])
                #expect(run.status == 0, "\(run.stderr)")
                #expect(try await storedTexts(db) == ["hi"])
                let stopped = run.stderr.split(separator: "\n").first { $0.contains("chatt-memorize stopped") } ?? ""
                greetings[flags.first ?? "default"] = stopped.range(of: #"greetings=\d+"#, options: .regularExpression).map { String(stopped[$0]) }
            }
            #expect(greetings == ["default": "greetings=1", "--no-greet": "greetings=0"])
        }
    }
}
