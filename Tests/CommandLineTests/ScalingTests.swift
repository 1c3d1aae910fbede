import ChatTestSupport
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing

extension Array where Element: Sendable {
    /// `transform` on each element in turn.
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var result: [T] = []
        for element in self { result.append(try await transform(element)) }
        return result
    }
}

/// Past one machine (docs/scaling.md): PostgreSQL shared by several memorize instances
/// that split the broker's messages through a shared subscription, and by several
/// stateless servers; greetings and idle logouts in exactly one instance at a time.
@Suite("Scaling: PostgreSQL, shared subscriptions, several daemons", .serialized)
struct ScalingTests {
    let memorize = productsDirectory.appendingPathComponent("chatt-memorize").path
    let server = productsDirectory.appendingPathComponent("chatt-server").path
    // Debug: each batch stored is logged, so the test sees how the load was split.
    let environment = ["LOG_LEVEL": "debug", "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"]

    func startMemorize(_ broker: TestBroker, db: String, clientID: String) throws -> ToolProcess {
        try ToolProcess(memorize, [
            "--subscribe", "--shared-group", "memorize", "--broker", broker.url, "--client-id", clientID, "--db", db,
            "--no-reverse-dns",
        ], environment: environment)
    }

    func startServer(db: String) async throws -> (ToolProcess, port: Int) {
        let process = try ToolProcess(server, ["--port", "0", "--db", db], environment: environment)
        try await waitUntil("chatt-server to log its port", timeout: .seconds(60)) {
            guard process.isRunning else { throw ServerEnded(stderr: process.stderr) }
            return ServerCommandTests.listeningPort(in: process.stderr) != nil
        }
        return (process, try #require(ServerCommandTests.listeningPort(in: process.stderr)))
    }

    /// How many messages are stored, and how many distinct ids among them.
    func storedCount(_ postgres: TestPostgres, _ db: String) async throws -> (rows: Int, distinctIDs: Int) {
        let answer = try await postgres.psql(database: TestPostgres.databaseName(of: db),
                                             "SELECT count(*) || ' ' || count(DISTINCT message_id) FROM message")
        let numbers = answer.split(separator: " ").compactMap { Int($0) }
        return (numbers.first ?? 0, numbers.last ?? 0)
    }

    @Test("--shared-group needs --subscribe and a name without MQTT wildcards")
    func sharedGroupChecked() async throws {
        let alone = try await runProduct("chatt-memorize", ["--shared-group", "g"], input: "")
        #expect(alone.status != 0 && alone.stderr.contains("--shared-group needs --subscribe"), "\(alone.stderr)")
        let wildcard = try await runProduct("chatt-memorize", ["--subscribe", "--shared-group", "a/#"], input: "")
        #expect(wildcard.status != 0 && wildcard.stderr.contains("without /, +, #"), "\(wildcard.stderr)")
        let badURL = try await runProduct("chatt-memorize", ["--db", "postgres://nobody@localhost"], input: "")
        #expect(badURL.status != 0 && badURL.stderr.contains("no database name"), "\(badURL.stderr)")
    }

    @Test("two instances in a shared group: each message stored once by one of them, both take a share; one greeting per hello; the other leads when the leader dies")
    func sharedGroup() async throws {
        let postgres = try await TestPostgres.running()
        let db = try await postgres.makeDatabase()
        try await withTestBroker(persistence: true, extraConfiguration: "log_type subscribe") { broker in
            var instances = [
                try startMemorize(broker, db: db, clientID: "memorize-a"),
                try startMemorize(broker, db: db, clientID: "memorize-b"),
            ]
            defer { for instance in instances { instance.kill() } }
            try await waitUntil("both to subscribe and one to lead", timeout: .seconds(30)) {
                instances.allSatisfy(\.memorizeHasSubscribed) && instances.contains { $0.stderr.contains("leading:") }
            }
            #expect(instances[0].stderr.contains("$share/memorize/rooms/#"))
            #expect(instances.filter { $0.stderr.contains("leading:") }.count == 1)

            let greetings = try broker.launchClient("mosquitto_sub", ["-t", "rooms/main/newtext", "-F", "%p"])
            defer { greetings.kill() }
            try await waitUntil("mosquitto_sub to subscribe") { broker.log.contains("rooms/main/newtext") }
            _ = try await broker.run("mosquitto_pub", ["-t", "users/ann/hello", "-q", "1", "-m", #"{"ipAddress":"10.0.0.7"}"#])
            try await waitUntil("ann's greeting", timeout: .seconds(20)) { greetings.stdout.contains("Welcome ann") }

            let lines = (0..<400).map { #"{"author":"ann","text":"share \#($0)","id":"share-\#($0)"}"# }
            _ = try await broker.run("mosquitto_pub", ["-t", "rooms/main/newtext", "-q", "1", "-l"], input: lines.joined(separator: "\n") + "\n")
            try await waitUntil("all 400 stored", timeout: .seconds(30)) { try await storedCount(postgres, db).distinctIDs >= 401 }

            let shares = instances.map { Self.messagesStored(in: $0.stderr) }
            // 400 messages and the bot's greeting of ann.
            #expect(shares.reduce(0, +) == 401 && shares.allSatisfy { $0 > 0 }, "each instance takes a share: \(shares)")

            // The leader dies; the other takes the lock (PostgreSQL frees it with the connection).
            let leader = try #require(instances.firstIndex { $0.stderr.contains("leading:") })
            instances[leader].kill()
            _ = try await instances[leader].wait()
            let other = instances[1 - leader]
            try await waitUntil("the other instance to lead", timeout: .seconds(30)) { other.stderr.contains("leading:") }
            try await Task.sleep(for: .milliseconds(500))  // its presence connection subscribes
            _ = try await broker.run("mosquitto_pub", ["-t", "users/bob/hello", "-q", "1", "-m", #"{"ipAddress":"10.0.0.8"}"#])
            try await waitUntil("bob's greeting", timeout: .seconds(20)) { greetings.stdout.contains("Welcome bob") }
            try await Task.sleep(for: .seconds(1))
            #expect(greetings.stdout.components(separatedBy: "Welcome ann").count - 1 == 1, "\(greetings.stdout)")
            #expect(greetings.stdout.components(separatedBy: "Welcome bob").count - 1 == 1, "\(greetings.stdout)")

            instances[leader] = try startMemorize(broker, db: db, clientID: ["memorize-a", "memorize-b"][leader])
            try await waitUntil("the restarted instance to subscribe", timeout: .seconds(30)) { instances[leader].memorizeHasSubscribed }
            for instance in instances { instance.terminate() }
            let ends = [try await instances[0].wait(), try await instances[1].wait()]
            for end in ends { #expect(end.status == 0, "\(end.stderr)") }
            let count = try await storedCount(postgres, db)
            #expect(count.rows == 402 && count.distinctIDs == 402, "400 and two greetings: \(count)")
            print("shared group of two: 400 messages stored once, split \(shares); one greeting per hello, also after the leader's kill -9")
        }
    }

    @Test("two memorize, two servers, one mosquitto, a flood of 10,000 while one memorize and one server are killed with kill -9: nothing lost, nothing twice, both servers answer the same history")
    func killDuringFlood() async throws {
        let postgres = try await TestPostgres.running()
        let db = try await postgres.makeDatabase()
        try await withTestBroker(persistence: true) { broker in
            var instances = [
                try startMemorize(broker, db: db, clientID: "memorize-a"),
                try startMemorize(broker, db: db, clientID: "memorize-b"),
            ]
            var servers = [try await startServer(db: db), try await startServer(db: db)]
            defer {
                for instance in instances { instance.kill() }
                for (server, _) in servers { server.kill() }
            }
            try await waitUntil("both instances to subscribe", timeout: .seconds(30)) { instances.allSatisfy(\.memorizeHasSubscribed) }

            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("chatt-scale-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: folder) }
            let flood = try Flood(broker: broker, directory: folder.path, prefix: "s", count: 10_000, publishers: 4)
            try await waitUntil("part of the flood to be stored", timeout: .seconds(60)) {
                try await storedCount(postgres, db).rows > 1_000
            }
            // kill -9, then a restart a moment later, as systemd's Restart=always does.
            instances[0].kill()
            servers[0].0.kill()
            let atKill = try await storedCount(postgres, db).rows
            _ = try await instances[0].wait()
            _ = try await servers[0].0.wait()
            try await Task.sleep(for: .milliseconds(500))
            instances[0] = try startMemorize(broker, db: db, clientID: "memorize-a")
            servers[0] = try await startServer(db: db)

            try await flood.waitForPublishers()
            var stored = 0
            try await waitUntil("the whole flood to be stored (\(stored) are)", timeout: .seconds(90)) {
                stored = try await storedCount(postgres, db).distinctIDs
                return stored >= 10_000
            }
            try await Task.sleep(for: .seconds(1))  // anything delivered twice arrives now
            let count = try await storedCount(postgres, db)
            #expect(count.rows == 10_000 && count.distinctIDs == 10_000, "\(count)")

            // Every server answers the same history, byte for byte (so the same ETag behind a
            // load balancer): the last messages of every room, and a page of older ones.
            let answers = try await servers.asyncMap { _, port in
                try await [
                    Self.get(port: port, "/data/lastinfo"),
                    Self.get(port: port, "/data/rooms/flood-2/messages?limit=200"),
                ]
            }
            #expect(answers[0] == answers[1])
            // The newest is the last stored, not the last published: a message redelivered
            // after the kill is stored after later ones.
            let newest = try await postgres.psql(database: TestPostgres.databaseName(of: db),
                                                 "SELECT text FROM message WHERE room = 'flood-2' ORDER BY id DESC LIMIT 1")
                .trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(answers[0][1].contains("\"\(newest)\""), "the page holds the newest message of flood-2, \(newest)")

            for instance in instances { instance.terminate() }
            for instance in instances {
                let end = try await instance.wait()
                #expect(end.status == 0, "\(end.stderr)")
            }
            print("two memorize + two servers on PostgreSQL, kill -9 of one of each during a flood of 10000 "
                + "(\(atKill) stored at the kill): \(count.rows) stored, 0 lost, 0 twice; both servers answer the same")
        }
    }

    static func get(port: Int, _ path: String) async throws -> String {
        let url = try #require(URL(string: "http://127.0.0.1:\(port)\(path)"))
        let (data, response) = try await URLSession.shared.data(from: url)
        #expect((response as? HTTPURLResponse)?.statusCode == 200, "\(path)")
        return String(decoding: data, as: UTF8.self)
    }

    /// The sum of the `messages=` of memorize's debug "stored" lines (one per batch).
    static func messagesStored(in stderr: String) -> Int {
        stderr.split(separator: "\n").filter { $0.hasSuffix("] stored") }.reduce(0) { total, line in
            guard let range = line.range(of: #"messages=\d+"#, options: .regularExpression) else { return total }
            return total + (Int(line[range].dropFirst("messages=".count)) ?? 0)
        }
    }
}
